"""A case's row in the journal and the report (a plain dict): its inputs, the answer or the
error, the local scores and its status. Remote scores (judge, embeddings) are added later."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from llmops_cli.evaluation.plan import EvalOptions, Item
from llmops_cli.evaluation.scorers import (
    REMOTE,
    Answer,
    Score,
    combined,
    finite,
    metric_name,
    score,
)
from llmops_cli.evaluation.targets import Completion
from llmops_cli.guardrails.screening import injection_rules, screen
from llmops_cli.manifests.golden import GoldenCase
from llmops_cli.manifests.model import thaw
from llmops_cli.manifests.resolve import ResolvedPipeline


def build_row(
    item: Item,
    completion: Completion | None,
    error: str | None,
    attempts: int,
    cached: bool,
    resolved: ResolvedPipeline,
    options: EvalOptions,
    rules_of: Callable[[str], tuple[str, ...]] = injection_rules,
) -> dict[str, Any]:
    case = item.case
    row: dict[str, Any] = {
        "case_id": case.id,
        "repeat": item.repeat,
        "tags": list(case.tags),
        "input": str(
            item.request.variables.get("question") or item.request.messages[-1]["content"]
        ),
        "expected": thaw(case.expected),
        "retrieved": [c.source for c in item.retrieved],
        "cached": cached,
        "attempts": attempts,
    }
    screened = screen(case.vars, item.retrieved, rules_of)
    if screened:
        row["screening"] = screened
    if completion is None:
        row.update(
            status="errored",
            error=error or "unknown error",
            output=None,
            scores={},
            latency_ms=None,
            prompt_tokens=0,
            completion_tokens=0,
            cost_usd=None,
        )
        return row
    answer = Answer(
        output=completion.text,
        expected=thaw(case.expected),
        expected_sources=case.expected_sources,
        retrieved_sources=row["retrieved"],
        latency_ms=completion.latency_ms,
        tokens=completion.prompt_tokens + completion.completion_tokens,
        cost_usd=completion.cost_usd,
    )
    specs = case_specs(resolved, case)
    found: dict[str, Score] = {}
    for spec in specs:
        if spec["type"] in REMOTE:
            continue
        name = metric_name(spec)
        result = finite(score(spec, answer), case.id, name)
        found[name] = combined(found[name], result) if name in found else result
    scores = {name: result.to_dict() for name, result in found.items()}
    row.update(
        error=None,
        output=completion.text,
        scores=scores,
        latency_ms=round(completion.latency_ms, 3),
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        cost_usd=completion.cost_usd,
    )
    set_status(row)
    return row


def set_status(row: dict[str, Any]) -> None:
    """`failed` when a pass/fail check failed, `passed` when at least one ran and none failed,
    `scored` when no check judged the case (graded metrics only): not a pass."""
    verdicts = [s["passed"] for s in row["scores"].values() if s["passed"] is not None]
    failed = [name for name, s in row["scores"].items() if s["passed"] is False]
    row["failed_checks"] = failed
    row["status"] = "failed" if failed else "passed" if verdicts else "scored"


def case_specs(resolved: ResolvedPipeline, case: GoldenCase) -> list[Mapping[str, Any]]:
    """Every scorer that applies to a case: the pipeline's `scorers`, then its own `assert`,
    and the prompt's output contract (`output: {format: json, schema}`) as a `json_schema`
    check — the schema of any `json_schema` scorer that names none."""
    specs: list[Mapping[str, Any]] = [*resolved.pipeline.get("scorers", ()), *case.asserts]
    contract = resolved.prompt.get("output") or {}
    schema = contract.get("schema")
    if contract.get("format") != "json" or schema is None:
        return specs
    specs = [
        {**s, "schema": schema} if s["type"] == "json_schema" and "schema" not in s else s
        for s in specs
    ]
    if not any(s["type"] == "json_schema" for s in specs):
        specs.append({"type": "json_schema", "schema": schema})
    return specs

"""Rules a schema cannot express, checked on each manifest on its own."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import TYPE_CHECKING

from llmops_cli.errors import Problem
from llmops_cli.manifests.golden import GoldenCase
from llmops_cli.manifests.model import (
    Manifest,
    ModelManifest,
    PromptManifest,
    RetrievalManifest,
    ThresholdsManifest,
    thaw,
)
from llmops_cli.manifests.pinning import is_pinned
from llmops_cli.metrics import info
from llmops_cli.templates import RETRIEVAL_VARIABLES, TemplateProblem, render, variables_used

if TYPE_CHECKING:
    from llmops_cli.project import PolicySettings

LOCAL_MODELS = ("extractive-baseline",)
RENDER_CASES = 1_000  # rendered up front: ~15 µs a template, <30 ms for any golden set
# What the runner passes a prompt of a pipeline with retrieval, in the shape it passes it.
SAMPLE_RETRIEVAL = {
    "context": "[sample.md]\nA sample passage.",
    "chunks": [{"id": "sample.md#0", "source": "sample.md", "text": "A sample passage."}],
}


def check_manifest(manifest: Manifest, policy: PolicySettings) -> list[Problem]:
    if isinstance(manifest, PromptManifest):
        return check_prompt(manifest)
    if isinstance(manifest, ModelManifest):
        return check_model(manifest, policy)
    if isinstance(manifest, RetrievalManifest):
        return check_retrieval(manifest)
    if isinstance(manifest, ThresholdsManifest):
        return check_thresholds(manifest)
    return []


def template_variables(prompt: PromptManifest) -> tuple[frozenset[str], list[Problem]]:
    """Names the templates read, and syntax errors located in the manifest file."""
    used: set[str] = set()
    problems = []
    for part in ("system", "user"):
        source = prompt.data["template"].get(part)
        if source is None:
            continue
        try:
            used |= variables_used(source)
        except TemplateProblem as exc:
            line = _template_line(prompt, part, exc.line)
            problems.append(Problem(prompt.path, str(exc), line=line, field=f"template.{part}"))
    return frozenset(used), problems


def render_problems(
    prompt: PromptManifest, cases: Sequence[GoldenCase], retrieval: bool
) -> list[Problem]:
    """Render each template with the first cases' variables (and a sample of what retrieval
    supplies), so that `validate` finds what only rendering shows: a variable used the wrong
    way, a sandbox limit hit (`range(10**9)`). One problem per template, naming the case."""
    extra = SAMPLE_RETRIEVAL if retrieval else {}
    problems = []
    for part in ("system", "user"):
        source = prompt.data["template"].get(part)
        if source is None:
            continue
        for case in cases[:RENDER_CASES]:
            try:
                render(source, {**thaw(case.vars), **extra})
            except TemplateProblem as exc:
                line = _template_line(prompt, part, exc.line)
                message = f"case {case.id!r}: {exc}"
                problems.append(Problem(prompt.path, message, line=line, field=f"template.{part}"))
                break
    return problems


def _template_line(prompt: PromptManifest, part: str, line: int | None) -> int | None:
    """The manifest line of a template line; block scalars (`user: |`) start on the next line."""
    start = prompt.line_of("template", part) or 0
    return start + (line or 1) if "\n" in prompt.data["template"][part] else start


def check_prompt(prompt: PromptManifest) -> list[Problem]:
    used, problems = template_variables(prompt)
    declared = set(prompt.variables)
    undeclared = sorted(used - declared - RETRIEVAL_VARIABLES)
    if undeclared:
        problems.append(
            Problem(
                prompt.path,
                f"template uses undeclared variable(s) {', '.join(undeclared)}; "
                "add them to `variables`",
                line=prompt.line_of("template"),
                field="variables",
            )
        )
    unused = sorted(declared - used)
    if unused:
        problems.append(
            Problem(
                prompt.path,
                f"declared variable(s) {', '.join(unused)} are not used by the template",
                line=prompt.line_of("variables"),
                field="variables",
                severity="warning",
            )
        )
    output = prompt.get("output")
    if output is not None and output.get("format") == "text" and "schema" in output:
        problems.append(
            Problem(
                prompt.path,
                "a schema needs `format: json`",
                line=prompt.line_of("output"),
                field="output.schema",
            )
        )
    return problems


def check_model(model: ModelManifest, policy: PolicySettings) -> list[Problem]:
    problems = []
    if model.provider == "local":
        if model.model not in LOCAL_MODELS:
            problems.append(
                Problem(
                    model.path,
                    f"unknown local model {model.model!r}; built-in: {', '.join(LOCAL_MODELS)}",
                    line=model.line_of("model"),
                    field="model",
                )
            )
    elif (
        model.provider != "python"
        and not model.get("allow_unpinned")
        and not is_pinned(model.model)
    ):
        problems.append(
            Problem(
                model.path,
                f"model {model.model!r} is a floating alias that can change "
                "without notice; pin a dated release (e.g. gpt-4o-mini-2024-07-18) or set "
                "`allow_unpinned: true`",
                line=model.line_of("model"),
                field="model",
            )
        )
    allowed = policy.allowed_models
    if allowed and not any(fnmatch.fnmatchcase(model.litellm_id, pat) for pat in allowed):
        problems.append(
            Problem(
                model.path,
                f"{model.litellm_id} is not allowed by llmops.yaml "
                f"policy.allowed_models ({', '.join(allowed)})",
                line=model.line_of("model"),
                field="model",
            )
        )
    if model.ref in model.fallbacks:
        problems.append(
            Problem(
                model.path,
                "a model cannot fall back to itself",
                line=model.line_of("fallbacks"),
                field="fallbacks",
            )
        )
    return problems


LOCAL_EMBEDDINGS = ("local:all-minilm-l6-v2",)


def check_retrieval(retrieval: RetrievalManifest) -> list[Problem]:
    embedding = retrieval.embedding_model.lower()
    if embedding.startswith("local:") and embedding not in LOCAL_EMBEDDINGS:
        return [
            Problem(
                retrieval.path,
                f"unknown local embedding model {retrieval.embedding_model!r};"
                f" built-in: {', '.join(LOCAL_EMBEDDINGS)}",
                line=retrieval.line_of("embedding_model"),
                field="embedding_model",
            )
        ]
    if retrieval.chunk_overlap >= retrieval.chunk_size:
        return [
            Problem(
                retrieval.path,
                f"chunk_overlap ({retrieval.chunk_overlap}) must be smaller "
                f"than chunk_size ({retrieval.chunk_size})",
                line=retrieval.line_of("chunk_overlap"),
                field="chunk_overlap",
            )
        ]
    return []


def check_thresholds(thresholds: ThresholdsManifest) -> list[Problem]:
    problems = []
    for name, rule in thresholds.metrics.items():
        metric = info(name)
        if metric is None or not metric.unit_interval:
            continue
        for bound in ("min", "max"):
            value = rule.get(bound)
            if value is not None and not 0 <= value <= 1:
                problems.append(
                    Problem(
                        thresholds.path,
                        f"{name} is a fraction in [0, 1]; got {value} (write 0.8, not 80)",
                        line=thresholds.line_of("metrics", name, bound),
                        field=f"metrics.{name}.{bound}",
                    )
                )
        if "min" in rule and "max" in rule and rule["min"] > rule["max"]:
            problems.append(
                Problem(
                    thresholds.path,
                    "min is greater than max",
                    line=thresholds.line_of("metrics", name),
                    field=f"metrics.{name}",
                )
            )
    return problems

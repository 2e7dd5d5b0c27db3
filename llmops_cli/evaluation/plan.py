"""What an eval runs: the selected golden cases, the chunks retrieved for each, the rendered
request, and one Item per case and repeat."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.cache import CacheMode
from llmops_cli.evaluation.retrieval import Chunk, build_retriever
from llmops_cli.evaluation.targets import Request, load_callable
from llmops_cli.manifests.golden import GoldenCase
from llmops_cli.manifests.model import thaw
from llmops_cli.manifests.resolve import ResolvedPipeline
from llmops_cli.project import Project
from llmops_cli.templates import TemplateProblem, render


@dataclass(frozen=True)
class EvalOptions:
    concurrency: int | None = None
    repeat: int = 1
    limit: int | None = None
    tags: tuple[str, ...] = ()
    cache: CacheMode = CacheMode.read_write
    cassette: Path | None = None  # read-write records it, read-only replays it
    scrub_outputs: bool = True


@dataclass(frozen=True)
class Item:
    index: int
    case: GoldenCase
    repeat: int
    request: Request
    retrieved: tuple[Chunk, ...]
    key: str


def select_cases(
    cases: Sequence[GoldenCase], tags: Sequence[str], limit: int | None
) -> list[GoldenCase]:
    chosen = [c for c in cases if not tags or set(tags) & set(c.tags)]
    return chosen[:limit] if limit is not None else chosen


def retrieve(
    project: Project, resolved: ResolvedPipeline, cases: Sequence[GoldenCase]
) -> list[tuple[Chunk, ...]]:
    retrieval = resolved.retrieval
    if retrieval is None or resolved.corpus_path is None or resolved.corpus_sha256 is None:
        return [() for _ in cases]
    retriever = build_retriever(
        retrieval,
        resolved.corpus_path,
        resolved.corpus_sha256,
        project.state_dir,
        lambda spec: load_callable(spec, project.root),
        project.pii_regions,
    )
    queries = [_query(resolved, case) for case in cases]
    return [tuple(found) for found in retriever.retrieve(queries, retrieval.top_k)]


def _query(resolved: ResolvedPipeline, case: GoldenCase) -> str:
    """What to search for: the `query` or `question` variable, else the rendered user turn."""
    for name in ("query", "question"):
        if isinstance(case.vars.get(name), str):
            return str(case.vars[name])
    try:
        return render(resolved.prompt.user, {**thaw(case.vars), "context": "", "chunks": []})
    except TemplateProblem:
        return " ".join(str(v) for v in case.vars.values())


def build_request(
    resolved: ResolvedPipeline,
    case: GoldenCase,
    chunks: Sequence[Chunk],
    parameters: Mapping[str, Any],
) -> Request:
    variables = dict(thaw(case.vars))
    if resolved.retrieval is not None:
        variables["context"] = "\n\n".join(f"[{c.source}]\n{c.text}" for c in chunks)
        variables["chunks"] = [{"id": c.id, "source": c.source, "text": c.text} for c in chunks]
    messages = []
    try:
        if resolved.prompt.system:
            messages.append(
                {"role": "system", "content": render(resolved.prompt.system, variables)}
            )
        messages.append({"role": "user", "content": render(resolved.prompt.user, variables)})
    except TemplateProblem as exc:
        raise LlmopsError(f"{resolved.prompt.path}: case {case.id!r}: {exc}") from exc
    return Request(
        messages=messages,
        parameters=parameters,
        variables=variables,
        passages=tuple(c.text for c in chunks),
    )


def plan_items(
    project: Project,
    resolved: ResolvedPipeline,
    cases: Sequence[GoldenCase],
    target_identity: str,
    repeats: int,
) -> list[Item]:
    """One Item per case and repeat: retrieved, rendered, and keyed for the response cache."""
    from llmops_cli.evaluation.cache import cache_key

    retrieved = retrieve(project, resolved, cases)
    parameters = {**thaw(resolved.model.parameters), **thaw(resolved.prompt.parameters)}
    items = []
    for index, case in enumerate(cases):
        request = build_request(resolved, case, retrieved[index], parameters)
        for repeat in range(repeats):
            key = cache_key(target_identity, request.messages, parameters, repeat)
            items.append(Item(index, case, repeat, request, retrieved[index], key))
    return items

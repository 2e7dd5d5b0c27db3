"""The LLM injection classifier over a model target: `classifier_for` resolves the model
manifest (`llmops guard --classifier NAME@VERSION`, or `guardrails.injection_classifier` in
llmops.yaml) and gives guardrails a `Classify` callable, so guardrails never imports the
evaluation layer."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.targets import Request, TargetError
from llmops_cli.guardrails.classifier import Classify, classifier_messages, parse_label

if TYPE_CHECKING:
    from llmops_cli.evaluation.targets import Target
    from llmops_cli.project import Project

RETRIES = 2


def classifier_for(
    project: Project | str | os.PathLike[str] | None, ref: str | None
) -> Classify | None:
    """The named classifier model; without one, the project's default (outside a project,
    none; a name outside a project is the one-line "no llmops.yaml" error)."""
    from llmops_cli.guardrails.pipeline import find_project
    from llmops_cli.project import CONFIG_FILE

    root, proj = find_project(project)
    if proj is None:
        if ref is not None:
            from llmops_cli.project import Project

            Project.find(root)  # raises the one-line "no llmops.yaml" error
        return None
    where = "--classifier" if ref else f"{proj.root / CONFIG_FILE}: guardrails.injection_classifier"
    ref = ref or proj.config.guardrails.injection_classifier
    if ref is None:
        return None
    from llmops_cli.evaluation.targets import make_target
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.model import ModelManifest

    try:
        model = Catalog.load(proj).find("model", ref)
    except LookupError as exc:  # the catalog's message names what is known (did you mean)
        raise LlmopsError(f"{where}: {exc}") from None
    assert isinstance(model, ModelManifest)
    return functools.partial(classify, make_target(model, proj.root))


async def _one(target: Target, text: str, timeout_s: float) -> bool | None:
    request = Request(
        messages=classifier_messages(text),
        parameters={"temperature": 0, "max_tokens": 60},
        variables={},
    )
    for attempt in range(RETRIES + 1):
        try:
            completion = await target.complete(request, timeout_s)
        except TargetError as exc:
            if not exc.retryable or attempt == RETRIES:
                return None
            await asyncio.sleep(exc.retry_after or 0.5 * 2**attempt)
            continue
        return parse_label(completion.text)
    return None  # pragma: no cover - the loop always returns


def classify(
    target: Target, texts: Sequence[str], concurrency: int = 8, timeout_s: float = 30.0
) -> list[bool | None]:
    """True / False per text; None where the call failed or the answer had no label."""
    if not texts:
        return []
    target.prepare()
    limit = asyncio.Semaphore(concurrency)

    async def bounded(text: str) -> bool | None:
        async with limit:
            return await _one(target, text, timeout_s)

    async def run() -> list[bool | None]:
        try:
            return list(await asyncio.gather(*(bounded(t) for t in texts)))
        finally:
            close = getattr(target, "aclose", None)  # the direct HTTP target's pooled session
            if close is not None:
                await close()

    return asyncio.run(run())

"""`api.guard`: the guardrails pipeline with the project's LLM injection classifier.

`guardrails/` never imports `llmops_cli.evaluation` (model targets, the catalog); this module
composes the two, so the library call and `llmops guard` both honour llmops.yaml's
`guardrails.injection_classifier`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from llmops_cli.guardrails.guard import CHECKS
from llmops_cli.guardrails.pipeline import GuardRunReport, find_project
from llmops_cli.guardrails.pipeline import guard as run_guard
from llmops_cli.guardrails.toxicity import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from llmops_cli.guardrails.classifier import Classify
    from llmops_cli.project import Project


def guard(
    project: Project | str | os.PathLike[str] | None = None,
    texts: str | Sequence[str] | None = None,
    file: str | os.PathLike[str] | None = None,
    *,
    checks: str | Sequence[str] = CHECKS,
    fields: str | Sequence[str] = ("text",),
    redact: bool = False,
    out: str | os.PathLike[str] | None = None,
    toxicity_threshold: float = DEFAULT_THRESHOLD,
    classify: Classify | None = None,
    classifier: str | None = None,
) -> GuardRunReport:
    """`guardrails.pipeline.guard`; without `classify`, the LLM classifier is the model
    manifest `classifier` (NAME@VERSION), else the project's
    `guardrails.injection_classifier`, else none."""
    if classify is None:
        from llmops_cli.evaluation.injection_classifier import classifier_for

        _, proj = find_project(project)
        classify = classifier_for(proj if proj is not None else project, classifier)
    return run_guard(
        project,
        texts,
        file,
        checks=checks,
        fields=fields,
        redact=redact,
        out=out,
        toxicity_threshold=toxicity_threshold,
        classify=classify,
    )

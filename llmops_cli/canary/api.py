"""`api.canary_analyze`: the canary analysis as one call. Light to import: pandas and scipy
(the `drift` extra) load only when an analysis runs."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from llmops_cli.errors import LlmopsError

if TYPE_CHECKING:
    from llmops_cli.contracts.canary import CanaryDecision
    from llmops_cli.project import Project


def canary_analyze(
    project: Project | str | os.PathLike[str] | None = None,
    logs: str | os.PathLike[str] | None = None,
    *,
    control: str,
    treatment: str,
    arm_field: str = "prompt_version",
    metrics: Sequence[str] = (),
    alpha: float = 0.05,
    correction: str = "holm",
    treatment_share: float = 0.5,
    sequential: bool = False,
    pair_field: str | None = None,
    judge_fields: str | tuple[str, str] | None = None,
    on_bad_record: str = "skip",
    max_bad_fraction: float = 0.01,
    out: str | os.PathLike[str] | None = None,
) -> CanaryDecision:
    """Compare the control and treatment arms in `logs` metric by metric, as
    `llmops canary analyze` does, and decide promote / hold / rollback. `metrics` are
    `NAME[:rate|mean|distribution][:higher|lower][@MDE]` (default: every known field in the
    logs); `judge_fields` is `FIRST,SECOND` (shadow mode, with `pair_field`). With `out` the
    decision is also written there (for `promote --evidence`). A relative `logs` or `out` is
    taken from the `project`'s folder when one is given."""
    from llmops_cli.extras import needed

    with needed("drift"):  # pandas, pyarrow, scipy
        from llmops_cli.canary.analyze import analyze
        from llmops_cli.canary.config import CanaryConfig, parse_metric
        from llmops_cli.canary.records import load_logs
        from llmops_cli.drift.logs import BadRecords
    from llmops_cli.fileio import write_atomic

    if logs is None:
        raise LlmopsError("--logs is required: the inference logs of both arms")
    judges = _judge_fields(judge_fields, pair_field)
    config = CanaryConfig(
        arm_field=arm_field,
        control=control,
        treatment=treatment,
        metrics=[parse_metric(m) for m in metrics],
        alpha=alpha,
        correction=correction,
        treatment_share=treatment_share,
        sequential=sequential,
        pair_field=pair_field,
        judge_fields=judges,
        on_bad_record=on_bad_record,
        max_bad_fraction=max_bad_fraction,
    )
    path = _under(project, logs)
    bad = BadRecords(config.on_bad_record)
    decision = analyze(load_logs(path, config, bad), config, str(logs), bad)
    if out is not None:
        write_atomic(_under(project, out), decision_json(decision) + "\n")
    return decision


def decision_json(decision: CanaryDecision) -> str:
    """The decision file's text (numpy scalars as plain numbers)."""
    return json.dumps(decision.to_dict(), indent=2, default=float)


def _judge_fields(
    value: str | tuple[str, str] | None, pair_field: str | None
) -> tuple[str, str] | None:
    if not value:
        return None
    parts = [p.strip() for p in value.split(",")] if isinstance(value, str) else list(value)
    if len(parts) != 2 or not pair_field:
        raise LlmopsError("--judge-fields needs FIRST,SECOND and --pair-field")
    return parts[0], parts[1]


def _under(project: Project | str | os.PathLike[str] | None, path: str | os.PathLike[str]) -> Path:
    from llmops_cli.project import Project

    if project is None or Path(path).is_absolute():
        return Path(path)
    root = project.root if isinstance(project, Project) else Path(project)
    return root / path

"""`api.drift_check`: the drift check as one call, and `run_check`, which the CLI uses to
also learn which files it wrote. Light to import: numpy, pandas and pyarrow (the `drift`
extra) load only when a check runs."""

from __future__ import annotations

import inspect
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec

from llmops_cli.contracts.drift import DriftReport
from llmops_cli.errors import LlmopsError
from llmops_cli.project import Project

if TYPE_CHECKING:
    from llmops_cli.drift.summary import WindowSummary

_P = ParamSpec("_P")


@dataclass(frozen=True)
class DriftRun:
    """A check and what it wrote: the report files and any warning (a webhook not reached)."""

    report: DriftReport
    files: dict[str, Path]
    warnings: tuple[str, ...] = ()


def run_check(
    project: Project | str | os.PathLike[str] | None = None,
    pipeline: str | None = None,
    *,
    current: str | os.PathLike[str] | None = None,
    reference: str | os.PathLike[str] | None = None,
    log: str | os.PathLike[str] | None = None,
    baseline: str | os.PathLike[str] | None = None,
    thresholds: str | None = None,
    name: str | None = None,
    consecutive: int | None = None,
    min_window: int | None = None,
    state: bool = True,
    on_bad_record: str | None = None,
    out: str | os.PathLike[str] | None = None,
    prometheus: str | os.PathLike[str] | None = None,
    webhook: str | None = None,
    now: datetime | str | None = None,
    timestamp_field: str | None = None,
) -> DriftRun:
    """`llmops drift-check`: settings, windows, the check, its alert state and outputs
    (report files under reports/drift/, streaks in .llmops/drift/, textfile, webhook)."""
    from llmops_cli.extras import needed

    with needed("drift"):  # pandas, pyarrow, scipy
        from llmops_cli.drift import outputs
        from llmops_cli.drift.run import check, context
        from llmops_cli.drift.windows import make_window

    if current is None:
        raise LlmopsError("--current is required: a log file or a range over --log (last:24h)")
    if baseline is not None and reference is not None:
        raise LlmopsError("give --reference or --baseline, not both")
    proj, config, moment = context(
        _project(project), thresholds, pipeline, now, on_bad_record, timestamp_field
    )
    root = proj.root if proj else Path.cwd()
    config = config.with_overrides(min_window=min_window, consecutive=consecutive)
    if not state:
        config = config.with_overrides(consecutive=1)
    check_name = outputs.check_name(name, thresholds, pipeline)
    log_path = _path(log)
    cur = make_window("current", str(current), log_path, moment)
    ref_value = None if reference is None else str(reference)
    ref = None if baseline else make_window("reference", ref_value, log_path, moment, before=cur)
    report = check(
        config,
        cur,
        reference=ref,
        baseline=_path(baseline),
        name=check_name,
        now=moment,
        state_path=outputs.state_path(root, check_name) if state else None,
    )
    inputs = [cur.describe(), ref.describe() if ref else f"baseline {baseline}", config.source]
    folder = _path(out) or outputs.report_folder(root, check_name, moment, "\n".join(inputs))
    files = outputs.write_reports(report, folder)
    if prometheus is not None:
        outputs.write_textfile(report, Path(prometheus), time.time())
    warning = outputs.notify(report, webhook) if webhook else ""
    return DriftRun(report, files, (warning,) if warning else ())


def make_baseline(
    project: Project | Path | None = None,
    pipeline: str | None = None,
    *,
    reference: str | Path | None = None,
    log: Path | None = None,
    out: Path,
    thresholds: str | None = None,
    on_bad_record: str | None = None,
    now: datetime | str | None = None,
    timestamp_field: str | None = None,
) -> WindowSummary:
    """`llmops drift-check baseline`: summarise a reference window once into `out`."""
    from llmops_cli.extras import needed

    with needed("drift"):  # pandas, pyarrow, scipy
        from llmops_cli.drift.run import build_baseline, context
        from llmops_cli.drift.windows import make_window

    _, config, moment = context(project, thresholds, pipeline, now, on_bad_record, timestamp_field)
    ref_value = None if reference is None else str(reference)
    return build_baseline(config, make_window("reference", ref_value, log, moment), out, moment)


def _project(project: Project | str | os.PathLike[str] | None) -> Project | Path | None:
    """A path names the project folder (`-C DIR`, or an API caller's path)."""
    return Path(project) if isinstance(project, str | os.PathLike) else project


def _path(value: str | os.PathLike[str] | None) -> Path | None:
    return None if value is None else Path(value)


def _report_of(run: Callable[_P, DriftRun]) -> Callable[_P, DriftReport]:
    """`run`'s signature (for help() and type checkers), returning only the report."""

    def report(*args: _P.args, **kwargs: _P.kwargs) -> DriftReport:
        return run(*args, **kwargs).report

    signature = inspect.signature(run).replace(return_annotation="DriftReport")
    report.__signature__ = signature  # type: ignore[attr-defined]
    return report


drift_check = _report_of(run_check)
drift_check.__doc__ = """Compare the `current` window of production logs with a reference as
`llmops drift-check` does: same options, same files under reports/drift/, same alert state
in .llmops/drift/; returns the DriftReport. `report.alerting` is the exit-5 case. A webhook
that cannot be reached does not raise: the report stands. `project` is a `Project` or its
folder; None looks up from the working directory and needs none unless `thresholds` or
`pipeline` is given."""
drift_check.__name__ = drift_check.__qualname__ = "drift_check"

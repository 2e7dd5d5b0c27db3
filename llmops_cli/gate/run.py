"""The gate run: resolve the pipeline, find the report and its baseline, decide (pure, in
`gate.checks`), write gate.json beside the report. Imports are lazy: `llmops_cli.api`
imports this module."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from llmops_cli.contracts.report import load_report
from llmops_cli.contracts.verdict import GateVerdict
from llmops_cli.errors import LlmopsError
from llmops_cli.fileio import PathArg, optional_path, write_atomic
from llmops_cli.gate.baseline import Baseline, registry_baseline
from llmops_cli.gate.checks import check_gate
from llmops_cli.project import Project

if TYPE_CHECKING:
    from llmops_cli.registry.store import Progress


def run_gate(
    project: Project,
    pipeline: str,
    report_path: Path | None,
    baseline_path: Path | None,
    *,
    strict: bool,
    baseline_stage: str | None = None,
    allow_missing_baseline: bool = False,
    allow_partial: bool = False,
    progress: Progress | None = None,
) -> tuple[GateVerdict, Path]:
    from llmops_cli.evaluation.report import latest_report
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.model import thaw
    from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline

    catalog = Catalog.load(project)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, pipeline))
    path = report_path or latest_report(project, resolved.pipeline.name)
    report = load_report(path)
    if report.pipeline_name != resolved.pipeline.name:
        raise LlmopsError(f"{path}: the report is for {report.pipeline}, not {pipeline}")
    stage = baseline_stage or resolved.thresholds.get("regression", {}).get("baseline")
    if baseline_path is not None:
        baseline = Baseline(load_report(baseline_path), f"baseline: {baseline_path}")
    elif stage:
        baseline = registry_baseline(
            project,
            resolved.pipeline.name,
            stage,
            allow_missing=allow_missing_baseline,
            progress=progress,
        )
    else:
        baseline = Baseline(None, "")
    verdict = check_gate(
        report,
        thaw(resolved.thresholds.data),
        baseline.report,
        strict=strict,
        current_fingerprint=resolved.fingerprint,
        baseline_note=baseline.note,
        allow_partial=allow_partial,
    )
    out = path.parent / "gate.json"
    write_atomic(out, verdict.to_json() + "\n")
    from llmops_cli.evaluation.report import write_gate_views

    write_gate_views(project, path.parent, report, verdict, baseline.report, baseline.note)
    _tag_tracked_run(project, verdict, out)
    return verdict, out


def _tag_tracked_run(project: Project, verdict: GateVerdict, out: Path) -> None:
    """The verdict as tags (and its views as artifacts) on the MLflow run it judged, from a
    detached process: the gate never waits on MLflow, and a failure is one warning on a later
    command. Nothing happens when the judged run was not tracked."""
    from llmops_cli.tracking import read_outcome
    from llmops_cli.tracking_links import follow_up, verdict_tags

    if not read_outcome(project, verdict.run_id):
        return
    views = tuple(out.parent / name for name in ("gate.json", "junit.xml", "report.html"))
    follow_up(project, verdict.run_id, "gate", verdict_tags(verdict.to_dict()), files=views)


def gate(
    project: Project | str | os.PathLike[str] | None,
    pipeline: str,
    *,
    report: PathArg | None = None,
    baseline: PathArg | None = None,
    baseline_stage: str | None = None,
    allow_missing_baseline: bool = False,
    allow_partial: bool = False,
    strict: bool = False,
) -> GateVerdict:
    """Pass or fail `report` (default: the pipeline's latest) as `llmops gate`, and write
    gate.json beside it. The baseline is the report at `baseline`, else the evidence of the
    version in `baseline_stage` (default: the thresholds' `regression.baseline`); a registry
    that cannot be read is an error unless `allow_missing_baseline`. A report of part of the
    golden set (`--limit`, `--filter`) fails unless `allow_partial` (then a warning, and the
    verdict records `partial`; promote still refuses it). `strict` makes warnings failures.
    Raises `LlmopsError` for anything the user can fix."""
    from llmops_cli.api import load_project

    verdict, _ = run_gate(
        load_project(project),
        pipeline,
        optional_path(report),
        optional_path(baseline),
        strict=strict,
        baseline_stage=baseline_stage,
        allow_missing_baseline=allow_missing_baseline,
        allow_partial=allow_partial,
    )
    return verdict

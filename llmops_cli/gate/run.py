"""The gate run: resolve the pipeline, find the report and its baseline, decide (pure, in
`gate.checks`), write gate.json beside the report."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.report import latest_report
from llmops_cli.fileio import write_atomic
from llmops_cli.gate.baseline import Baseline, read_report, registry_baseline
from llmops_cli.gate.checks import GateVerdict, check_gate
from llmops_cli.manifests.catalog import Catalog
from llmops_cli.manifests.model import thaw
from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline
from llmops_cli.project import Project


def run_gate(
    project: Project,
    pipeline: str,
    report_path: Path | None,
    baseline_path: Path | None,
    *,
    strict: bool,
    baseline_stage: str | None = None,
    allow_missing_baseline: bool = False,
) -> tuple[GateVerdict, Path]:
    catalog = Catalog.load(project)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, pipeline))
    path = report_path or latest_report(project, resolved.pipeline.name)
    report = read_report(path)
    if report["pipeline"].split("@")[0] != resolved.pipeline.name:
        raise LlmopsError(f"{path}: the report is for {report['pipeline']}, not {pipeline}")
    stage = baseline_stage or resolved.thresholds.get("regression", {}).get("baseline")
    if baseline_path is not None:
        baseline = Baseline(read_report(baseline_path), f"baseline: {baseline_path}")
    elif stage:
        baseline = registry_baseline(
            project, resolved.pipeline.name, stage, allow_missing=allow_missing_baseline
        )
    else:
        baseline = Baseline(None, "")
    verdict = check_gate(
        report,
        thaw(resolved.thresholds.data),
        baseline.report,
        strict=strict,
        current_fingerprint=resolved.fingerprint,
    )
    verdict = replace(verdict, baseline_note=baseline.note)
    out = path.parent / "gate.json"
    write_atomic(out, json.dumps(verdict.to_dict(), indent=2) + "\n")
    return verdict, out

"""The I/O around the pure gate: find the report and its thresholds, write gate.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.report import latest_report
from llmops_cli.fileio import write_atomic
from llmops_cli.gate import GateVerdict, check_gate
from llmops_cli.manifests.catalog import Catalog
from llmops_cli.manifests.model import thaw
from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline
from llmops_cli.project import Project


def read_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise LlmopsError(f"{path}: cannot read report: {exc.strerror}") from exc
    except ValueError as exc:
        raise LlmopsError(f"{path}: not a JSON report: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema_version") != 1 or "summary" not in data:
        raise LlmopsError(f"{path}: not an llmops report (schema_version 1)")
    return data


def registry_baseline(project: Project, pipeline: str, stage: str) -> dict[str, Any] | None:
    """The report behind the version in `stage`, or None without a registry or a version."""
    from llmops_cli.registry.registry import Registry

    try:
        registry = Registry(project)
    except LlmopsError:
        return None
    return registry.evidence_report(pipeline, stage)


def run_gate(
    project: Project,
    pipeline: str,
    report_path: Path | None,
    baseline_path: Path | None,
    *,
    strict: bool,
    baseline_stage: str | None = None,
) -> tuple[GateVerdict, Path]:
    catalog = Catalog.load(project)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, pipeline))
    path = report_path or latest_report(project, resolved.pipeline.name)
    report = read_report(path)
    if report["pipeline"].split("@")[0] != resolved.pipeline.name:
        raise LlmopsError(f"{path}: the report is for {report['pipeline']}, not {pipeline}")
    baseline: dict[str, Any] | None
    if baseline_path is not None:
        baseline = read_report(baseline_path)
    else:
        stage = baseline_stage or resolved.thresholds.get("regression", {}).get("baseline")
        baseline = registry_baseline(project, resolved.pipeline.name, stage) if stage else None
    verdict = check_gate(
        report,
        thaw(resolved.thresholds.data),
        baseline,
        strict=strict,
        current_fingerprint=resolved.fingerprint,
    )
    out = path.parent / "gate.json"
    write_atomic(out, json.dumps(verdict.to_dict(), indent=2) + "\n")
    return verdict, out

"""The eval report: `reports/<pipeline>/<run_id>/` holding report.json (schema_version 1),
report.md, report.html and junit.xml, written all together or not at all."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from llmops_cli import __version__
from llmops_cli.evaluation.aggregate import by_tag, summarize
from llmops_cli.evaluation.local import BASELINE_LABEL
from llmops_cli.evaluation.runner import EvalRun
from llmops_cli.gitinfo import head_commit
from llmops_cli.manifests.resolve import ResolvedPipeline
from llmops_cli.project import Project
from llmops_cli.render import html, junit, markdown

REPORT_SCHEMA_VERSION = 1


def build_report(project: Project, run: EvalRun) -> dict[str, Any]:
    resolved = run.resolved
    model = resolved.model
    summary = resolved.summary()
    baseline = model.provider == "local"
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "run_id": run.run_id,
        "pipeline": resolved.pipeline.ref,
        "fingerprint": resolved.fingerprint,
        "git": head_commit(project.root),
        "llmops_version": __version__,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "wall_s": round(run.wall_s, 3),
        "target": {
            "model": model.ref,
            "id": model.litellm_id,
            "baseline": baseline,
            "label": BASELINE_LABEL if baseline else model.litellm_id,
        },
        "manifests": summary["manifests"],
        "golden_set": summary["golden_set"],
        "corpus": summary["corpus"],
        "options": {
            "repeat": run.options.repeat,
            "limit": run.options.limit,
            "tags": list(run.options.tags),
            "concurrency": run.options.concurrency,
            "cache": str(run.options.cache),
            "scrubbed": run.options.scrub_outputs,
        },
        "cache": {
            "hits": run.cache_hits,
            "misses": run.cache_misses,
            "resumed_cases": run.resumed_rows,
        },
        "summary": summarize(run.rows),
        "warnings": _judge_warnings(project, resolved),
        "slices": by_tag(run.rows),
        "cases": run.rows,
    }


def _judge_warnings(project: Project, resolved: ResolvedPipeline) -> list[str]:
    if not any(s["type"] == "judge" for s in resolved.pipeline.get("scorers", ())):
        return []  # the calibration code (and numpy) only for pipelines with a judge
    from llmops_cli.evaluation.calibration import calibration_warnings

    return calibration_warnings(project, resolved)


def write_report(project: Project, report: dict[str, Any]) -> Path:
    """Write every file into a staging folder, then rename it into place."""
    folder: Path = project.reports_dir / str(report["pipeline"]).split("@")[0] / report["run_id"]
    staging = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        files = {
            "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
            "report.md": markdown.render(report),
            "report.html": html.render(report),
            "junit.xml": junit.render(report),
        }
        for name, text in files.items():
            with open(staging / name, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def latest_report(project: Project, pipeline: str) -> Path:
    """The newest complete report.json for a pipeline name."""
    from llmops_cli.errors import LlmopsError

    folder = project.reports_dir / pipeline
    # newest by write time: run ids made within one second would sort by fingerprint
    runs = sorted(
        (p for p in folder.glob("*/report.json") if not p.parent.name.startswith(".")),
        key=lambda p: p.stat().st_mtime_ns,
    )
    if not runs:
        raise LlmopsError(
            f"no reports for {pipeline} under {project.relative(folder)}; "
            f"run `llmops eval {pipeline}` first"
        )
    return Path(runs[-1])

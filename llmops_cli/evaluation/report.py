"""The eval report: `reports/<pipeline>/<run_id>/` holding report.json (schema_version 1),
report.md, report.html and junit.xml, written all together or not at all."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmops_cli import __version__
from llmops_cli.contracts.report import (
    CacheStats,
    CaseRow,
    CorpusInfo,
    EvalReport,
    GitInfo,
    GoldenSetInfo,
    RunOptions,
    SliceSummary,
    Summary,
    TargetInfo,
    report_json,
)
from llmops_cli.evaluation.aggregate import by_tag, fresh_calls, summarize
from llmops_cli.evaluation.local import BASELINE_LABEL
from llmops_cli.evaluation.runner import EvalRun
from llmops_cli.gitinfo import head_commit
from llmops_cli.manifests.resolve import ResolvedPipeline
from llmops_cli.project import Project
from llmops_cli.render import html, junit, markdown

if TYPE_CHECKING:
    from llmops_cli.contracts.verdict import GateVerdict

REPORT_SCHEMA_VERSION = EvalReport.SCHEMA_VERSION


def build_report(project: Project, run: EvalRun) -> EvalReport:
    resolved = run.resolved
    model = resolved.model
    baseline = model.provider == "local"
    # the runner and its journal keep plain dicts; the report is where rows become typed
    cases = tuple(_typed(run, row) for row in run.rows)
    summary, slices = aggregates(project, run.rows, cases)
    corpus = resolved.summary()["corpus"]
    return EvalReport(
        schema_version=REPORT_SCHEMA_VERSION,
        run_id=run.run_id,
        pipeline=resolved.pipeline.ref,
        fingerprint=resolved.fingerprint,
        git=GitInfo.from_dict(head_commit(project.root)),
        llmops_version=__version__,
        started_at=run.started_at,
        finished_at=run.finished_at,
        wall_s=round(run.wall_s, 3),
        target=TargetInfo(
            model=model.ref,
            id=model.litellm_id,
            baseline=baseline,
            label=BASELINE_LABEL if baseline else model.litellm_id,
        ),
        manifests=resolved.summary()["manifests"],
        golden_set=GoldenSetInfo(
            path=resolved.golden.path,
            cases=len(resolved.golden.cases),
            sha256=resolved.golden.sha256,
        ),
        corpus=None if corpus is None else CorpusInfo.from_dict(corpus),
        options=RunOptions(
            repeat=run.options.repeat,
            limit=run.options.limit,
            tags=tuple(run.options.tags),
            concurrency=run.options.concurrency,
            cache=run.options.cache.value,
            scrubbed=run.options.scrub_outputs,
        ),
        cache=CacheStats(
            hits=run.cache_hits, misses=run.cache_misses, resumed_cases=run.resumed_rows
        ),
        summary=summary,
        warnings=tuple(_judge_warnings(project, resolved)),
        slices=slices,
        cases=cases,
    )


def _typed(run: EvalRun, row: Mapping[str, Any]) -> CaseRow:
    """The row made typed as it came in, or now (resumed and replayed rows)."""
    made = run.typed.get((row["case_id"], row["repeat"]))
    return made if made is not None else CaseRow.from_dict(row, source=f"case {row['case_id']}")


AGGREGATES_KIND = "eval-aggregates"


def aggregates(
    project: Project, rows: Sequence[Mapping[str, Any]], cases: Sequence[CaseRow]
) -> tuple[Summary, dict[str, SliceSummary]]:
    """`summarize` and `by_tag` of the rows, kept in the memo (`.llmops/cache/`) by a hash of
    the code and the rows: a rerun of the same rows imports no numpy and draws no bootstrap.
    The key leaves out `cached` and `attempts`, which the aggregates read only to count
    `fresh_calls` (counted here), so a cached rerun finds what the fresh run kept."""
    from llmops_cli.evaluation.memo import GuardrailMemo
    from llmops_cli.evaluation.replay import code_tag
    from llmops_cli.evaluation.salt import project_salt

    memo = GuardrailMemo(
        project.state_dir / "cache" / "guardrails.sqlite", project_salt(project.state_dir)
    )
    try:
        text = code_tag() + json.dumps(
            [{k: v for k, v in row.items() if k not in _CALL_FIELDS} for row in rows],
            sort_keys=True,
            ensure_ascii=False,
        )
        key = memo.key(AGGREGATES_KIND, text)
        kept = memo.recall_many([key]).get(key)
        if kept is not None:
            summary = Summary.from_dict(kept["summary"], source="memo")
            summary = dataclasses.replace(summary, fresh_calls=fresh_calls(cases))
            slices = {
                k: SliceSummary.from_dict(v, source="memo") for k, v in kept["slices"].items()
            }
            return summary, slices
        summary, slices = summarize(cases), by_tag(cases)
        memo.keep(
            key,
            {"summary": summary.to_dict(), "slices": {k: v.to_dict() for k, v in slices.items()}},
        )
        memo.save()
        return summary, slices
    finally:
        memo.close()


_CALL_FIELDS = frozenset({"cached", "attempts"})


def _judge_warnings(project: Project, resolved: ResolvedPipeline) -> list[str]:
    if not any(s["type"] == "judge" for s in resolved.pipeline.get("scorers", ())):
        return []  # the calibration code (and numpy) only for pipelines with a judge
    from llmops_cli.evaluation.calibration import calibration_warnings

    return calibration_warnings(project, resolved)


def write_report(
    project: Project, report: EvalReport, prefetched: Prefetched | None = None
) -> Path:
    """Write every file into a staging folder, then rename it into place; `prefetched`: the
    previous report read ahead (see `previous_report`)."""
    folder: Path = project.reports_dir / report.pipeline_name / report.run_id
    staging = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    previous = previous_report(project, report, prefetched)
    # the data read ahead is the baseline's only when the baseline is the report read ahead
    ahead = prefetched.data if prefetched is not None and previous is prefetched.report else None
    try:
        data = report.to_dict()  # once, for the JSON and both views
        files = {
            "report.json": report_json(data) + "\n",
            "report.md": markdown.render(report),
            "report.html": html.render(
                report,
                previous,
                baseline_label=f"the previous run {previous.run_id}" if previous else "",
                data=data,
                baseline_data=ahead,
            ),
            "junit.xml": junit.render(report, data=data),
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


def previous_report(
    project: Project, report: EvalReport, prefetched: Prefetched | None = None
) -> EvalReport | None:
    """The pipeline's newest other report written before `report` (for report.html's diff),
    or None; a report that cannot be read is passed over. `prefetched` (a report read ahead,
    with the mtime it had) stands in for the file while the file is unchanged."""
    from llmops_cli.contracts.base import ContractError
    from llmops_cli.contracts.report import load_report

    folder = project.reports_dir / report.pipeline_name
    own = folder / report.run_id / "report.json"
    written = own.stat().st_mtime_ns if own.exists() else None
    for mtime, path in report_files(folder, newest_first=True):
        if path == own or (written is not None and mtime > written):
            continue
        if prefetched is not None and (prefetched.path, prefetched.mtime_ns) == (path, mtime):
            return prefetched.report
        try:
            return load_report(path)
        except (ContractError, OSError, ValueError):
            continue
    return None


@dataclasses.dataclass(frozen=True)
class Prefetched:
    """A report read ahead: its file, the file's mtime (ns) when read, the report, and the
    report as JSON data (what report.html's diff reads)."""

    path: Path
    mtime_ns: int
    report: EvalReport
    data: dict[str, Any]


def read_newest(folder: Path) -> Prefetched | None:
    """The newest readable report in a pipeline's folder, read ahead for `previous_report`."""
    from llmops_cli.contracts.base import ContractError
    from llmops_cli.contracts.report import load_report

    for mtime, path in report_files(folder, newest_first=True):
        try:
            report = load_report(path)
        except (ContractError, OSError, ValueError):
            continue
        return Prefetched(path, mtime, report, report.to_dict())
    return None


def report_files(folder: Path, *, newest_first: bool = False) -> list[tuple[int, Path]]:
    """(mtime in ns, path) of every complete report.json in a pipeline's folder, oldest first
    (newest by write time: run ids made within one second would sort by fingerprint)."""
    return sorted(
        (
            (p.stat().st_mtime_ns, p)
            for p in folder.glob("*/report.json")
            if not p.parent.name.startswith(".")
        ),
        reverse=newest_first,
    )


def write_gate_views(
    project: Project,
    folder: Path,
    report: EvalReport,
    verdict: GateVerdict,
    baseline: EvalReport | None,
    baseline_note: str,
) -> None:
    """Rewrite junit.xml and report.html beside a judged report with the gate's verdict; the
    page compares with the gate's baseline, else with the previous run."""
    from llmops_cli.fileio import write_atomic

    label = baseline_note.removeprefix("baseline: ")
    if baseline is None:
        baseline = previous_report(project, report)
        label = f"the previous run {baseline.run_id}" if baseline else ""
    write_atomic(folder / "junit.xml", junit.render(report, verdict))
    page = html.render(report, baseline, baseline_label=label, verdict=verdict)
    write_atomic(folder / "report.html", page)


def latest_report(project: Project, pipeline: str) -> Path:
    """The newest complete report.json for a pipeline name."""
    from llmops_cli.errors import LlmopsError

    folder = project.reports_dir / pipeline
    runs = report_files(folder)
    if not runs:
        raise LlmopsError(
            f"no reports for {pipeline} under {project.relative(folder)}; "
            f"run `llmops eval {pipeline}` first"
        )
    return runs[-1][1]

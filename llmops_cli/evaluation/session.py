"""One `llmops eval` as a library call: resolve, run (resume from the journal), write the
report, forget the journal, log to MLflow (now, or in the background after returning).

What a CLI prints to stderr along the way (the baseline note, what earlier background logging
came to, a tracking failure) goes to `notify`, one line each; nothing here prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from llmops_cli.contracts.report import EvalReport
from llmops_cli.errors import LlmopsError
from llmops_cli.fileio import PathArg, optional_path

if TYPE_CHECKING:
    from llmops_cli.evaluation.prefetch import ReportPrefetch
    from llmops_cli.evaluation.runner import EvalOptions, Progress
    from llmops_cli.manifests.resolve import ResolvedPipeline
    from llmops_cli.project import Project
    from llmops_cli.tracking_helper import Tracker

Notify = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class EvalResult:
    """The report, where it was written, and what became of its MLflow run."""

    report: EvalReport
    folder: Path
    mlflow_run_id: str | None = None  # logged before returning (sync tracking)
    mlflow_outcome: Path | None = None  # logging in the background: its outcome file


def run_evaluation(
    project: Project | str | os.PathLike[str] | None,
    pipeline: str,
    options: EvalOptions,
    *,
    track: bool = True,
    wait_tracking: bool = False,
    progress: Progress | None = None,
    notify: Notify = _quiet,
) -> EvalResult:
    """Everything `llmops eval` does; see `evaluate` for the options."""
    from llmops_cli.evaluation.report import build_report, write_report
    from llmops_cli.evaluation.runner import finish_journal, run_eval
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline
    from llmops_cli.project import as_project
    from llmops_cli.tracking import (
        log_in_background,
        tracking_enabled,
        tracking_mode,
        tracking_unavailable,
        tracking_uri,
    )
    from llmops_cli.tracking_helper import Tracker
    from llmops_cli.tracking_rest import rest_server

    proj = as_project(project)  # as api.load_project (not imported: it imports every area)
    catalog = Catalog.load(proj)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, pipeline))
    if resolved.model.provider == "local":
        notify(f"note: {resolved.model.ref} is an extractive BASELINE, not an LLM")
    for line in tracking_notes(proj):
        notify(line)
    track = track and tracking_enabled(proj)
    if track and (unavailable := tracking_unavailable(proj)):
        notify(f"warning: {unavailable}")
        track = False
    wait = wait_tracking or tracking_mode(proj) == "sync"
    # a tracking server is spoken to over REST once the report is written: no helper
    helper = track and wait and not rest_server(tracking_uri(proj))
    tracker = Tracker(proj) if helper else None  # starts importing MLflow while we run
    prefetch = _prefetch(proj, resolved, options)
    try:
        try:
            run = run_eval(
                proj, resolved, options, progress, on_answer=prefetch.start if prefetch else None
            )
        finally:  # local work only: it never outlives the eval, failed or not
            previous = prefetch.wait() if prefetch is not None else None
        report = build_report(proj, run)
        folder = write_report(proj, report, previous)
    except BaseException:
        if tracker is not None:
            tracker.cancel()
        raise
    finish_journal(proj, run)
    source = resolved.pipeline.path
    if track and wait:
        mlflow_run = _log_now(proj, tracker, report, folder, source, notify)
        return EvalResult(report, folder, mlflow_run_id=mlflow_run)
    if track:
        return EvalResult(report, folder, mlflow_outcome=log_in_background(proj, folder, source))
    return EvalResult(report, folder)


def _prefetch(
    proj: Project, resolved: ResolvedPipeline, options: EvalOptions
) -> ReportPrefetch | None:
    """The report's head start, for a run of more than one row (one row needs no numpy)."""
    from llmops_cli.evaluation.plan import select_cases
    from llmops_cli.evaluation.prefetch import ReportPrefetch

    rows = len(select_cases(resolved.golden.cases, options.tags, options.limit)) * options.repeat
    if rows < 2:
        return None
    return ReportPrefetch(proj, resolved.pipeline.name, rows)


def _log_now(
    proj: Project,
    tracker: Tracker | None,
    report: EvalReport,
    folder: Path,
    source: str | None,
    notify: Notify,
) -> str | None:
    """Sync tracking: the MLflow run id, or None after one warning; recorded (as shown) in
    the outcome file the gate reads, like a background run's."""
    from llmops_cli.tracking import write_outcome
    from llmops_cli.tracking_rest import log_rest

    try:
        if tracker is None:
            mlflow_run = log_rest(proj, report, folder, source)
        else:
            mlflow_run = tracker.log(folder, source=source)
    except LlmopsError as exc:
        notify(f"warning: {exc}")
        write_outcome(proj, folder.name, {"state": "failed", "warning": str(exc), "reported": True})
        return None
    write_outcome(
        proj, folder.name, {"state": "logged", "mlflow_run_id": mlflow_run, "reported": True}
    )
    return mlflow_run


def tracking_notes(proj: Project) -> list[str]:
    """What background MLflow logging of earlier evals came to, once each: a failure is its
    one warning, a success its run id."""
    from llmops_cli.tracking import finished_outcomes

    return [
        f"mlflow run of {outcome['run_id']}: {outcome['mlflow_run_id']}"
        if outcome["state"] == "logged"
        else f"warning: {outcome['warning']}"
        for outcome in finished_outcomes(proj)
    ]


def evaluate(
    project: Project | str | os.PathLike[str] | None,
    pipeline: str,
    *,
    concurrency: int | None = None,
    repeat: int = 1,
    limit: int | None = None,
    tags: Sequence[str] = (),
    cache: str = "read-write",
    cassette: PathArg | None = None,
    track: bool = True,
    wait_tracking: bool = False,
    progress: Progress | None = None,
    notify: Notify = _quiet,
) -> EvalReport:
    """Evaluate `pipeline` (a name, or name@version) on its golden set, as `llmops eval`.

    Writes reports/<pipeline>/<run_id>/ and returns the report. `tags` keeps only cases with
    one of them; `cache` is read-write, read-only (a miss is an error) or off; `cassette`
    records or replays the answers; `track` logs the run to MLflow, in the background unless
    `wait_tracking`. `progress` sees every finished case; `notify` gets the warnings a CLI
    would print. Raises `LlmopsError` for anything the user can fix."""
    from llmops_cli.evaluation.cache import CacheMode
    from llmops_cli.evaluation.runner import EvalOptions

    try:
        cache_mode = CacheMode(cache)
    except ValueError:
        raise LlmopsError(f"cache {cache!r}: choose read-write, read-only or off") from None
    if cassette is not None and cache_mode is CacheMode.off:
        raise LlmopsError("a cassette needs the cache read-write or read-only, not off")
    _at_least_one(concurrency=concurrency, repeat=repeat, limit=limit)
    options = EvalOptions(
        concurrency=concurrency,
        repeat=repeat,
        limit=limit,
        tags=tuple(tags),
        cache=cache_mode,
        cassette=optional_path(cassette),
    )
    run = run_evaluation(
        project,
        pipeline,
        options,
        track=track,
        wait_tracking=wait_tracking,
        progress=progress,
        notify=notify,
    )
    return run.report


def _at_least_one(**counts: int | None) -> None:
    """The CLI's `min=1` for library callers: 0 cases or 0 repeats is a mistake, not a run."""
    for name, count in counts.items():
        if count is not None and count < 1:
            raise LlmopsError(f"{name}={count}: must be at least 1 (or leave it out)")

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmops_cli.cli.options import (
    FormatOption,
    OutputFormat,
    PipelineArgument,
    ProjectOption,
    open_project,
)

if TYPE_CHECKING:
    from llmops_cli.evaluation.runner import Progress
    from llmops_cli.project import Project
    from llmops_cli.tracking import Tracker


def eval_command(
    pipeline: PipelineArgument,
    project: ProjectOption = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=1024,
            help="Calls in flight at once (default: the model's limits.concurrency, else 16).",
            show_default=False,
        ),
    ] = None,
    repeat: Annotated[
        int, typer.Option(min=1, help="Run every case N times (each cached apart).")
    ] = 1,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first N cases.", show_default=False)
    ] = None,
    filter_tags: Annotated[
        list[str] | None,
        typer.Option("--filter", help="Only cases with this tag (repeatable).", show_default=False),
    ] = None,
    cache: Annotated[
        str,
        typer.Option(
            help="Response cache: read-write, read-only (a miss is an error; for "
            "CI replays) or off."
        ),
    ] = "read-write",
    cassette: Annotated[
        Path | None,
        typer.Option(
            help="Reviewable JSONL of the answers (scrubbed, sorted by key; commit it): "
            "--cache read-write records the answers this run used, read-only replays them "
            "instead of .llmops/cache.sqlite.",
            show_default=False,
        ),
    ] = None,
    track: Annotated[bool, typer.Option(help="Log the run to MLflow.")] = True,
    wait_tracking: Annotated[
        bool,
        typer.Option(
            help="Wait for MLflow and print its run id (as `tracking.mode: sync`), instead "
            "of logging in the background after the command returns."
        ),
    ] = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Evaluate a pipeline on its golden set and write a report.

    Retrieves, renders, calls the model and scores every case concurrently, with caching,
    retries and resume (rerun after an interruption to finish only the missing cases). Writes
    reports/<pipeline>/<run_id>/ (report.json, report.md, report.html, junit.xml) and logs the
    run to MLflow. Exits 0 when the run completes, whatever the scores: `llmops gate` judges.
    """
    from llmops_cli.evaluation.cache import CacheMode
    from llmops_cli.evaluation.report import build_report, write_report
    from llmops_cli.evaluation.runner import EvalOptions, finish_journal, run_eval
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline
    from llmops_cli.tracking import (
        Tracker,
        log_in_background,
        tracking_enabled,
        tracking_mode,
        tracking_unavailable,
        tracking_uri,
    )
    from llmops_cli.tracking_rest import rest_server

    try:
        cache_mode = CacheMode(cache)
    except ValueError:
        raise typer.BadParameter(
            "choose read-write, read-only or off", param_hint="--cache"
        ) from None
    if cassette is not None and cache_mode is CacheMode.off:
        raise typer.BadParameter("needs --cache read-write or read-only", param_hint="--cassette")
    proj = open_project(project)
    catalog = Catalog.load(proj)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, pipeline))
    options = EvalOptions(
        concurrency=concurrency,
        repeat=repeat,
        limit=limit,
        tags=tuple(filter_tags or ()),
        cache=cache_mode,
        cassette=cassette,
    )
    if resolved.model.provider == "local":
        typer.echo(f"note: {resolved.model.ref} is an extractive BASELINE, not an LLM", err=True)
    show_tracking_outcomes(proj)
    track = track and tracking_enabled(proj)
    if track and (unavailable := tracking_unavailable(proj)):
        typer.echo(f"warning: {unavailable}", err=True)
        track = False
    wait = wait_tracking or tracking_mode(proj) == "sync"
    # a tracking server is spoken to over REST once the report is written: no helper
    helper = track and wait and not rest_server(tracking_uri(proj))
    tracker = Tracker(proj) if helper else None
    try:
        run = run_eval(proj, resolved, options, _progress())
        report = build_report(proj, run)
        folder = write_report(proj, report)
    except BaseException:
        if tracker is not None:
            tracker.cancel()
        raise
    finish_journal(proj, run)
    mlflow_run = outcome = None
    if track and wait:
        mlflow_run = _log_now(proj, tracker, report, folder, resolved.pipeline.path)
    elif track:
        outcome = proj.relative(log_in_background(proj, folder, resolved.pipeline.path))
    if output is OutputFormat.json:
        s = report["summary"]
        typer.echo(
            json.dumps(
                {
                    "run_id": report["run_id"],
                    "report": str(folder / "report.json"),
                    "mlflow_run_id": mlflow_run,
                    "mlflow_outcome": outcome,
                    "summary": {
                        k: s[k] for k in ("cases", "passed", "failed", "scored", "errored")
                    },
                },
                indent=2,
            )
        )
        return
    _print_summary(report, proj.relative(folder), mlflow_run)
    if outcome:
        typer.echo(f"mlflow run: logging in the background ({outcome}; `llmops gate` shows it)")


def _log_now(
    proj: Project,
    tracker: Tracker | None,
    report: dict[str, Any],
    folder: Path,
    source: str | None,
) -> str | None:
    """Sync tracking: the MLflow run id, or None after one warning; recorded (as shown) in
    the outcome file the gate reads, like a background run's."""
    from llmops_cli.errors import LlmopsError
    from llmops_cli.tracking import write_outcome
    from llmops_cli.tracking_rest import log_rest

    try:
        if tracker is None:
            mlflow_run = log_rest(proj, report, folder, source)
        else:
            mlflow_run = tracker.log(folder, source=source)
    except LlmopsError as exc:
        typer.echo(f"warning: {exc}", err=True)
        write_outcome(proj, folder.name, {"state": "failed", "warning": str(exc), "reported": True})
        return None
    write_outcome(
        proj, folder.name, {"state": "logged", "mlflow_run_id": mlflow_run, "reported": True}
    )
    return mlflow_run


def show_tracking_outcomes(proj: Project) -> None:
    """What background MLflow logging of earlier evals came to, once each: a failure is its
    one warning, a success its run id."""
    from llmops_cli.tracking import finished_outcomes

    for outcome in finished_outcomes(proj):
        if outcome["state"] == "logged":
            typer.echo(f"mlflow run of {outcome['run_id']}: {outcome['mlflow_run_id']}", err=True)
        else:
            typer.echo(f"warning: {outcome['warning']}", err=True)


def _print_summary(report: dict[str, Any], folder: str, mlflow_run: str | None) -> None:
    from llmops_cli.render.fmt import ci, num, outcomes, pass_rate, pct, report_warnings

    s = report["summary"]
    typer.echo(
        f"{report['pipeline']} on {report['target']['label']}: {outcomes(s)} ({pass_rate(s)})"
    )
    width = max([len(n) for n in s["metrics"]] + [6])
    for name, m in s["metrics"].items():
        rate = f"  pass {pct(m['pass_rate']['mean'])}" if m["pass_rate"] else ""
        typer.echo(f"  {name:<{width}}  {num(m['mean']):>8}  {ci(m['ci95']):<17}{rate}")
    lat = s["latency_ms"]
    typer.echo(
        f"  latency p50/p95/p99: {num(lat['p50'], 1)} / {num(lat['p95'], 1)} / "
        f"{num(lat['p99'], 1)} ms; cache hits {report['cache']['hits']}; "
        f"wall {report['wall_s']:.2f} s"
    )
    for warning in report_warnings(report):
        typer.echo(f"  warning: {warning}")
    typer.echo(f"report: {folder}/report.html")
    if mlflow_run:
        typer.echo(f"mlflow run: {mlflow_run}")


def _progress() -> Progress:
    if sys.stderr.isatty():
        return _RichProgress()
    return _PlainProgress()


class _PlainProgress:
    """One line per 10% for CI logs."""

    def start(self, total: int, done: int) -> None:
        self.total, self.done, self.errored, self.hits, self.next_mark = total, done, 0, 0, 0.1
        if done:
            typer.echo(f"resuming: {done} of {total} cases already done", err=True)

    def advance(self, row: Mapping[str, Any]) -> None:
        self.done += 1
        self.errored += row["status"] == "errored"
        self.hits += bool(row.get("cached"))
        if self.done / self.total >= self.next_mark or self.done == self.total:
            typer.echo(
                f"{self.done}/{self.total} cases ({self.errored} errored, {self.hits} cache hits)",
                err=True,
            )
            while self.next_mark <= self.done / self.total:
                self.next_mark += 0.1

    def finish(self) -> None:
        pass


class _RichProgress:
    def start(self, total: int, done: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.errored = self.hits = 0
        self.bar = Progress(
            TextColumn("eval"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("eval", total=total, completed=done, status="")
        self.bar.start()

    def advance(self, row: Mapping[str, Any]) -> None:
        self.errored += row["status"] == "errored"
        self.hits += bool(row.get("cached"))
        self.bar.update(self.task, advance=1, status=f"{self.errored} errored · {self.hits} cached")

    def finish(self) -> None:
        self.bar.stop()

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
    stderr_notes,
)

if TYPE_CHECKING:
    from llmops_cli.contracts.report import EvalReport
    from llmops_cli.evaluation.runner import Progress
    from llmops_cli.project import Project


def eval_command(
    ctx: typer.Context,
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
    from llmops_cli.evaluation.runner import EvalOptions
    from llmops_cli.evaluation.session import run_evaluation

    try:
        cache_mode = CacheMode(cache)
    except ValueError:
        raise typer.BadParameter(
            "choose read-write, read-only or off", param_hint="--cache"
        ) from None
    if cassette is not None and cache_mode is CacheMode.off:
        raise typer.BadParameter("needs --cache read-write or read-only", param_hint="--cassette")
    proj = open_project(project)
    options = EvalOptions(
        concurrency=concurrency,
        repeat=repeat,
        limit=limit,
        tags=tuple(filter_tags or ()),
        cache=cache_mode,
        cassette=cassette,
    )
    result = run_evaluation(
        proj,
        pipeline,
        options,
        track=track,
        wait_tracking=wait_tracking,
        # progress lines would break `--format json`'s one error object on stderr
        progress=_progress() if output is OutputFormat.text or sys.stderr.isatty() else None,
        notify=stderr_notes(ctx),
    )
    report, folder = result.report, result.folder
    if cassette is not None and cache_mode is CacheMode.read_write:
        stderr_notes(ctx)(_recorded(cassette, report))
    outcome = None if result.mlflow_outcome is None else proj.relative(result.mlflow_outcome)
    if output is OutputFormat.json:
        s = report.summary
        counts = {"cases": s.cases, "passed": s.passed, "failed": s.failed}
        typer.echo(
            json.dumps(
                {
                    "run_id": report.run_id,
                    "report": str(folder / "report.json"),
                    "mlflow_run_id": result.mlflow_run_id,
                    "mlflow_outcome": outcome,
                    "summary": {**counts, "scored": s.scored, "errored": s.errored},
                },
                indent=2,
            )
        )
        return
    _print_summary(report, proj.relative(folder), result.mlflow_run_id)
    if outcome:
        typer.echo(f"mlflow run: logging in the background ({outcome}; `llmops gate` shows it)")


def _recorded(path: Path, report: EvalReport) -> str:
    """What a recording wrote, and why an extractive baseline's answers are not in it."""
    from llmops_cli.evaluation.cassette import shown
    from llmops_cli.render.fmt import plural

    answers = len(path.read_text("utf-8").splitlines()) if path.is_file() else 0
    why = (
        f" ({report.target.model} is an extractive baseline: its answers are computed, never "
        "cached or recorded; a replay computes them again)"
        if report.target.baseline
        else ""
    )
    return f"recorded {plural(answers, 'answer')} to {shown(path)}{why}"


def show_tracking_outcomes(proj: Project, ctx: typer.Context) -> None:
    """What background MLflow logging of earlier evals came to, once each (held under
    `--format json`: `stderr_notes`)."""
    from llmops_cli.evaluation.session import tracking_notes

    note = stderr_notes(ctx)
    for line in tracking_notes(proj):
        note(line)


def _print_summary(report: EvalReport, folder: str, mlflow_run: str | None) -> None:
    from llmops_cli.render.fmt import ci, num, outcomes, pass_rate, pct, report_warnings

    s = report.summary
    typer.echo(f"{report.pipeline} on {report.target.label}: {outcomes(s)} ({pass_rate(s)})")
    width = max([len(n) for n in s.metrics] + [6])
    for name, m in s.metrics.items():
        rate = f"  pass {pct(m.pass_rate.mean)}" if m.pass_rate else ""
        typer.echo(f"  {name:<{width}}  {num(m.mean):>8}  {ci(m.ci95):<17}{rate}")
    lat = s.latency_ms
    typer.echo(
        f"  latency p50/p95/p99: {num(lat.p50, 1)} / {num(lat.p95, 1)} / "
        f"{num(lat.p99, 1)} ms; cache hits {report.cache.hits}; "
        f"wall {report.wall_s:.2f} s"
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

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from llmops_cli.cli.options import (
    FormatOption,
    OutputFormat,
    PipelineArgument,
    ProjectOption,
    append_step_summary,
    open_project,
)
from llmops_cli.errors import ExitCode


def gate(
    ctx: typer.Context,
    pipeline: PipelineArgument,
    project: ProjectOption = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Report to judge (default: the pipeline's latest).", show_default=False),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="Baseline report.json for the regression check "
            "(e.g. the report of what is in production).",
            show_default=False,
        ),
    ] = None,
    baseline_stage: Annotated[
        str | None,
        typer.Option(
            help="Take the baseline from the registry: the report behind the version in "
            "this stage (default: thresholds regression.baseline).",
            show_default=False,
        ),
    ] = None,
    allow_missing_baseline: Annotated[
        bool,
        typer.Option(
            help="Gate without the regression check when the baseline stage's registry "
            "cannot be read: not fetched, or registry.repo is no git repository (default: "
            "exit 1).",
        ),
    ] = False,
    allow_partial: Annotated[
        bool,
        typer.Option(
            help="Judge a report of part of the golden set (eval --limit/--filter) on its "
            "checks, with a warning and partial: true in the verdict (default: it fails). "
            "promote never takes a partial verdict.",
        ),
    ] = False,
    strict: Annotated[bool, typer.Option(help="Treat warnings as failures.")] = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Pass or fail a report against its thresholds and a baseline.

    Absolute thresholds, the error-rate ceiling, unmeasured metrics, and regression against
    the baseline with a paired bootstrap (noise-level differences pass). The baseline stage's
    registry branch is fetched when the remote exists; an empty stage is a first release.
    A report of part of the golden set (eval --limit/--filter) fails: gate the whole set.
    Writes gate.json beside the report and Markdown to $GITHUB_STEP_SUMMARY when set. Exit 0
    pass, 4 fail, 1 when the registry cannot be read.
    """
    from llmops_cli.cli.eval import show_tracking_outcomes
    from llmops_cli.gate.run import run_gate
    from llmops_cli.render.fmt import plural
    from llmops_cli.render.markdown import verdict_markdown
    from llmops_cli.tracking import logger_gone, read_outcome

    proj = open_project(project)
    show_tracking_outcomes(proj, ctx)
    verdict, path = run_gate(
        proj,
        pipeline,
        report,
        baseline,
        strict=strict,
        baseline_stage=baseline_stage,
        allow_missing_baseline=allow_missing_baseline,
        allow_partial=allow_partial,
        progress=None if output is OutputFormat.json else lambda m: typer.echo(m, err=True),
    )
    append_step_summary(verdict_markdown(verdict))
    tracked = read_outcome(proj, verdict.run_id) or {}  # shown: the MLflow run judged
    if output is OutputFormat.json:
        shown = {**verdict.to_dict(), "mlflow_run_id": tracked.get("mlflow_run_id")}
        typer.echo(json.dumps(shown, indent=2))
    else:
        if verdict.baseline_note:
            typer.echo(verdict.baseline_note)
        for c in verdict.checks:
            observed = "–" if c.observed is None else f"{c.observed:.4g}"
            line = f"  {c.status.upper():<4}  {c.name:<28} {observed:>10}  {c.expected}"
            typer.echo(line + (f"  ({c.detail})" if c.detail else ""))
        if verdict.flipped:
            typer.echo(
                f"  flipped pass -> fail: {', '.join(verdict.flipped[:20])}"
                + (" …" if len(verdict.flipped) > 20 else "")
            )
        state = "PASSED" if verdict.passed else "FAILED"
        typer.echo(
            f"gate {state}: {verdict.pipeline} run {verdict.run_id} "
            f"({len(verdict.failures)} failed, {plural(len(verdict.warnings), 'warning')}); "
            f"verdict written to {proj.relative(path)}"
        )
        if tracked.get("mlflow_run_id"):
            typer.echo(f"mlflow run: {tracked['mlflow_run_id']}")
        elif logger_gone(tracked):
            typer.echo("mlflow run: none (the background logger stopped before logging the run)")
        elif tracked.get("state") == "pending":
            typer.echo("mlflow run: still logging in the background")
    if not verdict.passed:
        raise typer.Exit(int(ExitCode.GATE_FAILED))

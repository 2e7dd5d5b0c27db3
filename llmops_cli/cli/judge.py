"""`llmops judge calibrate`: how far an LLM judge agrees with human labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmops_cli.cli.options import FormatOption, OutputFormat, ProjectOption, open_project
from llmops_cli.errors import ExitCode

if TYPE_CHECKING:
    from llmops_cli.evaluation.calibrate import JudgeCalibrationReport

app = typer.Typer(help="LLM judges: calibration against human labels.", no_args_is_help=True)


@app.command("calibrate")
def calibrate(
    labels: Annotated[
        Path,
        typer.Option(
            help="JSONL of human-graded answers: {id, question, context, expected, answer, "
            "human: 1-5} (answer and human required).",
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ],
    judge: Annotated[
        str | None,
        typer.Option(
            help="Judge model name@version (default: the judge the project's pipelines use, "
            "when they agree on one).",
            show_default=False,
        ),
    ] = None,
    rubric: Annotated[
        str,
        typer.Option(
            help="Rubric name (faithfulness, relevance, completeness) or the rubric's text, "
            "as the pipeline's judge scorer names it."
        ),
    ] = "faithfulness",
    repeats: Annotated[
        int, typer.Option(min=1, max=10, help="Times each answer is judged (self-consistency).")
    ] = 3,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Judge calls in flight.")] = 8,
    min_kappa: Annotated[
        float | None,
        typer.Option(
            min=-1.0,
            max=1.0,
            help="Exit 4 when the weighted kappa is below this (for CI).",
            show_default=False,
        ),
    ] = None,
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Ask the judge to grade human-labelled answers with the messages eval uses, compare:
    quadratic-weighted Cohen's kappa, Spearman, exact agreement, bias, a confusion table, and
    self-consistency over --repeats. The result is saved under calibration/judges/ (commit it):
    eval reports warn when their judge has no calibration for its rubric."""
    from llmops_cli.evaluation.calibrate import calibrate_judge

    def announce(count: int, judge_ref: str) -> None:
        if output is OutputFormat.text:
            typer.echo(
                f"judging {count} labelled answers x {repeats} with {judge_ref} ({rubric})...",
                err=True,
            )

    report = calibrate_judge(
        open_project(project),
        labels,
        judge=judge,
        rubric=rubric,
        repeats=repeats,
        concurrency=concurrency,
        on_start=announce,
    )
    if output is OutputFormat.json:
        typer.echo(json.dumps(report.to_dict()))
    else:
        for line in _summary(report):
            typer.echo(line)
        typer.echo(f"saved: {report.record}")
    if min_kappa is not None and report.weighted_kappa < min_kappa:
        typer.echo(
            f"weighted kappa {report.weighted_kappa:.3f} is below --min-kappa {min_kappa}",
            err=True,
        )
        raise typer.Exit(int(ExitCode.GATE_FAILED))


def _summary(report: JudgeCalibrationReport) -> list[str]:
    from llmops_cli.evaluation.calibration import MIN_KAPPA, SCALE
    from llmops_cli.render.fmt import num

    kappa = report.weighted_kappa
    lines = [
        f"judge {report.judge} ({report.rubric}): {report.judged}/{report.n} answers judged, "
        f"{report.failed} failed call(s) or unparseable verdict(s)",
        f"  weighted kappa (quadratic) {num(kappa)}"
        + ("" if kappa >= MIN_KAPPA else f"  -- below {MIN_KAPPA}: do not trust this judge alone"),
        f"  spearman {num(report.spearman)}; exact agreement {num(report.exact_agreement)}; "
        f"mean bias {report.mean_bias:+.2f} (judge - human)",
    ]
    if consistency := report.self_consistency:
        lines.append(
            f"  self-consistency over {consistency.repeats} repeats: "
            f"{num(consistency.all_agree)} identical, mean range "
            f"{num(consistency.mean_range, 2)}"
        )
    lines.append("  confusion (rows human, columns judge):")
    lines.append("        " + " ".join(f"{j:>4}" for j in range(1, SCALE + 1)))
    for i, row in enumerate(report.confusion, start=1):
        lines.append(f"    {i:>2}  " + " ".join(f"{c:>4}" for c in row))
    return lines

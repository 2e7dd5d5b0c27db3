"""`llmops canary analyze`: promote / hold / roll back a canary or shadow rollout from logs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from llmops_cli.cli.options import FormatOption, OutputFormat
from llmops_cli.errors import ExitCode

app = typer.Typer(
    help="Canary / A-B / shadow analysis: decide promote, hold or roll back from the logs of "
    "two arms, with statistics (see `llmops canary analyze --help`).",
    no_args_is_help=True,
)


class Correction(StrEnum):
    holm = "holm"
    bh = "bh"


class BadRecordPolicy(StrEnum):
    skip = "skip"
    error = "error"


def _hold_exit(value: int) -> int:
    if value not in (0, 4):
        raise typer.BadParameter(f"{value} is not 0 or 4 (exit 2 means a usage error)")
    return value


@app.command("analyze")
def analyze(
    logs: Annotated[
        Path,
        typer.Option(
            "--logs",
            help="Inference logs of both arms (JSONL, CSV or Parquet).",
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ],
    control: Annotated[
        str, typer.Option(help="Arm value of the champion (e.g. 1.0.0).", show_default=False)
    ],
    treatment: Annotated[
        str, typer.Option(help="Arm value of the challenger (e.g. 1.1.0).", show_default=False)
    ],
    arm_field: Annotated[str, typer.Option(help="Field that names a record's arm.")] = (
        "prompt_version"
    ),
    metric: Annotated[
        list[str] | None,
        typer.Option(
            help="NAME[:rate|mean|distribution][:higher|lower][@MDE], repeatable. Known names "
            "(success, error, guardrail_triggered, refusal, judge_score, latency_ms, cost_usd, "
            "...) need no more. MDE: the smallest difference worth detecting, in the metric's "
            "unit (default: 0.02 for a rate, 0.2 standard deviations otherwise). Default: "
            "every known metric in the logs.",
            show_default=False,
        ),
    ] = None,
    alpha: Annotated[float, typer.Option(min=0.0001, max=0.5, help="Significance level.")] = 0.05,
    correction: Annotated[
        Correction, typer.Option(help="Across metrics: holm (FWER) or bh (FDR).")
    ] = Correction.holm,
    treatment_share: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Planned share of traffic on the treatment (sample-ratio check)."
        ),
    ] = 0.5,
    sequential: Annotated[
        bool,
        typer.Option(
            help="Always-valid p-values (mSPRT): safe to look every hour from cron without "
            "inflating false alarms. Records are taken in time order (`timestamp`, else the "
            "one of ts, time, created_at, @timestamp the log holds), else as logged."
        ),
    ] = False,
    pair_field: Annotated[
        str | None,
        typer.Option(
            help="Shadow mode: the field (e.g. request_id) pairing the two arms' answers to "
            "the same request; tests are then paired.",
            show_default=False,
        ),
    ] = None,
    judge_fields: Annotated[
        str | None,
        typer.Option(
            help="Shadow mode: FIRST,SECOND — a pairwise judge's winner with the control shown "
            "first and with the treatment shown first (values: arm names or 'tie').",
            show_default=False,
        ),
    ] = None,
    on_bad_record: Annotated[
        BadRecordPolicy,
        typer.Option(
            help="error: stop at the first unusable record (malformed line, wrong-typed "
            "metric); skip: count, show and skip them, up to --max-bad-fraction."
        ),
    ] = BadRecordPolicy.skip,
    max_bad_fraction: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Stop (exit 1) when more than this share of all records, or of either arm's, "
            "is unusable: skipping them could bias the decision.",
        ),
    ] = 0.01,
    hold_exit: Annotated[
        int,
        typer.Option(
            help="Exit code for a hold decision: 0 (default; only rollback fails the step) or "
            "4 (hold fails it too, like a rollback).",
            callback=_hold_exit,
            metavar="0|4",
        ),
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write the decision JSON here (for promote --evidence).", show_default=False
        ),
    ] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Compare the control and treatment arms metric by metric with the right test (rates:
    two-proportion z; means: Welch; latency/cost: Mann-Whitney with a bootstrap CI), adjust
    across metrics, check the sample ratio, estimate the sample size each metric needs, and
    decide. Exit 0 promote, 4 roll back, --hold-exit for hold (default 0), 1 bad input.

    \b
    Example:
      llmops canary analyze --logs inference.jsonl --control 1.0.0 --treatment 1.1.0
    """
    from llmops_cli.canary.api import canary_analyze, decision_json
    from llmops_cli.render.canary import summary_lines

    result = canary_analyze(
        None,
        logs,
        control=control,
        treatment=treatment,
        arm_field=arm_field,
        metrics=metric or (),
        alpha=alpha,
        correction=correction.value,
        treatment_share=treatment_share,
        sequential=sequential,
        pair_field=pair_field,
        judge_fields=judge_fields,
        on_bad_record=on_bad_record.value,
        max_bad_fraction=max_bad_fraction,
        out=out,
    )
    if output is OutputFormat.json:
        typer.echo(decision_json(result))
    else:
        for line in summary_lines(result):
            typer.echo(line)
    if result.decision == "rollback":
        raise typer.Exit(int(ExitCode.GATE_FAILED))
    if result.decision == "hold" and hold_exit:
        raise typer.Exit(hold_exit)

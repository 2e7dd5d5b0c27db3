"""`llmops judge calibrate`: how far an LLM judge agrees with human labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmops_cli.cli.options import FormatOption, OutputFormat, ProjectOption, open_project
from llmops_cli.errors import ExitCode

if TYPE_CHECKING:
    from llmops_cli.manifests.catalog import Catalog

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
    from llmops_cli.errors import LlmopsError
    from llmops_cli.evaluation import calibration
    from llmops_cli.evaluation.targets import make_target
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.model import ModelManifest

    proj = open_project(project)
    items = calibration.load_labels(labels)
    catalog = Catalog.load(proj)
    ref = judge or _default_judge(catalog)
    try:
        model = catalog.find("model", ref)
    except LookupError as exc:
        raise LlmopsError(f"--judge: {exc}") from None
    assert isinstance(model, ModelManifest)
    spec = {"rubric": rubric}
    if output is OutputFormat.text:
        typer.echo(
            f"judging {len(items)} labelled answers x {repeats} with {model.ref} ({rubric})...",
            err=True,
        )
    grades = calibration.grade_all(
        make_target(model, proj.root), spec, items, repeats, concurrency=concurrency
    )
    result = calibration.summarize(items, grades)
    path = calibration.save_record(proj, model.ref, spec, labels, result)
    if output is OutputFormat.json:
        typer.echo(json.dumps({**result, "judge": model.ref, "record": proj.relative(path)}))
    else:
        for line in _summary(result, model.ref, rubric):
            typer.echo(line)
        typer.echo(f"saved: {proj.relative(path)}")
    if min_kappa is not None and result["weighted_kappa"] < min_kappa:
        typer.echo(
            f"weighted kappa {result['weighted_kappa']:.3f} is below --min-kappa {min_kappa}",
            err=True,
        )
        raise typer.Exit(int(ExitCode.GATE_FAILED))


def _default_judge(catalog: Catalog) -> str:
    from llmops_cli.errors import LlmopsError

    judges = {str(p.get("judge")) for p in catalog.of_kind("pipeline") if p.get("judge")}
    if len(judges) != 1:
        found = ", ".join(sorted(judges)) or "none"
        raise LlmopsError(f"name the judge with --judge MODEL@VERSION (pipelines' judges: {found})")
    return judges.pop()


def _summary(result: dict[str, Any], judge: str, rubric: str) -> list[str]:
    from llmops_cli.evaluation.calibration import MIN_KAPPA, SCALE
    from llmops_cli.render.fmt import num

    kappa = result["weighted_kappa"]
    lines = [
        f"judge {judge} ({rubric}): {result['judged']}/{result['n']} answers judged, "
        f"{result['failed']} failed call(s) or unparseable verdict(s)",
        f"  weighted kappa (quadratic) {num(kappa)}"
        + ("" if kappa >= MIN_KAPPA else f"  -- below {MIN_KAPPA}: do not trust this judge alone"),
        f"  spearman {num(result['spearman'])}; exact agreement {num(result['exact_agreement'])}; "
        f"mean bias {result['mean_bias']:+.2f} (judge - human)",
    ]
    if consistency := result["self_consistency"]:
        lines.append(
            f"  self-consistency over {consistency['repeats']} repeats: "
            f"{num(consistency['all_agree'])} identical, mean range "
            f"{num(consistency['mean_range'], 2)}"
        )
    lines.append("  confusion (rows human, columns judge):")
    lines.append("        " + " ".join(f"{j:>4}" for j in range(1, SCALE + 1)))
    for i, row in enumerate(result["confusion"], start=1):
        lines.append(f"    {i:>2}  " + " ".join(f"{c:>4}" for c in row))
    return lines

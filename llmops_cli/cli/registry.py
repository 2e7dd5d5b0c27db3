from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmops_cli.cli.options import FormatOption, OutputFormat, ProjectOption, open_project

if TYPE_CHECKING:
    from llmops_cli.registry.types import ReadPoint, StageStatus

app = typer.Typer(help="Read the registry: stages, history, versions.", no_args_is_help=True)


class ExportChoice(StrEnum):
    """`export --format`: Typer refuses any other value as a usage error (exit 2)."""

    json = "json"
    env = "env"
    litellm = "litellm"


@app.command("list")
def list_command(project: ProjectOption = None, output: FormatOption = OutputFormat.text) -> None:
    """Every pipeline and the version in each stage."""
    from llmops_cli.registry.reads import registry_list

    listing = registry_list(open_project(project))
    if output is OutputFormat.json:
        typer.echo(json.dumps({p.name: p.versions for p in listing.pipelines}, indent=2))
        _note_fetched(listing.read_from, output)
        return
    if not listing.pipelines:
        typer.echo("the registry is empty; `llmops promote PIPELINE --to STAGE` starts it")
    for row in listing.pipelines:
        cells = "  ".join(f"{s}={row.versions.get(s, '-')}" for s in listing.stages)
        typer.echo(f"{row.name:<24} {cells}")
    _note_fetched(listing.read_from, output)


@app.command("show")
def show(
    pipeline: Annotated[
        str, typer.Argument(help="Pipeline name.", show_default=False, metavar="PIPELINE")
    ],
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """What is in each stage for one pipeline, with fingerprints and earlier versions."""
    from llmops_cli.registry.reads import registry_show

    status = registry_show(open_project(project), pipeline)
    if output is OutputFormat.json:
        typer.echo(json.dumps({s.stage: _stage_json(s) for s in status.stages}, indent=2))
        _note_fetched(status.read_from, output)
        return
    for stage in status.stages:
        current = stage.current
        if current is None:
            typer.echo(f"{stage.stage:<10} -")
            continue
        earlier = ", ".join(h.version for h in stage.earlier[-5:])
        left = ", ".join(h.version for h in stage.rolled_back[-5:])
        held = [f"earlier: {earlier}" if earlier else "nothing earlier to roll back to"]
        if left:  # what `rollback --to` can return to
            held.append(f"rolled back from: {left}")
        typer.echo(
            f"{stage.stage:<10} {current.version}  fingerprint {current.fingerprint[:12]}  "
            f"since {current.at}  ({'; '.join(held)})"
        )
    _note_fetched(status.read_from, output)


def _stage_json(stage: StageStatus) -> dict[str, Any]:
    return {
        "current": stage.current.to_dict() if stage.current else None,
        "history": [e.to_dict() for e in stage.earlier],
        "rolled_back": [e.to_dict() for e in stage.rolled_back],
    }


def _note_fetched(point: ReadPoint, output: OutputFormat) -> None:
    """Say when a read showed the registry as last fetched (the local branch is missing or
    behind), or a local branch with events the remote lacks: on stdout for people, on stderr
    beside JSON."""
    err = output is OutputFormat.json
    if point.source == "local" and point.diverged:
        typer.echo(
            f"(local registry branch: {point.unpushed} event(s) that {point.remote} does not "
            f"have, and {point.remote} has moved since (as last fetched): the two have "
            f"diverged and this shows the local copy; a promote or rollback with --push "
            f"re-applies them on top of {point.remote}'s)",
            err=err,
        )
    elif point.source == "local" and point.unpushed:
        typer.echo(
            f"(local registry branch: {point.unpushed} event(s) not pushed to {point.remote}; "
            "other clones do not see them until a promote or rollback with --push)",
            err=err,
        )
    if point.source != "remote-tracking":
        return
    when = f" {point.fetched_at}" if point.fetched_at else ""
    branch = point.ref.removeprefix("refs/remotes/")
    note = f"(read from {branch}, as of last fetch{when}; `git fetch` for newer)"
    typer.echo(note, err=err)


@app.command("history")
def history(
    pipeline: Annotated[
        str | None,
        typer.Argument(
            help="Pipeline name (default: all).", show_default=False, metavar="PIPELINE"
        ),
    ] = None,
    stage: Annotated[
        str | None, typer.Option(help="Only events into this stage.", show_default=False)
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, help="Show the newest N (matching) events; reads only those.")
    ] = 20,
    whole: Annotated[
        bool, typer.Option("--all", help="Show every (matching) event, not just the newest N.")
    ] = False,
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """The promote and rollback events, oldest first."""
    from llmops_cli.registry.reads import registry_history

    events = registry_history(
        open_project(project), pipeline, stage=stage, limit=None if whole else limit
    )
    if output is OutputFormat.json:
        typer.echo(json.dumps([e.data for e in events], indent=2))
        return
    lines = [
        f"#{e.seq:<5} {e.at}  {e.type:<8} {e.pipeline}@{e.version} -> {e.stage}  approvers "
        f"{','.join(e.approvers) or ('waived' if e.data.get('approval_waived') else '-')}  "
        f"{e.reason}".rstrip()
        for e in events
    ]
    if lines:
        typer.echo("\n".join(lines))


@app.command("diff")
def diff(
    pipeline: Annotated[
        str, typer.Argument(help="Pipeline name.", show_default=False, metavar="PIPELINE")
    ],
    a: Annotated[
        str, typer.Argument(help="First stage (e.g. prod).", show_default=False, metavar="STAGE_A")
    ],
    b: Annotated[
        str,
        typer.Argument(help="Second stage (e.g. staging).", show_default=False, metavar="STAGE_B"),
    ],
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """A readable diff of what two stages run: prompt text, parameters, model, retrieval."""
    from llmops_cli.registry.reads import registry_diff

    diff = registry_diff(open_project(project), pipeline, a, b)
    if output is OutputFormat.json:
        typer.echo(diff.to_json())
    elif diff.diff:
        typer.echo("\n".join(diff.diff.values()))
    else:
        typer.echo(f"{a} and {b} run the same manifests")


def export(
    pipeline: Annotated[
        str, typer.Argument(help="Pipeline name.", show_default=False, metavar="PIPELINE")
    ],
    stage: Annotated[str, typer.Option(help="Stage to export.")] = "prod",
    fmt: Annotated[
        ExportChoice,
        typer.Option(
            "--format", "-f", help="json, env or litellm (a LiteLLM proxy/router config)."
        ),
    ] = ExportChoice.json,
    canary_stage: Annotated[
        str | None,
        typer.Option(
            help="With --format litellm: also route to this stage's version (e.g. staging) ...",
            show_default=False,
        ),
    ] = None,
    canary_weight: Annotated[
        float, typer.Option(help="... with this share of the traffic (LiteLLM `weight`).")
    ] = 0.05,
    fingerprint: Annotated[
        str | None,
        typer.Option(
            help="Export the version with this fingerprint (8+ characters) instead, wherever "
            "it is in the stages' history (e.g. what ran before a rollback).",
            show_default=False,
        ),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Print the resolved serving config of the version in a stage; with --canary-stage, a
    LiteLLM router config that splits traffic between two stages' versions."""
    from llmops_cli.registry.export import export as do_export

    canary = (canary_stage, canary_weight) if canary_stage else None
    exported = do_export(
        open_project(project),
        pipeline,
        stage,
        fmt=fmt.value,
        canary=canary,
        fingerprint=fingerprint,
    )
    typer.echo(exported.text, nl=False)


def reproduce(
    target: Annotated[
        str,
        typer.Argument(
            help="PIPELINE@STAGE (e.g. support-bot@prod) or a RUN_ID from reports/.",
            show_default=False,
            metavar="PIPELINE@STAGE|RUN_ID",
        ),
    ],
    out: Annotated[
        Path, typer.Option(help="Folder to write the manifests into.", show_default=False)
    ],
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Write back the exact manifests that sit in a stage or produced a run."""
    from llmops_cli.registry.export import reproduce as do_reproduce

    paths = do_reproduce(open_project(project), target, out)
    if output is OutputFormat.json:
        files = [str(p) for p in paths]
        typer.echo(json.dumps({"target": target, "out": str(out), "files": files}, indent=2))
        return
    for path in paths:
        typer.echo(str(path))

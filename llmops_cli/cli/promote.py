from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmops_cli.cli.options import FormatOption, OutputFormat, ProjectOption, open_project

if TYPE_CHECKING:
    from llmops_cli.registry.types import PromotionResult, RegistryEvent

PushOption = Annotated[
    bool,
    typer.Option(
        help="Write on top of the remote registry and push atomically (re-applies the event "
        "when someone else pushed first, and events written here before that the remote "
        "lacks). Without it, the event is local only: written on top of the fetched remote "
        "state (a remote silent for 5 s is a warning) and sent by the next --push."
    ),
]
ApproverOption = Annotated[
    list[str] | None,
    typer.Option(
        "--approver",
        help="Who approved: one of the names in registry.protected.STAGE.approvers of "
        "llmops.yaml (repeatable; protected stages need one, for a rollback too). Recorded in "
        "the event as an attestation, not authenticated; the event also records your git "
        "user as `actor`.",
        show_default=False,
    ),
]


def promote(
    pipeline: Annotated[
        str,
        typer.Argument(
            help="Pipeline name or name@version.", show_default=False, metavar="PIPELINE"
        ),
    ],
    to: Annotated[
        str,
        typer.Option("--to", help="Stage to promote to (e.g. staging, prod).", show_default=False),
    ],
    approver: ApproverOption = None,
    reason: Annotated[str, typer.Option(help="Why; required with --force.")] = "",
    force: Annotated[
        bool,
        typer.Option(
            help="Skip the stage order, or promote past a latest gate that failed or judged "
            "a partial report (needs --reason; recorded)."
        ),
    ] = False,
    push: PushOption = False,
    evidence: Annotated[
        Path | None,
        typer.Option(
            help="A `llmops canary analyze --out` decision to attach (it must say promote, and "
            "its treatment must be this version).",
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Move an evaluated pipeline version into a stage of the registry.

    Requires a passing `llmops gate` verdict for exactly this pipeline content (same
    fingerprint), the stage order from llmops.yaml, and approvers for protected stages. Records
    the event with its evidence on the registry branch; your working tree is not touched.
    """
    from llmops_cli.registry.promotion import promote as do_promote

    proj = open_project(project)
    result = do_promote(
        proj,
        pipeline,
        to,
        approvers=approver or (),
        reason=reason,
        force=force,
        push=push,
        evidence=evidence,
        progress=_progress(output),
    )
    event = _warn(result)
    if output is OutputFormat.json:
        typer.echo(event_json(result))
        return
    if not result.changed:
        typer.echo(f"{event.pipeline}@{event.version} is already in {event.stage}: nothing to do")
    else:
        typer.echo(
            f"promoted {event.pipeline}@{event.version} to {event.stage} "
            f"(was {event.previous_version or 'nothing'}); "
            f"changed: {', '.join(event.change_type) or 'nothing'}; event {event.id}"
        )
    _where(result)


def rollback(
    pipeline: Annotated[
        str, typer.Argument(help="Pipeline name.", show_default=False, metavar="PIPELINE")
    ],
    reason: Annotated[str, typer.Option(help="Why (recorded in the event).", show_default=False)],
    stage: Annotated[str, typer.Option(help="Stage to roll back.")] = "prod",
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Version to return to (default: the previous one); also one a rollback left "
            "(a roll forward).",
            show_default=False,
        ),
    ] = None,
    approver: ApproverOption = None,
    push: PushOption = False,
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Put a stage back to its previous version, in one command.

    `--to VERSION` returns to any version the stage held, also forward again to one a
    rollback left. Writes a new forward event that reuses that version's original evidence,
    and prints what changed. A protected stage needs --approver, as for promote (llmops.yaml's
    `rollback_to_previous_without_approval: true` on the stage exempts a rollback to the
    previous version). Readers of this registry (`llmops export`) see the change at once;
    other clones once it is pushed (--push).
    """
    from llmops_cli.registry.rollback import rollback as do_rollback

    proj = open_project(project)
    result = do_rollback(
        proj,
        pipeline,
        stage,
        to=to,
        reason=reason,
        approvers=approver or (),
        push=push,
        progress=_progress(output),
    )
    event = _warn(result)
    if output is OutputFormat.json:
        typer.echo(event_json(result))
        return
    if not result.changed:  # the notes say why (another on-call rolled it back first)
        typer.echo(f"{event.pipeline}@{event.version} is already in {event.stage}: nothing to do")
        _where(result)
        return
    direction = "forward" if event.direction == "forward" else "back"
    typer.echo(
        f"rolled {direction} {event.pipeline} in {event.stage}: {event.from_version} -> "
        f"{event.version}; changed: {', '.join(event.change_type) or 'nothing'}; "
        f"event {event.id}"
    )
    _where(result)


def _progress(output: OutputFormat) -> Callable[[str], None] | None:
    """Network waits said at once on stderr (not under -f json: stderr is then one object)."""
    if output is OutputFormat.json:
        return None
    return lambda line: typer.echo(line, err=True)


def _where(result: PromotionResult) -> None:
    """Whether the change reached the remote, and what else was done on the way."""
    for note in result.notes:
        typer.echo(note)
    if result.pushed:
        typer.echo(f"pushed to {result.remote}" if result.changed else f"{result.remote} has it")
    elif not result.changed:
        return
    elif result.remote:
        typer.echo("local only: not pushed; run with --push to publish")
    else:
        typer.echo("local only: this repository has no git remote to publish it to")


def _warn(result: PromotionResult) -> RegistryEvent:
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return result.event


def event_json(result: PromotionResult) -> str:
    """One JSON object with stable keys, for CI (e.g. the payload of a deploy dispatch)."""
    event = result.event
    return json.dumps(
        {
            "event_id": event.id,
            "seq": event.seq,
            "type": event.type,
            "pipeline": event.pipeline,
            "stage": event.stage,
            "version": event.version,
            "previous_version": event.previous_version,
            "direction": event.direction,  # rollback: back or forward; promote: null
            "fingerprint": event.fingerprint,
            "change_type": list(event.change_type),
            "at": event.at,
            "pushed": result.pushed,
            "changed": result.changed,  # false: the stage already held it (nothing written)
            "notes": list(result.notes),
            # e.g. written while the remote was not reached
            "warning": "; ".join(result.warnings) or None,
        },
        indent=2,
    )

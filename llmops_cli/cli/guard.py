"""`llmops guard`: parse the options, run `guardrails.pipeline.guard`, render the result
(`render.guard`)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from llmops_cli.cli.options import ProjectOption
from llmops_cli.errors import ExitCode
from llmops_cli.guardrails.toxicity import DEFAULT_THRESHOLD  # imports nothing heavy


class GuardFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


def guard(
    text: Annotated[
        str | None,
        typer.Argument(
            help="Text to check ('-' or nothing: read standard input).",
            show_default=False,
            metavar="TEXT",
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="A JSONL file (e.g. inference logs): check --field of every record.",
            show_default=False,
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="JSONL field(s) to check, repeated or comma-separated (default: text).",
            show_default=False,
        ),
    ] = None,
    checks: Annotated[
        str, typer.Option(help="Comma-separated checks: pii, injection, toxicity.")
    ] = "pii,injection,toxicity",
    toxicity_threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Toxicity probability that flags a text.")
    ] = DEFAULT_THRESHOLD,
    out: Annotated[
        Path | None,
        typer.Option(
            help="With --file: write the records here, each with `guardrails` (checks fired) "
            "and `guardrail_triggered` — input for `llmops drift-check`.",
            show_default=False,
        ),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option(
            help="Replace PII by <ENTITY_TYPE>: with --file, in the fields written to --out; "
            "with a text, print it redacted."
        ),
    ] = False,
    classifier: Annotated[
        str | None,
        typer.Option(
            help="A model manifest (NAME@VERSION) that also classifies the texts the injection "
            "rules and shipped classifier did not flag (default: "
            "guardrails.injection_classifier in llmops.yaml).",
            show_default=False,
        ),
    ] = None,
    project: ProjectOption = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            help="Exit 4 when any of these checks fires (e.g. injection,pii).", show_default=False
        ),
    ] = None,
    output: Annotated[
        GuardFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people, json (one document) or jsonl (a line per record).",
        ),
    ] = GuardFormat.text,
) -> None:
    """Check text for PII (llmops's own patterns, offline, checksum-validated), prompt injection
    (rules in six languages OR the shipped classifier, on the text and its decoded views) and
    toxicity (alt-profanity-check). Reports entity types, rule ids and scores, never the
    values. Exit 0 when nothing in --fail-on fires (an empty file or text is nothing to check:
    a note on stderr, exit 0), 4 when --fail-on fires, 1 for input it cannot read or a file
    whose records hold none of the --field(s)."""
    from llmops_cli.guard_api import guard as run_guard
    from llmops_cli.render.guard import (
        guard_findings,
        guard_json,
        guard_jsonl,
        guard_text,
        redacted_only,
    )

    wanted = tuple(c.strip() for c in checks.split(",") if c.strip())
    failing = {c.strip() for c in (fail_on or "").split(",") if c.strip()}
    # a misspelt --fail-on would never fire: a CI guard step that can never fail
    if stray := sorted(failing - set(wanted)):
        raise typer.BadParameter(
            f"{stray[0]!r} is not one of the checks run ({', '.join(wanted)})",
            param_hint="--fail-on",
        )
    # options that only work together: usage errors (exit 2), before any file is read
    if out is not None and file is None:
        raise typer.BadParameter(
            "needs --file (a JSONL file whose records to write back)", param_hint="--out"
        )
    if redact and file is not None and out is None:
        raise typer.BadParameter(
            "with --file needs --out (where to write the scrubbed records)", param_hint="--redact"
        )
    texts = None
    if file is None:
        body = sys.stdin.read() if text in (None, "-") else text
        texts = [body] if body and body.strip() else []
    run = run_guard(
        project,
        texts,
        file,
        checks=wanted,
        fields=field or ["text"],
        redact=redact,
        out=out,
        toxicity_threshold=toxicity_threshold,
        classifier=classifier,
    )
    if not run.items:
        what = f"{file} holds no records" if file is not None else "the text is empty"
        typer.echo(f"nothing to check: {what}", err=True)
    if run.classifier_failures:
        typer.echo(
            f"warning: the injection classifier gave no label for {run.classifier_failures} "
            "text(s) (call failed or unparseable answer); the rules' verdict stands for them",
            err=True,
        )
    render = {GuardFormat.json: guard_json, GuardFormat.jsonl: guard_jsonl}.get(output, guard_text)
    if rendered := render(run):
        typer.echo(rendered)
    if output is GuardFormat.text and redacted_only(run):
        typer.echo(guard_findings(run), err=True)  # stdout is the redacted text alone
    if run.fired(failing):
        raise typer.Exit(int(ExitCode.GATE_FAILED))

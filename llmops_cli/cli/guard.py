"""`llmops guard`: check text for PII and prompt injection; redact PII from JSONL."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from llmops_cli.errors import ExitCode


class GuardFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


def _records(file: Path, fields: list[str]) -> list[tuple[int, dict[str, Any]]]:
    from llmops_cli.errors import LlmopsError

    out = []
    with open(file, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise LlmopsError(f"{file}:{number}: not a JSON object (truncated line?)") from None
            if not isinstance(record, dict):
                raise LlmopsError(f"{file}:{number}: expected a JSON object")
            for name in fields:
                if name in record and not isinstance(record[name], str):
                    raise LlmopsError(f"{file}:{number}: {name}: expected a string")
            out.append((number, record))
    return out


def guard(
    text: Annotated[
        str | None,
        typer.Argument(
            help="Text to check ('-' or nothing: read standard input).", show_default=False
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="A JSONL file: check --field of every record.",
            show_default=False,
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field", help="JSONL field(s) to check (default: text).", show_default=False
        ),
    ] = None,
    checks: Annotated[
        str, typer.Option(help="Comma-separated checks: pii, injection.")
    ] = "pii,injection",
    redact: Annotated[
        Path | None,
        typer.Option(
            help="With --file: write the records here with PII replaced by <ENTITY_TYPE>.",
            show_default=False,
        ),
    ] = None,
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
    """Check text for PII (Presidio, offline, checksum-validated) and prompt injection
    (versioned rule packs in several languages, decoded base64/rot13, invisible Unicode).
    Reports entity types and rule ids, never the values. Exit 4 when --fail-on fires."""
    from llmops_cli.errors import LlmopsError
    from llmops_cli.fileio import write_atomic
    from llmops_cli.guardrails.guard import Guard

    wanted = tuple(c.strip() for c in checks.split(",") if c.strip())
    failing = {c.strip() for c in (fail_on or "").split(",") if c.strip()}
    engine = Guard(wanted)
    fields = field or ["text"]
    if redact is not None and file is None:
        raise LlmopsError("--redact needs --file (a JSONL file to write scrubbed)")
    results: list[dict[str, Any]] = []
    if file is not None:
        redacted = []
        for number, record in _records(file, fields):
            for name in fields:
                if isinstance(record.get(name), str):
                    report = engine.check(record[name])
                    results.append({"line": number, "field": name, **report.to_dict()})
                    if redact is not None:
                        record[name] = engine.redact(record[name])
            redacted.append(json.dumps(record, ensure_ascii=False))
        if redact is not None:
            write_atomic(redact, "".join(r + "\n" for r in redacted))
    else:
        body = sys.stdin.read() if text in (None, "-") else text
        assert body is not None
        results.append(engine.check(body).to_dict())
    flagged = [r for r in results if r["flagged"]]
    if output is GuardFormat.json:
        typer.echo(
            json.dumps(
                {"checked": len(results), "flagged": len(flagged), "results": results}, indent=2
            )
        )
    elif output is GuardFormat.jsonl:
        for r in results:
            typer.echo(json.dumps(r))
    else:
        for r in flagged:
            where = f"line {r['line']} {r['field']}: " if "line" in r else ""
            pii = ", ".join(f"{k} x{v}" for k, v in r["pii"].items())
            rules = ", ".join(sorted({i["rule"] for i in r["injection"]}))
            typer.echo(
                f"{where}"
                + "; ".join(
                    x
                    for x in (f"pii: {pii}" if pii else "", f"injection: {rules}" if rules else "")
                    if x
                )
            )
        typer.echo(f"{len(flagged)} of {len(results)} texts flagged")
    if any(set(r["flagged"]) & failing for r in results):
        raise typer.Exit(int(ExitCode.GATE_FAILED))

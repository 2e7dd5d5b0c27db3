"""`llmops guard`: check text for PII, prompt injection and toxicity; annotate (and redact)
JSONL records for drift-check."""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from llmops_cli.cli.options import ProjectOption
from llmops_cli.errors import ExitCode
from llmops_cli.guardrails.toxicity import DEFAULT_THRESHOLD  # imports nothing heavy

if TYPE_CHECKING:
    from llmops_cli.evaluation.targets import Target
    from llmops_cli.guardrails.guard import Guard


class GuardFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


BATCH = 2000  # records checked together (the toxicity classifier is cheap per text in a batch)


def _records(file: Path, fields: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    from llmops_cli.errors import LlmopsError
    from llmops_cli.fileio import jsonl_objects

    for number, record in jsonl_objects(file):
        for name in fields:
            if name in record and not isinstance(record[name], str):
                raise LlmopsError(f"{file}:{number}: {name}: expected a string")
        yield number, record


def _check_file(
    engine: Guard, file: Path, fields: list[str], out: TextIO | None, redact: bool
) -> Iterator[dict[str, Any]]:
    """Results per (record, field); each record written to `out` with `guardrails` (the checks
    that fired on any field) and `guardrail_triggered`, the rate drift-check watches."""
    records = _records(file, fields)
    while batch := list(itertools.islice(records, BATCH)):
        items = [
            (n, rec, name) for n, rec in batch for name in fields if isinstance(rec.get(name), str)
        ]
        reports = engine.check_many([rec[name] for _, rec, name in items])
        fired: dict[int, set[str]] = {n: set() for n, _ in batch}
        for (number, record, name), report in zip(items, reports, strict=True):
            fired[number].update(report.flagged)
            if redact:
                record[name] = engine.redact(record[name])
            yield {"line": number, "field": name, **report.to_dict()}
        if out is not None:
            for number, record in batch:
                record["guardrails"] = sorted(fired[number])
                record["guardrail_triggered"] = bool(fired[number])
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _classifier(ref: str | None, root: Path | None) -> Target | None:
    """The named classifier model as a target; without --classifier, the project's default
    (outside a project, none)."""
    from llmops_cli.errors import LlmopsError
    from llmops_cli.project import Project

    try:
        proj = Project.find(root)
    except LlmopsError:
        if ref is not None or root is not None:
            raise
        return None
    ref = ref or proj.config.guardrails.injection_classifier
    if ref is None:
        return None
    from llmops_cli.evaluation.targets import make_target
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.model import ModelManifest

    model = Catalog.load(proj).find("model", ref)
    assert isinstance(model, ModelManifest)
    return make_target(model, proj.root)


def _pii_regions(root: Path | None) -> tuple[str, ...]:
    """guardrails.pii_regions of the project (outside a project, the default regions; an
    invalid llmops.yaml is an error: a misspelt region must not be ignored)."""
    from llmops_cli.errors import ProjectNotFound
    from llmops_cli.guardrails.pii import DEFAULT_REGIONS
    from llmops_cli.project import Project

    try:
        return Project.find(root).pii_regions
    except ProjectNotFound:
        if root is not None:
            raise
        return DEFAULT_REGIONS


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
            help="A JSONL file (e.g. inference logs): check --field of every record.",
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
        bool, typer.Option(help="With --out: replace PII in the written fields by <ENTITY_TYPE>.")
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
    """Check text for PII (Presidio, offline, checksum-validated), prompt injection (rules in
    six languages OR the shipped classifier, on the text and its decoded views) and toxicity
    (alt-profanity-check). Reports entity types, rule ids and scores, never the values. Exit
    4 when --fail-on fires."""
    from llmops_cli.errors import LlmopsError
    from llmops_cli.fileio import atomic_writer
    from llmops_cli.guardrails.guard import Guard
    from llmops_cli.guardrails.pii import detector

    wanted = tuple(c.strip() for c in checks.split(",") if c.strip())
    failing = {c.strip() for c in (fail_on or "").split(",") if c.strip()}
    # a misspelt --fail-on would never fire: a CI guard step that can never fail
    if stray := sorted(failing - set(wanted)):
        raise typer.BadParameter(
            f"{stray[0]!r} is not one of the checks run ({', '.join(wanted)})",
            param_hint="--fail-on",
        )
    engine = Guard(wanted, toxicity_threshold, _classifier(classifier, project))
    engine.pii = detector(_pii_regions(project))
    fields = field or ["text"]
    if out is not None and file is None:
        raise LlmopsError("--out needs --file (a JSONL file whose records to write back)")
    if redact and out is None:
        raise LlmopsError("--redact needs --out (where to write the scrubbed records)")
    results: list[dict[str, Any]] = []
    if file is not None:
        with contextlib.ExitStack() as stack:
            sink = stack.enter_context(atomic_writer(out)) if out is not None else None
            results.extend(_check_file(engine, file, fields, sink, redact))
    else:
        body = sys.stdin.read() if text in (None, "-") else text
        assert body is not None
        results.append(engine.check(body).to_dict())
    if engine.classifier_failures:
        typer.echo(
            f"warning: the injection classifier gave no label for {engine.classifier_failures} "
            "text(s) (call failed or unparseable answer); the rules' verdict stands for them",
            err=True,
        )
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
            parts = []
            if r["pii"]:
                parts.append("pii: " + ", ".join(f"{k} x{v}" for k, v in r["pii"].items()))
            if r["injection"]:
                parts.append("injection: " + ", ".join(sorted({i["rule"] for i in r["injection"]})))
            if "toxicity" in r["flagged"]:
                parts.append(f"toxicity: {r['toxicity']:.2f}")
            typer.echo(where + "; ".join(parts))
        typer.echo(f"{len(flagged)} of {len(results)} texts flagged")
    if any(set(r["flagged"]) & failing for r in results):
        raise typer.Exit(int(ExitCode.GATE_FAILED))

"""`guard`: the guardrail checks over texts or a JSONL file, what `llmops guard` runs. A file's
records can be written back annotated (`guardrails`, `guardrail_triggered`: the rate
drift-check watches) and, with `redact`, with PII replaced by `<ENTITY_TYPE>`."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from llmops_cli.errors import LlmopsError
from llmops_cli.guardrails.guard import CHECKS, Guard, GuardReport
from llmops_cli.guardrails.toxicity import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from llmops_cli.guardrails.classifier import Classify
    from llmops_cli.project import Project

BATCH = 2000  # records checked together (the toxicity classifier is cheap per text in a batch)


@dataclass(frozen=True)
class GuardItem:
    """One checked text: a file's record line and field, or a text given directly."""

    report: GuardReport
    line: int | None = None
    field: str | None = None
    redacted: str | None = None  # the text with PII replaced (a text given with `redact`)

    def to_dict(self) -> dict[str, Any]:
        where = {"line": self.line, "field": self.field} if self.line is not None else {}
        out = {**where, **self.report.to_dict()}
        if self.redacted is not None:
            out["redacted"] = self.redacted
        return out


@dataclass(frozen=True)
class GuardRunReport:
    """Every text checked, in input order; `classifier_failures`: texts the LLM classifier
    (a model manifest) gave no label for, whose verdict is the rules' and shipped model's."""

    items: tuple[GuardItem, ...] = ()
    classifier_failures: int = 0
    source: str = "text"  # the file read, or "text"
    checks: tuple[str, ...] = field(default=CHECKS)

    @property
    def flagged(self) -> tuple[GuardItem, ...]:
        return tuple(i for i in self.items if i.report.flagged)

    def fired(self, checks: set[str]) -> bool:
        """Whether any of `checks` fired on any text (`--fail-on`)."""
        return any(set(i.report.flagged) & checks for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": len(self.items),
            "flagged": len(self.flagged),
            "results": [i.to_dict() for i in self.items],
        }


def guard(
    project: Project | str | os.PathLike[str] | None = None,
    texts: str | Sequence[str] | None = None,
    file: str | os.PathLike[str] | None = None,
    *,
    checks: str | Sequence[str] = CHECKS,
    fields: str | Sequence[str] = ("text",),
    redact: bool = False,
    out: str | os.PathLike[str] | None = None,
    toxicity_threshold: float = DEFAULT_THRESHOLD,
    classify: Classify | None = None,
) -> GuardRunReport:
    """Check `texts`, or the `fields` of every record of the JSONL `file` (written to `out`
    annotated, and with `redact` scrubbed). A given text with `redact` comes back redacted in
    its item. A single `str` is one text; `checks` and `fields` also take "pii,injection".
    `project`: the project (or a path in it) whose llmops.yaml names the PII regions and LLM
    classifier; None: the working directory's, or the defaults outside a project.
    `classify`: the LLM classifier asked about texts nothing else flagged (`api.guard` builds
    it from llmops.yaml when none is given)."""
    if (texts is None) == (file is None):
        raise LlmopsError("guard: give either texts or a file")
    if out is not None and file is None:
        raise LlmopsError("--out needs --file (a JSONL file whose records to write back)")
    if redact and file is not None and out is None:
        raise LlmopsError("--redact needs --out (where to write the scrubbed records)")
    if isinstance(texts, str):  # a str is a Sequence of characters, not of texts
        texts = [texts]
    checks, fields = _names(checks), _names(fields)
    _, proj = find_project(project)
    engine = Guard(checks, toxicity_threshold, classify, _regions(proj))
    if file is not None:
        with contextlib.ExitStack() as stack:
            sink = None if out is None else stack.enter_context(_writer(Path(out)))
            items = tuple(_check_file(engine, Path(file), list(fields), sink, redact))
        source = str(file)
    else:
        assert texts is not None
        reports = engine.check_many(list(texts))
        items = tuple(
            GuardItem(r, redacted=engine.redact(t) if redact else None)
            for t, r in zip(texts, reports, strict=True)
        )
        source = "text"
    return GuardRunReport(items, engine.classifier_failures, source, tuple(checks))


def _names(value: str | Sequence[str]) -> tuple[str, ...]:
    """Check or field names: "a,b", or a sequence of them, each possibly "a,b"."""
    items = [value] if isinstance(value, str) else value
    return tuple(n.strip() for item in items for n in item.split(",") if n.strip())


def _writer(path: Path) -> contextlib.AbstractContextManager[TextIO]:
    from llmops_cli.fileio import atomic_writer

    return atomic_writer(path)


def find_project(
    project: Project | str | os.PathLike[str] | None,
) -> tuple[Path | None, Project | None]:
    """(the root asked for, the project found): outside a project, with no root asked for,
    the defaults apply; an asked-for root must hold one."""
    from llmops_cli.errors import ProjectNotFound
    from llmops_cli.project import Project

    if isinstance(project, Project):
        return project.root, project
    root = Path(project) if project is not None else None
    try:
        return root, Project.find(root)
    except ProjectNotFound:
        if root is not None:
            raise
        return None, None


def _regions(proj: Project | None) -> tuple[str, ...]:
    """guardrails.pii_regions of the project (an invalid llmops.yaml is an error: a misspelt
    region must not be ignored); outside a project, the default regions."""
    from llmops_cli.guardrails.pii import DEFAULT_REGIONS

    return proj.pii_regions if proj is not None else DEFAULT_REGIONS


def _records(file: Path, fields: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    from llmops_cli.fileio import jsonl_objects

    for number, record in jsonl_objects(file):
        for name in fields:
            if name in record and not isinstance(record[name], str):
                raise LlmopsError(f"{file}:{number}: {name}: expected a string")
        yield number, record


def _check_file(
    engine: Guard, file: Path, fields: list[str], out: TextIO | None, redact: bool
) -> Iterator[GuardItem]:
    """Items per (record, field); each record written to `out` with `guardrails` (the checks
    that fired on any field) and `guardrail_triggered`, the rate drift-check watches."""
    records = _records(file, fields)
    first: dict[str, Any] | None = None
    checked = False
    while batch := list(itertools.islice(records, BATCH)):
        first = first if first is not None else batch[0][1]
        todo = [
            (n, rec, name) for n, rec in batch for name in fields if isinstance(rec.get(name), str)
        ]
        checked = checked or bool(todo)
        reports = engine.check_many([rec[name] for _, rec, name in todo])
        fired: dict[int, set[str]] = {n: set() for n, _ in batch}
        for (number, record, name), report in zip(todo, reports, strict=True):
            fired[number].update(report.flagged)
            if redact:
                record[name] = engine.redact(record[name])
            yield GuardItem(report, number, name)
        if out is not None:
            for number, record in batch:
                record["guardrails"] = sorted(fired[number])
                record["guardrail_triggered"] = bool(fired[number])
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if first is not None and not checked:  # a misspelt --field would check nothing, exit 0
        raise LlmopsError(
            f"{file}: no record has the field(s) {', '.join(fields)}; the first record has "
            f"{', '.join(sorted(first)) or 'no fields'}: pass those with --field"
        )

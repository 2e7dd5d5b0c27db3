"""Golden sets: the cases a pipeline is evaluated on. JSONL is the native format; CSV and
YAML are accepted. In CSV, `tags` and `expected_sources` are `;`-separated, `assert` is a
JSON string, and every other column is a variable."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from llmops_cli.errors import ManifestError, Problem
from llmops_cli.manifests import schema
from llmops_cli.manifests.model import freeze
from llmops_cli.manifests.scorer_specs import spec_problem
from llmops_cli.manifests.seal import Seal
from llmops_cli.yamlio import FieldPath, LocatedDocument, format_path, load_yaml, read_text

GOLDEN_SUFFIXES = (".jsonl", ".csv", ".yaml", ".yml")
MAX_GOLDEN_BYTES = 256 << 20
_CSV_LISTS = ("tags", "expected_sources")
_CSV_FIXED = ("id", "expected", "assert", *_CSV_LISTS)


@dataclass(frozen=True)
class GoldenCase:
    id: str
    line: int
    vars: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    expected: Any = None
    expected_sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    asserts: tuple[Mapping[str, Any], ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class GoldenSet:
    path: str
    sha256: str
    cases: tuple[GoldenCase, ...]

    def variables(self) -> frozenset[str]:
        return frozenset(name for case in self.cases for name in case.vars)


def load_golden_set(path: Path, display: str, seal_dir: Path | None = None) -> GoldenSet:
    """Parse and validate a golden set; every problem found is raised together. A text sealed
    in `seal_dir` (it passed before) is not checked against the schema again."""
    suffix = path.suffix.lower()
    if suffix not in GOLDEN_SUFFIXES:
        raise ManifestError(
            [Problem(display, f"unknown golden set format {suffix!r}; use .jsonl, .csv or .yaml")]
        )
    text = read_text(path, display, max_bytes=MAX_GOLDEN_BYTES)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    problems: list[Problem] = []
    if suffix == ".jsonl":
        docs = list(_jsonl(text, display, problems))
    elif suffix == ".csv":
        docs = list(_csv(text, display, problems))
    else:
        docs = _yaml(text, display)
    seal = Seal(seal_dir, "golden", display, "golden-case", text)
    checked = not seal.valid()
    cases: list[GoldenCase] = []
    seen: dict[str, int] = {}
    for doc, base in docs:
        found = schema.check("golden-case", doc, display, base) if checked else []
        problems.extend(found)
        if found:
            continue
        case = _case(doc, base)
        found = _assert_problems(case, doc, base, display) if checked else []
        problems.extend(found)
        if found:
            continue
        if case.id in seen:
            problems.append(
                Problem(
                    display,
                    f"duplicate case id {case.id!r} (first on line {seen[case.id]})",
                    line=case.line,
                    field="id",
                )
            )
            continue
        seen[case.id] = case.line
        cases.append(case)
    if not problems and not cases:
        problems.append(Problem(display, "golden set has no cases"))
    if problems:
        raise ManifestError(problems)
    if checked:
        seal.write()
    return GoldenSet(path=display, sha256=digest, cases=tuple(cases))


def check_variables(golden: GoldenSet, declared: tuple[str, ...], prompt: str) -> list[Problem]:
    """Cases must supply every declared variable; extra ones are only a warning."""
    problems: list[Problem] = []
    wanted = set(declared)
    for case in golden.cases:
        missing = sorted(wanted - set(case.vars))
        if missing:
            problems.append(
                Problem(
                    golden.path,
                    f"case {case.id!r} lacks variable(s) {', '.join(missing)} "
                    f"declared by prompt {prompt}",
                    line=case.line,
                    field="vars",
                )
            )
    extra = sorted(golden.variables() - wanted)
    if extra:
        first = next(case for case in golden.cases if set(case.vars) - wanted)
        problems.append(
            Problem(
                golden.path,
                f"variable(s) {', '.join(extra)} are not declared by prompt "
                f"{prompt} and will be ignored (first in case {first.id!r})",
                line=first.line,
                severity="warning",
                field="vars",
            )
        )
    return problems


def _assert_problems(
    case: GoldenCase, doc: LocatedDocument, base: FieldPath, display: str
) -> list[Problem]:
    problems = []
    for index, spec in enumerate(case.asserts):
        found = spec_problem(spec)
        if found is not None:
            path = (*base, "assert", index, found[0])
            field = format_path(("assert", index, found[0]))
            problems.append(Problem(display, found[1], line=doc.line_of(path), field=field))
    return problems


def _case(doc: LocatedDocument, base: FieldPath) -> GoldenCase:
    data = doc.data
    for part in base:
        data = data[part]
    return GoldenCase(
        id=str(data["id"]),
        line=doc.line_of(base) or 0,
        vars=freeze(data.get("vars", {})),
        expected=freeze(data.get("expected")),
        expected_sources=tuple(data.get("expected_sources", ())),
        tags=tuple(data.get("tags", ())),
        asserts=freeze(data.get("assert", [])),
        metadata=freeze(data.get("metadata", {})),
    )


def _jsonl(text: str, display: str, problems: list[Problem]) -> Any:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(display, f"invalid JSON: {exc.msg} (column {exc.colno})", line=number)
            )
            continue
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number, [[[[...]]]]
            what = "nested too deeply" if isinstance(exc, RecursionError) else "a number too long"
            problems.append(Problem(display, f"invalid JSON: {what}", line=number))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(display, "expected a JSON object per line", line=number))
            continue
        yield LocatedDocument(data=value, lines={(): number}), ()


def _csv(text: str, display: str, problems: list[Problem]) -> Any:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "id" not in reader.fieldnames:
        problems.append(Problem(display, "CSV header must include an `id` column", line=1))
        return
    for row in _csv_rows(reader, display, problems):
        line = reader.line_num
        if None in row:
            problems.append(Problem(display, "row has more cells than the header", line=line))
            continue
        case: dict[str, Any] = {"id": row["id"]}
        if row.get("expected"):
            case["expected"] = row["expected"]
        for key in _CSV_LISTS:
            if row.get(key):
                case[key] = [item.strip() for item in row[key].split(";") if item.strip()]
        if row.get("assert"):
            try:
                case["assert"] = json.loads(row["assert"])
            except json.JSONDecodeError as exc:
                problems.append(
                    Problem(display, f"invalid JSON: {exc.msg}", line=line, field="assert")
                )
                continue
        variables = {k: v for k, v in row.items() if k not in _CSV_FIXED}
        if variables:
            case["vars"] = variables
        yield LocatedDocument(data=case, lines={(): line}), ()


def _csv_rows(reader: csv.DictReader[str], display: str, problems: list[Problem]) -> Any:
    """The rows, until one the csv module cannot read (a cell over its size limit)."""
    try:
        yield from reader
    except csv.Error as exc:
        problems.append(Problem(display, f"invalid CSV: {exc}", line=reader.line_num + 1))


def _yaml(text: str, display: str) -> list[tuple[LocatedDocument, FieldPath]]:
    doc = load_yaml(text, display)
    items = doc.data.get("cases") if isinstance(doc.data, dict) else doc.data
    if not isinstance(items, list):
        raise ManifestError(
            [Problem(display, "expected a list of cases (or a mapping with `cases:`)", line=1)]
        )
    prefix: FieldPath = ("cases",) if isinstance(doc.data, dict) else ()
    return [(doc, (*prefix, index)) for index in range(len(items))]

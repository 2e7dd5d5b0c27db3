"""The JSON Schemas shipped in `schemas/` and the translation of their errors into located,
human messages (`file:line: field: expected integer, got "fast"`)."""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from llmops_cli.errors import LlmopsError, Problem
from llmops_cli.yamlio import FieldPath, LocatedDocument, format_path

if TYPE_CHECKING:
    import jsonschema

KINDS = ("prompt", "model", "retrieval", "thresholds", "pipeline")
SCHEMA_NAMES = (*KINDS, "project", "golden-case")

_JSON_TYPES = {
    dict: "mapping",
    list: "list",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def schema_text(name: str) -> str:
    if name not in SCHEMA_NAMES:
        raise LlmopsError(f"unknown schema {name!r}; choose one of: {', '.join(SCHEMA_NAMES)}")
    return (resources.files("llmops_cli.manifests") / "schemas" / f"{name}.json").read_text("utf-8")


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    import jsonschema  # ~0.1 s: only when a document is actually checked

    schema = json.loads(schema_text(name))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def check(name: str, doc: LocatedDocument, display: str, base: FieldPath = ()) -> list[Problem]:
    """Validate `doc.data` (or the value at `base`) against schema `name`; one Problem per error."""
    data = doc.data
    for part in base:
        data = data[part]
    problems = []
    for error in _validator(name).iter_errors(data):
        path, message = _describe(error)
        full = (*base, *path)
        problems.append(Problem(display, message, line=doc.line_of(full), field=format_path(full)))
    problems.sort(key=lambda p: (p.line or 0, p.field))
    return problems


def _got(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _describe(error: jsonschema.ValidationError) -> tuple[FieldPath, str]:
    """The field path and a message that says what was expected."""
    path: FieldPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    value: Any = error.instance
    expected: Any = error.validator_value
    if kind == "required":
        missing = [k for k in expected if k not in value]
        return (*path, missing[0]), "missing required field"
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed))
        key = extra[0] if extra else "?"
        hint = difflib.get_close_matches(key, allowed, n=1)
        message = f"unknown key {key!r}"
        message += (
            f" (did you mean {hint[0]!r}?)" if hint else f"; allowed keys: {', '.join(allowed)}"
        )
        return (*path, key), message
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(
            "mapping" if n == "object" else "list" if n == "array" else n for n in names
        )
        message = f"expected {wanted}, got {_type_name(value)} {_got(value)}"
        if path and path[-1] == "version" and isinstance(value, int | float):
            message += ' (quote it and use three parts: "1.0.0")'
        return path, message
    if kind == "enum":
        options = ", ".join(str(o) for o in expected)
        return path, f"expected one of: {options}; got {_got(value)}"
    if kind == "const":
        return path, f"expected {_got(expected)}, got {_got(value)}"
    if kind == "pattern":
        what = schema.get("description") or f"a value matching {expected}"
        return path, f"expected {what}, got {_got(value)}"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[
            kind
        ]
        return path, f"must be {op} {expected}, got {_got(value)}"
    if kind == "anyOf" and schema.get("anyOf") == [{"required": ["min"]}, {"required": ["max"]}]:
        return path, "needs `min` or `max`"
    if kind == "format":
        return path, _format_message(expected, value)
    if kind == "propertyNames":
        return path, f"invalid name {_got(value)}: use lowercase letters, digits and underscores"
    return path, error.message


def _format_message(expected: str, value: Any) -> str:
    """`2026-02-30` has the shape of a date but is no day: say which part is wrong."""
    if expected == "date" and isinstance(value, str):
        import datetime

        try:
            datetime.date.fromisoformat(value)
        except ValueError as exc:
            if len(value) == 10 and value[4] == value[7] == "-":
                return f"{_got(value)} is not a calendar date ({exc}); write YYYY-MM-DD"
    return f"expected a {expected} (e.g. 2025-06-30), got {_got(value)}"

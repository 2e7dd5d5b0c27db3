"""JSON Schema (Draft 2020-12) of a contract, generated from its type hints: the published
schema of report.json and gate.json can never drift from the types that read and write them.

A field with a default is optional (older documents may lack it); unknown properties are
allowed, as `Contract.from_dict` ignores them (a newer minor writer may add fields)."""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from typing import Any, get_args, get_origin

from llmops_cli.contracts.base import Contract, _hints

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
}


def json_schema(cls: type[Contract], title: str) -> dict[str, Any]:
    """The schema of documents of type `cls`, its nested contracts under `$defs`."""
    defs: dict[str, Any] = {}
    root = _object(cls, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def _object(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    properties = {f.name: _type(hints[f.name], defs) for f in fields}
    required = [f.name for f in fields if _required(f)]
    version = getattr(cls, "SCHEMA_VERSION", 0)
    if version and "schema_version" in properties:  # a whole document: checked on read
        properties["schema_version"] = {"type": "integer", "const": version}
        required = [r for r in required if r != "schema_version"]
        if getattr(cls, "UNVERSIONED_AS", None) is None:  # else older files lack it
            required.insert(0, "schema_version")
    out: dict[str, Any] = {"type": "object"}
    if cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}("):
        out["description"] = " ".join(cls.__doc__.split())
    return {**out, "properties": properties, "required": required}


def _required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _type(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if tp is Any or tp is object:
        return {}
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type(member, defs) for member in get_args(tp)]}
    if origin is typing.Literal:
        return {"enum": list(get_args(tp))}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [member.value for member in tp]}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}  # a placeholder first: a contract may nest itself
            defs[tp.__name__] = _object(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    args = get_args(tp)
    if origin is tuple and args and args[-1] is not Ellipsis:  # fixed length: (low, high)
        items = [_type(a, defs) for a in args]
        return {"type": "array", "prefixItems": items, "minItems": len(args), "maxItems": len(args)}
    if origin in (tuple, list):
        return {"type": "array", "items": _type(args[0], defs) if args else {}}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type(args[1], defs) if args else {}}
    raise TypeError(f"no JSON Schema for {tp!r}")  # a new field type: teach it here


def contract_schemas() -> dict[str, dict[str, Any]]:
    """`llmops schema NAME` for the result documents: report (report.json), verdict (gate.json)."""
    from llmops_cli.contracts.report import EvalReport
    from llmops_cli.contracts.verdict import GateVerdict

    return {
        "report": json_schema(EvalReport, "llmops eval report (report.json)"),
        "verdict": json_schema(GateVerdict, "llmops gate verdict (gate.json)"),
    }

"""JSON round trip for frozen dataclasses, and the one `schema_version` check.

A contract is a frozen dataclass whose fields are JSON scalars, other contracts, tuples or
lists of them, `dict[str, ...]` of them, or `X | None`. `from_dict` rebuilds nested
contracts from the annotations, so a reader gets the same typed object the writer had.
Unknown keys are kept out (a newer minor writer may add fields) and a missing field takes its
default, or is an error naming the file and field.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from functools import cache
from typing import Any, ClassVar, Self, get_args, get_origin

from llmops_cli.errors import LlmopsError


class ContractError(LlmopsError):
    """A JSON document that is not the contract it claims to be."""


def check_schema_version(data: object, *, kind: str, supported: int, source: str) -> None:
    """Refuse a document written by a newer major schema than this llmops reads."""
    if not isinstance(data, dict):
        raise ContractError(f"{source}: a {kind} must be a JSON object")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ContractError(f"{source}: schema_version: missing or not an integer in this {kind}")
    if version > supported:
        raise ContractError(
            f"{source}: schema_version: {kind} schema {version} is newer than this llmops "
            f"reads ({supported}); upgrade llmops-cli"
        )


@dataclasses.dataclass(frozen=True)
class Contract:
    """Base of every published type. Subclasses that are whole documents set `KIND` and
    `SCHEMA_VERSION` and carry a `schema_version` field."""

    KIND: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int] = 0

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: object, *, source: str = "<data>") -> Self:
        if cls.SCHEMA_VERSION:
            check_schema_version(
                data, kind=cls.KIND or cls.__name__, supported=cls.SCHEMA_VERSION, source=source
            )
        built = _load(cls, data, f"{source}: ")
        assert isinstance(built, cls)
        return built

    @classmethod
    def from_json(cls, text: str, *, source: str = "<data>") -> Self:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ContractError(f"{source}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
        return cls.from_dict(data, source=source)


def _dump(value: Any) -> Any:
    if isinstance(value, Contract):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dump(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _load(tp: Any, value: Any, where: str) -> Any:
    """Build `value` as type `tp`; `where` is the `source: field.path` prefix of errors."""
    if tp is Any or tp is object:
        return value
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = get_args(tp)
        if value is None and type(None) in members:
            return None
        non_none = [m for m in members if m is not type(None)]
        if len(non_none) == 1:
            return _load(non_none[0], value, where)
        for member in non_none:  # scalar unions (int | float, str | int): first that fits
            if _fits(member, value):
                return _load(member, value, where)
        raise ContractError(f"{where.rstrip(': ')}: expected {tp}, got {type(value).__name__}")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ContractError(f"{where.rstrip(': ')}: expected an object")
        hints = _hints(tp)
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(tp):
            if f.name in value:
                kwargs[f.name] = _load(hints[f.name], value[f.name], f"{where}{f.name}.")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ContractError(f"{where}{f.name}: missing")
        return tp(**kwargs)
    if origin is typing.Literal:
        if value not in get_args(tp):
            choices = ", ".join(repr(a) for a in get_args(tp))
            raise ContractError(f"{where.rstrip('.: ')}: {value!r} is not one of {choices}")
        return value
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            raise ContractError(
                f"{where.rstrip('.: ')}: {value!r} is not a {tp.__name__}"
            ) from None
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise ContractError(f"{where.rstrip('.: ')}: expected a list")
        args = get_args(tp)
        item = args[0] if args else Any
        items = [_load(item, v, f"{where}{i}.") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ContractError(f"{where.rstrip('.: ')}: expected an object")
        args = get_args(tp)
        item = args[1] if len(args) == 2 else Any
        return {k: _load(item, v, f"{where}{k}.") for k, v in value.items()}
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(tp, type) and not _fits(tp, value):
        raise ContractError(
            f"{where.rstrip('.: ')}: expected {tp.__name__}, got {type(value).__name__}"
        )
    return value


def _fits(tp: Any, value: Any) -> bool:
    if not isinstance(tp, type):
        return True
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if dataclasses.is_dataclass(tp):
        return isinstance(value, dict)
    return isinstance(value, tp)

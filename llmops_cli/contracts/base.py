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
from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar, Self, get_args, get_origin

from llmops_cli.errors import LlmopsError


class ContractError(LlmopsError):
    """A JSON document that is not the contract it claims to be."""


def check_schema_version(
    data: object, *, kind: str, supported: int, source: str, unversioned: int | None = None
) -> None:
    """Refuse a document written by a newer major schema than this llmops reads.

    `unversioned`: the version a document without the field is read as (one written before
    its kind carried a version); None makes the field required."""
    if not isinstance(data, dict):
        raise ContractError(f"{source}: a {kind} must be a JSON object")
    version = data.get("schema_version", unversioned)
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
    # the version a document without `schema_version` is read as (kinds versioned late)
    UNVERSIONED_AS: ClassVar[int | None] = None
    OMIT_IF_NONE: ClassVar[frozenset[str]] = frozenset()  # optional parts left out when None

    def to_dict(self) -> dict[str, Any]:
        omit = self.OMIT_IF_NONE
        out: dict[str, Any] = {}
        for name, dump in _plan(type(self)):
            value = getattr(self, name)
            if value is None:
                if name not in omit:
                    out[name] = None
            else:
                out[name] = value if dump is None else dump(value)
        return out

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: object, *, source: str = "<data>") -> Self:
        if cls.SCHEMA_VERSION:
            check_schema_version(
                data,
                kind=cls.KIND or cls.__name__,
                supported=cls.SCHEMA_VERSION,
                source=source,
                unversioned=cls.UNVERSIONED_AS,
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
        return value.to_dict()  # a subclass may leave empty optional parts out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dump(v) for k, v in value.items()}
    return value


Dumper = Callable[[Any], Any]
_PLANS: dict[type, tuple[tuple[str, Dumper | None], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, Dumper | None], ...]:
    """Each field and how to dump it (None: already JSON), worked out once per class."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = _hints(cls)
        plan = _PLANS[cls] = tuple(
            (f.name, _dumper(hints[f.name])) for f in dataclasses.fields(cls)
        )
    return plan


@cache
def _dumper(tp: Any) -> Dumper | None:
    """How to dump values of type `tp`: None when they are JSON as they are."""
    origin = get_origin(tp)
    if tp in (str, int, float, bool, type(None)) or origin is typing.Literal:
        return None
    if origin in (typing.Union, types.UnionType):
        members = [_dumper(m) for m in get_args(tp)]
        return None if all(m is None for m in members) else _dump
    if origin in (tuple, list):
        items = [_dumper(a) for a in get_args(tp) if a is not Ellipsis] or [_dump]
        if all(i is None for i in items):
            return list
        item = items[0] if len(items) == 1 and items[0] is not None else _dump
        return lambda value: [item(v) for v in value]
    if origin is dict:
        args = get_args(tp)
        inner = _dumper(args[1]) if len(args) == 2 else _dump
        if inner is None:
            return dict
        return lambda value: {str(k): inner(v) for k, v in value.items()}
    return _dump  # contracts, enums, Any: decided per value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


Loader = Callable[[Any, str], Any]  # (value, "source: field.path.") -> the typed value


def _load(tp: Any, value: Any, where: str) -> Any:
    """Build `value` as type `tp`; `where` is the `source: field.path` prefix of errors."""
    return _loader(tp)(value, where)


def _field(where: str) -> str:
    return where.rstrip(".: ")


@cache
def _loader(tp: Any) -> Loader:
    """The function that builds values of type `tp`, made once per type: a report has
    thousands of rows of the same few types."""
    if tp is Any or tp is object:
        return lambda value, where: value
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _union(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp)
    if origin is typing.Literal:
        return _literal(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp)
    if origin in (tuple, list):
        return _sequence(origin, get_args(tp))
    if origin is dict:
        args = get_args(tp)
        return _mapping(_loader(args[1] if len(args) == 2 else Any))
    if isinstance(tp, type):
        return _scalar(tp)
    return lambda value, where: value


def _union(tp: Any) -> Loader:
    members = get_args(tp)
    nullable = type(None) in members
    non_none = [m for m in members if m is not type(None)]
    if len(non_none) == 1:
        inner = _loader(non_none[0])
        return lambda value, where: None if value is None and nullable else inner(value, where)
    choices = [(m, _loader(m)) for m in non_none]

    def load(value: Any, where: str) -> Any:
        if value is None and nullable:
            return None
        for member, inner in choices:  # scalar unions (int | float, str | int): first that fits
            if _fits(member, value):
                return inner(value, where)
        raise ContractError(f"{where.rstrip(': ')}: expected {tp}, got {type(value).__name__}")

    return load


def _dataclass(tp: type) -> Loader:
    hints = _hints(tp)
    fields = [
        (
            f.name,
            _loader(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(tp)
    ]

    def load(value: Any, where: str) -> Any:
        if not isinstance(value, dict):
            raise ContractError(f"{where.rstrip(': ')}: expected an object")
        kwargs: dict[str, Any] = {}
        for name, inner, required in fields:
            if name in value:
                kwargs[name] = inner(value[name], f"{where}{name}.")
            elif required:
                raise ContractError(f"{where}{name}: missing")
        return tp(**kwargs)

    return load


def _literal(tp: Any) -> Loader:
    allowed = get_args(tp)

    def load(value: Any, where: str) -> Any:
        if value not in allowed:
            choices = ", ".join(repr(a) for a in allowed)
            raise ContractError(f"{_field(where)}: {value!r} is not one of {choices}")
        return value

    return load


def _enum(tp: type[enum.Enum]) -> Loader:
    def load(value: Any, where: str) -> Any:
        try:
            return tp(value)
        except ValueError:
            raise ContractError(f"{_field(where)}: {value!r} is not a {tp.__name__}") from None

    return load


def _sequence(origin: Any, args: tuple[Any, ...]) -> Loader:
    inner = _loader(args[0] if args else Any)
    as_tuple = origin is tuple

    def load(value: Any, where: str) -> Any:
        if not isinstance(value, list | tuple):
            raise ContractError(f"{_field(where)}: expected a list")
        items = [inner(v, f"{where}{i}.") for i, v in enumerate(value)]
        return tuple(items) if as_tuple else items

    return load


def _mapping(inner: Loader) -> Loader:
    def load(value: Any, where: str) -> Any:
        if not isinstance(value, dict):
            raise ContractError(f"{_field(where)}: expected an object")
        return {k: inner(v, f"{where}{k}.") for k, v in value.items()}

    return load


def _scalar(tp: type) -> Loader:
    def load(value: Any, where: str) -> Any:
        if type(value) is tp:  # the common case, first
            return value
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not _fits(tp, value):
            raise ContractError(
                f"{_field(where)}: expected {tp.__name__}, got {type(value).__name__}"
            )
        return value

    return load


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

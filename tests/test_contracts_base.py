"""The JSON round trip and schema_version check every published contract inherits."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import pytest

from llmops_cli.contracts.base import Contract, ContractError


class Status(enum.StrEnum):
    passed = "passed"
    failed = "failed"


@dataclass(frozen=True)
class Item(Contract):
    name: str
    score: float | None = None
    status: Status = Status.passed


@dataclass(frozen=True)
class Doc(Contract):
    KIND: ClassVar[str] = "test document"
    SCHEMA_VERSION: ClassVar[int] = 2

    schema_version: int
    kind: Literal["a", "b"]
    items: tuple[Item, ...] = ()
    by_tag: dict[str, Item] = field(default_factory=dict)
    note: str | None = None


def test_round_trip_rebuilds_nested_types() -> None:
    doc = Doc(
        schema_version=2,
        kind="b",
        items=(Item("x", 0.5), Item("y", None, Status.failed)),
        by_tag={"t": Item("z", 1.0)},
    )
    again = Doc.from_json(doc.to_json(), source="doc.json")
    assert again == doc
    assert isinstance(again.items[1].status, Status)
    assert doc.to_dict()["items"][1]["status"] == "failed"


def test_integer_json_number_is_a_float_field() -> None:
    item = Item.from_dict({"name": "x", "score": 1})
    assert isinstance(item.score, float)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"schema_version": 3, "kind": "a"}, "doc.json: schema_version: test document schema 3"),
        ({"kind": "a"}, "doc.json: schema_version: missing"),
        ({"schema_version": 1}, "doc.json: kind: missing"),
        ({"schema_version": 1, "kind": "c"}, "doc.json: kind: 'c' is not one of"),
        ({"schema_version": 1, "kind": "a", "items": [{"score": 1}]}, "doc.json: items.0.name"),
        (
            {"schema_version": 1, "kind": "a", "items": [{"name": "x", "status": "odd"}]},
            "doc.json: items.0.status: 'odd' is not a Status",
        ),
        ({"schema_version": 1, "kind": "a", "note": 5}, "doc.json: note: expected str"),
    ],
)
def test_bad_documents_name_the_source_and_field(data: object, message: str) -> None:
    with pytest.raises(ContractError) as caught:
        Doc.from_dict(data, source="doc.json")
    assert message in str(caught.value)


def test_unknown_keys_from_a_newer_minor_writer_are_ignored() -> None:
    doc = Doc.from_dict({"schema_version": 2, "kind": "a", "added_later": [1]})
    assert doc.kind == "a"


def test_invalid_json_names_the_line() -> None:
    with pytest.raises(ContractError, match=r"doc.json:2: not valid JSON"):
        Doc.from_json('{\n  "kind": }', source="doc.json")

"""A necessary condition for a regular expression to match, in substring tests: which literal
strings any match must contain (an AND of ORs, as RE2's prefilter builds it). A rule whose
condition fails on a text cannot match it, so its regular expression need not run: one
`in` test per word, where a pattern with bounded gaps costs a scan per start position.

The condition is read from the parsed pattern (`re._parser`): literals and small character
classes concatenate into sets of exact strings (cut back to an OR of them when the set grows),
alternations join, a part repeated at least once keeps its condition, and everything else
(`\\w`, `.`, optional parts) asks nothing and breaks a run of exact strings. Tests run on
the lower-cased text with lower-cased literals, which is what a case-insensitive match
implies for every character but the few whose case folding `str.lower` does not follow
(`UNFOLDED`): a text holding one of them is not filtered. tests/test_injection.py checks
that a match implies the condition on every corpus and that `UNFOLDED` covers every
character the rules' literals fold to.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

MAX_EXACT = 16  # exact strings kept before a concatenation is cut into AND-ed parts
MAX_CLASS = 8  # a character class of up to this many characters is a set of literals
# characters that match a different letter case-insensitively than their `str.lower` says
# (dotless i, long s, Kelvin and Ångström signs, dotted capital I, ...): derived and checked
# by tests/test_injection.py for every literal the rules' conditions hold
UNFOLDED = re.compile(
    "[\u0130\u0131\u017f\u212a\u212b\u1e9e\u00df\u03c2\u1fbe\u0345\ufb05\ufb06\u1c80-\u1c88\u03a3\u03c3\u03f0\u03f5\u00b5\u03d1\u03d6\u03d0\u03f1]"
)

# a condition: True (anything), a literal, or ("and" | "or", parts)
Query = Any


class _Info:
    """What a part of a pattern asks: `exact`, the set of strings it matches exactly (when
    small), else `query`, a condition every match meets."""

    __slots__ = ("exact", "query")

    def __init__(self, exact: frozenset[str] | None = None, query: Query = True) -> None:
        self.exact = exact
        self.query = query

    def condition(self) -> Query:
        if self.exact is None:
            return self.query
        return _any_of(self.exact)


_EMPTY = _Info(frozenset({""}))
_ANY_CHAR = _Info(None, True)


def _any_of(strings: frozenset[str]) -> Query:
    if "" in strings or not strings:
        return True
    kept = sorted(strings)
    if len(kept) <= MAX_EXACT:  # a string holding another is implied by it: drop it
        kept = [s for s in kept if not any(m != s and m in s for m in kept)]
    return kept[0] if len(kept) == 1 else ("or", tuple(kept))


def _and(*parts: Query) -> Query:
    flat: list[Query] = []
    for part in parts:
        if part is True:
            continue
        if isinstance(part, tuple) and part[0] == "and":
            flat.extend(part[1])
        elif part not in flat:
            flat.append(part)
    if not flat:
        return True
    return flat[0] if len(flat) == 1 else ("and", tuple(flat))


def _or(*parts: Query) -> Query:
    flat: list[Query] = []
    for part in parts:
        if part is True:
            return True
        if isinstance(part, tuple) and part[0] == "or":
            flat.extend(part[1])
        elif part not in flat:
            flat.append(part)
    return flat[0] if len(flat) == 1 else ("or", tuple(flat))


def _char(code: int) -> _Info:
    low = chr(code).lower()
    return _Info(frozenset({low})) if len(low) == 1 else _ANY_CHAR


def _class(items: list[tuple[Any, Any]]) -> _Info:
    chars: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            chars.add(chr(av))
        elif name == "RANGE" and av[1] - av[0] < MAX_CLASS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY (\w, \d, \s), a wide range
            return _ANY_CHAR
        if len(chars) > MAX_CLASS:
            return _ANY_CHAR
    lowered = {c.lower() for c in chars}
    if any(len(c) != 1 for c in lowered):
        return _ANY_CHAR
    return _Info(frozenset(lowered))


def _parts(nodes: Any) -> list[_Info]:
    """The infos of a sequence's nodes, each run of plain literals as one string."""
    parts: list[_Info] = []
    run: list[str] = []
    for op, av in nodes:
        name = str(op)
        if name == "LITERAL" and len(low := chr(av).lower()) == 1:
            run.append(low)
            continue
        if run:
            parts.append(_Info(frozenset({"".join(run)})))
            run = []
        parts.append(_node(name, av))
    if run:
        parts.append(_Info(frozenset({"".join(run)})))
    return parts


def _sequence(nodes: Any) -> _Info:
    done: Query = True
    exact: frozenset[str] | None = frozenset({""})
    unknown = False  # a part of unknown text was met: the sequence is not its exact strings
    for part in _parts(nodes):
        if part.exact is None:
            unknown = True
            done = _and(done, _any_of(exact) if exact is not None else True, part.query)
            exact = frozenset({""})
        elif exact is not None and len(exact) * len(part.exact) <= MAX_EXACT:
            exact = frozenset(a + b for a in exact for b in part.exact)
        else:
            done = _and(done, _any_of(exact) if exact is not None else True)
            exact = part.exact
    if done is True and not unknown:
        return _Info(exact)
    return _Info(None, _and(done, _any_of(exact) if exact is not None else True))


def _alternation(branches: list[Any]) -> _Info:
    infos = [_sequence(b) for b in branches]
    exacts = [i.exact for i in infos]
    if all(e is not None for e in exacts):
        union = frozenset().union(*(e for e in exacts if e is not None))
        if len(union) <= MAX_EXACT:
            return _Info(union)
    return _Info(None, _or(*(i.condition() for i in infos)))


def _repeat(av: Any) -> _Info:
    low, high, body = av
    inner = _sequence(body)
    if low == 0:  # optional: nothing asked, and what it consumes is unknown
        if high == 1 and inner.exact is not None:
            return _Info(inner.exact | {""})
        return _ANY_CHAR
    return inner if low == high == 1 else _Info(None, inner.condition())


def _if_group(av: Any) -> _Info:
    _, yes, no = av
    return _alternation([yes, no if no is not None else []])


def _zero_width(av: Any) -> _Info:
    return _EMPTY  # consumes nothing, asks nothing here


_NODES: dict[str, Callable[[Any], _Info]] = {
    "LITERAL": _char,
    "IN": _class,
    "AT": _zero_width,
    "ASSERT": _zero_width,
    "ASSERT_NOT": _zero_width,
    "SUBPATTERN": lambda av: _sequence(av[3]),
    "ATOMIC_GROUP": _sequence,
    "BRANCH": lambda av: _alternation(av[1]),
    "MAX_REPEAT": _repeat,
    "MIN_REPEAT": _repeat,
    "POSSESSIVE_REPEAT": _repeat,
    "GROUPREF_EXISTS": _if_group,
}


def _node(name: str, av: Any) -> _Info:
    """A node's info; ANY, NOT_LITERAL, GROUPREF, CATEGORY...: one character, unknown."""
    handler = _NODES.get(name)
    return _ANY_CHAR if handler is None else handler(av)


def condition(pattern: str, flags: int = re.IGNORECASE) -> Query:
    """The condition every match of `pattern` meets, over the lower-cased text."""
    parser = importlib.import_module("re._parser")
    return _sequence(parser.parse(pattern, flags)).condition()


def literals(query: Query) -> set[str]:
    """Every literal a condition tests."""
    if query is True:
        return set()
    if isinstance(query, str):
        return {query}
    return set().union(*(literals(q) for q in query[1]))


def _source(query: Query) -> str:
    if query is True:
        return "True"
    if isinstance(query, str):
        return f"{query!r} in t"
    parts = query[1]
    if query[0] == "and":  # the clause of fewest literals first: the cheapest to fail
        return "(" + " and ".join(_source(q) for q in sorted(parts, key=_cost)) + ")"
    return "(" + " or ".join(_source(q) for q in parts) + ")"


def _cost(query: Query) -> int:
    return len(literals(query))


def compile_condition(query: Query) -> Callable[[str], bool]:
    """The condition as a function of the lower-cased text (a chain of `in` tests)."""
    test: Callable[[str], bool] = eval(f"lambda t: {_source(query)}")  # of literals' reprs only
    return test


# -- the rules' conditions, shipped: deriving them costs ~0.1 s a process ----------------------

SHIPPED = Path(__file__).with_name("injection_conditions.json")
_FORMAT = 1  # of the derivation and the file: a change of either is a new format


def rules_key(rules: Mapping[str, tuple[str, str]]) -> str:
    """Identifies a rule pack's patterns (and this module's derivation format)."""
    text = json.dumps({"format": _FORMAT, "rules": rules}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def rule_conditions(rules: Mapping[str, tuple[str, str]]) -> dict[str, Query]:
    """Each rule's condition: read from `SHIPPED` when it was written for exactly these
    patterns (tests/test_injection.py checks that it is), else derived from them."""
    try:
        data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if isinstance(data, dict) and data.get("key") == rules_key(rules):
        return {rule: _from_json(query) for rule, query in data["conditions"].items()}
    return {rule: condition(pattern) for rule, (_, pattern) in rules.items()}


def _from_json(value: Any) -> Query:
    if isinstance(value, list):
        return (value[0], tuple(_from_json(v) for v in value[1]))
    return value


def write_conditions(rules: Mapping[str, tuple[str, str]], path: Path = SHIPPED) -> None:
    """Derive every rule's condition and write them (run after changing a rule:
    `python -m llmops_cli.guardrails.prefilter`)."""
    derived = {rule: condition(pattern) for rule, (_, pattern) in rules.items()}
    data = {"key": rules_key(rules), "conditions": derived}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    from llmops_cli.guardrails.injection_rules import RULES

    write_conditions(RULES)

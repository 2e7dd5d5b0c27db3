"""Input screening in eval: the prompt-injection detector (rules OR the shipped classifier)
over each golden case's variables and the chunks retrieved for it. A poisoned help article or
a hostile test input is reported with the case (rule ids, never the text); it does not change
the case's score."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Protocol

from llmops_cli.guardrails.injection import detect


class _Chunk(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def text(self) -> str: ...


@lru_cache(maxsize=8192)  # the same chunks come back for many cases
def injection_rules(text: str) -> tuple[str, ...]:
    """Rule ids that fire, and `injection-model` when the classifier does."""
    return tuple(sorted({f.rule for f in detect(text)}))


def screen(
    variables: Mapping[str, Any],
    chunks: Sequence[_Chunk],
    rules_of: Callable[[str], tuple[str, ...]] = injection_rules,
) -> dict[str, Any]:
    """`{"vars": {name: [rule...]}, "chunks": {source: [rule...]}}`, empty parts left out.
    `rules_of`: `injection_rules` or one that remembers its answers (eval's memo)."""
    found: dict[str, dict[str, list[str]]] = {}
    for name, value in variables.items():
        if isinstance(value, str) and (rules := rules_of(value)):
            found.setdefault("vars", {})[name] = list(rules)
    for chunk in chunks:
        if rules := rules_of(chunk.text):
            merged = found.setdefault("chunks", {}).setdefault(chunk.source, [])
            merged.extend(r for r in rules if r not in merged)
    return found


def screening_summary(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """How many cases had injection in their inputs / retrieved chunks, and which sources."""
    inputs = chunks = 0
    sources: set[str] = set()
    for row in rows:
        screened = row.get("screening") or {}
        inputs += bool(screened.get("vars"))
        chunks += bool(screened.get("chunks"))
        sources.update(screened.get("chunks", {}))
    return {"inputs_flagged": inputs, "chunks_flagged": chunks, "sources": sorted(sources)}


def screening_warning(summary: Mapping[str, Any] | None) -> str | None:
    """One line for the CLI and the reports when screening found anything."""
    if not summary or not (summary["inputs_flagged"] or summary["chunks_flagged"]):
        return None
    return (
        f"prompt injection in the inputs of {summary['inputs_flagged']} case(s) and in the "
        f"retrieved chunks of {summary['chunks_flagged']} (sources: "
        f"{', '.join(summary['sources']) or '-'}); see each case's `screening`"
    )

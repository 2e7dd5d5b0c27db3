"""Cassettes: the answers one eval used, as scrubbed JSONL that can be reviewed and committed,
so CI replays them (`--cache read-only --cassette PATH`) without the ignored sqlite cache.

One line per answer, sorted by cache key so a re-recording diffs line by line. The request
messages are not stored: the key (a hash of model, parameters, messages and repeat) stands for
them. Answers are scrubbed of secrets and PII before writing, so a replay scores the scrubbed
answer."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.targets import Completion

_FIELDS: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("key", (str,)),
    ("text", (str,)),
    *((n, (int, float)) for n in ("latency_ms", "prompt_tokens", "completion_tokens")),
)


@dataclass(frozen=True)
class Label:
    """Which case and repeat a key answers (judge calls have none)."""

    case: str | None = None
    repeat: int | None = None


def shown(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(path: Path) -> dict[str, Completion]:
    """Every answer of a cassette by key; a malformed line is an error naming file:line."""
    if not path.is_file():
        raise LlmopsError(
            f"{shown(path)}: no such cassette; record it with --cache read-write --cassette "
            f"{shown(path)}"
        )
    answers: dict[str, Completion] = {}
    for number, line in _lines(path):
        try:
            key, completion = _parse(line)
        except ValueError as exc:  # json's errors too
            raise LlmopsError(
                f"{shown(path)}:{number}: {exc}; fix the line or re-record the cassette with "
                f"--cache read-write --cassette {shown(path)}"
            ) from None
        answers[key] = completion
    return answers


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                yield number, line


def _parse(line: str) -> tuple[str, Completion]:
    """One line, or ValueError saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    for field, kinds in _FIELDS:
        value = record.get(field)
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise ValueError(f"{field}: missing or not a {kinds[0].__name__}")
    cost = record.get("cost_usd")
    completion = Completion(
        text=record["text"],
        latency_ms=float(record["latency_ms"]),
        prompt_tokens=int(record["prompt_tokens"]),
        completion_tokens=int(record["completion_tokens"]),
        cost_usd=float(cost) if isinstance(cost, int | float) else None,
        model=str(record.get("model", "")),
    )
    return record["key"], completion


def write(
    path: Path,
    used: Mapping[str, Completion],
    labels: Mapping[str, Label],
    regions: tuple[str, ...] | None = None,
) -> None:
    """Write the answers sorted by key, scrubbed for the project's PII `regions` (None: the
    default regions), atomically (a kill leaves the old file)."""
    from llmops_cli.guardrails.pii import DEFAULT_REGIONS
    from llmops_cli.guardrails.scrub import scrub

    lines = []
    for key in sorted(used):
        answer, label = used[key], labels.get(key, Label())
        record: dict[str, Any] = {
            "key": key,
            "case": label.case,
            "repeat": label.repeat,
            "model": answer.model,
            "text": scrub(answer.text, regions=regions or DEFAULT_REGIONS),
            "latency_ms": answer.latency_ms,
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "cost_usd": answer.cost_usd,
        }
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text("".join(lines), encoding="utf-8")
    os.replace(temporary, path)

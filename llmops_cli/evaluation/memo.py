"""What the guardrails said about a text, kept across runs: the scrubbed form of a stored
text that may hold PII, and the injection rules that fire on an input. A rerun over the same
golden set and answers (a cached rerun, CI replaying a cassette) then neither imports Presidio
(~1.5 s) nor runs the injection rules and classifier (~0.5 ms a text) again.

Kept in `.llmops/cache/guardrails.sqlite` (where the response cache already holds the raw
answers), keyed by the sha256 of the project's salt (`.llmops/salt`), the text and everything
the verdict depends on: the llmops version, every file of `llmops_cli/guardrails/` (rules,
classifier weights, scrub code), the NER model and Presidio installed.
Any change there starts afresh; a value is never raw text."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from llmops_cli import __version__

GUARDRAILS = Path(__file__).resolve().parents[1] / "guardrails"


def guardrails_tag() -> str:
    """A hash of what a guardrail verdict depends on besides the text."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(GUARDRAILS.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for package in ("presidio_analyzer", "en_core_web_lg", "en_core_web_md", "en_core_web_sm"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:  # an upgrade rewrites the package's files
            stat = Path(spec.origin).stat()
            digest.update(f"{package}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


class GuardrailMemo:
    """`remember(kind, text, compute)`: the stored verdict, else `compute(text)`, stored when
    the run saves. Opened lazily: a run whose texts need no verdict never opens it."""

    def __init__(self, path: Path, salt: bytes = b"") -> None:
        self.path = path
        self.salt = salt  # the project's (evaluation/salt.py): a key says nothing of its text
        self._db: sqlite3.Connection | None = None
        self._tag: str | None = None
        self._new: dict[str, str] = {}

    def remember(self, kind: str, text: str, compute: Callable[[str], Any]) -> Any:
        key = self._key(kind, text)
        if key in self._new:
            return json.loads(self._new[key])
        db = self._open()
        row = db.execute("SELECT value FROM memo WHERE key = ?", (key,)).fetchone() if db else None
        if row is not None:
            return json.loads(row[0])
        value = compute(text)
        self._new[key] = json.dumps(value)
        return value

    def recall_many(self, keys: list[str]) -> dict[str, Any]:
        """The stored values of those of `keys` (from `key`) the memo holds: one query per
        500 keys, where `remember` makes one per text."""
        found = {k: json.loads(self._new[k]) for k in keys if k in self._new}
        db = self._open() if keys else None
        if db is None:
            return found
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = db.execute(f"SELECT key, value FROM memo WHERE key IN ({marks})", batch)
            found.update((key, json.loads(value)) for key, value in rows)
        return found

    def keep(self, key: str, value: Any) -> None:
        """Store `value` (JSON) under `key` (from `key`) when the run saves."""
        self._new[key] = json.dumps(value, ensure_ascii=False)

    def save(self) -> None:
        db = self._open() if self._new else None
        if db is not None:
            with suppress(sqlite3.Error):  # a read-only or full disk: verdicts are recomputed
                db.execute("BEGIN")  # one transaction (one fsync), not one per verdict
                try:
                    db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?)", self._new.items())
                    db.execute("COMMIT")
                except sqlite3.Error:
                    db.execute("ROLLBACK")
                    raise
        self._new.clear()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def key(self, kind: str, text: str) -> str:
        """The key of `text`'s verdict of `kind` (salted; it says nothing of the text)."""
        return self._key(kind, text)

    def _key(self, kind: str, text: str) -> str:
        if self._tag is None:
            self._tag = guardrails_tag()
        payload = f"{self._tag}\0{kind}\0{text}".encode()
        return hashlib.sha256(self.salt + b"\0" + payload).hexdigest()

    def _open(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, isolation_level=None)
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
                )
            except (OSError, sqlite3.Error):
                return None
        return self._db


def memo_scrub(memo: GuardrailMemo, regions: tuple[str, ...]) -> Callable[..., str]:
    """`scrub` for the project's PII `regions` that asks the memo for a text that may hold
    PII (the texts Presidio reads); the regions are in the key, so a verdict made under
    other regions is never served. Each text is scrubbed once a run (expected answers and
    scorers' reasons repeat)."""
    from llmops_cli.guardrails.pii import may_hold_pii
    from llmops_cli.guardrails.scrub import scrub

    done: dict[tuple[str, bool, bool], str] = {}

    def scrub_text(text: str, *, pii: bool = True, keep_urls: bool = False) -> str:
        found = done.get((text, pii, keep_urls))
        if found is not None:
            return found
        if not pii or not may_hold_pii(text):
            found = scrub(text, pii=pii, keep_urls=keep_urls, regions=regions)
        else:
            kind = f"{'scrub-keep-urls' if keep_urls else 'scrub'}:{','.join(regions)}"
            found = str(
                memo.remember(kind, text, lambda t: scrub(t, keep_urls=keep_urls, regions=regions))
            )
        done[(text, pii, keep_urls)] = found
        return found

    return scrub_text


def memo_injection_rules(
    memo: GuardrailMemo, texts: Iterable[str] = ()
) -> Callable[[str], tuple[str, ...]]:
    """The screening's rule ids of a text, from the memo when seen before; `texts` (the
    run's inputs and chunks) are looked up in one go, and each text is screened once."""
    from llmops_cli.guardrails.screening import injection_rules

    keys = {text: memo.key(INJECTION, text) for text in dict.fromkeys(texts)}
    kept = memo.recall_many(list(keys.values()))
    known = {text: tuple(kept[key]) for text, key in keys.items() if key in kept}

    def rules(text: str) -> tuple[str, ...]:
        found = known.get(text)
        if found is not None:
            return found
        if text in keys:  # looked up already: not in the memo
            found = injection_rules(text)
            memo.keep(keys[text], list(found))
        else:
            found = tuple(memo.remember(INJECTION, text, lambda t: list(injection_rules(t))))
        known[text] = found
        return found

    return rules


INJECTION = "injection"

"""Response cache in sqlite under `.llmops/`: the same model, parameters, messages and repeat
index give the same stored answer, with its original latency and usage. With a cassette, a
read-write run also records the answers it used to a reviewable JSONL file, and a read-only run
replays from that file instead of the sqlite cache."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Any

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation import cassette as cassettes
from llmops_cli.evaluation.cassette import Label
from llmops_cli.evaluation.targets import Completion
from llmops_cli.manifests.model import canonical_json


class CacheMode(StrEnum):
    read_write = "read-write"
    read_only = "read-only"
    off = "off"


def cache_key(identity: str, messages: Any, parameters: Any, repeat: int, extra: Any = None) -> str:
    payload = {
        "target": identity,
        "messages": messages,
        "parameters": parameters,
        "repeat": repeat,
        "extra": extra,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(
        self,
        path: Path,
        mode: CacheMode,
        cassette: Path | None = None,
        regions: tuple[str, ...] | None = None,
    ) -> None:
        self.mode = mode
        self.regions = regions  # the project's PII regions, for the cassette's scrub
        self.hits = 0
        self.misses = 0
        self.path = path
        self.cassette = cassette
        self._db: sqlite3.Connection | None = None
        self._replay: dict[str, Completion] | None = None  # read-only from a cassette
        self._used: dict[str, Completion] | None = None  # read-write, recording a cassette
        self._labels: dict[str, Label] = {}
        self._loaded: dict[str, Completion] = {}  # read ahead by `preload`
        if cassette is not None and mode is CacheMode.read_only:
            self._replay = cassettes.load(cassette)
        elif mode is not CacheMode.off:
            if cassette is not None:
                self._used = {}
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)  # autocommit: kill-safe
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )

    @property
    def stores(self) -> bool:
        """Whether `put` keeps answers (read-write, with a database)."""
        return self._db is not None and self.mode is CacheMode.read_write

    def label(self, labels: Mapping[str, Label]) -> None:
        """Name the case and repeat each key answers, for a cassette and a miss's error."""
        self._labels.update(labels)

    def get(self, key: str) -> Completion | None:
        found = self._lookup(key)
        if found is None:
            self.misses += self._db is not None or self._replay is not None
            return None
        self.hits += 1
        if self._used is not None:
            self._used[key] = found
        return found

    def _lookup(self, key: str) -> Completion | None:
        if self._replay is not None:
            return self._replay.get(key)
        if self._db is None:
            return None
        if key in self._loaded:
            return self._loaded[key]
        row = self._db.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        return None if row is None else Completion(**json.loads(row[0]))

    def require(self, keys: Sequence[str]) -> None:
        """For read-only: fail before any call when an answer is missing, naming the cases."""
        found = self.contains(list(keys))
        missing = [k for k in keys if k not in found]
        if not missing:
            return
        cases = sorted({c for k in missing if (c := self._labels.get(k, Label()).case)})
        named = f" (case {', '.join(map(repr, cases[:5]))}{', ...' if len(cases) > 5 else ''})"
        where = cassettes.shown(self.cassette or self.path)
        if self.cassette is not None:
            raise LlmopsError(
                f"--cache read-only: {len(missing)} of {len(keys)} responses are not in the "
                f"cassette {where}{named if cases else ''}: the golden set, prompt or model "
                f"changed since it was recorded; re-record it with --cache read-write "
                f"--cassette {where} and commit the diff"
            )
        raise LlmopsError(
            f"--cache read-only: {len(missing)} of {len(keys)} responses are not in the cache "
            f"({where}){named if cases else ''}; record them first with --cache read-write"
        )

    def preload(self, keys: list[str]) -> dict[str, Completion]:
        """The stored answers of those of `keys` the cache holds, read in one query per 500
        keys and kept for `get` (which counts the hit when the run uses it)."""
        if self._replay is not None:
            return {k: self._replay[k] for k in keys if k in self._replay}
        if self._db is None:
            return {}
        found: dict[str, Completion] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            query = f"SELECT key, value FROM responses WHERE key IN ({marks})"
            found.update(
                (k, Completion(**json.loads(v))) for k, v in self._db.execute(query, batch)
            )
        self._loaded.update(found)
        return found

    def contains(self, keys: list[str]) -> set[str]:
        if self._replay is not None:
            return {k for k in keys if k in self._replay}
        if self._db is None:
            return set()
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(f"SELECT key FROM responses WHERE key IN ({marks})", batch)
            found.update(r[0] for r in rows)
        return found

    def put(self, key: str, completion: Completion) -> None:
        if self._db is None or self.mode is not CacheMode.read_write:
            return
        if self._used is not None:
            self._used[key] = completion
        self._db.execute(
            "INSERT OR REPLACE INTO responses (key, value) VALUES (?, ?)",
            (key, json.dumps(asdict(completion))),
        )

    def save(self) -> None:
        """After a finished run: write the cassette of every answer it used (scrubbed)."""
        if self._used is None or self.cassette is None:
            return
        for key in self._labels.keys() - self._used.keys():  # cases resumed from a journal
            if (found := self._lookup(key)) is not None:
                self._used[key] = found
        cassettes.write(self.cassette, self._used, self._labels, self.regions)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

"""Response cache in sqlite under `.llmops/`: the same model, parameters, messages and repeat
index give the same stored answer, with its original latency and usage."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Any

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
    def __init__(self, path: Path, mode: CacheMode) -> None:
        self.mode = mode
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        if mode is not CacheMode.off:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)  # autocommit: kill-safe
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )

    def get(self, key: str) -> Completion | None:
        if self._db is None:
            return None
        row = self._db.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return Completion(**json.loads(row[0]))

    def contains(self, keys: list[str]) -> set[str]:
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
        self._db.execute(
            "INSERT OR REPLACE INTO responses (key, value) VALUES (?, ?)",
            (key, json.dumps(asdict(completion))),
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

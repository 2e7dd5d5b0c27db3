"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, TypeAlias

# What the public API takes for a file or folder: converted with Path() where it enters.
PathArg: TypeAlias = "str | os.PathLike[str]"


def optional_path(value: PathArg | None) -> Path | None:
    return None if value is None else Path(value)


@contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """A file to write `path` through: it appears (fsynced, renamed over `path`) only when the
    block ends without an error; on an error nothing at `path` changes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str) -> None:
    """Write `text` beside `path` under a temporary name, fsync, then rename over `path`."""
    with atomic_writer(path) as f:
        f.write(text)


def jsonl_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file; a line that is not a
    JSON object is an error naming the file and the line."""
    import json

    from llmops_cli.errors import LlmopsError

    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise LlmopsError(f"{path}:{number}: not a JSON object (truncated line?)") from None
            if not isinstance(record, dict):
                raise LlmopsError(f"{path}:{number}: expected a JSON object")
            yield number, record

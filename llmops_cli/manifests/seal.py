"""Validation seals for the files every eval reads (manifests, golden sets): checking them
against their JSON Schema means importing jsonschema and walking every document, most of a
small eval's fixed cost. A seal remembers the hash of the text that last passed, with the
schema and the llmops version it passed under, so an unchanged file is not checked again
(llmops.yaml has its own, in project.py)."""

from __future__ import annotations

import hashlib
from contextlib import suppress
from pathlib import Path

from llmops_cli import __version__
from llmops_cli.manifests import schema


class Seal:
    """`<folder>/<label>-<hash of the file's name>`; no folder: nothing is sealed."""

    def __init__(self, folder: Path | None, label: str, display: str, schema_name: str, text: str):
        name = hashlib.sha256(display.encode("utf-8")).hexdigest()[:16]
        self.path = folder / f"{label}-{name}" if folder is not None else None
        rules = f"{__version__}\0{schema.schema_text(schema_name)}\0{text}"
        self.key = hashlib.sha256(rules.encode("utf-8")).hexdigest()

    def valid(self) -> bool:
        if self.path is None:
            return False
        try:
            return self.path.read_text("ascii").strip() == self.key
        except (OSError, UnicodeDecodeError):
            return False

    def write(self) -> None:
        from llmops_cli.fileio import write_atomic

        if self.path is not None:
            with suppress(OSError):  # a read-only checkout: validate every time
                write_atomic(self.path, self.key + "\n")

"""The project's secret salt for the memo keys (`.llmops/salt`, 32 random bytes, 0600,
made once). The guardrail memo and the retrieval answers are keyed by a hash of the text;
unsalted, the key of a low-entropy value (a phone number) could be found by hashing every
candidate, and would be the same in every project."""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path

SALT_FILE = "salt"


def project_salt(state_dir: Path) -> bytes:
    """The salt kept in `state_dir` (made on first use; a read-only folder gets a salt for
    this process only, so nothing stored is keyed without one)."""
    path = state_dir / SALT_FILE
    with suppress(OSError):
        return _read(path) or _create(path)
    return secrets.token_bytes(32)


def _read(path: Path) -> bytes | None:
    try:
        salt = path.read_bytes()
    except FileNotFoundError:
        return None
    return salt if len(salt) >= 16 else None


def _create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_bytes(32)
    try:  # O_EXCL: two processes starting at once agree on the first one's salt
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path) or salt
    with os.fdopen(fd, "wb") as f:
        f.write(salt)
    return salt

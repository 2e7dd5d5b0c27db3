"""`llmops init`: write the sample project (shipped inside the package) into a new folder."""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

from llmops_cli.errors import LlmopsError

# Files renamed on the way out: packaging tools treat dotfiles inconsistently.
_RENAMES = {"_gitignore": ".gitignore"}


def sample_root() -> Path:
    return Path(str(resources.files("llmops_cli") / "sample"))


def write_sample(target: Path) -> int:
    """Copy the sample into `target`, all or nothing. Returns the number of files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise LlmopsError(f"{target} already exists and is not empty; choose a new folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target, then rename: an interrupted init leaves nothing half-written.
    staging = Path(tempfile.mkdtemp(prefix=".llmops-init-", dir=target.parent))
    try:
        shutil.copytree(
            sample_root(),
            staging,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        for old, new in _RENAMES.items():
            if (staging / old).exists():
                (staging / old).rename(staging / new)
        count = sum(1 for p in staging.rglob("*") if p.is_file())
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count

"""`llmops init`: write the sample project (shipped inside the package) into a new folder,
with the editor schemas, and make it a git repository when it is not inside one."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from llmops_cli import procs
from llmops_cli.errors import LlmopsError

# Files renamed on the way out: packaging tools treat dotfiles inconsistently.
_RENAMES = {"_gitignore": ".gitignore"}

# Editor schemas live in the project (committed): yaml-language-server reads them offline.
SCHEMA_DIR = ".schemas"
COMBINED = "manifest"  # one schema for manifests/**/*.yaml, chosen by `kind`
_MODELINE = "# yaml-language-server: $schema="


@dataclass(frozen=True)
class InitReport:
    """What `llmops init` wrote."""

    directory: Path
    files: int
    schemas: tuple[str, ...]
    git_initialised: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "files": self.files,
            "schemas": list(self.schemas),
            "git_init": self.git_initialised,
        }


def sample_root() -> Path:
    return Path(str(resources.files("llmops_cli") / "sample"))


def init_project(target: Path, *, git: bool = True) -> InitReport:
    """The sample, its editor schemas (a `$schema` modeline on every YAML file and a
    `.vscode/settings.json` mapping), and `git init` when `target` is in no repository."""
    in_repo = _inside_repository(target) if git else True
    files = write_sample(target, editor_schemas=True)
    initialised = not in_repo and _git_init(target)
    schemas = tuple(sorted(p.relative_to(target).as_posix() for p in _schema_files(target)))
    return InitReport(target, files, schemas, initialised)


def write_sample(target: Path, *, editor_schemas: bool = False) -> int:
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
        if editor_schemas:
            write_editor_schemas(staging)
        count = sum(1 for p in staging.rglob("*") if p.is_file())
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def combined_schema() -> dict[str, Any]:
    """One JSON Schema for every manifest kind: the kind's own schema, picked by `kind`
    (self-contained, so editors need no network to resolve it)."""
    from llmops_cli.manifests.schema import KINDS, schema_text

    branches = []
    for kind in KINDS:
        schema = json.loads(schema_text(kind))
        for key in ("$schema", "$id"):
            schema.pop(key, None)
        branches.append(
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": schema,
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://llmops.dev/schemas/{COMBINED}.json",
        "title": "llmops manifest (any kind)",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": list(KINDS)}},
        "allOf": branches,
    }


def write_editor_schemas(root: Path) -> None:
    """`.schemas/*.json`, a modeline on llmops.yaml and every manifest, and the VS Code
    (redhat.vscode-yaml) mapping of `manifests/**/*.yaml` to the combined schema."""
    from llmops_cli.manifests.schema import SCHEMA_NAMES, schema_text

    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name in SCHEMA_NAMES:
        (folder / f"{name}.json").write_text(schema_text(name), "utf-8")
    (folder / f"{COMBINED}.json").write_text(json.dumps(combined_schema(), indent=2) + "\n")
    _add_modeline(root / "llmops.yaml", root, "project")
    for path in sorted((root / "manifests").rglob("*.yaml")):
        _add_modeline(path, root, _kind_of(path))
    settings = {
        "yaml.schemas": {
            f"./{SCHEMA_DIR}/{COMBINED}.json": "manifests/**/*.yaml",
            f"./{SCHEMA_DIR}/project.json": "llmops.yaml",
        }
    }
    vscode = root / ".vscode"
    vscode.mkdir(exist_ok=True)
    (vscode / "settings.json").write_text(json.dumps(settings, indent=2) + "\n", "utf-8")


def _kind_of(path: Path) -> str:
    import yaml

    return str(yaml.safe_load(path.read_text("utf-8"))["kind"])  # the shipped sample's own


def _add_modeline(path: Path, root: Path, schema: str) -> None:
    text = path.read_text("utf-8")
    up = "../" * (len(path.relative_to(root).parts) - 1)
    path.write_text(f"{_MODELINE}{up}{SCHEMA_DIR}/{schema}.json\n{text}", "utf-8")


def _schema_files(root: Path) -> list[Path]:
    return [*(root / SCHEMA_DIR).glob("*.json"), root / ".vscode" / "settings.json"]


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return procs.run(["git", *args], cwd=cwd, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None  # no git: the project still works; promote says what to do


def _inside_repository(target: Path) -> bool:
    existing = next(p for p in (target, *target.parents) if p.exists())
    out = _git(existing, "rev-parse", "--is-inside-work-tree")
    return out is None or out.returncode == 0  # without git, do not try to init


def _git_init(target: Path) -> bool:
    out = _git(target, "init", "-q")
    return out is not None and out.returncode == 0

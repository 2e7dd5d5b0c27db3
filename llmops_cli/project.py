"""A user's project: its root folder, its `llmops.yaml`, and the rule that every path a
manifest names stays inside the root."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from llmops_cli.errors import ManifestError, Problem, ProjectNotFound

CONFIG_FILE = "llmops.yaml"
STATE_DIR = ".llmops"
DEFAULT_STAGES = ("dev", "staging", "prod")


@dataclass(frozen=True)
class Project:
    root: Path
    config: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project containing `start` (default: cwd), found by walking up to llmops.yaml."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls.load(folder)
        raise ProjectNotFound(
            f"no {CONFIG_FILE} in {here} or any parent folder; "
            "run `llmops init DIR` to create a project, or pass --project DIR"
        )

    @classmethod
    def load(cls, root: Path) -> Project:
        from llmops_cli.manifests import schema
        from llmops_cli.manifests.model import freeze
        from llmops_cli.yamlio import load_yaml, read_text

        root = root.resolve()
        path = root / CONFIG_FILE
        if not path.is_file():
            raise ProjectNotFound(f"{path} not found; run `llmops init DIR` to create a project")
        text = read_text(path, CONFIG_FILE)
        doc = load_yaml(text, CONFIG_FILE)
        if not isinstance(doc.data, dict):
            raise ManifestError(
                [Problem(CONFIG_FILE, "expected a mapping at the top level", line=1)]
            )
        seal = root / STATE_DIR / "cache" / "valid-config"
        key = _validity_key(schema.schema_text("project"), text)
        if _read_seal(seal) != key:
            problems = schema.check("project", doc, CONFIG_FILE)
            if problems:
                raise ManifestError(problems)
            _write_seal(seal, key)
        return cls(root=root, config=freeze(doc.data))

    # -- paths -----------------------------------------------------------------------------

    def relative(self, path: Path) -> str:
        """`path` shown relative to the root when it is inside, else as given."""
        # absolute() rather than resolve(): a symlinked folder keeps the name the user sees
        for candidate in (path.absolute(), path.resolve()):
            if candidate.is_relative_to(self.root):
                return candidate.relative_to(self.root).as_posix()
        return str(path)

    def inside(self, reference: str, *, origin: str, line: int | None, field_name: str) -> Path:
        """Resolve a project-relative path named in a manifest, refusing any that escape the root
        (absolute paths, `..`, or symlinks pointing outside)."""
        if not reference or Path(reference).is_absolute():
            raise ManifestError(
                [
                    Problem(
                        origin,
                        f"path {reference!r} must be relative to the project root",
                        line=line,
                        field=field_name,
                    )
                ]
            )
        resolved = (self.root / reference).resolve()
        if not resolved.is_relative_to(self.root):
            raise ManifestError(
                [
                    Problem(
                        origin,
                        f"path {reference!r} points outside the project root",
                        line=line,
                        field=field_name,
                    )
                ]
            )
        return resolved

    @property
    def manifests_dir(self) -> Path:
        return self.root / "manifests"

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def reports_dir(self) -> Path:
        defaults = self.config.get("defaults", {})
        return self.inside(
            defaults.get("reports_dir", "reports"),
            origin=CONFIG_FILE,
            line=None,
            field_name="defaults.reports_dir",
        )

    @property
    def stages(self) -> tuple[str, ...]:
        registry = self.config.get("registry", {})
        return tuple(registry.get("stages", DEFAULT_STAGES))

    @property
    def pii_regions(self) -> tuple[str, ...]:
        """Regions whose national phone formats the PII check reads (guardrails.pii_regions)."""
        from llmops_cli.guardrails.pii import DEFAULT_REGIONS

        guardrails = self.config.get("guardrails") or {}
        return tuple(guardrails.get("pii_regions", DEFAULT_REGIONS))


# -- validation seal ---------------------------------------------------------------------------
# Every command loads llmops.yaml, and validating it means importing jsonschema (~0.1 s, a
# quarter of a quick command). The seal remembers the hash of the last text that passed, with
# the schema it passed, so an unchanged file under an unchanged schema is not checked again.


def _validity_key(schema: str, text: str) -> str:
    import hashlib

    return hashlib.sha256(f"{schema}\0{text}".encode()).hexdigest()


def _read_seal(seal: Path) -> str | None:
    try:
        return seal.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _write_seal(seal: Path, key: str) -> None:
    from contextlib import suppress

    from llmops_cli.fileio import write_atomic

    with suppress(OSError):  # a read-only checkout: validate every time
        write_atomic(seal, key + "\n")

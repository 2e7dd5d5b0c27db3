"""A user's project: its root folder, its `llmops.yaml` (typed: `ProjectConfig`), and the rule
that every path a manifest names stays inside the root."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeAlias

from llmops_cli.contracts.base import Contract
from llmops_cli.errors import ManifestError, Problem, ProjectNotFound

CONFIG_FILE = "llmops.yaml"
STATE_DIR = ".llmops"
DEFAULT_STAGES = ("dev", "staging", "prod")
DEFAULT_REGISTRY_BRANCH = "llmops/registry"


# -- llmops.yaml, typed (the JSON Schema `project.json` checks it first) ----------------------


@dataclass(frozen=True)
class ProtectedStage(Contract):
    approvers: tuple[str, ...] = ()
    min_approvals: int | None = None  # default: 1 when approvers are named, else 0
    # a rollback to the stage's previous version needs no approver (an incident at 3 a.m.);
    # explicit, off by default: a rollback needs the approvals a promotion does
    rollback_to_previous_without_approval: bool = False

    @property
    def needed(self) -> int:
        return self.min_approvals if self.min_approvals is not None else int(bool(self.approvers))


@dataclass(frozen=True)
class RegistrySettings(Contract):
    branch: str = DEFAULT_REGISTRY_BRANCH
    repo: str | None = None  # a separate registry repository (path or URL)
    remote: str = "origin"
    stages: tuple[str, ...] = DEFAULT_STAGES
    protected: dict[str, ProtectedStage] = field(default_factory=dict)


@dataclass(frozen=True)
class TrackingSettings(Contract):
    enabled: bool = True
    uri: str | None = None
    experiment: str | None = None
    mode: Literal["background", "sync"] = "background"
    timeout_s: float | None = None
    mirror_registry: bool = False  # promotions and rollbacks mirrored as MLflow prompt aliases


@dataclass(frozen=True)
class PolicySettings(Contract):
    allowed_models: tuple[str, ...] = ()  # glob patterns over provider/model; () allows all
    require_pinned_models: bool = True


@dataclass(frozen=True)
class DefaultSettings(Contract):
    concurrency: int | None = None
    cache: Literal["read-write", "read-only", "off"] | None = None
    reports_dir: str = "reports"


@dataclass(frozen=True)
class GuardrailSettings(Contract):
    injection_classifier: str | None = None  # a model manifest name@version
    pii_regions: tuple[str, ...] | None = None  # None: the PII check's default regions


@dataclass(frozen=True)
class ProjectConfig(Contract):
    """`llmops.yaml`, each section with its defaults filled in."""

    kind: Literal["project"] = "project"
    name: str = "llmops"
    description: str = ""
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    defaults: DefaultSettings = field(default_factory=DefaultSettings)
    guardrails: GuardrailSettings = field(default_factory=GuardrailSettings)


@dataclass(frozen=True)
class Project:
    root: Path
    config: ProjectConfig = field(default_factory=ProjectConfig)

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
        return cls(root=root, config=ProjectConfig.from_dict(doc.data, source=CONFIG_FILE))

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
        return self.inside(
            self.config.defaults.reports_dir,
            origin=CONFIG_FILE,
            line=None,
            field_name="defaults.reports_dir",
        )

    @property
    def stages(self) -> tuple[str, ...]:
        return self.config.registry.stages

    @property
    def pii_regions(self) -> tuple[str, ...]:
        """Regions whose national phone formats the PII check reads (guardrails.pii_regions)."""
        from llmops_cli.guardrails.pii import DEFAULT_REGIONS

        return self.config.guardrails.pii_regions or DEFAULT_REGIONS


ProjectLike: TypeAlias = "Project | str | os.PathLike[str] | None"


def as_project(where: ProjectLike = None) -> Project:
    """`where` itself when it is a `Project`, else the project at or above that folder
    (default: the working directory)."""
    if isinstance(where, Project):
        return where
    return Project.find(Path(where) if where is not None else None)


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

"""Loading manifest files and finding them by `name@version`.

The catalog collects problems instead of stopping at the first, so `llmops validate` can
report every broken file in one run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from llmops_cli.errors import ManifestError, Problem, did_you_mean
from llmops_cli.manifests import schema
from llmops_cli.manifests.model import KIND_CLASSES, Manifest, freeze
from llmops_cli.manifests.seal import Seal
from llmops_cli.project import Project
from llmops_cli.yamlio import load_yaml, read_text

T = TypeVar("T")
MANIFEST_SUFFIXES = (".yaml", ".yml")
_REF = re.compile(r"^(?P<name>[a-z0-9][a-z0-9-]*)@(?P<version>\S+)$")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def semver_key(version: str) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
    """Sort key with SemVer 2.0 precedence (a pre-release sorts before its release)."""
    match = _SEMVER.match(version)
    if match is None:
        return (-1, -1, -1, 0, ())
    major, minor, patch, pre = match.groups()
    if pre is None:
        return (int(major), int(minor), int(patch), 1, ())
    parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in pre.split("."))
    return (int(major), int(minor), int(patch), 0, parts)


def split_ref(ref: str) -> tuple[str, str | None]:
    """`name@1.2.0` -> (`name`, `1.2.0`); a bare `name` -> (`name`, None)."""
    match = _REF.match(ref)
    if match:
        return match["name"], match["version"]
    return ref, None


def load_manifest(path: Path, display: str, seal_dir: Path | None = None) -> Manifest:
    """Read, parse and schema-check one manifest file (not again while sealed in `seal_dir`)."""
    text = read_text(path, display)
    doc = load_yaml(text, display)
    if not isinstance(doc.data, dict):
        raise ManifestError(
            [
                Problem(
                    display,
                    f"expected a mapping at the top level, got {type(doc.data).__name__}",
                    line=doc.line_of(()),
                )
            ]
        )
    kind = doc.data.get("kind")
    if not isinstance(kind, str) or kind not in KIND_CLASSES:
        what = "missing required field" if kind is None else f"unknown kind {kind!r}"
        raise ManifestError(
            [
                Problem(
                    display,
                    f"{what}; expected one of: {', '.join(KIND_CLASSES)}",
                    line=doc.line_of(("kind",)),
                    field="kind",
                )
            ]
        )
    seal = Seal(seal_dir, "manifest", display, kind, text)
    if not seal.valid():
        problems = schema.check(kind, doc, display)
        if problems:
            raise ManifestError(problems)
        seal.write()
    cls = KIND_CLASSES[kind]
    return cls(
        kind=kind,
        name=doc.data["name"],
        version=doc.data["version"],
        path=display,
        data=freeze(doc.data),
        doc=doc,
    )


@dataclass
class Catalog:
    project: Project
    manifests: list[Manifest] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (path, display) not loaded
    _by_name: dict[tuple[str, str], list[Manifest]] = field(default_factory=dict, repr=False)
    # Golden sets and corpus hashes shared by many pipelines are read once per catalog.
    _memo: dict[tuple[str, Path], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, project: Project, files: Iterable[Path] | None = None) -> Catalog:
        catalog = cls(project)
        if files is None:
            files = manifest_files(project.manifests_dir)
        by_key: dict[tuple[str, str, str], Manifest] = {}
        for path in files:
            display = project.relative(path)
            try:
                manifest = load_manifest(path, display, project.state_dir / "cache")
            except ManifestError as exc:
                catalog.problems.extend(exc.problems)
                catalog.failed.append((path, display))
                continue
            key = (manifest.kind, manifest.name, manifest.version)
            if key in by_key:
                first = by_key[key]
                catalog.problems.append(
                    Problem(
                        display,
                        f"{manifest.kind} {manifest.ref} is also defined in "
                        f"{first.path}; each name@version must be defined once",
                        line=manifest.line_of("version"),
                        field="version",
                    )
                )
                continue
            by_key[key] = manifest
            catalog.manifests.append(manifest)
            catalog._by_name.setdefault((manifest.kind, manifest.name), []).append(manifest)
        return catalog

    def memo(self, what: str, path: Path, compute: Callable[[], T]) -> T:
        """`compute()` once per (what, path) for the life of this catalog; errors too."""
        key = (what, path)
        if key not in self._memo:
            try:
                self._memo[key] = compute()
            except ManifestError as exc:
                self._memo[key] = exc
        value = self._memo[key]
        if isinstance(value, ManifestError):
            raise value
        return cast(T, value)

    @property
    def failed_files(self) -> int:
        return len(self.failed)

    def of_kind(self, kind: str) -> list[Manifest]:
        return [m for m in self.manifests if m.kind == kind]

    def find(self, kind: str, ref: str) -> Manifest:
        """Exactly `name@version`, or the highest version for a bare `name`."""
        name, version = split_ref(ref)
        candidates = self._by_name.get((kind, name), [])
        if version is None and candidates:
            return max(candidates, key=lambda m: semver_key(m.version))
        for manifest in candidates:
            if manifest.version == version:
                return manifest
        raise LookupError(self._not_found(kind, name, version, candidates))

    def _not_found(self, kind: str, name: str, version: str | None, found: list[Manifest]) -> str:
        broken = ", ".join(self._failed_definitions(kind, name))
        if found:
            versions = ", ".join(sorted((m.version for m in found), key=semver_key))
            message = f"{kind} {name}@{version} not found; known versions: {versions}"
        elif broken:  # no did-you-mean: another name is not the fix
            return f"{kind} {name!r} is defined in a file that failed to load ({broken})"
        else:
            known = sorted(n for k, n in self._by_name if k == kind)
            message = f"no {kind} named {name!r} under manifests/{did_you_mean(name, known)}"
        if broken:
            message += f"; {kind} {name!r} is also defined in a file that failed to load ({broken})"
        elif self.failed_files:
            message += f" ({self.failed_files} manifest file(s) failed to load; fix those first)"
        return message

    def _failed_definitions(self, kind: str, name: str) -> list[str]:
        """The files that failed to load and define `kind` `name`, as far as they can be
        read: their `name` (and `kind`) field, or their file name when `name` is unreadable
        or malformed (`name: Support_Model` in support-model-local.yaml)."""
        out = []
        for path, display in self.failed:
            try:
                data = load_yaml(read_text(path, display), display).data
            except ManifestError:
                data = None  # bad YAML: the file name is all there is
            if not isinstance(data, dict):
                data = {}
            if data.get("kind", kind) != kind:
                continue
            declared = data.get("name")
            if declared == name or (
                not (isinstance(declared, str) and _NAME.fullmatch(declared)) and path.stem == name
            ):
                out.append(display)
        return out


def manifest_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in MANIFEST_SUFFIXES and p.is_file())

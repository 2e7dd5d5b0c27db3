"""Prompts are code: once a `name@version` is registered, its content may not change.

The registry implements `ManifestStore`; `validate` passes whichever store it has (none
before the registry exists), so the rule lives here and the storage lives with the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from llmops_cli.errors import Problem
from llmops_cli.manifests.model import Manifest


class ManifestStore(Protocol):
    def registered_hash(self, kind: str, name: str, version: str) -> str | None:
        """The content hash registered for this manifest, or None if never registered."""
        ...


def next_patch(version: str) -> str:
    core = version.split("-", 1)[0].split("+", 1)[0]
    major, minor, patch = core.split(".")
    return f"{major}.{minor}.{int(patch) + 1}"


def check_immutable(manifests: Iterable[Manifest], store: ManifestStore) -> list[Problem]:
    problems = []
    for manifest in manifests:
        registered = store.registered_hash(manifest.kind, manifest.name, manifest.version)
        if registered is not None and registered != manifest.content_hash:
            problems.append(
                Problem(
                    manifest.path,
                    f"{manifest.kind} {manifest.ref} is already registered "
                    "with different content; registered versions are immutable, so bump "
                    f"the version (e.g. {next_patch(manifest.version)})",
                    line=manifest.line_of("version"),
                    field="version",
                )
            )
    return problems

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
    manifests = list(manifests)
    batch = getattr(store, "registered_hashes", None)  # one git call instead of one per file
    known = batch(manifests) if batch is not None else None
    problems = []
    for manifest in manifests:
        key = (manifest.kind, manifest.name, manifest.version)
        registered = known.get(key) if known is not None else store.registered_hash(*key)
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

"""Frozen, typed views of validated manifests.

Each object keeps `data` (the validated mapping, read-only) so that fingerprints and registry
snapshots see exactly what the file said, while callers use typed attributes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from llmops_cli.yamlio import LocatedDocument


def canonical_json(value: Any) -> str:
    """Stable JSON for hashing: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def freeze(value: Any) -> Any:
    """Deep read-only copy: mappings become MappingProxyType, lists become tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of freeze, for serialising."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else _EMPTY


@dataclass(frozen=True)
class Manifest:
    kind: str
    name: str
    version: str
    path: str  # project-relative, for messages
    data: Mapping[str, Any] = field(repr=False)
    doc: LocatedDocument = field(repr=False, compare=False)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def content_hash(self) -> str:
        """Hash of the content, not the bytes: comments and key order do not count."""
        return sha256_text(canonical_json(thaw(self.data)))

    def line_of(self, *path: str | int) -> int | None:
        return self.doc.line_of(path)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True)
class PromptManifest(Manifest):
    @property
    def system(self) -> str | None:
        template: Mapping[str, str] = self.data["template"]
        return template.get("system")

    @property
    def user(self) -> str:
        return str(self.data["template"]["user"])

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self.data.get("variables", ()))

    @property
    def parameters(self) -> Mapping[str, Any]:
        return _mapping(self.data, "parameters")


@dataclass(frozen=True)
class ModelManifest(Manifest):
    @property
    def provider(self) -> str:
        return str(self.data["provider"])

    @property
    def model(self) -> str:
        return str(self.data["model"])

    @property
    def litellm_id(self) -> str:
        """`provider/model` as litellm expects it."""
        return f"{self.provider}/{self.model}"

    @property
    def limits(self) -> Mapping[str, Any]:
        return _mapping(self.data, "limits")

    @property
    def parameters(self) -> Mapping[str, Any]:
        return _mapping(self.data, "parameters")

    @property
    def fallbacks(self) -> tuple[str, ...]:
        return tuple(self.data.get("fallbacks", ()))


@dataclass(frozen=True)
class RetrievalManifest(Manifest):
    @property
    def corpus(self) -> str:
        return str(self.data["corpus"])

    @property
    def chunk_size(self) -> int:
        return int(self.data["chunk_size"])

    @property
    def chunk_overlap(self) -> int:
        return int(self.data.get("chunk_overlap", 0))

    @property
    def top_k(self) -> int:
        return int(self.data["top_k"])

    @property
    def embedding_model(self) -> str:
        return str(self.data.get("embedding_model", "bm25"))


@dataclass(frozen=True)
class ThresholdsManifest(Manifest):
    @property
    def metrics(self) -> Mapping[str, Mapping[str, Any]]:
        return self.data["metrics"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class PipelineManifest(Manifest):
    @property
    def golden_set(self) -> str:
        return str(self.data["golden_set"])

    def refs(self) -> dict[str, str]:
        """Role -> `name@version` for every manifest this pipeline binds."""
        roles = ("prompt", "model", "retrieval", "thresholds", "judge")
        return {role: str(self.data[role]) for role in roles if role in self.data}


KIND_CLASSES: dict[str, type[Manifest]] = {
    "prompt": PromptManifest,
    "model": ModelManifest,
    "retrieval": RetrievalManifest,
    "thresholds": ThresholdsManifest,
    "pipeline": PipelineManifest,
}

# Which kind each pipeline role must point at.
ROLE_KINDS = {
    "prompt": "prompt",
    "model": "model",
    "retrieval": "retrieval",
    "thresholds": "thresholds",
    "judge": "model",
}

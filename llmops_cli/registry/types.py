"""What the registry API returns: events, stage entries and listings, as frozen dataclasses.

Each is built from the YAML the registry branch stores (`from_record`); `data` on an event
keeps that record whole, so `registry history -f json` shows every field a writer put there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from llmops_cli.contracts.base import Contract


@dataclass(frozen=True)
class RegistryEvent(Contract):
    """One promote or rollback, as appended to `events/` on the registry branch."""

    id: str
    seq: int
    type: str  # promote | rollback
    pipeline: str
    version: str
    stage: str
    at: str = ""
    previous_version: str | None = None
    fingerprint: str | None = None
    direction: str | None = None  # rollback: back (to an earlier version) or forward
    from_version: str | None = None  # rollback: the version it replaced
    change_type: tuple[str, ...] = ()  # roles that differ from the previous version
    approvers: tuple[str, ...] = ()
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict, compare=False)  # the stored record

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> RegistryEvent:
        return cls(
            id=data["id"],
            seq=data["seq"],
            type=data["type"],
            pipeline=data["pipeline"],
            version=data["version"],
            stage=data["stage"],
            at=data.get("at") or "",
            previous_version=data.get("previous_version"),
            fingerprint=data.get("fingerprint"),
            direction=data.get("direction"),
            from_version=data.get("from_version"),
            change_type=tuple(data.get("change_type") or ()),
            approvers=tuple(data.get("approvers") or ()),
            reason=data.get("reason") or "",
            data=dict(data),
        )


@dataclass(frozen=True)
class PromotionResult(Contract):
    """What `promote` and `rollback` did: the event written, whether it was pushed, and the
    warnings to show (e.g. the remote not reached, so the event waits for the next push).
    Hand `event` on to whatever mirrors registry moves elsewhere (MLflow, a deploy hook)."""

    event: RegistryEvent
    pushed: bool = False
    warnings: tuple[str, ...] = ()
    # False: the stage already was so (a promote of the version it holds); `event` is then
    # the one that put it there, and nothing was written (with --push: only pending events
    # were pushed)
    changed: bool = True
    remote: str | None = None  # the remote the registry is shared through (None: none)
    notes: tuple[str, ...] = ()  # what else happened, e.g. local events re-applied


@dataclass(frozen=True)
class StageEntry(Contract):
    """A version as it sits (or sat) in a stage."""

    evidence: str | None  # the event whose gate verdict and report put this version there
    version: str
    fingerprint: str
    manifests: dict[str, str]  # role -> name@version (golden_set -> its sha256)
    event: str | None  # the event that put it in this stage (a rollback reuses evidence)
    at: str

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> StageEntry:
        return cls(
            evidence=data.get("evidence"),
            version=data["version"],
            fingerprint=data["fingerprint"],
            manifests=dict(data.get("manifests") or {}),
            event=data.get("event"),
            at=data.get("at") or "",
        )


@dataclass(frozen=True)
class StageStatus(Contract):
    stage: str
    current: StageEntry | None
    earlier: tuple[StageEntry, ...] = ()  # what `rollback` returns to, newest last
    rolled_back: tuple[StageEntry, ...] = ()  # versions rollbacks left (`rollback --to`)


@dataclass(frozen=True)
class ReadPoint(Contract):
    """Which copy of the registry branch a read looked at. `remote-tracking`: the local branch
    is missing or behind the fetched one (a fresh clone); `fetched_at` says how old it is."""

    source: Literal["local", "remote-tracking", "empty"]
    ref: str = ""
    fetched_at: str | None = None  # UTC time the remote-tracking branch last moved here
    # a local read: events written here that the remote (as last fetched) does not have,
    # and whether the remote has moved since (the two diverged: a --push re-applies them)
    unpushed: int = 0
    diverged: bool = False
    remote: str = ""


@dataclass(frozen=True)
class PipelineStatus(Contract):
    """`registry show`: each stage of one pipeline."""

    pipeline: str
    stages: tuple[StageStatus, ...]
    read_from: ReadPoint


@dataclass(frozen=True)
class PipelineVersions(Contract):
    name: str
    versions: dict[str, str]  # stage -> version, for the stages that hold one


@dataclass(frozen=True)
class RegistryListing(Contract):
    """`registry list`: every pipeline and the version in each stage."""

    stages: tuple[str, ...]
    pipelines: tuple[PipelineVersions, ...]
    read_from: ReadPoint


@dataclass(frozen=True)
class StageManifests(Contract):
    stage: str
    manifests: dict[str, str]  # role -> name@version of what the stage runs


@dataclass(frozen=True)
class StageDiff(Contract):
    """`registry diff`: what two stages of a pipeline run, and a unified diff per role."""

    pipeline: str
    a: StageManifests
    b: StageManifests
    same: bool
    changed: tuple[str, ...]  # roles whose manifest differs
    diff: dict[str, str]  # role -> unified diff of the two manifests' YAML


ExportFormat = Literal["json", "env", "litellm"]


@dataclass(frozen=True)
class ExportedConfig(Contract):
    """`export`: the serving config of the version in a stage."""

    pipeline: str
    version: str
    stage: str
    format: ExportFormat
    text: str

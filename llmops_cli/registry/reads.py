"""Registry reads for the API and `llmops registry list|show|history`: typed, from one commit,
never fetching (`git fetch` or a write brings the remote's news)."""

from __future__ import annotations

from typing import Any

from llmops_cli.errors import LlmopsError, did_you_mean
from llmops_cli.project import ProjectLike, as_project
from llmops_cli.registry.registry import Registry
from llmops_cli.registry.types import (
    PipelineStatus,
    PipelineVersions,
    RegistryEvent,
    RegistryListing,
    StageDiff,
    StageEntry,
    StageManifests,
    StageStatus,
)


def registry_list(project: ProjectLike = None) -> RegistryListing:
    """Every pipeline in the registry and the version in each stage, by name."""
    registry = Registry(as_project(project))
    tip, point = registry.read_point()
    pipelines = registry.state(tip).get("pipelines", {}) if tip else {}
    rows = tuple(
        PipelineVersions(name, {stage: entry["version"] for stage, entry in stages.items()})
        for name, stages in sorted(pipelines.items())
    )
    return RegistryListing(stages=registry.stages, pipelines=rows, read_from=point)


def registry_show(project: ProjectLike, pipeline: str) -> PipelineStatus:
    """What is in each stage of `pipeline`, with the earlier and rolled-back versions."""
    registry = Registry(as_project(project))
    tip, point = registry.read_point()
    known = registry.state(tip).get("pipelines", {}) if tip else {}
    stages = known.get(pipeline)
    if stages is None:
        raise LlmopsError(f"{pipeline} is not in the registry{did_you_mean(pipeline, known)}")
    history = registry.history(pipeline, registry.stages, tip)
    status = tuple(
        StageStatus(
            stage,
            StageEntry.from_record(stages[stage]) if stage in stages else None,
            tuple(StageEntry.from_record(e) for e in history[stage].earlier),
            tuple(StageEntry.from_record(e) for e in history[stage].rolled_back),
        )
        for stage in registry.stages
    )
    return PipelineStatus(pipeline, status, point)


def registry_history(
    project: ProjectLike = None,
    pipeline: str | None = None,
    *,
    stage: str | None = None,
    limit: int | None = 20,
) -> tuple[RegistryEvent, ...]:
    """The newest `limit` promote/rollback events (None: all), oldest first, of `pipeline` and
    `stage` when given. Reads only as many events as it returns, whatever the history's length.
    An unknown stage or pipeline is an error (a typo must not read as "no events")."""
    registry = Registry(as_project(project))
    if stage is not None and stage not in registry.stages:
        raise LlmopsError(f"unknown stage {stage!r}; stages: {', '.join(registry.stages)}")
    events = registry.events(pipeline, limit, stage)
    if pipeline is not None and not events:  # none: a pipeline that is not there at all?
        tip = registry.store.head()
        known = registry.state(tip).get("pipelines", {}) if tip else {}
        if pipeline not in known:
            raise LlmopsError(f"{pipeline} is not in the registry{did_you_mean(pipeline, known)}")
    return tuple(events)


def registry_diff(project: ProjectLike, pipeline: str, a: str, b: str) -> StageDiff:
    """What stages `a` and `b` of `pipeline` run: prompt text, parameters, model, retrieval."""
    import difflib

    import yaml

    from llmops_cli.registry.export import stage_manifests

    registry = Registry(as_project(project))
    left, right = stage_manifests(registry, pipeline, a), stage_manifests(registry, pipeline, b)
    diffs: dict[str, str] = {}
    for role in dict.fromkeys([*left, *right]):
        old = yaml.safe_dump(left.get(role, {}), sort_keys=False).splitlines()
        new = yaml.safe_dump(right.get(role, {}), sort_keys=False).splitlines()
        lines = list(difflib.unified_diff(old, new, f"{a}/{role}", f"{b}/{role}", lineterm=""))
        if lines:
            diffs[role] = "\n".join(lines)

    def side(stage: str, manifests: dict[str, dict[str, Any]]) -> StageManifests:
        refs = {role: f"{m.get('name')}@{m.get('version')}" for role, m in manifests.items()}
        return StageManifests(stage, refs)

    return StageDiff(pipeline, side(a, left), side(b, right), not diffs, tuple(diffs), diffs)

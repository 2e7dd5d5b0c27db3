"""Registry reads for the API and `llmops registry list|show|history`: typed, from one commit,
never fetching (`git fetch` or a write brings the remote's news)."""

from __future__ import annotations

from llmops_cli.errors import LlmopsError, did_you_mean
from llmops_cli.project import ProjectLike, as_project
from llmops_cli.registry.registry import Registry
from llmops_cli.registry.types import (
    PipelineStatus,
    PipelineVersions,
    RegistryEvent,
    RegistryListing,
    StageEntry,
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
    `stage` when given. Reads only as many events as it returns, whatever the history's length."""
    return tuple(Registry(as_project(project)).events(pipeline, limit, stage))

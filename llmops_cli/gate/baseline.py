"""Where the gate's inputs come from: the report files, and the baseline report behind a
registry stage (fetched from the remote when there is one). I/O only; the decision is in
`gate.checks`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmops_cli.contracts.report import EvalReport
from llmops_cli.errors import LlmopsError
from llmops_cli.project import Project

if TYPE_CHECKING:
    from llmops_cli.registry.registry import Registry
    from llmops_cli.registry.store import Progress


@dataclass(frozen=True)
class Baseline:
    report: EvalReport | None
    note: str  # one line: which baseline, or why there is none


def registry_baseline(
    project: Project,
    pipeline: str,
    stage: str,
    *,
    allow_missing: bool = False,
    progress: Progress | None = None,
) -> Baseline:
    """The report behind the version in `stage`. The registry branch is fetched first when
    the remote exists (a CI checkout rarely has it): within a few seconds when a copy was
    fetched before (it serves, with a note, when the remote is silent), else within
    LLMOPS_GIT_TIMEOUT; `progress` hears that the fetch starts. An empty stage is a first
    release; a registry that cannot be read fails, unless `allow_missing`."""
    from llmops_cli.registry.registry import Registry
    from llmops_cli.registry.store import NotARepository

    if stage not in project.stages:  # a misspelt stage would read as "first release" and pass
        raise LlmopsError(f"unknown stage {stage!r}; stages: {', '.join(project.stages)}")
    try:
        registry = Registry(project)
    except NotARepository:
        return Baseline(None, f"no registry (not a git repository): nothing in {stage} to compare")
    except LlmopsError as exc:  # e.g. registry.repo is no git repository: the config's fault
        return _missing(stage, str(exc), allow_missing, "fix registry.repo in llmops.yaml")
    problem = _fetch(registry, progress)
    tip = registry.store.head()  # one commit for every read below
    if tip is not None:
        stale = f" (not fetched: {problem})" if problem else ""
        current = registry.current(pipeline, stage, tip)
        if current is None:
            return Baseline(None, f"{pipeline} has nothing in {stage} yet (first release){stale}")
        report = registry.evidence_report(pipeline, stage, tip)
        where = f"{pipeline}@{current['version']} in {stage}"
        if report is not None:
            return Baseline(report, f"baseline: {where}{stale}")
        problem = f"{where} has no evidence report in the registry"
    elif not problem:
        return Baseline(None, f"the registry is empty: nothing in {stage} yet (first release)")
    fix = f"fetch the registry branch (`git fetch {registry.remote} {registry.branch}`)"
    return _missing(stage, problem, allow_missing, fix)


def _missing(stage: str, problem: str, allow_missing: bool, fix: str) -> Baseline:
    """No baseline to compare with: exit 1 (saying how to `fix` it) unless `allow_missing`."""
    if not allow_missing:
        raise LlmopsError(
            f"cannot read the {stage} baseline: {problem}; {fix} or pass --allow-missing-baseline"
        )
    return Baseline(None, f"no {stage} baseline ({problem}); regression not checked")


def _fetch(registry: Registry, progress: Progress | None) -> str:
    """Bring the remote's registry branch in (when the remote exists); what went wrong, if
    anything, so the caller can still use a copy fetched before."""
    if not registry.has_remote():
        return ""
    from llmops_cli.guardrails.scrub import scrub_secrets
    from llmops_cli.registry.store import GitError, network_timeout

    # the full deadline, even with a copy fetched before: a gate that gave up after a few
    # seconds on a slow CI link would judge against whatever prod held at the last fetch
    try:
        registry.store.fetch(timeout=network_timeout(), progress=progress)
    except GitError as exc:  # not a bad setting (LLMOPS_GIT_TIMEOUT): that fails the gate
        return scrub_secrets(str(exc))  # the note is published: no token from a remote URL
    return ""

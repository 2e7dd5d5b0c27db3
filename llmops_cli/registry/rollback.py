"""Roll back: a stage put back to its previous version (or any version it held, also forward
again), with the target pinned on the first attempt so that a retry after a lost push race
never goes one version too far."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llmops_cli.errors import LlmopsError, did_you_mean
from llmops_cli.gitinfo import head_commit
from llmops_cli.manifests.catalog import split_ref
from llmops_cli.project import ProjectLike, ProtectedStage, as_project
from llmops_cli.registry.approvals import check_approvals, rollback_approval
from llmops_cli.registry.layout import StageHistory
from llmops_cli.registry.promotion import (
    actor_fields,
    change_type,
    reapplier,
    sync_remote,
    write_change,
)
from llmops_cli.registry.reapply import holds
from llmops_cli.registry.registry import Registry
from llmops_cli.registry.remote import NothingToDo, Precheck
from llmops_cli.registry.store import Progress
from llmops_cli.registry.types import PromotionResult


def rollback(
    project: ProjectLike,
    pipeline: str,
    stage: str = "prod",
    *,
    reason: str,
    to: str | None = None,
    approvers: Sequence[str] = (),
    push: bool = False,
    progress: Progress | None = None,
) -> PromotionResult:
    """Put `stage` back to its previous version, or to version `to` (also forward again to
    one a rollback left), reusing that version's original evidence; `reason` is recorded.
    A protected stage needs its approvers, as for a promotion, unless llmops.yaml sets
    `rollback_to_previous_without_approval` for it and the target is the previous version.
    A `to` the stage already holds is no change (`changed` False, a note says so), not an
    error. `push` and `progress` as for `promote`."""
    project = as_project(project)
    registry = Registry(project)
    name = split_ref(pipeline)[0]
    if stage not in registry.stages:
        raise LlmopsError(f"unknown stage {stage!r}; stages: {', '.join(registry.stages)}")
    rule = registry.protected.get(stage, ProtectedStage())
    if not rule.rollback_to_previous_without_approval:  # fail before any network wait
        check_approvals(rule, stage, approvers, "a rollback into it")
    precheck = rollback_precheck(
        name, stage, to, rule, tuple(approvers), registry.remote if push else ""
    )
    # the target is read from the remote's registry when there is one (or the last copy)
    reapply = reapplier(registry)
    warning = sync_remote(registry, push, progress, reapply, "roll back")
    fields = {
        "from_stage": stage,
        "reason": reason,
        "approvers": list(approvers),
        **actor_fields(registry),
        "source_commit": head_commit(project.root)["sha"],
    }
    event = ("rollback", name, stage, fields, precheck, _no_files)
    # a stage found holding the target (a retry: someone else did it) says so in a note
    return write_change(
        project, registry, event, push, reapply, progress, warning, say_unchanged=True
    )


def _no_files(_id: str, _state: dict[str, Any]) -> dict[str, str]:
    return {}


def rollback_precheck(
    name: str,
    stage: str,
    to: str | None,
    rule: ProtectedStage,
    approvers: Sequence[str],
    remote: str = "",
) -> Precheck:
    """The target of a rollback on the state it is written on, and its approvals: waived
    only for the previous version, and only when llmops.yaml says so for the stage. The
    stage already holding `to` is nothing to do. The first call pins the change (from X to
    Y, what the engineer is told); a retry on a state that moved (a lost push race to
    `remote`, when pushing) is a compare-and-swap on it: the stage holding Y already is
    nothing to do, holding neither X nor Y refuses (never one version too far)."""
    pinned: dict[str, dict[str, Any]] = {}

    def precheck(
        state: dict[str, Any], history: StageHistory
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        pipelines = state.get("pipelines", {})
        current = pipelines.get(name, {}).get(stage)
        if current is None:
            raise LlmopsError(
                f"{name} has never been promoted to {stage}; nothing to roll back"
                + ("" if name in pipelines else did_you_mean(name, pipelines))
            )
        if pinned:
            _check_pinned(name, stage, current, pinned["from"], pinned["to"], remote)
        where = _rollback_target(
            name, stage, current, history, pinned["to"]["version"] if pinned else to
        )
        previous = where.get("history_index") == len(history.earlier) - 1
        waiver = rollback_approval(rule, stage, approvers, previous)
        source = history.earlier if "history_index" in where else history.rolled_back
        target = dict(source[next(iter(where.values()))])
        pinned.setdefault("from", dict(current))
        pinned.setdefault("to", target)
        more = {
            **where,
            "direction": "back" if "history_index" in where else "forward",
            "from_version": current["version"],
            "evidence_event": target.get("event"),  # the original evidence is reused
            "fingerprint": target["fingerprint"],
            "change_type": change_type(current, target.get("manifests", {})),
            "manifests": target.get("manifests", {}),
            **waiver,
        }
        return target, more

    return precheck


def _check_pinned(
    name: str,
    stage: str,
    current: dict[str, Any],
    was: dict[str, Any],
    target: dict[str, Any],
    remote: str,
) -> None:
    """A retried rollback `was` -> `target` on the stage entry `current` found now (on
    `remote`'s registry, when pushing): nothing to do when it holds the target, an error
    unless it still holds what was rolled back."""
    if holds(current, target["version"], target.get("fingerprint")):
        raise NothingToDo(
            f"{name} in {stage} already holds {target['version']}: someone else rolled it "
            f"back from {was['version']} meanwhile; nothing to do"
        )
    if not holds(current, was["version"], was.get("fingerprint")):
        where = f" on {remote} (someone pushed first)" if remote else ""
        raise LlmopsError(
            f"{name} in {stage} moved from {was['version']} to {current['version']}{where} "
            f"while this rollback ({was['version']} -> {target['version']}) was written; "
            f"nothing was written. If {target['version']} should still replace "
            f"{current['version']}, "
            f"run `llmops rollback {name} --stage {stage} --to {target['version']} --reason "
            "... --push`"
        )


def _rollback_target(
    name: str,
    stage: str,
    current: dict[str, Any],
    history: StageHistory,
    to_version: str | None,
) -> dict[str, int]:
    """Where the target entry is: {"history_index": i} (back to an earlier version) or
    {"rolled_back_index": i} (forward again to a version a rollback left)."""
    if to_version is None:
        if not history.earlier:
            forward = ", ".join(e["version"] for e in history.rolled_back)
            raise LlmopsError(
                f"{name} in {stage} has no previous version to roll back to "
                f"(current: {current['version']})"
                + (f"; to roll forward, pass --to with one of: {forward}" if forward else "")
            )
        return {"history_index": len(history.earlier) - 1}
    if to_version == current["version"]:  # idempotent: an on-call's second try succeeds
        raise NothingToDo(f"{name} in {stage} already holds {to_version}; nothing was written")
    for key, entries in (
        ("history_index", history.earlier),
        ("rolled_back_index", history.rolled_back),
    ):
        matches = [i for i, e in enumerate(entries) if e["version"] == to_version]
        if matches:
            return {key: matches[-1]}
    held = [e["version"] for e in [*history.earlier, *history.rolled_back]]
    known = ", ".join(v for v in dict.fromkeys(held) if v != current["version"])
    now = f"{current['version']} (now)"
    raise LlmopsError(
        f"{name}@{to_version} was never in {stage}; versions it held: "
        f"{', '.join(filter(None, (known, now)))} "
        f"(to put a new version there, use `llmops promote {name} --to {stage}`)"
    )

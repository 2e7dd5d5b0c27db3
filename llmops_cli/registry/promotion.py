"""Promote and roll back: the rules on top of the registry."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from llmops_cli.contracts.report import load_report
from llmops_cli.contracts.verdict import GateVerdict, load_verdict
from llmops_cli.errors import LlmopsError, did_you_mean
from llmops_cli.fileio import PathArg
from llmops_cli.gitinfo import head_commit
from llmops_cli.manifests.catalog import Catalog, split_ref
from llmops_cli.manifests.immutability import next_patch
from llmops_cli.manifests.model import thaw
from llmops_cli.manifests.resolve import ResolvedPipeline, find_pipeline, resolve_pipeline
from llmops_cli.project import Project, ProjectLike, ProtectedStage, as_project
from llmops_cli.registry.layout import StageHistory, artifact_path, file_sha256, summary_of
from llmops_cli.registry.registry import Registry
from llmops_cli.registry.remote import NothingToDo, Precheck, Reapply
from llmops_cli.registry.store import GitError, Progress
from llmops_cli.registry.types import PromotionResult, RegistryEvent

ROLES = ("prompt", "model", "retrieval", "thresholds", "judge")


def find_evidence(
    project: Project, resolved: ResolvedPipeline, *, force: bool = False
) -> tuple[Path, GateVerdict, str]:
    """The latest gated report of exactly this fingerprint (by the report's finished_at), and
    why it is no evidence ("" when it is): its gate failed, or it covers part of the golden
    set. A reason is an error unless `force` (then it is recorded with the promotion)."""
    folder = project.reports_dir / resolved.pipeline.name
    gated: list[tuple[tuple[str, int], Path, GateVerdict]] = []
    for report_path in folder.glob("*/report.json"):
        gate_path = report_path.parent / "gate.json"
        if not gate_path.exists():
            continue
        verdict = load_verdict(gate_path)
        if verdict.fingerprint == resolved.fingerprint:
            # verdicts written before finished_at was recorded: read it from the report
            finished = verdict.finished_at or load_report(report_path).finished_at
            # finished_at is to the second; runs in the same second go by when written
            gated.append(((finished, report_path.stat().st_mtime_ns), report_path, verdict))
    if not gated:
        raise LlmopsError(
            f"no passing gate for {resolved.pipeline.ref} as it is now (fingerprint "
            f"{resolved.fingerprint[:12]}); run `llmops eval {resolved.pipeline.name}` and "
            f"`llmops gate {resolved.pipeline.name}` first"
        )
    _, report_path, verdict = max(gated, key=lambda g: g[0])
    why = _not_evidence(report_path, verdict)
    if why and not force:
        raise LlmopsError(
            f"{project.relative(report_path.parent / 'gate.json')}: the latest gate for "
            f"{resolved.pipeline.ref} (run {verdict.run_id}) {why}; run `llmops eval "
            f"{resolved.pipeline.name}` and `llmops gate {resolved.pipeline.name}` again, or "
            "pass --force --reason"
        )
    return report_path, verdict, why


def _not_evidence(report_path: Path, verdict: GateVerdict) -> str:
    """Why a verdict cannot back a promotion, or "" when it can."""
    if not verdict.passed:
        names = ", ".join(c.name for c in verdict.failures)
        return f"failed ({names})" if names else "failed"
    report = load_report(report_path)  # a verdict older than `partial` has it False
    if verdict.partial or report.partial:
        return (
            f"judged a partial report: {report.covered_cases} of {report.golden_set.cases} "
            f"golden cases ({report.narrowed_by})"
        )
    return ""


def _refs(resolved: ResolvedPipeline) -> dict[str, str]:
    refs = {role: ref for role, ref in resolved.pipeline.refs().items()}
    refs["golden_set"] = resolved.golden.sha256
    return refs


def change_type(old: dict[str, Any] | None, new: dict[str, str]) -> list[str]:
    if old is None:
        return ["initial"]
    before = old.get("manifests", {})
    return [role for role in (*ROLES, "golden_set") if before.get(role) != new.get(role)]


def promote(
    project: ProjectLike,
    pipeline: str,
    stage: str,
    *,
    approvers: Sequence[str] = (),
    reason: str = "",
    force: bool = False,
    push: bool = False,
    evidence: PathArg | None = None,
    progress: Progress | None = None,
) -> PromotionResult:
    """Move `pipeline` (a name, or name@version) into `stage`. Needs a passing gate verdict
    for exactly its content, the stage order (or `force` with a `reason`) and approvers for a
    protected stage; `evidence`: a `canary analyze --out` decision to attach. `push`: write
    on top of the remote's registry and push atomically (events written here before and not
    pushed go too, re-applied on the remote's when it moved meanwhile). A version already in
    the stage is no change (`changed` False), not an error. `progress` hears of a fetch."""
    project = as_project(project)
    registry = Registry(project)
    if stage not in registry.stages:
        raise LlmopsError(f"unknown stage {stage!r}; stages: {', '.join(registry.stages)}")
    if force and not reason:
        raise LlmopsError("--force needs --reason: say why the stage order is skipped")
    catalog = Catalog.load(project)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, pipeline))
    name, version, fingerprint = (
        resolved.pipeline.name,
        resolved.pipeline.version,
        resolved.fingerprint,
    )
    report_path, verdict, not_evidence = find_evidence(project, resolved, force=force)
    decision = _canary_evidence(Path(evidence), resolved, force) if evidence is not None else None
    _check_approvals(registry.protected.get(stage, ProtectedStage()), stage, approvers)
    # build on the remote's registry, never a second history beside it; without --push a
    # host that is down only warns (a local rollback must stay possible)
    reapply = _reapplier(registry)
    warning = _sync(registry, push, progress, reapply, "promote")
    registered = _registered_unchanged(registry, resolved)
    refs = _refs(resolved)
    index = registry.stages.index(stage)
    before = registry.stages[index - 1] if index > 0 else None
    precheck = _promote_precheck(name, version, fingerprint, refs, stage, before, force)

    def files(event_id: str, state: dict[str, Any]) -> dict[str, str]:
        out = {
            f"evidence/{event_id}/gate.json": verdict.to_json() + "\n",
            f"evidence/{event_id}/report-summary.json": summary_of(
                load_report(report_path).to_dict()
            ),
            # the whole (already scrubbed) report: the next gate's paired baseline
            f"evidence/{event_id}/report.json": report_path.read_text("utf-8"),
        }
        if decision is not None:
            out[f"evidence/{event_id}/canary.json"] = json.dumps(decision, indent=2) + "\n"
        for manifest in resolved.manifests:
            key = (manifest.kind, manifest.name, manifest.version)
            if key not in registered:
                out[artifact_path(*key)] = yaml.safe_dump(
                    thaw(manifest.data), sort_keys=False, allow_unicode=True
                )
        return out

    fields = {
        "from_stage": before,
        "fingerprint": fingerprint,
        "source_commit": head_commit(project.root)["sha"],
        "report_run_id": verdict.run_id,
        "report_sha256": file_sha256(report_path),
        "gate_verdict": verdict.verdict,
        "approvers": list(approvers),
        **_actor(registry),
        "reason": reason,
        "forced": force,
        "manifests": refs,
    }
    if not_evidence:  # --force past a failed or partial gate: say so in the history
        fields["evidence_overridden"] = f"run {verdict.run_id} {not_evidence}"
    if decision is not None:
        fields["canary"] = {
            k: decision[k] for k in ("decision", "arm_field", "control", "treatment", "n")
        }
    write = (
        partial(registry.record_and_push, synced=True, reapply=reapply, progress=progress)
        if push
        else registry.record
    )
    try:
        event = _write(registry, write, ("promote", name, stage, fields, precheck, files))
    except NothingToDo:
        return _unchanged(registry, name, stage, push, warning, reapply)
    return _result(project, registry, event, push, warning)


def _write(
    registry: Registry, write: Callable[..., dict[str, Any]], args: tuple[Any, ...]
) -> dict[str, Any]:
    """`write(*args)`; when its rules refuse it after local events were re-applied on the
    remote's, the local branch goes back as it was (a refused command changes nothing)."""
    try:
        return write(*args)
    except NothingToDo:
        raise
    except LlmopsError as exc:
        if not isinstance(exc, GitError):  # a refused push: the event waits locally
            registry.undo_reapply()
        raise


def _promote_precheck(
    name: str,
    version: str,
    fingerprint: str,
    refs: dict[str, str],
    stage: str,
    before: str | None,
    force: bool,
) -> Precheck:
    """The rules a promotion re-checks on the state it is written on: not in the stage yet
    (else nothing to do), and in the stage before (unless `force`)."""

    def precheck(state: dict[str, Any], _: StageHistory) -> tuple[dict[str, Any], dict[str, Any]]:
        stages = state.get("pipelines", {}).get(name, {})
        current = stages.get(stage)
        if current and current["fingerprint"] == fingerprint:
            raise NothingToDo(f"{name}@{version} is already in {stage}: nothing to do")
        if before is not None and not force:
            earlier = stages.get(before)
            if not earlier or earlier["fingerprint"] != fingerprint:
                raise LlmopsError(
                    f"{name}@{version} is not in {before}; promote it there first, or pass "
                    "--force --reason to skip the stage order"
                )
        entry = {"version": version, "fingerprint": fingerprint, "manifests": refs}
        return entry, {"change_type": change_type(current, refs)}

    return precheck


def _sync(
    registry: Registry, push: bool, progress: Progress | None, reapply: Reapply, verb: str
) -> str:
    """Fetch before a write (a short deadline without --push, when there is a copy to fall
    back on); with --push, local events the remote lacks are re-applied on top of its."""
    try:
        return registry.sync(
            offline_ok=not push, progress=progress, reapply=reapply if push else None
        )
    except GitError as exc:
        if not push:
            raise
        raise GitError(
            f"{exc}; nothing was written. To {verb} locally now, run the same command without "
            "--push (the next --push publishes it)"
        ) from None


def _actor(registry: Registry) -> dict[str, str]:
    actor = registry.actor()
    return {"actor": actor} if actor else {}


def _reapplier(registry: Registry) -> Reapply:
    """How to re-check a promote or rollback written here on the remote's state, when the
    two diverged: as a promote of that version, or a rollback `--to` that version, with the
    approvers it recorded."""

    def precheck_of(event: dict[str, Any]) -> Precheck:
        name, stage, version = event["pipeline"], event["stage"], event["version"]
        rule = registry.protected.get(stage, ProtectedStage())
        approvers = tuple(event.get("approvers") or ())
        if event["type"] == "rollback":
            return _rollback_precheck(name, stage, version, rule, approvers)
        if event["type"] != "promote" or stage not in registry.stages:
            raise LlmopsError(
                f"cannot re-apply event #{event['seq']} ({event['type']} into {stage}) on "
                f"{registry.remote}'s registry; to keep {registry.remote}'s and drop the local "
                f"events, run `git update-ref {registry.store.ref} {registry.store.tracking}`"
            )
        _check_approvals(rule, stage, approvers)
        index = registry.stages.index(stage)
        return _promote_precheck(
            name,
            version,
            event["fingerprint"],
            dict(event.get("manifests") or {}),
            stage,
            registry.stages[index - 1] if index > 0 else None,
            bool(event.get("forced")),
        )

    return precheck_of


def _unchanged(
    registry: Registry,
    name: str,
    stage: str,
    push: bool,
    warning: str,
    reapply: Reapply,
    note: str = "",
) -> PromotionResult:
    """A promote (or a retried rollback) of the version the stage already holds: no event;
    the result carries the event that put it there, and `note` says why nothing was done.
    With --push, events written here and not pushed yet still go."""
    pushed_pending = registry.push_pending(reapply=reapply) if push else False
    entry = registry.current(name, stage) or {}
    event = registry.event(str(entry.get("event")))
    if event is None:  # a registry written before entries named their event
        event = RegistryEvent(
            id=str(entry.get("event") or ""),
            seq=0,
            type="promote",
            pipeline=name,
            version=str(entry.get("version")),
            stage=stage,
            at=str(entry.get("at") or ""),
            fingerprint=entry.get("fingerprint"),
        )
    notes = [*registry.reapplied, *filter(None, [note])]
    if pushed_pending:
        notes.append(f"pushed the events written here before to {registry.remote}")
    return PromotionResult(
        event,
        pushed=push,
        warnings=(warning,) if warning else (),
        changed=False,
        remote=registry.remote if registry.has_remote() else None,
        notes=tuple(notes),
    )


def _result(
    project: Project, registry: Registry, event: dict[str, Any], pushed: bool, warning: str
) -> PromotionResult:
    """The event as written, with the warnings to show (e.g. the remote not reached). The
    event is tagged onto its MLflow run (and mirrored when opted in) from a detached process,
    so the library call and the CLI both do it and neither waits on MLflow."""
    from llmops_cli.tracking_links import registry_follow_up

    registered = RegistryEvent.from_record(event)
    warnings = [w for w in (warning, registry_follow_up(project, registered)) if w]
    return PromotionResult(
        registered,
        pushed,
        tuple(warnings),
        remote=registry.remote if registry.has_remote() else None,
        notes=tuple(registry.reapplied),
    )


def _check_approvals(
    rule: ProtectedStage, stage: str, approvers: Sequence[str], what: str = "it"
) -> None:
    """At least `rule.needed` distinct approvers among the names llmops.yaml accepts. A name
    is an attestation recorded with the event (who approved), not an identity checked."""
    allowed = list(rule.approvers)
    valid = [a for a in approvers if not allowed or a in allowed]
    if len(set(valid)) >= rule.needed:
        return
    if allowed:
        accepted = (
            f"pass --approver with one of the names in registry.protected.{stage}.approvers "
            f"of llmops.yaml: {', '.join(allowed)}"
        )
    else:
        accepted = "pass --approver NAME, once per approver"
    unknown = [a for a in approvers if allowed and a not in allowed]
    got = f"; {', '.join(map(repr, unknown))} is not one of them" if unknown else ""
    raise LlmopsError(
        f"stage {stage!r} is protected: {what} needs {rule.needed} approval(s) from "
        f"{', '.join(allowed) or 'anyone'} ({accepted}){got}. The approver is recorded as "
        "who approved; llmops does not authenticate it"
    )


def _registered_unchanged(
    registry: Registry, resolved: ResolvedPipeline
) -> dict[tuple[str, str, str], str]:
    """The content hashes of the manifests already registered, none of them edited since."""
    registered = registry.registered_hashes(resolved.manifests)
    for manifest in resolved.manifests:
        known = registered.get((manifest.kind, manifest.name, manifest.version))
        if known is not None and known != manifest.content_hash:
            raise LlmopsError(
                f"{manifest.path}: {manifest.kind} {manifest.ref} is already registered with "
                f"different content; bump the version (e.g. {next_patch(manifest.version)})"
            )
    return registered


def _canary_evidence(path: Path, resolved: ResolvedPipeline, force: bool) -> dict[str, Any]:
    """A `canary analyze --out` decision about this version, that says promote (or --force)."""
    try:
        decision = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise LlmopsError(f"{path}: not a canary decision file: {exc}") from None
    if not isinstance(decision, dict) or decision.get("kind") != "canary":
        raise LlmopsError(
            f"{path}: not a canary decision (write one with `llmops canary analyze --out`)"
        )
    versions = {resolved.pipeline.version, *(m.version for m in resolved.manifests)}
    if str(decision.get("treatment")) not in versions:
        raise LlmopsError(
            f"{path}: the canary's treatment is {decision.get('treatment')!r}, which is none of "
            f"{resolved.pipeline.ref}'s versions ({', '.join(sorted(versions))})"
        )
    if decision.get("decision") != "promote" and not force:
        raise LlmopsError(
            f"{path}: the canary decided {decision.get('decision')!r}, not promote "
            f"({'; '.join(decision.get('reasons', []))}); pass --force --reason to override"
        )
    return decision


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
    `push` and `progress` as for `promote`."""
    project = as_project(project)
    registry = Registry(project)
    name = split_ref(pipeline)[0]
    if stage not in registry.stages:
        raise LlmopsError(f"unknown stage {stage!r}; stages: {', '.join(registry.stages)}")
    rule = registry.protected.get(stage, ProtectedStage())
    if not rule.rollback_to_previous_without_approval:  # fail before any network wait
        _check_approvals(rule, stage, approvers, "a rollback into it")
    precheck = _rollback_precheck(name, stage, to, rule, tuple(approvers))
    # the target is read from the remote's registry when there is one (or the last copy)
    reapply = _reapplier(registry)
    warning = _sync(registry, push, progress, reapply, "roll back")
    fields = {
        "from_stage": stage,
        "reason": reason,
        "approvers": list(approvers),
        **_actor(registry),
        "source_commit": head_commit(project.root)["sha"],
    }
    write = (
        partial(registry.record_and_push, synced=True, reapply=reapply, progress=progress)
        if push
        else registry.record
    )
    try:
        event = _write(registry, write, ("rollback", name, stage, fields, precheck, _no_files))
    except NothingToDo as done:  # a retry found the pinned target there: someone else did it
        return _unchanged(registry, name, stage, push, warning, reapply, note=str(done))
    return _result(project, registry, event, push, warning)


def _no_files(_id: str, _state: dict[str, Any]) -> dict[str, str]:
    return {}


def _rollback_precheck(
    name: str,
    stage: str,
    to: str | None,
    rule: ProtectedStage,
    approvers: Sequence[str],
) -> Precheck:
    """The target of a rollback on the state it is written on, and its approvals: waived
    only for the previous version, and only when llmops.yaml says so for the stage. The
    first call pins the change (from X to Y, what the engineer is told); a retry on a state
    that moved (a lost push race) is a compare-and-swap on it: the stage holding Y already
    is nothing to do, holding neither X nor Y refuses (never one version too far)."""
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
            _check_pinned(name, stage, current, pinned["from"], pinned["to"])
        where = _rollback_target(
            name, stage, current, history, pinned["to"]["version"] if pinned else to
        )
        previous = where.get("history_index") == len(history.earlier) - 1
        waived = previous and rule.rollback_to_previous_without_approval and rule.needed > 0
        if not waived:
            _check_approvals(rule, stage, approvers, "a rollback into it")
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
        }
        if waived and len(set(approvers)) < rule.needed:
            more["approval_waived"] = (
                f"rollback to the previous version (registry.protected.{stage}."
                "rollback_to_previous_without_approval in llmops.yaml)"
            )
        return target, more

    return precheck


def _check_pinned(
    name: str,
    stage: str,
    current: dict[str, Any],
    was: dict[str, Any],
    target: dict[str, Any],
) -> None:
    """A retried rollback `was` -> `target` on the stage entry `current` found now: nothing
    to do when it holds the target, an error unless it still holds what was rolled back."""
    if _same_entry(current, target):
        raise NothingToDo(
            f"{name} in {stage} already holds {target['version']}: someone else rolled it "
            f"back from {was['version']} meanwhile; nothing to do"
        )
    if not _same_entry(current, was):
        raise LlmopsError(
            f"{name} in {stage} moved from {was['version']} to {current['version']} while "
            f"this rollback ({was['version']} -> {target['version']}) was written; nothing "
            f"was written. If {target['version']} should still replace {current['version']}, "
            f"run `llmops rollback {name} --stage {stage} --to {target['version']} --reason "
            "... --push`"
        )


def _same_entry(entry: dict[str, Any], other: dict[str, Any]) -> bool:
    return all(entry.get(k) == other.get(k) for k in ("version", "fingerprint"))


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
    if to_version == current["version"]:
        raise LlmopsError(f"{name}@{to_version} is already in {stage}")
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

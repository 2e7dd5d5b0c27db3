"""Promote: the rules on top of the registry, and the pieces a rollback (rollback.py) shares."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from llmops_cli.contracts.report import load_report
from llmops_cli.contracts.verdict import GateVerdict, load_verdict
from llmops_cli.errors import LlmopsError
from llmops_cli.fileio import PathArg
from llmops_cli.gitinfo import head_commit
from llmops_cli.manifests.catalog import Catalog
from llmops_cli.manifests.immutability import next_patch
from llmops_cli.manifests.model import thaw
from llmops_cli.manifests.resolve import ResolvedPipeline, find_pipeline, resolve_pipeline
from llmops_cli.project import Project, ProjectLike, ProtectedStage, as_project
from llmops_cli.registry.approvals import check_approvals
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
    check_approvals(registry.protected.get(stage, ProtectedStage()), stage, approvers)
    # build on the remote's registry, never a second history beside it; without --push a
    # host that is down only warns (a local rollback must stay possible)
    reapply = reapplier(registry)
    warning = sync_remote(registry, push, progress, reapply, "promote")
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
        **actor_fields(registry),
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
    event = ("promote", name, stage, fields, precheck, files)
    return write_change(project, registry, event, push, reapply, progress, warning)


# what `Registry.record` takes: event type, pipeline, stage, fields, precheck, extra files
ExtraFiles = Callable[[str, dict[str, Any]], dict[str, str]]
EventArgs = tuple[str, str, str, dict[str, Any], Precheck, ExtraFiles]


def write_change(
    project: Project,
    registry: Registry,
    event: EventArgs,
    push: bool,
    reapply: Reapply,
    progress: Progress | None,
    warning: str,
    *,
    say_unchanged: bool = False,
) -> PromotionResult:
    """Record `event` (and push it, with `push`) and return what was done. A precheck that
    finds the stage already so writes nothing (`changed` False; `say_unchanged`: its reason
    is among the notes). When the rules refuse it after local events were re-applied on the
    remote's, the local branch goes back as it was (a refused command changes nothing)."""
    write: Callable[..., dict[str, Any]] = (
        partial(registry.record_and_push, synced=True, reapply=reapply, progress=progress)
        if push
        else registry.record
    )
    try:
        written = write(*event)
    except NothingToDo as done:
        note = str(done) if say_unchanged else ""
        return unchanged_result(registry, event[1], event[2], push, warning, reapply, note)
    except LlmopsError as exc:
        if not isinstance(exc, GitError):  # a refused push: the event waits locally
            registry.undo_reapply()
        raise
    return promotion_result(project, registry, written, push, warning)


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


def sync_remote(
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


def actor_fields(registry: Registry) -> dict[str, str]:
    actor = registry.actor()
    return {"actor": actor} if actor else {}


def reapplier(registry: Registry) -> Reapply:
    """How to re-check a promote or rollback written here on the remote's state, when the
    two diverged: as a promote of that version, or a rollback `--to` that version, with the
    approvers it recorded."""

    def precheck_of(event: dict[str, Any]) -> Precheck:
        name, stage, version = event["pipeline"], event["stage"], event["version"]
        rule = registry.protected.get(stage, ProtectedStage())
        approvers = tuple(event.get("approvers") or ())
        if event["type"] == "rollback":
            from llmops_cli.registry.rollback import rollback_precheck  # it imports this module

            return rollback_precheck(name, stage, version, rule, approvers, registry.remote)
        if event["type"] != "promote" or stage not in registry.stages:
            raise LlmopsError(
                f"cannot re-apply event #{event['seq']} ({event['type']} into {stage}) on "
                f"{registry.remote}'s registry; to keep {registry.remote}'s and drop the local "
                f"events, run `git update-ref {registry.store.ref} {registry.store.tracking}`"
            )
        check_approvals(rule, stage, approvers)
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


def unchanged_result(
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


def promotion_result(
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

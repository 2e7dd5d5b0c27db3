"""Promote and roll back: the rules on top of the registry."""

from __future__ import annotations

import json
from collections.abc import Sequence
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
) -> PromotionResult:
    """Move `pipeline` (a name, or name@version) into `stage`. Needs a passing gate verdict
    for exactly its content, the stage order (or `force` with a `reason`) and approvers for a
    protected stage; `evidence`: a `canary analyze --out` decision to attach. `push`: write
    on top of the remote's registry and push atomically."""
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
    # build on the remote's registry, never a second history beside it; without --push a
    # host that is down only warns (a local rollback must stay possible)
    warning = registry.sync(offline_ok=not push)
    _check_approvals(registry.protected.get(stage, ProtectedStage()), stage, approvers)
    registered = _registered_unchanged(registry, resolved)
    refs = _refs(resolved)
    index = registry.stages.index(stage)
    before = registry.stages[index - 1] if index > 0 else None

    def precheck(state: dict[str, Any], _: StageHistory) -> tuple[dict[str, Any], dict[str, Any]]:
        stages = state.get("pipelines", {}).get(name, {})
        current = stages.get(stage)
        if current and current["fingerprint"] == fingerprint:
            raise LlmopsError(f"{name}@{version} is already in {stage}")
        if before is not None and not force:
            earlier = stages.get(before)
            if not earlier or earlier["fingerprint"] != fingerprint:
                raise LlmopsError(
                    f"{name}@{version} is not in {before}; promote it there first, or pass "
                    "--force --reason to skip the stage order"
                )
        entry = {"version": version, "fingerprint": fingerprint, "manifests": refs}
        return entry, {"change_type": change_type(current, refs)}

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
    write = partial(registry.record_and_push, synced=True) if push else registry.record
    return _result(project, write("promote", name, stage, fields, precheck, files), push, warning)


def _result(project: Project, event: dict[str, Any], pushed: bool, warning: str) -> PromotionResult:
    """The event as written, with the warnings to show (e.g. the remote not reached). The
    event is tagged onto its MLflow run (and mirrored when opted in) from a detached process,
    so the library call and the CLI both do it and neither waits on MLflow."""
    from llmops_cli.tracking_links import registry_follow_up

    registered = RegistryEvent.from_record(event)
    warnings = [w for w in (warning, registry_follow_up(project, registered)) if w]
    return PromotionResult(registered, pushed, tuple(warnings))


def _check_approvals(rule: ProtectedStage, stage: str, approvers: Sequence[str]) -> None:
    allowed = list(rule.approvers)
    valid = [a for a in approvers if not allowed or a in allowed]
    if len(set(valid)) < rule.needed:
        raise LlmopsError(
            f"stage {stage!r} is protected: it needs {rule.needed} approval(s) from "
            f"{', '.join(allowed) or 'anyone'} (pass --approver NAME)"
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
) -> PromotionResult:
    """Put `stage` back to its previous version, or to version `to` (also forward again to
    one a rollback left), reusing that version's original evidence; `reason` is recorded."""
    project = as_project(project)
    registry = Registry(project)
    name = split_ref(pipeline)[0]
    if stage not in registry.stages:
        raise LlmopsError(f"unknown stage {stage!r}; stages: {', '.join(registry.stages)}")

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
        where = _rollback_target(name, stage, current, history, to)
        source = history.earlier if "history_index" in where else history.rolled_back
        target = dict(source[next(iter(where.values()))])
        return target, {
            **where,
            "direction": "back" if "history_index" in where else "forward",
            "from_version": current["version"],
            "evidence_event": target.get("event"),  # the original evidence is reused
            "fingerprint": target["fingerprint"],
            "change_type": change_type(current, target.get("manifests", {})),
            "manifests": target.get("manifests", {}),
        }

    # the target is read from the remote's registry when there is one (or the last copy)
    warning = registry.sync(offline_ok=not push)
    fields = {
        "from_stage": stage,
        "reason": reason,
        "approvers": list(approvers),
        "source_commit": head_commit(project.root)["sha"],
    }
    write = partial(registry.record_and_push, synced=True) if push else registry.record
    event = write("rollback", name, stage, fields, precheck, lambda _id, _s: {})
    return _result(project, event, push, warning)


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
    known = ", ".join(dict.fromkeys(e["version"] for e in [*history.earlier, *history.rolled_back]))
    raise LlmopsError(
        f"{name}@{to_version} was never in {stage}; versions it held: {known or 'none'} "
        f"(to put a new version there, use `llmops promote {name} --to {stage}`)"
    )

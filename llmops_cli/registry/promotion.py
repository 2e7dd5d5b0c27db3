"""Promote, roll back, export and reproduce: the rules on top of the registry."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from llmops_cli.contracts.report import load_report
from llmops_cli.contracts.verdict import GateVerdict, load_verdict
from llmops_cli.errors import LlmopsError
from llmops_cli.gitinfo import head_commit
from llmops_cli.manifests.catalog import Catalog, split_ref
from llmops_cli.manifests.immutability import next_patch
from llmops_cli.manifests.model import ROLE_KINDS, thaw
from llmops_cli.manifests.resolve import ResolvedPipeline, find_pipeline, resolve_pipeline
from llmops_cli.project import Project
from llmops_cli.registry.registry import (
    Registry,
    StageHistory,
    artifact_path,
    file_sha256,
    summary_of,
)

ROLES = ("prompt", "model", "retrieval", "thresholds", "judge")


def find_evidence(project: Project, resolved: ResolvedPipeline) -> tuple[Path, GateVerdict]:
    """The newest report of exactly this fingerprint whose gate passed."""
    folder = project.reports_dir / resolved.pipeline.name
    newest_first = sorted(folder.glob("*/report.json"), key=lambda p: -p.stat().st_mtime_ns)
    for report_path in newest_first:
        gate_path = report_path.parent / "gate.json"
        if not gate_path.exists():
            continue
        verdict = load_verdict(gate_path)
        if verdict.fingerprint == resolved.fingerprint and verdict.passed:
            return report_path, verdict
    raise LlmopsError(
        f"no passing gate for {resolved.pipeline.ref} as it is now (fingerprint "
        f"{resolved.fingerprint[:12]}); run `llmops eval {resolved.pipeline.name}` and "
        f"`llmops gate {resolved.pipeline.name}` first"
    )


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
    project: Project,
    pipeline: str,
    stage: str,
    *,
    approvers: Sequence[str] = (),
    reason: str = "",
    force: bool = False,
    push: bool = False,
    canary: Path | None = None,
) -> dict[str, Any]:
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
    report_path, verdict = find_evidence(project, resolved)
    decision = _canary_evidence(canary, resolved, force) if canary is not None else None
    # build on the remote's registry, never a second history beside it; without --push a
    # host that is down only warns (a local rollback must stay possible)
    warning = registry.sync(offline_ok=not push)
    rule = registry.protected.get(stage, {})
    allowed = list(rule.get("approvers", []))
    needed = int(rule.get("min_approvals", 1 if allowed else 0))
    valid = [a for a in approvers if not allowed or a in allowed]
    if len(set(valid)) < needed:
        raise LlmopsError(
            f"stage {stage!r} is protected: it needs {needed} approval(s) from "
            f"{', '.join(allowed) or 'anyone'} (pass --approver NAME)"
        )
    registered = registry.registered_hashes(resolved.manifests)
    for manifest in resolved.manifests:
        known = registered.get((manifest.kind, manifest.name, manifest.version))
        if known is not None and known != manifest.content_hash:
            raise LlmopsError(
                f"{manifest.path}: {manifest.kind} {manifest.ref} is already registered with "
                f"different content; bump the version (e.g. {next_patch(manifest.version)})"
            )
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
    if decision is not None:
        fields["canary"] = {
            k: decision[k] for k in ("decision", "arm_field", "control", "treatment", "n")
        }
    write = partial(registry.record_and_push, synced=True) if push else registry.record
    return _warned(write("promote", name, stage, fields, precheck, files), warning)


def _warned(event: dict[str, Any], warning: str) -> dict[str, Any]:
    """The event as written, with the warning the CLI shows (e.g. the remote not reached)."""
    return {**event, "warning": warning} if warning else event


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
    project: Project,
    pipeline: str,
    stage: str,
    *,
    to_version: str | None = None,
    reason: str,
    approvers: Sequence[str] = (),
    push: bool = False,
) -> dict[str, Any]:
    registry = Registry(project)
    name = split_ref(pipeline)[0]
    if stage not in registry.stages:
        raise LlmopsError(f"unknown stage {stage!r}; stages: {', '.join(registry.stages)}")

    def precheck(
        state: dict[str, Any], history: StageHistory
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        current = state.get("pipelines", {}).get(name, {}).get(stage)
        if current is None:
            raise LlmopsError(f"{name} has never been promoted to {stage}; nothing to roll back")
        where = _rollback_target(name, stage, current, history, to_version)
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
    return _warned(event, warning)


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


def _artifacts(
    registry: Registry, refs: dict[str, str], owner: str, at: str | None = None
) -> dict[str, dict[str, Any]]:
    """Role -> registered manifest content for `refs` (role -> name@version)."""
    out: dict[str, dict[str, Any]] = {}
    for role, ref in refs.items():
        if role not in ROLE_KINDS and role != "pipeline":
            continue  # e.g. the golden set's hash
        kind = "pipeline" if role == "pipeline" else ROLE_KINDS[role]
        ref_name, version = split_ref(ref)
        data = registry.artifact(kind, ref_name, version or "", at)
        if data is None:
            raise LlmopsError(f"registry has no artifact for {kind} {ref} ({owner})")
        out[role] = data
    return out


def stage_manifests(registry: Registry, pipeline: str, stage: str) -> dict[str, dict[str, Any]]:
    """Role -> manifest content of the version currently in `stage`."""
    tip = registry.store.head()  # the stage and its artifacts from one commit
    current = registry.current(split_ref(pipeline)[0], stage, tip)
    if current is None:
        raise LlmopsError(f"{pipeline} has nothing in stage {stage!r}")
    refs = {"pipeline": f"{split_ref(pipeline)[0]}@{current['version']}", **current["manifests"]}
    return _artifacts(registry, refs, f"{pipeline} in {stage}", tip)


def _litellm_router(
    name: str, manifests: dict[str, Any], params: dict[str, Any], weight: float | None = None
) -> dict[str, Any]:
    """A LiteLLM proxy/router config serving `manifests`' model under the pipeline's name.
    With a `weight`, the deployment carries it (LiteLLM's simple-shuffle routes by it) and an
    id naming the pipeline version, so the application can log which arm answered."""
    model = manifests["model"]
    litellm_params: dict[str, Any] = {"model": f"{model['provider']}/{model['model']}", **params}
    if model.get("api_base"):
        litellm_params["api_base"] = model["api_base"]
    if model.get("api_key_env"):
        litellm_params["api_key"] = f"os.environ/{model['api_key_env']}"
    deployment: dict[str, Any] = {"model_name": name, "litellm_params": litellm_params}
    if weight is not None:
        litellm_params["weight"] = round(weight, 6)
        version = manifests["pipeline"]["version"]
        deployment["model_info"] = {"id": f"{name}@{version}", "pipeline_version": version}
    config: dict[str, Any] = {"model_list": [deployment]}
    limits = model.get("limits", {})
    settings = {k: limits[k] for k in ("timeout_s", "max_retries") if k in limits}
    if settings:
        config["router_settings"] = {
            "timeout": settings.get("timeout_s"),
            "num_retries": settings.get("max_retries"),
        }
    return config


def export_config(
    project: Project,
    pipeline: str,
    stage: str,
    fmt: str,
    canary: tuple[str, float] | None = None,
) -> str:
    """The resolved serving config of the version in `stage`: json, env or a litellm router;
    `canary=(stage, weight)` adds that stage's version as a weighted second deployment."""
    registry = Registry(project)
    manifests = stage_manifests(registry, pipeline, stage)
    model, prompt = manifests["model"], manifests["prompt"]
    name = manifests["pipeline"]["name"]
    params = {**model.get("parameters", {}), **prompt.get("parameters", {})}
    if canary is not None and fmt != "litellm":
        raise LlmopsError("--canary-stage needs --format litellm (a weighted router config)")
    if fmt == "json":
        return (
            json.dumps(
                {
                    "pipeline": f"{name}@{manifests['pipeline']['version']}",
                    "stage": stage,
                    **manifests,
                },
                indent=2,
            )
            + "\n"
        )
    if fmt == "env":
        lines = {
            "LLMOPS_PIPELINE": f"{name}@{manifests['pipeline']['version']}",
            "LLMOPS_MODEL": f"{model['provider']}/{model['model']}",
            "LLMOPS_PROMPT": f"{prompt['name']}@{prompt['version']}",
            "LLMOPS_MODEL_PARAMETERS": json.dumps(params, sort_keys=True),
        }
        if model.get("api_base"):
            lines["LLMOPS_API_BASE"] = model["api_base"]
        if "retrieval" in manifests:
            r = manifests["retrieval"]
            lines["LLMOPS_RETRIEVAL"] = f"{r['name']}@{r['version']}"
            lines["LLMOPS_TOP_K"] = str(r["top_k"])
        return "".join(f"{k}={json.dumps(v) if ' ' in v else v}\n" for k, v in lines.items())
    if fmt == "litellm":
        config = _litellm_router(name, manifests, params)
        if canary is not None:
            canary_stage, weight = canary
            if not 0 < weight < 1:
                raise LlmopsError("--canary-weight is the canary's share, between 0 and 1")
            other = stage_manifests(registry, pipeline, canary_stage)
            other_params = {
                **other["model"].get("parameters", {}),
                **other["prompt"].get("parameters", {}),
            }
            deployments = [
                *_litellm_router(name, manifests, params, 1 - weight)["model_list"],
                *_litellm_router(name, other, other_params, weight)["model_list"],
            ]
            config["model_list"] = deployments
        return yaml.safe_dump(config, sort_keys=False)
    raise LlmopsError(f"unknown format {fmt!r}; choose json, env or litellm")


def _run_manifests(project: Project, registry: Registry, run_id: str) -> dict[str, Any]:
    """Role -> manifest content of the run `run_id`, from its report and the registry."""
    matches = list(project.reports_dir.glob(f"*/{run_id}/report.json"))
    if not matches:
        raise LlmopsError(
            f"no report with run id {run_id!r} under {project.relative(project.reports_dir)}"
        )
    report = load_report(matches[0])
    commit = report.git.sha or "(unknown)"
    owner = f"run {run_id}; only promoted versions are kept, so check out commit {commit}"
    return _artifacts(registry, {"pipeline": report.pipeline, **report.manifests}, owner)


def reproduce(project: Project, target: str, out: Path) -> list[Path]:
    """Write the exact manifests of `PIPELINE@STAGE`, or of a run id, into `out`/manifests/."""
    if out.exists() and any(out.iterdir()):
        raise LlmopsError(f"{out} already exists and is not empty; choose a new folder")
    registry = Registry(project)
    pipeline, _, stage = target.rpartition("@")
    if pipeline and stage in registry.stages:
        manifests = stage_manifests(registry, pipeline, stage)
    else:
        manifests = _run_manifests(project, registry, target)
    folders = {
        "pipeline": "pipelines",
        "prompt": "prompts",
        "model": "models",
        "retrieval": "retrieval",
        "thresholds": "thresholds",
        "judge": "models",
    }
    written = []
    for role, data in manifests.items():
        path = out / "manifests" / folders[role] / f"{data['name']}-{data['version']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
        written.append(path)
    return written

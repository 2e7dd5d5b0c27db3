"""Export and reproduce: the manifests a stage (or a run) holds, read back from the registry
and written out as a serving config or as manifest files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from llmops_cli.contracts.report import load_report
from llmops_cli.errors import LlmopsError
from llmops_cli.fileio import PathArg
from llmops_cli.manifests.catalog import split_ref
from llmops_cli.manifests.model import ROLE_KINDS
from llmops_cli.project import Project, ProjectLike, as_project
from llmops_cli.registry.registry import Registry
from llmops_cli.registry.types import ExportedConfig, ExportFormat


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
    if stage not in registry.stages:  # a typo, not an empty stage
        raise LlmopsError(f"unknown stage {stage!r}; stages: {', '.join(registry.stages)}")
    tip = registry.store.head()  # the stage and its artifacts from one commit
    current = registry.current(split_ref(pipeline)[0], stage, tip)
    if current is None:
        raise LlmopsError(f"{pipeline} has nothing in stage {stage!r}")
    refs = {"pipeline": f"{split_ref(pipeline)[0]}@{current['version']}", **current["manifests"]}
    return _artifacts(registry, refs, f"{pipeline} in {stage}", tip)


def fingerprint_manifests(
    registry: Registry, pipeline: str, fingerprint: str
) -> tuple[str, dict[str, dict[str, Any]]]:
    """The stage and role -> manifest content of the version with `fingerprint` (or a prefix
    of 8+ characters of it) that a stage of `pipeline` holds, held, or a rollback left."""
    if len(fingerprint) < 8:
        raise LlmopsError(f"fingerprint {fingerprint!r}: give at least 8 of its characters")
    name = split_ref(pipeline)[0]
    tip = registry.store.head()
    stages = registry.state(tip).get("pipelines", {}).get(name, {})
    history = registry.history(name, registry.stages, tip) if tip else {}
    for stage in registry.stages:
        held = [stages.get(stage), *history[stage].earlier, *history[stage].rolled_back]
        for entry in (e for e in held if e and e["fingerprint"].startswith(fingerprint)):
            refs = {"pipeline": f"{name}@{entry['version']}", **entry["manifests"]}
            return stage, _artifacts(registry, refs, f"{name} {fingerprint[:12]}", tip)
    raise LlmopsError(
        f"no version of {name} with fingerprint {fingerprint[:12]}... was ever in a stage; "
        f"`llmops registry show {name}` lists them"
    )


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


def export(
    project: ProjectLike,
    pipeline: str,
    stage: str = "prod",
    *,
    fmt: ExportFormat = "json",
    canary: tuple[str, float] | None = None,
    fingerprint: str | None = None,
) -> ExportedConfig:
    """The resolved serving config of the version in `stage`: `fmt` json, env or litellm (a
    LiteLLM proxy/router config); `canary=(stage, weight)` adds that stage's version as a
    weighted second deployment (litellm only). `fingerprint` (8+ characters): instead the
    version with that fingerprint, wherever in the stages' history it is."""
    registry = Registry(as_project(project))
    if fingerprint is not None:
        stage, manifests = fingerprint_manifests(registry, pipeline, fingerprint)
    else:
        manifests = stage_manifests(registry, pipeline, stage)
    text = _config_text(registry, pipeline, stage, manifests, fmt, canary)
    name, version = manifests["pipeline"]["name"], manifests["pipeline"]["version"]
    return ExportedConfig(name, version, stage, fmt, text)


def _config_text(
    registry: Registry,
    pipeline: str,
    stage: str,
    manifests: dict[str, dict[str, Any]],
    fmt: str,
    canary: tuple[str, float] | None,
) -> str:
    if canary is not None and fmt != "litellm":
        raise LlmopsError("--canary-stage needs --format litellm (a weighted router config)")
    if fmt == "json":
        pipeline_ref = f"{manifests['pipeline']['name']}@{manifests['pipeline']['version']}"
        return json.dumps({"pipeline": pipeline_ref, "stage": stage, **manifests}, indent=2) + "\n"
    if fmt == "env":
        return _env_text(manifests)
    if fmt == "litellm":
        return _litellm_text(registry, pipeline, manifests, canary)
    raise LlmopsError(f"unknown format {fmt!r}; choose json, env or litellm")


def _params(manifests: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {**manifests["model"].get("parameters", {}), **manifests["prompt"].get("parameters", {})}


def _env_text(manifests: dict[str, dict[str, Any]]) -> str:
    model, prompt = manifests["model"], manifests["prompt"]
    lines = {
        "LLMOPS_PIPELINE": f"{manifests['pipeline']['name']}@{manifests['pipeline']['version']}",
        "LLMOPS_MODEL": f"{model['provider']}/{model['model']}",
        "LLMOPS_PROMPT": f"{prompt['name']}@{prompt['version']}",
        "LLMOPS_MODEL_PARAMETERS": json.dumps(_params(manifests), sort_keys=True),
    }
    if model.get("api_base"):
        lines["LLMOPS_API_BASE"] = model["api_base"]
    if "retrieval" in manifests:
        r = manifests["retrieval"]
        lines["LLMOPS_RETRIEVAL"] = f"{r['name']}@{r['version']}"
        lines["LLMOPS_TOP_K"] = str(r["top_k"])
    return "".join(f"{k}={json.dumps(v) if ' ' in v else v}\n" for k, v in lines.items())


def _litellm_text(
    registry: Registry,
    pipeline: str,
    manifests: dict[str, dict[str, Any]],
    canary: tuple[str, float] | None,
) -> str:
    name = manifests["pipeline"]["name"]
    config = _litellm_router(name, manifests, _params(manifests))
    if canary is not None:
        canary_stage, weight = canary
        if not 0 < weight < 1:
            raise LlmopsError("--canary-weight is the canary's share, between 0 and 1")
        other = stage_manifests(registry, pipeline, canary_stage)
        config["model_list"] = [
            *_litellm_router(name, manifests, _params(manifests), 1 - weight)["model_list"],
            *_litellm_router(name, other, _params(other), weight)["model_list"],
        ]
    return yaml.safe_dump(config, sort_keys=False)


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


def reproduce(project: ProjectLike, target: str, out: PathArg) -> list[Path]:
    """Write the exact manifests of `PIPELINE@STAGE`, or of a run id, into `out`/manifests/."""
    project, out = as_project(project), Path(out)
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

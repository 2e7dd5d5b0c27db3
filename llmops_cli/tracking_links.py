"""What happens to a run after the eval logged it: the gate's verdict and the registry's events
are tagged onto the MLflow run they judged (the gate also replaces the run's junit.xml and
report.html with the ones it rewrote, and adds gate.json), and (opt-in,
`tracking.mirror_registry: true`) a promotion or rollback is mirrored into MLflow's prompt
registry, the stage name as an alias moved to the prompt version now in that stage. The git
registry stays the source of truth.

Like the eval's logging this runs in a detached, low-priority process (`follow_up`), which
waits for the eval's own logger to name the MLflow run, all within a deadline; a failure is one
warning on a later command (its outcome file, `.llmops/runs/<run_id>.<what>.tracking.json`)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmops_cli.project import Project
from llmops_cli.tracking import (
    IMPORT_TIMEOUT_S,
    LOCAL_TIMEOUT_S,
    _failure,
    detach,
    logger_gone,
    read_outcome,
    tracking_enabled,
    tracking_timeout,
    tracking_uri,
    write_outcome,
)

if TYPE_CHECKING:
    from llmops_cli.registry.types import RegistryEvent

TAG_LIMIT = 5000  # MLflow keeps tag values up to 8000 characters; leave room


def mirror_enabled(project: Project) -> bool:
    return project.config.tracking.mirror_registry


def verdict_tags(verdict: Mapping[str, Any]) -> dict[str, str]:
    """The gate's verdict as run tags: pass/fail, the failed checks, every check's status."""
    checks = [
        {k: c[k] for k in ("name", "status", "observed", "expected")} for c in verdict["checks"]
    ]
    listed = json.dumps(checks, ensure_ascii=False)
    return {
        "llmops.gate.verdict": "pass" if verdict["passed"] else "fail",
        "llmops.gate.failed": ", ".join(c["name"] for c in checks if c["status"] == "fail"),
        "llmops.gate.warned": ", ".join(c["name"] for c in checks if c["status"] == "warn"),
        "llmops.gate.checks": listed if len(listed) <= TAG_LIMIT else listed[:TAG_LIMIT] + "…",
        "llmops.gate.baseline_run_id": str(verdict.get("baseline_run_id") or ""),
        "llmops.gate.flipped": str(len(verdict.get("flipped", ()))),
    }


def event_tags(event: Mapping[str, Any]) -> dict[str, str]:
    """A registry event as run tags: the last event, and the last one per stage."""
    line = f"{event['type']} {event['pipeline']}@{event['version']} to {event['stage']}"
    return {
        "llmops.registry.event": str(event["id"]),
        "llmops.registry.event.summary": line,
        f"llmops.registry.{event['stage']}.event": str(event["id"]),
    }


def prompt_mirror(
    event: Mapping[str, Any], prompt: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """What to mirror of an event into MLflow's prompt registry: the prompt manifest now in
    the event's stage (a chat template of its system and user messages), the stage's alias."""
    if prompt is None:
        return None
    template = prompt.get("template", {})
    messages = [
        {"role": role, "content": str(template[role])}
        for role in ("system", "user")
        if template.get(role)
    ]
    return {
        "name": str(prompt["name"]),
        "version": str(prompt["version"]),
        "template": messages,
        "alias": str(event["stage"]),
        "tags": {
            "llmops.version": str(prompt["version"]),
            "llmops.pipeline": f"{event['pipeline']}@{event['version']}",
            "llmops.event": str(event["id"]),
        },
    }


def follow_up(
    project: Project,
    run_id: str | None,
    what: str,
    tags: Mapping[str, str],
    mirror: Mapping[str, Any] | None = None,
    files: tuple[Path, ...] = (),
) -> Path | None:
    """Start the detached process that tags the MLflow run of eval run `run_id` and mirrors
    `mirror`; returns its outcome file (None when tracking is off or there is nothing to do)."""
    if not tracking_enabled(project) or (
        mirror is None and (run_id is None or read_outcome(project, run_id) is None)
    ):
        return None  # tracking off, or an untracked eval and nothing to mirror
    from llmops_cli.guardrails.scrub import scrub_secrets

    key = f"{run_id or 'registry'}.{what}"
    if mirror is not None:  # a key pasted into a prompt stays in git, not in MLflow too
        messages = [{**m, "content": scrub_secrets(m["content"])} for m in mirror["template"]]
        mirror = {**mirror, "template": messages}
    sent = {k: scrub_secrets(v) for k, v in tags.items()}
    job = {"run_id": run_id, "tags": sent, "mirror": mirror, "files": [str(f) for f in files]}
    path = write_outcome(project, key, {"state": "pending", "reported": False, "job": job})
    detach(project, "llmops_cli.tracking_links", str(project.root), key)
    return path


def registry_follow_up(project: Project, registered: RegistryEvent) -> str | None:
    """After a promote or rollback: tag the event onto the eval run whose evidence the stage
    now holds, and mirror the stage's prompt when `tracking.mirror_registry` is on. Returns a
    warning when even that could not start (the event stands)."""
    from llmops_cli.registry.export import stage_manifests
    from llmops_cli.registry.registry import Registry

    if not tracking_enabled(project):
        return None
    event = {
        "id": registered.id,
        "type": registered.type,
        "pipeline": registered.pipeline,
        "version": registered.version,
        "stage": registered.stage,
        "report_run_id": registered.data.get("report_run_id"),
    }
    pipeline, stage = registered.pipeline, registered.stage
    try:
        registry = Registry(project)
        report = registry.evidence_report(pipeline, stage)
        run_id = event.get("report_run_id") or (report.run_id if report else None)
        mirror = None
        if mirror_enabled(project):
            prompt = stage_manifests(registry, pipeline, stage).get("prompt")
            mirror = prompt_mirror(event, prompt)
        follow_up(project, run_id, f"event-{event['id']}", event_tags(event), mirror)
    except Exception as exc:  # the git registry is the truth; MLflow only mirrors it
        return _failure_line(project, f"{type(exc).__name__}: {exc}")
    return None


def _deadline(project: Project) -> float:
    """Room for the eval's logger to finish, MLflow's import, then tracking.timeout_s."""
    return IMPORT_TIMEOUT_S + max(tracking_timeout(project), LOCAL_TIMEOUT_S)


def _mlflow_run(project: Project, run_id: str | None, until: float) -> str | None:
    """The MLflow run id of eval run `run_id` once its logger is done (None: not logged)."""
    while run_id is not None:
        outcome = read_outcome(project, run_id)
        if outcome is None or outcome.get("state") == "failed" or logger_gone(outcome):
            return None  # never tracked, or the eval's own warning says why
        if outcome.get("state") == "logged":
            return str(outcome["mlflow_run_id"])
        if time.monotonic() > until:
            raise TimeoutError(f"the eval's run was not logged within {_deadline(project):g} s")
        time.sleep(0.2)
    return None


def _apply(project: Project, job: Mapping[str, Any], until: float) -> None:
    mlflow_run = _mlflow_run(project, job["run_id"], until)
    if mlflow_run is None and job["mirror"] is None:
        return
    from llmops_cli.tracking_rest import _put, _Rest, rest_server

    uri = tracking_uri(project)
    if mlflow_run is not None and rest_server(uri):  # a server: no MLflow import for tags
        rest = _Rest(uri, max(1.0, until - time.monotonic()))
        for key, value in job["tags"].items():
            body = {"run_id": mlflow_run, "key": key, "value": value}
            rest.call("POST", "/api/2.0/mlflow/runs/set-tag", body)
        if job.get("files"):
            run = rest.call("GET", f"/api/2.0/mlflow/runs/get?run_id={mlflow_run}")
            for name in job["files"]:
                path = Path(name)
                _put(rest, run["run"]["info"]["artifact_uri"], path.name, path.read_bytes())
        if job["mirror"] is None:
            return
    import logging

    import mlflow
    from mlflow.tracking import MlflowClient

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    # link_prompt_version_to_run looks the run up through the global URI: without this it
    # reads ./mlflow.db (MLflow's default) and finds no run there.
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    if mlflow_run is not None and not rest_server(uri):
        for key, value in job["tags"].items():
            client.set_tag(mlflow_run, key, value)
        for name in job.get("files", ()):
            client.log_artifact(mlflow_run, name)
    if job["mirror"] is not None:
        _mirror(client, job["mirror"], mlflow_run)


def _mirror(client: Any, mirror: Mapping[str, Any], mlflow_run: str | None) -> None:
    """Register the prompt version once (found again by its `llmops.version` tag), then move
    the stage's alias to it."""
    name, version = mirror["name"], mirror["version"]
    found = None
    if client.get_prompt(name) is not None:
        for candidate in client.search_prompt_versions(name):
            if candidate.tags.get("llmops.version") == version:
                found = candidate
    if found is None:
        found = client.register_prompt(
            name,
            mirror["template"],
            commit_message=f"llmops {name}@{version}",
            tags=mirror["tags"],
        )
    client.set_prompt_alias(name, mirror["alias"], int(found.version))
    if mlflow_run is not None:  # the run page's "Registered prompts"
        client.link_prompt_version_to_run(mlflow_run, found)
        client.set_tag(mlflow_run, f"llmops.prompt.{mirror['alias']}", f"{name}/{found.version}")


def _run(root: Path, key: str) -> None:
    """The detached process: do the job in `key`'s outcome file, then leave its outcome."""
    import signal

    with contextlib.suppress(OSError):
        os.nice(10)
    project = Project.load(root)
    job = (read_outcome(project, key) or {}).get("job")
    if not isinstance(job, dict):
        return
    write_outcome(project, key, {"state": "pending", "reported": False, "pid": os.getpid()})
    limit = _deadline(project)

    def late(*_: object) -> None:
        raise TimeoutError(f"no answer within {limit:g} s")

    signal.signal(signal.SIGALRM, late)
    signal.alarm(int(limit) + 1)  # a hard stop, whatever MLflow's client waits on
    try:
        _apply(project, job, time.monotonic() + limit)
        outcome: dict[str, Any] = {"state": "done", "reported": True}
    except BaseException as exc:
        what = f"{type(exc).__name__}: {exc}"
        outcome = {"state": "failed", "reported": False, "warning": _failure_line(project, what)}
    finally:
        signal.alarm(0)
    write_outcome(project, key, {**outcome, "pid": os.getpid()})


def _failure_line(project: Project, what: str) -> str:
    return _failure(tracking_uri(project), what).replace(
        "the report was written; rerun with --no-track to skip tracking",
        "the gate and the registry are not affected",
    )


if __name__ == "__main__":
    _run(Path(sys.argv[1]), sys.argv[2])

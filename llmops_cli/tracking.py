"""MLflow adapter: each eval run becomes an MLflow run (params: manifest versions, fingerprint,
git SHA; metrics: aggregates; artifacts: the report files).

By default a detached logger does it after the eval returns (`log_in_background`); with
`tracking.mode: sync` / `--wait-tracking` the eval waits. Either way a tracking server
(`http(s)://`) is spoken to over REST (`tracking_rest`, no MLflow import) and a local store through
MLflow in a helper process (`tracking_helper.Tracker`)."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from llmops_cli.contracts.report import EvalReport, load_report
from llmops_cli.errors import LlmopsError
from llmops_cli.guardrails.scrub import scrub_secrets
from llmops_cli.project import Project

DEFAULT_TIMEOUT_S = 15.0
LOCAL_TIMEOUT_S = 120.0  # a sqlite store: no network to wait on, but a lock must not hang
IMPORT_TIMEOUT_S = 120.0  # importing MLflow (~2.4 s; far more on a loaded CI runner)


def tracking_uri(project: Project) -> str:
    """MLFLOW_TRACKING_URI, else llmops.yaml `tracking.uri`, else sqlite in `.llmops/`."""
    configured = os.environ.get("MLFLOW_TRACKING_URI") or project.config.tracking.uri
    if configured:
        return str(configured)
    project.state_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{project.state_dir / 'mlflow.db'}"


def tracking_enabled(project: Project) -> bool:
    return project.config.tracking.enabled


def tracking_unavailable(project: Project) -> str | None:
    """Why this install cannot track the project's runs (one warning; the eval goes on
    untracked, as with an unreachable server), or None. A local store is written through
    MLflow (the `tracking` extra); a server is spoken to over REST and needs no extra."""
    from llmops_cli import extras
    from llmops_cli.tracking_rest import rest_server

    if extras.available("tracking") or rest_server(tracking_uri(project)):
        return None
    return f"{extras.MissingExtra('tracking')}; this run is not tracked (or pass --no-track)"


def tracking_timeout(project: Project) -> float:
    """llmops.yaml `tracking.timeout_s`: how long the eval waits for MLflow once the report
    is written."""
    timeout = project.config.tracking.timeout_s
    return DEFAULT_TIMEOUT_S if timeout is None else timeout


def tracking_mode(project: Project) -> str:
    """llmops.yaml `tracking.mode`: `background` (default: the eval returns once the report is
    written and a detached logger sends it to MLflow) or `sync` (the eval waits for the run
    id, e.g. in CI)."""
    return project.config.tracking.mode


def _helper_env(timeout_s: float) -> dict[str, str]:
    """MLflow's HTTP client retries 7 times with doubling backoff (~4 min on a dead server):
    one retry and requests bounded by the deadline, unless the user set them."""
    env = dict(os.environ)
    env.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    env.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")
    env.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", str(max(1, math.ceil(timeout_s))))
    return env


def _metric_key(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_\-. /]", "_", name)


def report_metrics(report: EvalReport) -> dict[str, float]:
    s = report.summary
    metrics: dict[str, float | None] = {
        "pass_rate": s.pass_rate.mean,
        "error_rate": s.error_rate,
        "latency_p50_ms": s.latency_ms.p50,
        "latency_p95_ms": s.latency_ms.p95,
        "latency_p99_ms": s.latency_ms.p99,
        "tokens_total": s.tokens.total,
        "cost_per_1k_requests_usd": s.cost_usd.per_1k_requests,
        "cache_hits": report.cache.hits,
    }
    for name, m in s.metrics.items():
        metrics[f"{name}_mean"] = m.mean
        if m.pass_rate:
            metrics[f"{name}_pass_rate"] = m.pass_rate.mean
    return {_metric_key(k): float(v) for k, v in metrics.items() if v is not None}


def _experiment_name(project: Project) -> str:
    return project.config.tracking.experiment or project.config.name


def log_run(
    project: Project,
    report: EvalReport,
    folder: Path,
    experiment_id: str,
    source: str | None = None,
) -> str:
    """Log one report into the experiment `_open` returned; returns the MLflow run id.

    The run is made with the client, not `mlflow.start_run`: MLflow's context would name the
    llmops install as the source (its git commit, this file) and time the logging. Here the
    source is the project (its HEAD, the pipeline manifest) and the times are the eval's."""
    uri = tracking_uri(project)
    try:
        from mlflow.entities import Metric, Param
        from mlflow.tracking import MlflowClient

        client = MlflowClient(uri)
        start, end = _millis(report.started_at), _millis(report.finished_at)
        run = client.create_run(
            experiment_id,
            start_time=start,
            tags=run_tags(report, source),
            run_name=report.run_id,
        )
        run_id = str(run.info.run_id)
        try:
            client.log_batch(
                run_id,
                metrics=[Metric(k, v, end, 0) for k, v in report_metrics(report).items()],
                params=[Param(k, str(v)) for k, v in run_params(report).items()],
            )
            client.log_artifacts(run_id, str(folder))
            _log_views(client, run_id, report)
        except BaseException:
            with contextlib.suppress(Exception):  # keep the first error, not this one's
                client.set_terminated(run_id, "FAILED")
            raise
        client.set_terminated(run_id, "FINISHED", end_time=end)
        return run_id
    except LlmopsError:
        raise
    except Exception as exc:
        raise LlmopsError(_failure(uri, f"{type(exc).__name__}: {exc}")) from exc


def _log_views(client: Any, run_id: str, report: EvalReport) -> None:
    """The golden set as the run's dataset input and the per-case results table."""
    from mlflow.entities import Dataset, DatasetInput, InputTag

    from llmops_cli.tracking_views import (
        DATASET_CONTEXT,
        RESULTS_TABLE,
        golden_dataset,
        results_table,
    )

    context = [InputTag("mlflow.data.context", DATASET_CONTEXT)]
    client.log_inputs(run_id, datasets=[DatasetInput(Dataset(**golden_dataset(report)), context)])
    client.log_text(run_id, json.dumps(results_table(report), ensure_ascii=False), RESULTS_TABLE)


def run_params(report: EvalReport) -> dict[str, object]:
    return {
        "pipeline": report.pipeline,
        "fingerprint": report.fingerprint,
        "git_sha": report.git.sha or "none",
        "model": report.target.model,
        "baseline": str(report.target.baseline).lower(),
        "golden_set_sha256": report.golden_set.sha256,
        "cases": report.summary.cases,
        "repeat": report.options.repeat,
        **{f"manifest.{role}": ref for role, ref in report.manifests.items()},
    }


def run_tags(report: EvalReport, source: str | None) -> dict[str, str]:
    """MLflow's source tags, naming the user's project: `mlflow.source.name` is the pipeline
    manifest (`llmops eval NAME` when unknown), `mlflow.source.git.commit` the project's HEAD
    (left out outside git)."""
    import getpass

    from llmops_cli.tracking_views import LOGGED_ARTIFACTS

    tags = {
        "mlflow.loggedArtifacts": LOGGED_ARTIFACTS,  # the results table, for MLflow's views
        "llmops.run_id": report.run_id,
        "llmops.kind": "eval",
        "mlflow.source.type": "LOCAL",
        "mlflow.source.name": source or f"llmops eval {report.pipeline_name}",
    }
    git = report.git
    if git.sha:
        tags["mlflow.source.git.commit"] = git.sha
        tags["llmops.git.dirty"] = str(bool(git.dirty)).lower()
    with contextlib.suppress(OSError, KeyError):  # no login name (a container's bare uid)
        tags["mlflow.user"] = getpass.getuser()
    return tags


def _millis(stamp: str) -> int:
    """A report time (ISO 8601, UTC) as MLflow's epoch milliseconds."""
    return int(datetime.fromisoformat(stamp).timestamp() * 1000)


def _failure(uri: str, what: str) -> str:
    """One line (MLflow's errors span several), without credentials in the uri or error."""
    what = " ".join(what.split())
    if len(what) > 300:
        what = what[:300] + "…"
    return scrub_secrets(
        f"MLflow tracking at {uri} failed: {what}; "
        "the report was written; rerun with --no-track to skip tracking"
    )


# --- the background logger -------------------------------------------------------------
# MLflow costs ~4 s of CPU (import, the sqlite store's schema check); on a 2-core machine a
# helper running beside the eval still slows it. So by default nothing of MLflow runs while
# the user waits: once the report is written, a detached, low-priority logger (its own
# session, so it outlives the command and a Ctrl-C of the terminal) logs it and writes the
# outcome, the MLflow run id or the one-line warning, to `.llmops/runs/<run_id>.tracking.json`.
# The next `llmops eval` or `llmops gate` reports it.


def outcome_path(project: Project, run_id: str) -> Path:
    return project.state_dir / "runs" / f"{run_id}.tracking.json"


def read_outcome(project: Project, run_id: str) -> dict[str, Any] | None:
    """The tracking outcome of an eval run: `state` pending|logged|failed, `mlflow_run_id`
    or `warning`, `reported` (whether a command has shown it); None when never tracked."""
    try:
        found = json.loads(outcome_path(project, run_id).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def write_outcome(project: Project, run_id: str, outcome: dict[str, Any]) -> Path:
    """Atomically: a reader sees the old outcome or the new one, never half of one."""
    path = outcome_path(project, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps({"run_id": run_id, **outcome}), "utf-8")
    os.replace(partial, path)
    return path


def log_in_background(project: Project, folder: Path, source: str | None) -> Path:
    """Start the detached logger for the report in `folder`; returns its outcome file."""
    run_id = folder.name
    path = write_outcome(project, run_id, {"state": "pending", "reported": False})
    detach(
        project, "llmops_cli.tracking", "--detached", str(project.root), str(folder), source or ""
    )
    return path


def detach(project: Project, module: str, *args: str) -> None:
    """Run `python -m module args` in its own session (it outlives this command and a Ctrl-C
    of the terminal), silent, with MLflow's HTTP client bounded by tracking.timeout_s."""
    import subprocess

    subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=_helper_env(tracking_timeout(project)),
    )


def _log_detached(root: Path, folder: Path, source: str | None) -> None:
    """The detached logger: the usual helper and deadline, at low priority; always leaves an
    outcome, so a failure is one warning on the next command instead of none."""
    with contextlib.suppress(OSError):
        os.nice(10)
    project = Project.load(root)
    pending = {"state": "pending", "reported": False, "pid": os.getpid()}
    write_outcome(project, folder.name, pending)  # so a test can wait for this process
    outcome: dict[str, Any]
    try:
        from llmops_cli.tracking_helper import Tracker
        from llmops_cli.tracking_rest import log_rest, rest_server

        if rest_server(tracking_uri(project)):
            mlflow_run = log_rest(project, load_report(folder / "report.json"), folder, source)
        else:
            mlflow_run = Tracker(project).log(folder, source)
        outcome = {"state": "logged", "mlflow_run_id": mlflow_run}
    except LlmopsError as exc:
        outcome = {"state": "failed", "warning": str(exc)}
    except Exception as exc:
        outcome = {"state": "failed", "warning": _failure(tracking_uri(project), repr(exc))}
    write_outcome(project, folder.name, {**outcome, "reported": False, "pid": os.getpid()})


def logger_gone(outcome: dict[str, Any]) -> bool:
    """A pending outcome whose logger no longer runs (killed, a reboot): it never finishes."""
    pid = outcome.get("pid")
    if outcome.get("state") != "pending" or not isinstance(pid, int):
        return False  # not started yet, or done
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a live process of another user (the pid was reused)
    return False


def finished_outcomes(project: Project) -> list[dict[str, Any]]:
    """Outcomes of background logging that no command has shown yet, oldest first; each is
    marked shown, so a failure is one warning once."""
    runs = project.state_dir / "runs"
    if not runs.is_dir():
        return []
    shown = []
    for path in sorted(runs.glob("*.tracking.json"), key=lambda p: p.stat().st_mtime):
        outcome = read_outcome(project, path.name.removesuffix(".tracking.json"))
        if outcome is None or outcome.get("reported") or outcome.get("state") == "pending":
            continue
        write_outcome(project, str(outcome["run_id"]), {**outcome, "reported": True})
        shown.append(outcome)
    return shown


if __name__ == "__main__":
    _log_detached(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] or None)

"""MLflow adapter: each eval run becomes an MLflow run (params: manifest versions, fingerprint,
git SHA; metrics: aggregates; artifacts: the report files)."""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from llmops_cli.errors import LlmopsError
from llmops_cli.project import Project


def tracking_uri(project: Project) -> str:
    """MLFLOW_TRACKING_URI, else llmops.yaml `tracking.uri`, else sqlite in `.llmops/`."""
    configured = os.environ.get("MLFLOW_TRACKING_URI") or project.config.get("tracking", {}).get(
        "uri"
    )
    if configured:
        return str(configured)
    project.state_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{project.state_dir / 'mlflow.db'}"


def tracking_enabled(project: Project) -> bool:
    return bool(project.config.get("tracking", {}).get("enabled", True))


def _metric_key(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_\-. /]", "_", name)


def report_metrics(report: dict[str, Any]) -> dict[str, float]:
    s = report["summary"]
    metrics: dict[str, float | None] = {
        "pass_rate": s["pass_rate"]["mean"],
        "error_rate": s["error_rate"],
        "latency_p50_ms": s["latency_ms"]["p50"],
        "latency_p95_ms": s["latency_ms"]["p95"],
        "latency_p99_ms": s["latency_ms"]["p99"],
        "tokens_total": s["tokens"]["total"],
        "cost_per_1k_requests_usd": s["cost_usd"]["per_1k_requests"],
        "cache_hits": report["cache"]["hits"],
    }
    for name, m in s["metrics"].items():
        metrics[f"{name}_mean"] = m["mean"]
        if m["pass_rate"]:
            metrics[f"{name}_pass_rate"] = m["pass_rate"]["mean"]
    return {_metric_key(k): float(v) for k, v in metrics.items() if v is not None}


def prepare(project: Project) -> Future[str]:
    """Start MLflow's import and store set-up (~4 s: import ~2.4 s, the sqlite store's schema
    check ~1.7 s) in a background thread, so they overlap eval's model calls instead of
    following them. A daemon thread: an eval that fails never waits for it."""
    future: Future[str] = Future()

    def work() -> None:
        try:
            future.set_result(_open(project))
        except BaseException as exc:  # handed to log_run, which reports it
            future.set_exception(exc)

    threading.Thread(target=work, name="mlflow-prepare", daemon=True).start()
    return future


def _open(project: Project) -> str:
    """Point MLflow at the project's store; the id of its experiment (created when missing)."""
    import logging

    import mlflow
    from mlflow.tracking import MlflowClient

    # mlflow sets its logger to INFO on import; schema-migration chatter is noise here
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    uri = tracking_uri(project)
    experiment = str(
        project.config.get("tracking", {}).get("experiment") or project.config.get("name", "llmops")
    )
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    found = client.get_experiment_by_name(experiment)
    if found is not None:
        return str(found.experiment_id)
    location = None
    if uri.startswith("sqlite:"):  # keep artifacts beside the db, not in the cwd
        location = (project.state_dir / "mlartifacts").resolve().as_uri()
    return str(client.create_experiment(experiment, artifact_location=location))


def log_run(
    project: Project,
    report: dict[str, Any],
    folder: Path,
    prepared: Future[str] | None = None,
) -> str:
    """Log one report (through `prepare`'s client when given); returns the MLflow run id."""
    uri = tracking_uri(project)
    try:
        experiment_id = prepared.result() if prepared is not None else _open(project)
        import mlflow

        params = {
            "pipeline": report["pipeline"],
            "fingerprint": report["fingerprint"],
            "git_sha": report["git"]["sha"] or "none",
            "model": report["target"]["model"],
            "baseline": str(report["target"]["baseline"]).lower(),
            "golden_set_sha256": report["golden_set"]["sha256"],
            "cases": report["summary"]["cases"],
            "repeat": report["options"]["repeat"],
            **{f"manifest.{role}": ref for role, ref in report["manifests"].items()},
        }
        with mlflow.start_run(experiment_id=experiment_id, run_name=report["run_id"]) as run:
            mlflow.log_params(params)
            mlflow.log_metrics(report_metrics(report))
            mlflow.set_tags({"llmops.run_id": report["run_id"], "llmops.kind": "eval"})
            mlflow.log_artifacts(str(folder))
            return str(run.info.run_id)
    except LlmopsError:
        raise
    except Exception as exc:
        raise LlmopsError(
            f"MLflow tracking at {uri} failed: {type(exc).__name__}: {exc}; "
            "the report was written; rerun with --no-track to skip tracking"
        ) from exc

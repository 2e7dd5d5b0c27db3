"""MLflow adapter: each eval run becomes an MLflow run (params: manifest versions, fingerprint,
git SHA; metrics: aggregates; artifacts: the report files)."""

from __future__ import annotations

import json
import os
import re
import sys
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


class Tracker:
    """Logs an eval run from a helper process started when the eval starts: MLflow's import
    and store set-up (~4 s: import ~2.4 s, the sqlite store's schema check ~1.7 s) then run on
    another core while the model calls run here, instead of after them. The helper waits for
    one request on stdin — the report folder — logs it and answers with the run id."""

    def __init__(self, project: Project) -> None:
        import subprocess

        self.uri = tracking_uri(project)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "llmops_cli.tracking", str(project.root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def log(self, folder: Path) -> str:
        """The MLflow run id of the report in `folder`; LlmopsError when logging failed."""
        out, err = self.proc.communicate(json.dumps({"folder": str(folder)}) + "\n")
        try:
            answer = json.loads(out.strip().splitlines()[-1])  # mlflow may print before it
        except (ValueError, IndexError):
            tail = err.strip().splitlines()[-1:] or [f"exit code {self.proc.returncode}"]
            answer = {"error": _failure(self.uri, f"the tracking process failed: {tail[0]}")}
        if "run_id" not in answer:
            raise LlmopsError(str(answer.get("error")))
        return str(answer["run_id"])

    def cancel(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _serve(root: Path) -> None:
    """The helper process of Tracker: open the store, then log the one report asked for."""
    project = Project.load(root)
    try:
        experiment_id: str | None = _open(project)
        failure = None
    except Exception as exc:
        experiment_id = None
        failure = _failure(tracking_uri(project), f"{type(exc).__name__}: {exc}")
    line = sys.stdin.readline()
    if not line:
        return  # the eval failed or was interrupted: nothing to log
    if experiment_id is None:
        answer = {"error": failure}
    else:
        folder = Path(json.loads(line)["folder"])
        report = json.loads((folder / "report.json").read_text("utf-8"))
        try:
            answer = {"run_id": log_run(project, report, folder, experiment_id)}
        except LlmopsError as exc:
            answer = {"error": str(exc)}
    print(json.dumps(answer), flush=True)


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


def log_run(project: Project, report: dict[str, Any], folder: Path, experiment_id: str) -> str:
    """Log one report into the experiment `_open` returned; returns the MLflow run id."""
    uri = tracking_uri(project)
    try:
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
        raise LlmopsError(_failure(uri, f"{type(exc).__name__}: {exc}")) from exc


def _failure(uri: str, what: str) -> str:
    return (
        f"MLflow tracking at {uri} failed: {what}; "
        "the report was written; rerun with --no-track to skip tracking"
    )


if __name__ == "__main__":
    _serve(Path(sys.argv[1]))

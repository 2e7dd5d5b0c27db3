"""MLflow's REST API spoken directly, for a tracking server (`http(s)://`): no `import mlflow`
(~2.4 s), each request bounded by what is left of `tracking.timeout_s`."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

from llmops_cli.contracts.report import EvalReport
from llmops_cli.errors import LlmopsError
from llmops_cli.project import Project
from llmops_cli.tracking import (
    _experiment_name,
    _failure,
    _millis,
    report_metrics,
    run_params,
    run_tags,
    tracking_timeout,
    tracking_uri,
)
from llmops_cli.tracking_views import (
    DATASET_CONTEXT,
    RESULTS_TABLE,
    golden_dataset,
    results_table,
)


class _Rest:
    """MLflow's REST API spoken directly (a tracking server: no `import mlflow`, ~2.4 s of
    CPU saved), every request within what is left of the deadline."""

    def __init__(self, uri: str, timeout_s: float) -> None:
        import base64
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(uri)  # credentials go in a header, not the url
        self.base = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        self.base = self.base.rstrip("/")
        self.headers = {"Content-Type": "application/json"}
        user = parts.username or os.environ.get("MLFLOW_TRACKING_USERNAME")
        password = parts.password or os.environ.get("MLFLOW_TRACKING_PASSWORD", "")
        token = os.environ.get("MLFLOW_TRACKING_TOKEN")
        if user:
            pair = base64.b64encode(f"{user}:{password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {pair}"
        elif token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.timeout_s = timeout_s
        self.deadline = time.monotonic() + timeout_s

    def call(self, method: str, path: str, body: object = None, data: bytes | None = None) -> Any:
        import urllib.error
        import urllib.request

        late = TimeoutError(f"no answer within {self.timeout_s:g} s (tracking.timeout_s)")
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise late
        payload = data if data is not None else None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=payload, method=method, headers=self.headers
        )
        try:
            with urllib.request.urlopen(request, timeout=left) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200]
            if exc.code == 404 and "RESOURCE_DOES_NOT_EXIST" in detail:
                return None
            raise RuntimeError(f"{method} {path}: HTTP {exc.code} {detail}") from None
        except (TimeoutError, urllib.error.URLError) as exc:
            if isinstance(exc, TimeoutError) or isinstance(exc.reason, TimeoutError):
                raise late from None
            raise
        return json.loads(text) if text.strip() else {}


def rest_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://"))


def log_rest(project: Project, report: EvalReport, folder: Path, source: str | None) -> str:
    """Log one report to a tracking server over REST; returns the MLflow run id. LlmopsError
    (one line) on any failure, within `tracking.timeout_s`."""
    from urllib.parse import quote

    uri = tracking_uri(project)
    api = "/api/2.0/mlflow"
    try:
        rest = _Rest(uri, tracking_timeout(project))
        name = _experiment_name(project)
        found = rest.call("GET", f"{api}/experiments/get-by-name?experiment_name={quote(name)}")
        if found is None:
            experiment_id = rest.call("POST", f"{api}/experiments/create", {"name": name})
            experiment_id = experiment_id["experiment_id"]
        else:
            experiment_id = found["experiment"]["experiment_id"]
        start, end = _millis(report.started_at), _millis(report.finished_at)
        tags = [{"key": k, "value": v} for k, v in run_tags(report, source).items()]
        created = {"experiment_id": experiment_id, "start_time": start, "tags": tags}
        run = rest.call("POST", f"{api}/runs/create", {**created, "run_name": report.run_id})
        run_id = str(run["run"]["info"]["run_id"])
        try:
            _fill_run(rest, run_id, report, str(run["run"]["info"]["artifact_uri"]), folder)
        except BaseException:
            with contextlib.suppress(Exception):  # keep the first error, not this one's
                rest.call("POST", f"{api}/runs/update", {"run_id": run_id, "status": "FAILED"})
            raise
        finished = {"run_id": run_id, "status": "FINISHED", "end_time": end}
        rest.call("POST", f"{api}/runs/update", finished)
        return run_id
    except Exception as exc:
        raise LlmopsError(_failure(uri, f"{type(exc).__name__}: {exc}")) from exc


def _fill_run(
    rest: _Rest, run_id: str, report: EvalReport, artifact_uri: str, folder: Path
) -> None:
    end = _millis(report.finished_at)
    metrics = [
        {"key": k, "value": v, "timestamp": end, "step": 0}
        for k, v in report_metrics(report).items()
    ]
    params = [{"key": k, "value": str(v)} for k, v in run_params(report).items()]
    batch = {"run_id": run_id, "metrics": metrics, "params": params}
    rest.call("POST", "/api/2.0/mlflow/runs/log-batch", batch)
    context = [{"key": "mlflow.data.context", "value": DATASET_CONTEXT}]
    dataset = {"dataset": golden_dataset(report), "tags": context}
    rest.call("POST", "/api/2.0/mlflow/runs/log-inputs", {"run_id": run_id, "datasets": [dataset]})
    _upload(rest, artifact_uri, folder)
    table = json.dumps(results_table(report), ensure_ascii=False).encode()
    _put(rest, artifact_uri, RESULTS_TABLE, table)


def _upload(rest: _Rest, artifact_uri: str, folder: Path) -> None:
    """The report files through the server's artifact proxy (`mlflow-artifacts:`)."""
    if not artifact_uri.startswith("mlflow-artifacts:"):
        raise RuntimeError(
            f"artifact store {artifact_uri} is not the server's mlflow-artifacts proxy "
            "(start `mlflow server` without --no-serve-artifacts)"
        )
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        _put(rest, artifact_uri, path.relative_to(folder).as_posix(), path.read_bytes())


def _put(rest: _Rest, artifact_uri: str, rel: str, data: bytes) -> None:
    """One artifact through the server's artifact proxy."""
    from urllib.parse import quote, urlsplit

    root = urlsplit(artifact_uri).path.strip("/")
    rest.call("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{quote(f'{root}/{rel}')}", data=data)

"""MLflow adapter: each eval run becomes an MLflow run (params: manifest versions, fingerprint,
git SHA; metrics: aggregates; artifacts: the report files).

By default a detached logger does it after the eval returns (`log_in_background`); with
`tracking.mode: sync` / `--wait-tracking` the eval waits. Either way a tracking server
(`http(s)://`) is spoken to over REST (`tracking_rest`, no MLflow import) and a local store through
MLflow in a helper process (`Tracker`)."""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import re
import sys
import time
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


class Tracker:
    """Logs an eval run from a helper process started when the eval starts: MLflow's import
    and store set-up (~4 s: import ~2.4 s, the sqlite store's schema check ~1.7 s) then run on
    another core while the model calls run here, instead of after them. The helper waits for
    one request on stdin — the report folder — logs it and answers with the run id.

    Nothing waits unbounded: once the request is sent, the store has `tracking.timeout_s` to
    answer (counted from when the helper has imported MLflow, which is this machine's work,
    not the server's; a local sqlite or file store, which a busy disk or a lock can slow but
    no network can hang, gets at least LOCAL_TIMEOUT_S). Then the helper is killed."""

    def __init__(self, project: Project) -> None:
        import subprocess
        import tempfile
        import threading

        self.uri = tracking_uri(project)
        self.timeout_s = tracking_timeout(project)
        # a file, not a pipe: nobody reads the helper's chatter until it has failed
        self.stderr = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in log/cancel
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "llmops_cli.tracking", str(project.root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env=_helper_env(self.timeout_s),
        )
        self.lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line))
        self.lines.put((time.monotonic(), None))

    def log(self, folder: Path, source: str | None = None) -> str:
        """The MLflow run id of the report in `folder` (`source`: the pipeline manifest's
        path, for `mlflow.source.name`); LlmopsError when logging failed or timed out."""
        try:
            answer = self._ask({"folder": str(folder), "source": source})
        except BaseException:
            self.cancel()
            raise
        finally:
            self.stderr.close()
        if "run_id" not in answer:
            raise LlmopsError(str(answer.get("error")))
        return str(answer["run_id"])

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):  # a helper that already died answers below
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.close()
        limit = max(self.timeout_s, LOCAL_TIMEOUT_S) if _local(self.uri) else self.timeout_s
        asked = time.monotonic()
        deadline = asked + IMPORT_TIMEOUT_S  # until the helper reaches the store
        while True:
            try:
                seen, line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise LlmopsError(
                    _failure(self.uri, f"no answer within {limit:g} s (tracking.timeout_s)")
                ) from None
            if line is None:
                self._reap()
                return {"error": _failure(self.uri, f"the tracking process failed: {self._tail()}")}
            try:
                message = json.loads(line)
            except ValueError:
                continue  # mlflow may print before the answer
            if not isinstance(message, dict):
                continue
            if message.get("phase") == "store":
                deadline = max(asked, seen) + limit
                continue
            self._reap()
            return message

    def _reap(self) -> None:
        """The helper exits once it has answered; one stuck in MLflow's exit hooks is killed."""
        import subprocess

        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _tail(self) -> str:
        self.stderr.seek(0)
        tail = self.stderr.read().strip().splitlines()[-1:]
        return tail[0] if tail else f"exit code {self.proc.returncode}"

    def cancel(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.stderr.close()


def _local(uri: str) -> bool:
    """A store on this machine's disk (sqlite, a file store or a bare path)."""
    return uri.startswith(("sqlite:", "file:")) or "://" not in uri


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
        request = json.loads(line)
        folder = Path(request["folder"])
        report = load_report(folder / "report.json")
        try:
            answer = {
                "run_id": log_run(project, report, folder, experiment_id, request.get("source"))
            }
        except LlmopsError as exc:
            answer = {"error": str(exc)}
    print(json.dumps(answer), flush=True)


def _open(project: Project) -> str:
    """Point MLflow at the project's store; the id of its experiment (created when missing)."""
    import logging

    from llmops_cli.extras import needed

    with needed("tracking"):
        import mlflow
        from mlflow.tracking import MlflowClient

    print(json.dumps({"phase": "store"}), flush=True)  # imported; the store's wait starts

    # mlflow sets its logger to INFO on import; schema-migration chatter is noise here
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    uri = tracking_uri(project)
    experiment = _experiment_name(project)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    found = client.get_experiment_by_name(experiment)
    if found is not None:
        return str(found.experiment_id)
    location = None
    if uri.startswith("sqlite:"):  # keep artifacts beside the db, not in the cwd
        location = (project.state_dir / "mlartifacts").resolve().as_uri()
    return str(client.create_experiment(experiment, artifact_location=location))


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

    tags = {
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
    import subprocess

    run_id = folder.name
    path = write_outcome(project, run_id, {"state": "pending", "reported": False})
    logger = ["-m", "llmops_cli.tracking", "--detached", str(project.root), str(folder)]
    subprocess.Popen(
        [sys.executable, *logger, source or ""],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=_helper_env(tracking_timeout(project)),
    )
    return path


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
    if sys.argv[1] == "--detached":
        _log_detached(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] or None)
    else:
        _serve(Path(sys.argv[1]))

"""The helper process that logs an eval run to a local MLflow store (sqlite or a file store)
through MLflow itself, started beside the eval so MLflow's import overlaps the model calls."""

from __future__ import annotations

import contextlib
import json
import queue
import sys
import time
from pathlib import Path
from typing import Any

from llmops_cli.contracts.report import load_report
from llmops_cli.errors import LlmopsError
from llmops_cli.project import Project
from llmops_cli.tracking import (
    IMPORT_TIMEOUT_S,
    LOCAL_TIMEOUT_S,
    _experiment_name,
    _failure,
    _helper_env,
    log_run,
    tracking_timeout,
    tracking_uri,
)


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
            [sys.executable, "-m", "llmops_cli.tracking_helper", str(project.root)],
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


if __name__ == "__main__":
    _serve(Path(sys.argv[1]))

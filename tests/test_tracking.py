"""MLflow tracking: a dead or silent tracking server costs one warning within
`tracking.timeout_s`, never a hang; the run's source tags and times are the project's and the
eval's, read back from a real sqlite store."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from helpers import Cli, latest, make_report, wait_tracking

from llmops_cli.project import Project
from llmops_cli.tracking import DEFAULT_TIMEOUT_S, run_tags, tracking_timeout


def set_tracking(project: Path, key: str, value: object) -> None:
    config = project / "llmops.yaml"
    text = config.read_text()
    config.write_text(
        text.replace(
            "experiment: quillnote-support",
            f"experiment: quillnote-support\n  {key}: {value}",
        )
    )


def set_timeout(project: Path, seconds: float) -> None:
    set_tracking(project, "timeout_s", seconds)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections (the kernel's backlog does) and never answers a byte."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


def refused_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://bob:pa55w0rd@127.0.0.1:{port}"  # closed again: nothing listens there


@pytest.mark.parametrize("server", ["refused", "silent"])
def test_a_dead_tracking_server_costs_one_warning_and_keeps_the_report(
    project: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    server: str,
) -> None:
    url = refused_port() if server == "refused" else request.getfixturevalue("silent_server")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
    set_timeout(project, 2)
    started = time.monotonic()
    result = cli("eval", "support-bot", "--limit", "2", "--wait-tracking", cwd=project)
    print(f"{server} tracking server: eval took {time.monotonic() - started:.1f} s")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    shown = url.replace("bob:pa55w0rd", "<SECRET>")  # credentials never reach the terminal
    assert warnings[0].startswith(f"warning: MLflow tracking at {shown} failed:")
    assert "pa55w0rd" not in result.stderr
    assert "rerun with --no-track" in warnings[0] and "mlflow run:" not in result.stdout
    assert latest(project)["summary"]["cases"] == 2


def test_the_eval_returns_before_mlflow_answers_and_the_next_command_warns_once(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, silent_server: str
) -> None:
    """Background tracking: the eval is done while the logger still waits on a silent
    server (it cannot give up before its 3 s deadline); its one warning, without the URI's
    credentials, comes from the next command."""
    url = silent_server.replace("http://", "http://bob:pa55w0rd@")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
    set_timeout(project, 3)
    result = cli("eval", "support-bot", "--limit", "2", cwd=project)
    assert result.exit_code == 0 and "warning:" not in result.stderr, result.output
    report = latest(project)
    pending = cli("gate", "support-bot", cwd=project)
    assert "mlflow run: still logging in the background" in pending.stdout
    outcome = wait_tracking(project)
    assert outcome["state"] == "failed" and "no answer within 3 s" in outcome["warning"]
    gate = cli("gate", "support-bot", cwd=project)
    warnings = [line for line in gate.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, gate.stderr
    assert warnings[0].startswith(
        f"warning: MLflow tracking at {url.replace('bob:pa55w0rd', '<SECRET>')} failed:"
    )
    assert "pa55w0rd" not in gate.stderr and report["run_id"] in gate.stdout
    assert "warning:" not in cli("gate", "support-bot", cwd=project).stderr


def test_a_killed_background_logger_is_reported_as_stopped(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, silent_server: str
) -> None:
    """Not "still logging" forever: the gate sees the logger's process is gone."""
    import os
    import signal

    from llmops_cli.tracking import read_outcome

    monkeypatch.setenv("MLFLOW_TRACKING_URI", silent_server)
    set_timeout(project, 60)
    assert cli("eval", "support-bot", "--limit", "1", cwd=project).exit_code == 0
    run_id = latest(project)["run_id"]
    deadline = time.monotonic() + 60
    while not (pid := (read_outcome(Project.load(project), run_id) or {}).get("pid")):
        assert time.monotonic() < deadline, "the logger never started"
        time.sleep(0.05)
    assert "still logging" in cli("gate", "support-bot", cwd=project).stdout
    os.killpg(pid, signal.SIGKILL)  # its own session: the logger and its MLflow helper
    os.waitpid(pid, 0)
    gate = cli("gate", "support-bot", cwd=project)
    assert "mlflow run: none (the background logger stopped" in gate.stdout, gate.output


def test_tracking_mode_sync_waits_for_the_run_id(project: Path, cli: Cli) -> None:
    """`tracking.mode: sync` (for CI): the eval itself prints the MLflow run id."""
    from mlflow.tracking import MlflowClient

    set_tracking(project, "mode", "sync")
    result = cli("eval", "support-bot", "--limit", "2", cwd=project)
    assert result.exit_code == 0, result.output
    [shown] = [x for x in result.stdout.splitlines() if x.startswith("mlflow run: ")]
    run = MlflowClient(f"sqlite:///{project / '.llmops/mlflow.db'}").get_run(shown[12:])
    assert run.data.tags["llmops.run_id"] == latest(project)["run_id"]
    assert f"mlflow run: {run.info.run_id}" in cli("gate", "support-bot", cwd=project).stdout


def test_the_tracking_deadline_defaults_to_15_seconds(project: Path) -> None:
    assert tracking_timeout(Project.load(project)) == DEFAULT_TIMEOUT_S == 15
    set_timeout(project, 2.5)
    assert tracking_timeout(Project.load(project)) == 2.5


def test_a_bad_tracking_timeout_is_a_validation_error(project: Path, cli: Cli) -> None:
    set_timeout(project, 0)
    result = cli("eval", "support-bot", "--no-track", cwd=project)
    assert result.exit_code == 1
    assert "llmops.yaml" in result.stderr and "tracking.timeout_s" in result.stderr


def git(root: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def millis(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp).timestamp() * 1000)


def test_the_mlflow_run_names_the_project_and_the_evals_times(project: Path, cli: Cli) -> None:
    """Not the llmops install's commit and file, not the time spent logging."""
    from mlflow.tracking import MlflowClient

    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "sample")
    git(project, "check-ignore", "-q", ".llmops/cache.sqlite")  # raw answers stay out of git
    result = cli("eval", "support-bot", "--limit", "3", cwd=project)
    assert result.exit_code == 0, result.output
    assert wait_tracking(project)["state"] == "logged"
    report = latest(project)
    client = MlflowClient(f"sqlite:///{project / '.llmops/mlflow.db'}")
    experiment = client.get_experiment_by_name("quillnote-support")
    assert experiment is not None
    [run] = client.search_runs([experiment.experiment_id])
    tags = run.data.tags
    assert tags["mlflow.source.git.commit"] == git(project, "rev-parse", "HEAD")
    assert tags["mlflow.source.name"] == "manifests/pipelines/support-bot.yaml"
    assert tags["llmops.run_id"] == report["run_id"] and tags["llmops.git.dirty"] == "false"
    assert run.info.start_time == millis(report["started_at"])
    assert run.info.end_time == millis(report["finished_at"])
    assert run.info.status == "FINISHED"
    assert run.data.params["git_sha"] == tags["mlflow.source.git.commit"]


def test_outside_git_the_run_claims_no_commit() -> None:
    report = replace(make_report([True], [1.0]), pipeline="support-bot@1.0.0")  # git: no sha
    tags = run_tags(report, None)
    assert "mlflow.source.git.commit" not in tags and "llmops.git.dirty" not in tags
    assert tags["mlflow.source.name"] == "llmops eval support-bot"

"""Isolation for every test (HOME, git identity, dates, no network noise) and factories for
projects built from the shipped sample."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeserver import FakeOpenAI, StartServer, echo
from helpers import Cli, Write, git
from mlflowserver import mlflow_server, shared_mlflow_server, stop_shared_mlflow_server

from llmops_cli.scaffold import write_sample

REPO = Path(__file__).resolve().parents[1]
TMPFS = Path("/dev/shm")
SHARED_MLFLOW = "mlflow-server"  # under the run's basetemp, next to the workers' folders


def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders on tmpfs where the machine has one: every fresh MLflow sqlite store
    runs its ~50 migrations, each commit an fsync (9 s a store on this disk, 3 s in memory),
    and git and the journals sync too. An explicit --basetemp or PYTEST_DEBUG_TEMPROOT wins;
    xdist's workers take their folders from this (controller) process."""
    if config.option.basetemp is None and os.access(TMPFS, os.W_OK | os.X_OK):
        os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", str(TMPFS))


def _forget_mlflow_global_uri() -> None:
    """MLflow keeps a process-wide tracking URI that llmops' in-process follow-ups set
    (`mlflow.set_tracking_uri`); left over, it sends the next test's `mlflow.search_runs`
    (and `load_table`) to the previous test's store."""
    utils = sys.modules.get("mlflow.tracking._tracking_service.utils")
    if utils is not None:
        utils._tracking_uri = None  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    _forget_mlflow_global_uri()
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.test")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.test")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("LLMOPS_PROJECT", "LLMOPS_DEBUG", "MLFLOW_TRACKING_URI", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    yield
    _forget_mlflow_global_uri()


@pytest.fixture
def fake_openai() -> Iterator[StartServer]:
    """Starts real OpenAI-compatible servers on 127.0.0.1 (tests/fakeserver.py); every one
    is stopped when the test ends, passed or failed."""
    started: list[FakeOpenAI] = []

    def start(latency_s: float = 0.0, responder: Callable[[Any], str] = echo) -> FakeOpenAI:
        started.append(FakeOpenAI(latency_s, responder).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def mlflow_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real `mlflow server` for the whole run (tests/mlflowserver.py), started on first
    use: each start costs 10-15 s. Under xdist the workers share it (the controller stops it,
    pytest_sessionfinish); its users keep to experiments and prompt names of their own."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        yield shared_mlflow_server(tmp_path_factory.getbasetemp().parent / SHARED_MLFLOW)
    else:
        with mlflow_server(tmp_path_factory.mktemp("mlflow")) as url:
            yield url


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if not hasattr(config, "workerinput") and config.getoption("numprocesses", None):
        stop_shared_mlflow_server(config._tmp_path_factory.getbasetemp() / SHARED_MLFLOW)  # type: ignore[attr-defined]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the sample project."""
    root = tmp_path / "proj"
    write_sample(root)
    return root


@pytest.fixture
def repo(project: Path) -> Path:
    """The sample project as a git repository with one commit (the registry's home)."""
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "init")
    return project


@pytest.fixture
def remote(repo: Path, tmp_path: Path) -> Path:
    """A bare clone of `repo`: the git host that clones of it share the registry through."""
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], check=True)
    return bare


@pytest.fixture
def write(project: Path) -> Write:
    """Write (or overwrite) a file inside the project."""

    def _write(rel: str, content: str | bytes) -> Path:
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def cli() -> Iterator[Cli]:
    yield Cli()

"""A real `mlflow server` on 127.0.0.1 (sqlite backend, artifacts proxied), for the tests that
talk to MLflow as its users' teams run it."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


@contextmanager
def mlflow_server(store: Path) -> Iterator[str]:
    """The server's URL once /health answers; stopped (its whole session) afterwards."""
    server, url = _start(store)
    try:
        yield url
    finally:
        _stop(server.pid)
        server.wait()


def shared_mlflow_server(root: Path) -> str:
    """The URL of the one server of a pytest-xdist run: the first worker to ask starts it (the
    others wait on the lock) and notes it in `root`; stop_shared_mlflow_server(root) ends it
    once every worker is done."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        noted = root / "server.json"
        if not noted.exists():
            server, url = _start(root / "store")
            _STARTED.append(server)  # not waited for here: the controller stops it
            noted.write_text(json.dumps({"url": url, "pid": server.pid}))
        url = json.loads(noted.read_text())["url"]
    assert isinstance(url, str)
    return url


def stop_shared_mlflow_server(root: Path) -> None:
    noted = root / "server.json"
    if noted.exists():
        _stop(json.loads(noted.read_text())["pid"])


_STARTED: list[subprocess.Popen[bytes]] = []


def _start(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).parent / "mlflow"),
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--backend-store-uri",
        f"sqlite:///{store / 'mlflow.db'}",
        "--artifacts-destination",
        str(store / "artifacts"),
    ]
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=store,
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        return server, url
            except OSError:
                pass
            assert server.poll() is None, "mlflow server exited"
            assert time.monotonic() < deadline, "mlflow server did not start"
            time.sleep(0.5)
    except BaseException:
        _stop(server.pid)
        server.wait()
        raise


def _stop(pid: int) -> None:
    """SIGTERM to the server's whole session; SIGKILL to it after 10 s (uvicorn stuck in a
    worker's shutdown)."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while _running(pid):
        if time.monotonic() > deadline:
            with suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            return
        time.sleep(0.1)


def _running(pid: int) -> bool:
    """Our child until reaped; another's (a finished xdist worker's) until it is gone or a
    zombie nobody reaps."""
    try:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"

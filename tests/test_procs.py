"""procs.run: a child process with a deadline, ended with everything it started."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from llmops_cli import procs


def _alive(pid: int) -> bool:
    """Running (a zombie that no init reaps, in a container, has ended all the same)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def test_output_and_exit_code_come_back() -> None:
    done = procs.run(
        ["sh", "-c", "read line; echo got $line; echo oops >&2; exit 3"], timeout=30, input="x\n"
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "got x\n", "oops\n")


def test_the_deadline_kills_the_child_and_what_it_started(tmp_path: Path) -> None:
    """A grandchild (git's ssh) holding the pipes must not outlive the deadline, nor keep
    the command waiting on its output."""
    pidfile = tmp_path / "grandchild.pid"
    script = f"sleep 60 & echo $! > {pidfile}; wait"
    with pytest.raises(subprocess.TimeoutExpired):
        procs.run(["sh", "-c", script], timeout=1)
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 10
    while _alive(grandchild) and time.monotonic() < deadline:  # reaped by init meanwhile
        time.sleep(0.05)
    assert not _alive(grandchild)


def test_a_missing_program_is_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        procs.run([str(tmp_path / "no-such-program")], timeout=5)

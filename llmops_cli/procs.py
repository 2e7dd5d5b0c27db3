"""Child processes with a deadline: nothing llmops starts can hang a command, and nothing it
started outlives the command."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path


def run(
    args: Sequence[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `args` to the end, its output captured as text, within `timeout` seconds.

    The process gets its own session, so at the deadline, or on ^C or any other exception
    here, it is killed with every process it started (git's ssh or credential helper, which a
    plain `subprocess.run` timeout would leave running, holding the pipes open). Raises
    `subprocess.TimeoutExpired` after that kill, `OSError` when it cannot start."""
    proc = subprocess.Popen(
        list(args),
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(input, timeout=timeout)
    except BaseException:
        _end(proc)
        raise
    return subprocess.CompletedProcess(list(args), proc.returncode, stdout, stderr)


def _end(proc: subprocess.Popen[str]) -> None:
    """Kill the process group, reap the process and close its pipes (without reading them:
    a child that left the group may still hold them open)."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            with suppress(OSError):
                pipe.close()

"""Helpers for whole-process timing: median wall time of repeated runs."""

from __future__ import annotations

import resource
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def median_seconds(cmd: Sequence[str], runs: int = 15, cwd: Path | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_seconds(
    cmd: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> float:
    """User + system CPU of one run of `cmd`, its own children (e.g. git) included: on a
    shared machine this varies far less with the load than wall time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

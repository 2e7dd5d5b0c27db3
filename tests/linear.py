"""A linear-time check that holds on a loaded machine: CPU time, not wall-clock, and a ratio
with room for noise but none for a quadratic.

Growing the input 4x costs ~4x when the work is linear and ~16x when it is quadratic; the
bound of 8 sits between them. Each size is timed as the best of a few runs with the garbage
collector off, and a failing ratio is measured again (up to three times) before it counts: a
quadratic fails every attempt, a neighbour's burst of load fails one (CI once failed at 3.4x
on a 2x growth that a quiet machine runs at 2.0x)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

GROWTH = 4
BOUND = 8.0


def cpu_seconds(work: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            start = time.process_time()
            work()
            best = min(best, time.process_time() - start)
    finally:
        if enabled:
            gc.enable()
    return best


def assert_linear(work: Callable[[int], object], n: int, attempts: int = 3) -> None:
    """`work(k)` processes input of size k; fails when 4x the size costs 8x the CPU or more
    on every attempt. n should make `work(n)` take a few milliseconds at least."""
    work(max(1, n // 10))  # warm up: compiled patterns, lazy imports
    ratios: list[tuple[float, float]] = []
    for _ in range(attempts):
        small = cpu_seconds(lambda: work(n))
        large = cpu_seconds(lambda: work(GROWTH * n))
        ratios.append((small, large))
        if large < BOUND * max(small, 1e-4):
            return
    raise AssertionError(f"{GROWTH}x the input cost {BOUND}x the CPU or more: {ratios}")

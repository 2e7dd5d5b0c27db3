"""A fake clock for the rate limiter and the retry loop: no real sleeps, no wall-clock asserts.

`sleep(d)` records `d` and moves the clock on by `d`, plus the next of `late` if any is left
(a loaded machine waking a sleeper late), then yields to the event loop once. Time is shared,
so it models one sleeper at a time: the limiter hands out starts one by one, and the retry
tests run one case at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from llmops_cli.evaluation.ratelimit import Clock


class FakeClock:
    def __init__(self, late: Sequence[float] = ()) -> None:
        self.t0 = self.t = 1024.0
        self.late = list(late)
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds + (self.late.pop(0) if self.late else 0.0)
        await asyncio.sleep(0)

    def clock(self) -> Clock:
        return Clock(now=self.now, sleep=self.sleep)

"""The clock and the rate limiter the eval calls share: request starts spaced for `rpm`, a
token window kept under `tpm`."""

from __future__ import annotations

import collections
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio


async def _sleep(seconds: float) -> None:
    import asyncio  # not on a run whose every row is replayed (~50 ms)

    await asyncio.sleep(seconds)


@dataclass(frozen=True)
class Clock:
    """What the limiter and the retry loop read the time and wait with (tests pass a fake)."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = _sleep


class RateLimiter:
    """Spaces request starts at least 60/rpm apart, and keeps a 60-second token window under
    `tpm`. Callers go one at a time, and the next slot counts from when this start really
    happened: a sleep that wakes late delays the next start instead of letting a burst follow
    to catch up with the planned schedule."""

    def __init__(self, rpm: int | None, tpm: int | None, clock: Clock | None = None) -> None:
        self.interval = 60.0 / rpm if rpm else 0.0
        self.tpm = tpm
        self.clock = clock or Clock()
        self.next_start = -math.inf
        self.window: collections.deque[tuple[float, int]] = collections.deque()
        self._turn: asyncio.Lock | None = None  # made in the running loop, when first needed

    async def acquire(self, tokens: int) -> None:
        if not self.interval and not self.tpm:
            return
        if self._turn is None:
            import asyncio

            self._turn = asyncio.Lock()
        async with self._turn:
            if self.tpm:
                await self._room_for(tokens, self.tpm)  # first: this wait may be long
            now = self.clock.now()
            if self.next_start > now:
                await self.clock.sleep(self.next_start - now)
                now = max(self.next_start, self.clock.now())
            self.next_start = now + self.interval
            if self.tpm:
                self.window.append((now, tokens))

    async def _room_for(self, tokens: int, tpm: int) -> None:
        """Wait until `tokens` fit in the last 60 s of starts (a call over `tpm` goes alone)."""
        while True:
            now = self.clock.now()
            while self.window and now - self.window[0][0] >= 60:
                self.window.popleft()
            used = sum(t for _, t in self.window)
            if not self.window or used + tokens <= tpm:
                return
            await self.clock.sleep(60 - (now - self.window[0][0]))

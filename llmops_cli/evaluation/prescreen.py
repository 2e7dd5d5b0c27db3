"""Input screening done ahead, on another core. An eval's inputs are known before its first
call, and on a first run none has a kept verdict: screening them (the injection rules and
classifier, ~0.2 ms a text) ran on the event loop's thread, between answers, and at 1,000
cases was a quarter of the time beyond start-up (bench/RESULTS.md, issue 18 goal 3).

A forked worker process screens them in the order the calls go out, a chunk at a time. The
loop never waits for it: `get` returns a verdict the worker has finished, or None, and the
caller then screens the text itself (the same function, so the same verdict). A worker that
fails or cannot start only means the loop screens everything, as before.

Forked only from a process with one thread (forking a threaded process can copy a lock held
by another thread); the worker touches nothing it inherits but the screening code.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from typing import Any

AHEAD_MIN = 200  # fewer unknown texts cost less to screen (~40 ms) than a worker to start
CHUNK = 64  # texts a worker's answer holds: the loop picks up verdicts as they come


def _screen_chunk(texts: list[str]) -> dict[str, tuple[str, ...]]:
    from llmops_cli.guardrails.screening import injection_rules

    return {text: injection_rules(text) for text in texts}


def _can_fork() -> bool:
    import multiprocessing

    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and (os.cpu_count() or 1) >= 2
    )


class Prescreen:
    """Verdicts of `texts` made by a worker process while the calls run (none when there are
    fewer than AHEAD_MIN texts, one core, or threads that make forking unsafe)."""

    def __init__(
        self,
        texts: Sequence[str],
        screen: Callable[[list[str]], dict[str, tuple[str, ...]]] = _screen_chunk,
    ) -> None:
        self._done: dict[str, tuple[str, ...]] = {}
        self._pending: list[Future[dict[str, tuple[str, ...]]]] = []
        self._pool: ProcessPoolExecutor | None = None
        if len(texts) < AHEAD_MIN or not _can_fork():
            return
        import multiprocessing

        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._pending = [
                self._pool.submit(screen, list(texts[at : at + CHUNK]))
                for at in range(0, len(texts), CHUNK)
            ]
        except (OSError, RuntimeError):  # no process to be had: the loop screens them all
            self.close()

    @property
    def active(self) -> bool:
        return self._pool is not None

    def get(self, text: str) -> tuple[str, ...] | None:
        """The worker's verdict on `text` if it is ready; never waits."""
        if self._pending:
            self._collect()
        return self._done.get(text)

    def _collect(self) -> None:
        left = []
        for future in self._pending:
            if not future.done():
                left.append(future)
                continue
            try:
                self._done.update(future.result())
            except Exception:  # a broken worker: what it did not answer the loop screens
                self.close()
                return
        self._pending = left

    def close(self) -> None:
        """Stop the worker: chunks not started are dropped, none is waited for."""
        pool, self._pool = self._pool, None
        for future in self._pending:
            future.cancel()
        self._pending = []
        if pool is not None:
            with suppress(Exception):
                pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> Prescreen:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

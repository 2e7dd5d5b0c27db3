"""One model call as eval makes it: the response cache first, then the rate limiter, a
per-call timeout, and retries with jittered exponential backoff that honours `Retry-After`.
A call that still fails returns its error (the case is then `errored`), never raises."""

from __future__ import annotations

import random

from llmops_cli.evaluation.cache import CacheMode, ResponseCache
from llmops_cli.evaluation.ratelimit import RateLimiter
from llmops_cli.evaluation.targets import Completion, Request, Target, TargetError

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_RETRIES = 3
MAX_BACKOFF_S = 30.0


def backoff_seconds(attempt: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return float(min(retry_after, 120.0))
    return float(min(MAX_BACKOFF_S, 0.5 * 2**attempt) * random.uniform(0.5, 1.5))


async def call(
    request: Request,
    key: str,
    target: Target,
    cache: ResponseCache,
    limiter: RateLimiter,
    timeout_s: float,
    retries: int,
) -> tuple[Completion | None, str | None, int, bool]:
    if target.cacheable:
        hit = cache.get(key)
        if hit is not None:
            return hit, None, 0, True
        if cache.mode is CacheMode.read_only:
            return None, "response not in the cache (--cache read-only)", 0, False
    import asyncio  # here: a run whose every row is replayed never imports it

    estimate = sum(len(m["content"]) for m in request.messages) // 4
    error = ""
    for attempt in range(retries + 1):
        await limiter.acquire(estimate)
        try:
            async with asyncio.timeout(timeout_s + 5):  # no task of its own, as wait_for makes
                completion = await target.complete(request, timeout_s)
        except TargetError as exc:
            error = str(exc)
            if not exc.retryable or attempt == retries:
                return None, error, attempt + 1, False
            await limiter.clock.sleep(backoff_seconds(attempt, exc.retry_after))  # fakeable
            continue
        except TimeoutError:
            error = f"timed out after {timeout_s:g} s"
            if attempt == retries:
                return None, error, attempt + 1, False
            await limiter.clock.sleep(backoff_seconds(attempt, None))
            continue
        if target.cacheable:
            cache.put(key, completion)
        return completion, None, attempt + 1, False
    return None, error, retries + 1, False  # pragma: no cover - the loop always returns

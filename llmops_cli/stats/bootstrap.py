"""Bootstrap draws: means (batched, bounded memory) and medians (exact for large samples).

Each function takes `seed` and draws only from `numpy.random.default_rng(seed)`; callers
take percentiles of the draws for their interval or one-sided bound.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

    from llmops_cli.stats.arrays import F64

BATCH_INDICES = 2_000_000  # indices drawn at a time (16 MB): memory stays flat for big n
EXACT_MEDIAN_FROM = 2000  # larger samples draw the median from its exact distribution


def resampled_means(values: ArrayLike, samples: int, seed: int) -> F64:
    """`samples` means of resamples (with replacement) of `values`. Drawn in batches; the
    generator's stream does not depend on the batch size, so the draws equal one big call.
    A draw that fits in one batch is kept: every metric and slice of a run of n cases
    resamples the same rows (eval's ~100 intervals draw once). A 0/1 mean is a count over n,
    exactly: the same value from an eighth of the memory."""
    import numpy as np

    data = np.asarray(values, dtype=np.float64)
    n = data.size
    ones = data.astype(bool) if bool(np.isin(data, (0.0, 1.0)).all()) else None
    means = np.empty(samples)
    for start, idx in _index_batches(n, samples, seed):
        # np.take, not data[idx]: the same gather, ~3x faster than fancy indexing
        batch = (
            np.take(ones, idx).sum(axis=1) / n
            if ones is not None
            else np.take(data, idx).mean(axis=1)
        )
        means[start : start + len(idx)] = batch
    return means


def prepare_means(n: int, samples: int, seed: int) -> None:
    """Draw now the indices `resampled_means` of n values will use, where they fit one batch
    (the report's prefetch does it while the calls are in flight)."""
    if n > 1 and _batch_rows(n) >= samples:
        _one_draw(n, samples, seed)


def _batch_rows(n: int) -> int:
    """How many resamples of n values one batch of indices holds."""
    return max(1, BATCH_INDICES // max(n, 1))


def _index_batches(n: int, samples: int, seed: int) -> Iterator[tuple[int, Any]]:
    step = _batch_rows(n)
    if step >= samples:
        yield 0, _one_draw(n, samples, seed)
        return
    import numpy as np

    rng = np.random.default_rng(seed)
    for start in range(0, samples, step):
        stop = min(start + step, samples)
        yield start, rng.integers(0, n, size=(stop - start, n))


@functools.lru_cache(maxsize=2)  # at most 2 x 16 MB kept
def _one_draw(n: int, samples: int, seed: int) -> Any:
    import numpy as np

    return np.random.default_rng(seed).integers(0, n, size=(samples, n))


def resampled_medians(values: ArrayLike, samples: int, seed: int) -> F64:
    """`samples` medians of resamples of `values` (see `_medians`)."""
    import numpy as np

    return _medians(np.asarray(values, dtype=np.float64), samples, np.random.default_rng(seed))


def median_difference_draws(a: ArrayLike, b: ArrayLike, samples: int, seed: int) -> F64:
    """`samples` draws of median(b*) - median(a*), b resampled first, from one generator."""
    import numpy as np

    rng = np.random.default_rng(seed)
    drawn_b = _medians(np.asarray(b, dtype=np.float64), samples, rng)
    diffs: F64 = drawn_b - _medians(np.asarray(a, dtype=np.float64), samples, rng)
    return diffs


def _medians(x: F64, samples: int, rng: np.random.Generator) -> F64:
    """Small samples are resampled; large ones draw the median straight from its exact
    bootstrap distribution — it is the m-th smallest resampled value, and P(it <= the j-th
    smallest of x) = P(Binomial(n, j/n) >= m) — O(n log n) instead of O(samples * n):
    300k latencies take 0.05 s, not 3 s."""
    import numpy as np

    n = len(x)
    if n <= EXACT_MEDIAN_FROM:
        medians: F64 = np.median(x[rng.integers(0, n, (samples, n))], axis=1)
        return medians
    from scipy.stats import binom

    ordered = np.sort(x)
    cdf = binom.sf((n + 1) // 2 - 1, n, np.arange(1, n + 1) / n)
    index = np.minimum(np.searchsorted(cdf, rng.random(samples)), n - 1)
    drawn: F64 = ordered[index]
    return drawn

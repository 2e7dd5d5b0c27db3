"""The pooled two-proportion z-test, vectorised: counts may be scalars or arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from llmops_cli.stats.arrays import F64

Alternative = Literal["greater", "less", "two-sided"]


def two_proportion_z(
    events_a: ArrayLike, n_a: ArrayLike, events_b: ArrayLike, n_b: ArrayLike
) -> F64:
    """z of rate_b - rate_a over the pooled standard error; nan where that error is 0 (both
    rates 0 or both 1: no evidence either way)."""
    import numpy as np

    ea, na, eb, nb = (np.asarray(v, dtype=np.float64) for v in (events_a, n_a, events_b, n_b))
    pooled = (ea + eb) / (na + nb)
    se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    with np.errstate(divide="ignore", invalid="ignore"):
        z: F64 = np.where(se > 0, (eb / nb - ea / na) / se, np.nan)
    return z


def normal_p(z: ArrayLike, alternative: Alternative = "two-sided") -> F64:
    """p-value of a standard normal statistic; a nan statistic (no evidence) gives 1."""
    import numpy as np
    from scipy.special import ndtr

    z = np.asarray(z, dtype=np.float64)
    if alternative == "greater":
        p = ndtr(-z)
    elif alternative == "less":
        p = ndtr(z)
    else:
        p = 2 * ndtr(-np.abs(z))
    out: F64 = np.where(np.isnan(z), 1.0, p)
    return out


def two_proportion_p(
    events_a: ArrayLike,
    n_a: ArrayLike,
    events_b: ArrayLike,
    n_b: ArrayLike,
    alternative: Alternative = "two-sided",
) -> F64:
    """p-value that arm b's rate is greater than (less than, different from) arm a's."""
    return normal_p(two_proportion_z(events_a, n_a, events_b, n_b), alternative)

"""Average ranks of ties, and the rank tests built on them (tie-corrected normal
approximations, as scipy computes them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from llmops_cli.stats.arrays import F64, I64


def average_ranks(values: ArrayLike) -> tuple[F64, I64]:
    """1-based ranks with ties given their average rank (scipy's rankdata "average"), and the
    size of each group of ties (for the tie corrections)."""
    import numpy as np

    _, inverse, counts = np.unique(
        np.asarray(values, dtype=np.float64), return_inverse=True, return_counts=True
    )
    ranks: F64 = (np.cumsum(counts) - (counts - 1) / 2)[inverse.ravel()]
    return ranks, counts


def mann_whitney_greater(x: F64, y: F64) -> tuple[float, float]:
    """(U/(n1*n2) = AUC of x over y, one-sided p) by the tie-corrected normal approximation."""
    import numpy as np
    from scipy.special import ndtr

    n1, n2 = len(x), len(y)
    ranks, counts = average_ranks(np.r_[x, y])
    u = float(ranks[:n1].sum() - n1 * (n1 + 1) / 2)
    n = n1 + n2
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - np.sum(counts**3 - counts) / (n * (n - 1))))
    if sigma == 0:
        return u / (n1 * n2), 1.0
    z = (u - n1 * n2 / 2 - 0.5) / sigma  # continuity correction, as scipy does
    return u / (n1 * n2), float(ndtr(-z))


def wilcoxon_signed_rank(d: F64) -> float:
    """Two-sided p of the Wilcoxon signed-rank test on paired differences (zeros dropped,
    ties averaged, tie-corrected normal approximation with continuity correction, as
    scipy's `wilcoxon(..., method="approx", correction=True)`)."""
    import numpy as np
    from scipy.special import ndtr

    d = d[d != 0]
    n = len(d)
    if n == 0:
        return 1.0
    ranks, counts = average_ranks(np.abs(d))
    w_plus = float(ranks[d > 0].sum())
    mean = n * (n + 1) / 4
    var = n * (n + 1) * (2 * n + 1) / 24 - np.sum(counts**3 - counts) / 48
    if var <= 0:
        return 1.0
    z = (abs(w_plus - mean) - 0.5) / np.sqrt(var)
    return float(min(1.0, 2 * ndtr(-z)))


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rho: Pearson correlation of average ranks; nan when either side is constant."""
    import numpy as np

    ra, _ = average_ranks(a)
    rb, _ = average_ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])

"""Adjusted p-values for a family of tests: Benjamini–Hochberg (FDR) and Holm (FWER)."""

from __future__ import annotations

from collections.abc import Sequence


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1)."""
    import numpy as np

    if not len(pvalues):
        return []
    p = np.asarray(pvalues, float)
    order = np.argsort(p)
    scaled = p[order] * len(p) / np.arange(1, len(p) + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    adjusted_list: list[float] = out.tolist()
    return adjusted_list


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values (family-wise error control)."""
    import numpy as np

    if not len(pvalues):
        return []
    p = np.asarray(pvalues, float)
    order = np.argsort(p)
    m = len(p)
    scaled = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    out = np.empty_like(p)
    out[order] = np.minimum(scaled, 1.0)
    result: list[float] = out.tolist()
    return result


def adjust(pvalues: Sequence[float], method: str) -> list[float]:
    """`holm`, or Benjamini–Hochberg for anything else (`bh`)."""
    return holm(pvalues) if method == "holm" else benjamini_hochberg(pvalues)

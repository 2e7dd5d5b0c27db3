"""The drift statistics (DESIGN §7), vectorised over numpy arrays. Pure: no I/O, no config.

Numeric windows are compared through the reference's ECDF (`Ecdf`), which a baseline file can
store in a few KB instead of the reference rows.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from llmops_cli.stats.ranks import mann_whitney_greater

PSI_EPS = 1e-4
ECDF_POINTS = 2048  # a reference with more distinct values is kept as a quantile grid
TEXT_DIM = 1 << 18  # hashed token space of the text domain classifier

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Ecdf:
    """P(X <= x) of a reference: exact steps for discrete data, a quantile grid otherwise."""

    x: F64
    f: F64
    discrete: bool

    @classmethod
    def of(cls, ordered: F64) -> Ecdf:
        """From a sorted sample."""
        last_of_run = np.flatnonzero(np.r_[ordered[1:] != ordered[:-1], True])
        if len(last_of_run) <= ECDF_POINTS:
            return cls(ordered[last_of_run], (last_of_run + 1) / len(ordered), True)
        probs = np.linspace(0.0, 1.0, ECDF_POINTS + 1)
        grid = sorted_quantile(ordered, probs)
        x = np.unique(grid)
        last = np.searchsorted(grid, x, side="right") - 1  # F(x) is the top of a tie
        return cls(x, probs[last], False)

    def __call__(self, q: F64) -> F64:
        if self.discrete:
            idx = np.searchsorted(self.x, q, side="right") - 1
            stepped: F64 = np.where(idx >= 0, self.f[np.maximum(idx, 0)], 0.0)
            return stepped
        interpolated: F64 = np.interp(q, self.x, self.f, left=0.0, right=1.0)
        return interpolated

    def quantile(self, p: F64) -> F64:
        if self.discrete:
            idx = np.minimum(np.searchsorted(self.f, p, side="left"), len(self.x) - 1)
            at: F64 = self.x[idx]
            return at
        between: F64 = np.interp(p, self.f, self.x)
        return between

    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x.tolist(), "f": self.f.tolist(), "discrete": self.discrete}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ecdf:
        return cls(np.asarray(data["x"], float), np.asarray(data["f"], float), data["discrete"])


def sorted_quantile(ordered: F64, p: F64) -> F64:
    """np.quantile's default (linear) method on an already sorted sample: no re-partitioning."""
    pos = np.asarray(p, float) * (len(ordered) - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, len(ordered) - 1)
    value: F64 = ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
    return value


def psi_bins(ordered: F64, bins: int = 10) -> tuple[F64, F64]:
    """Inner edges at the reference's quantiles (ties merged) and its share in each bin."""
    edges = np.unique(sorted_quantile(ordered, np.linspace(0, 1, bins + 1)[1:-1]))
    return edges, bin_shares(ordered, edges)


def bin_shares(ordered: F64, edges: F64) -> F64:
    """Share of a sorted sample in each bin (-inf, e0], (e0, e1], ..., (ek, inf)."""
    cuts = np.r_[0, np.searchsorted(ordered, edges, side="right"), len(ordered)]
    shares: F64 = np.diff(cuts) / max(len(ordered), 1)
    return shares


def psi(reference: F64, current: F64) -> float:
    """Population stability index of two bin-share vectors (ε-clipped)."""
    r = np.clip(reference, PSI_EPS, None)
    c = np.clip(current, PSI_EPS, None)
    return float(np.sum((c - r) * np.log(c / r)))


def ks_against(ref: Ecdf, n_ref: int, cur: F64) -> tuple[float, float]:
    """Two-sample Kolmogorov–Smirnov D and asymptotic p-value of a sorted current sample, the
    reference as an ECDF. The sup is taken over every jump of either step function."""
    from scipy.special import kolmogorov

    points = np.r_[cur, ref.x]
    d = float(np.max(np.abs(ref(points) - np.searchsorted(cur, points, side="right") / len(cur))))
    m = len(cur)
    en = n_ref * m / (n_ref + m)
    return d, float(kolmogorov(d * np.sqrt(en)))


def jensen_shannon(ref_counts: F64, cur_counts: F64) -> float:
    """Jensen–Shannon distance (base 2, in [0, 1]) of two count vectors over one support."""
    p = ref_counts / ref_counts.sum()
    q = cur_counts / cur_counts.sum()
    m = (p + q) / 2

    def kl(a: F64) -> float:
        nz = a > 0
        return float(np.sum(a[nz] * np.log2(a[nz] / m[nz])))

    return float(np.sqrt(max((kl(p) + kl(q)) / 2, 0.0)))


def homogeneity_p(ref_counts: F64, cur_counts: F64) -> float:
    """Chi-square test that both windows draw categories from one distribution."""
    from scipy.special import chdtrc

    keep = (ref_counts + cur_counts) > 0
    if keep.sum() < 2:
        return 1.0
    table = np.vstack([ref_counts[keep], cur_counts[keep]])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    stat = float(np.sum((table - expected) ** 2 / expected))
    return float(chdtrc(table.shape[1] - 1, stat))


def welch_drop(
    mean_ref: float, var_ref: float, n_ref: int, mean_cur: float, var_cur: float, n_cur: int
) -> float:
    """One-sided Welch t-test p-value that the current mean is below the reference mean."""
    from scipy.special import stdtr

    a, b = var_cur / n_cur, var_ref / n_ref
    if a + b == 0:
        return 0.0 if mean_cur < mean_ref else 1.0
    t = (mean_cur - mean_ref) / np.sqrt(a + b)
    df = (a + b) ** 2 / (a * a / max(n_cur - 1, 1) + b * b / max(n_ref - 1, 1))
    return float(stdtr(df, t))


# -- text ------------------------------------------------------------------------------------


def hash_tokens(text: str) -> list[int]:
    """Word tokens hashed into TEXT_DIM buckets (crc32: stable across processes, no raw text
    needs to be kept in a baseline)."""
    import re

    return [zlib.crc32(t.encode()) & (TEXT_DIM - 1) for t in re.findall(r"\w+", text.lower())]


def _tfidf(docs: list[list[int]]) -> Any:
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0, *map(len, docs)])
    indices = np.fromiter((t for d in docs for t in d), dtype=np.int64, count=int(indptr[-1]))
    x = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(docs), TEXT_DIM))
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=TEXT_DIM)
    idf = np.log((1 + len(docs)) / (1 + df)) + 1
    x = x.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return x.multiply(1 / norms[:, None]).tocsr()


def text_domain_shift(
    ref_docs: list[list[int]], cur_docs: list[list[int]], seed: int = 0
) -> tuple[float, float, float]:
    """(AUC, p-value, centroid cosine distance) of telling current queries from reference ones.

    A naive-Bayes domain classifier on TF-IDF vectors, cross-fitted over two folds so a model
    never scores the documents it learnt from: AUC stays near 0.5 when nothing moved. The
    p-value is the one-sided Mann–Whitney test of the held-out scores.
    """
    rng = np.random.default_rng(seed)
    k = min(len(ref_docs), len(cur_docs))
    ref = [ref_docs[i] for i in rng.permutation(len(ref_docs))[:k]]
    cur = [cur_docs[i] for i in rng.permutation(len(cur_docs))[:k]]
    x = _tfidf(ref + cur)
    y = np.r_[np.zeros(k, bool), np.ones(k, bool)]
    ref_centroid = np.asarray(x[:k].mean(axis=0)).ravel()
    cur_centroid = np.asarray(x[k:].mean(axis=0)).ravel()
    denom = np.linalg.norm(ref_centroid) * np.linalg.norm(cur_centroid)
    centroid = float(1 - ref_centroid @ cur_centroid / denom) if denom else 0.0
    fold = rng.permutation(2 * k) % 2 == 1
    scores = np.empty(2 * k)
    for held in (fold, ~fold):
        train = x[~held]
        cur_mass = np.asarray(train[y[~held]].sum(axis=0)).ravel() + 0.1
        ref_mass = np.asarray(train[~y[~held]].sum(axis=0)).ravel() + 0.1
        weights = np.log(cur_mass / cur_mass.sum()) - np.log(ref_mass / ref_mass.sum())
        scores[held] = x[held] @ weights
    auc, p = mann_whitney_greater(scores[y], scores[~y])
    return auc, p, centroid

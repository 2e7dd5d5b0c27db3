"""Statistics for comparing a control and a treatment arm (DESIGN §9). Pure functions over
numpy arrays; scipy.special only (importing scipy.stats costs ~1.5 s).

Every test returns the treatment-minus-control effect, its 95% CI and a two-sided p-value:
- rates: two-proportion z-test (pooled SE for p, unpooled for the CI);
- means: Welch's t-test (Welch–Satterthwaite df);
- skewed (latency, cost): Mann–Whitney U (tie-corrected normal approximation) with a
  bootstrap CI for the difference in medians;
- paired (shadow mode): Wilcoxon signed-rank and the sign test.
Plus Holm and Benjamini–Hochberg adjustment, a sample-ratio-mismatch chi-square, the sample
size a difference needs, and mSPRT always-valid p-values for looking every hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from llmops_cli.drift.stats import benjamini_hochberg, mann_whitney_greater

F64 = NDArray[np.float64]
Z975 = 1.959963984540054
BOOTSTRAP = 2000
SEED = 20261123


@dataclass(frozen=True)
class TestResult:
    test: str
    control: float  # the arm's rate, mean or median
    treatment: float
    effect: float  # treatment - control, in the metric's unit
    ci: tuple[float, float]  # 95% CI of the effect
    p: float  # two-sided
    n: tuple[int, int]  # (control, treatment)
    sd: float  # per-observation standard deviation, for sample-size planning


def _two_sided(z: float) -> float:
    from scipy.special import ndtr

    return float(2 * ndtr(-abs(z)))


def two_proportion(events_a: int, n_a: int, events_b: int, n_b: int) -> TestResult:
    pa, pb = events_a / n_a, events_b / n_b
    pooled = (events_a + events_b) / (n_a + n_b)
    se0 = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    se = np.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    p = 1.0 if se0 == 0 else _two_sided((pb - pa) / se0)
    diff = pb - pa
    return TestResult(
        "two-proportion z",
        pa,
        pb,
        diff,
        (diff - Z975 * se, diff + Z975 * se),
        p,
        (n_a, n_b),
        float(np.sqrt(pooled * (1 - pooled))),
    )


def welch(a: F64, b: F64) -> TestResult:
    from scipy.special import stdtr, stdtrit

    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    diff = float(b.mean() - a.mean())
    se = float(np.sqrt(va + vb))
    if se == 0:
        return TestResult(
            "Welch t", float(a.mean()), float(b.mean()), diff, (diff, diff), float(diff == 0),
            (len(a), len(b)), 0.0,
        )  # fmt: skip
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    t = diff / se
    half = float(stdtrit(df, 0.975)) * se
    pooled_sd = float(np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2))
    return TestResult(
        "Welch t",
        float(a.mean()),
        float(b.mean()),
        diff,
        (diff - half, diff + half),
        float(2 * stdtr(df, -abs(t))),
        (len(a), len(b)),
        pooled_sd,
    )


def _bootstrap_median_diff(a: F64, b: F64, rng: np.random.Generator) -> tuple[float, float]:
    """Percentile CI of median(b) - median(a) over BOOTSTRAP resamples of each arm."""
    diffs = _bootstrap_medians(b, rng) - _bootstrap_medians(a, rng)
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float(low), float(high)


def _bootstrap_medians(x: F64, rng: np.random.Generator) -> F64:
    """BOOTSTRAP draws of the median of a resample of x. Small samples are resampled; large
    ones draw the median straight from its exact bootstrap distribution — it is the m-th
    smallest resampled value, and P(it <= the j-th smallest of x) = P(Binomial(n, j/n) >= m)
    — O(n log n) instead of O(BOOTSTRAP * n): 300k latencies take 0.05 s, not 3 s."""
    n = len(x)
    if n <= 2000:
        medians: F64 = np.median(x[rng.integers(0, n, (BOOTSTRAP, n))], axis=1)
        return medians
    from scipy.stats import binom

    ordered = np.sort(x)
    cdf = binom.sf((n + 1) // 2 - 1, n, np.arange(1, n + 1) / n)
    index = np.minimum(np.searchsorted(cdf, rng.random(BOOTSTRAP)), n - 1)
    drawn: F64 = ordered[index]
    return drawn


def mann_whitney(a: F64, b: F64) -> TestResult:
    _, p_greater = mann_whitney_greater(b, a)
    _, p_less = mann_whitney_greater(a, b)
    diff = float(np.median(b) - np.median(a))
    ci = _bootstrap_median_diff(a, b, np.random.default_rng(SEED))
    pooled_sd = float(np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2))
    return TestResult(
        "Mann-Whitney U",
        float(np.median(a)),
        float(np.median(b)),
        diff,
        ci,
        min(1.0, 2 * min(p_greater, p_less)),
        (len(a), len(b)),
        pooled_sd,
    )


def wilcoxon_signed_rank(d: F64) -> float:
    """Two-sided p of the Wilcoxon signed-rank test on paired differences (zeros dropped,
    ties averaged, tie-corrected normal approximation with continuity correction, as
    scipy's `wilcoxon(..., method="approx", correction=True)`)."""
    from scipy.special import ndtr

    d = d[d != 0]
    n = len(d)
    if n == 0:
        return 1.0
    _, inverse, counts = np.unique(np.abs(d), return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2)[inverse]
    w_plus = float(ranks[d > 0].sum())
    mean = n * (n + 1) / 4
    var = n * (n + 1) * (2 * n + 1) / 24 - np.sum(counts**3 - counts) / 48
    if var <= 0:
        return 1.0
    z = (abs(w_plus - mean) - 0.5) / np.sqrt(var)
    return float(min(1.0, 2 * ndtr(-z)))


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact binomial test of wins vs losses (ties left out)."""
    from scipy.special import bdtr

    n = wins + losses
    if n == 0:
        return 1.0
    k = min(wins, losses)
    return float(min(1.0, 2 * bdtr(k, n, 0.5)))


def holm(pvalues: list[float]) -> list[float]:
    """Holm step-down adjusted p-values (family-wise error control)."""
    if not pvalues:
        return []
    p = np.asarray(pvalues, float)
    order = np.argsort(p)
    m = len(p)
    scaled = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    out = np.empty_like(p)
    out[order] = np.minimum(scaled, 1.0)
    result: list[float] = out.tolist()
    return result


def adjust(pvalues: list[float], method: str) -> list[float]:
    return holm(pvalues) if method == "holm" else benjamini_hochberg(pvalues)


def sample_ratio_p(n_a: int, n_b: int, weight_b: float) -> float:
    """Chi-square goodness-of-fit p that the arms' sizes match the planned split."""
    from scipy.special import chdtrc

    total = n_a + n_b
    expected = np.array([total * (1 - weight_b), total * weight_b])
    if total == 0 or np.any(expected == 0):
        return 1.0
    stat = float(np.sum((np.array([n_a, n_b]) - expected) ** 2 / expected))
    return float(chdtrc(1, stat))


def required_per_arm(sd: float, effect: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Observations per arm for a two-sided test at `alpha` to detect `effect` with `power`
    (normal approximation, equal arms, per-observation SD `sd`)."""
    from scipy.special import ndtri

    if effect == 0 or not np.isfinite(effect):
        return -1  # no effect to detect: any size is "not enough"
    z = float(ndtri(1 - alpha / 2) + ndtri(power))
    return int(np.ceil(2 * (z * sd / effect) ** 2))


def msprt_p(a: F64, b: F64, tau: float) -> float:
    """Always-valid p-value of the mixture SPRT for a difference in means (Johari et al.,
    "Always valid inference", 2017): the likelihood ratio mixed over a N(0, tau^2) effect is
    evaluated after every observation in arrival order, and p = min(1, 1 / max ratio).
    Ville's inequality bounds the chance that it ever drops below alpha under no effect, so
    cron may look every hour, or after every record, without inflating false alarms.
    Variances are plug-in estimates from the data seen so far."""
    n = min(len(a), len(b))
    if n < 2 or tau <= 0:
        return 1.0
    a, b = a[:n], b[:n]  # pair the k-th observation of each arm, as the test assumes
    k = np.arange(1, n + 1, dtype=np.float64)
    mean_a, mean_b = np.cumsum(a) / k, np.cumsum(b) / k
    var_a = np.maximum(np.cumsum(a * a) / k - mean_a**2, 0.0)
    var_b = np.maximum(np.cumsum(b * b) / k - mean_b**2, 0.0)
    v = (var_a + var_b) / k  # variance of the running difference
    diff = mean_b - mean_a
    t2 = tau * tau
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = 0.5 * np.log(v / (v + t2)) + diff**2 * t2 / (2 * v * (v + t2))
    log_ratio = np.where(v > 0, log_ratio, -np.inf)[9:]  # plug-in variance needs ~10 points
    if not len(log_ratio):
        return 1.0
    return float(min(1.0, np.exp(-np.max(log_ratio))))


def msprt_interval(a: F64, b: F64, tau: float, alpha: float) -> tuple[float, float]:
    """The always-valid confidence interval that goes with `msprt_p`: the differences in
    means theta0 the mixture SPRT would not reject at `alpha` given all data so far,
    mean(b) - mean(a) +- sqrt(v (v + tau^2) / tau^2 * (2 ln(1/alpha) + ln((v + tau^2) / v))).
    Unlike a fixed-horizon CI it keeps its coverage however often cron looks."""
    v = float(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    center = float(b.mean() - a.mean())
    if v <= 0 or tau <= 0:
        return center, center
    t2 = tau * tau
    half = np.sqrt(v * (v + t2) / t2 * (2 * np.log(1 / alpha) + np.log((v + t2) / v)))
    return center - float(half), center + float(half)

"""Statistics for comparing a control and a treatment arm (DESIGN §9). Pure functions over
numpy arrays; scipy.special only (importing scipy.stats costs ~1.5 s).

Every test returns the treatment-minus-control effect, its 95% CI and a two-sided p-value:
- rates: two-proportion z-test (pooled SE for p, unpooled for the CI);
- means: Welch's t-test (Welch–Satterthwaite df);
- skewed (latency, cost): Mann–Whitney U (tie-corrected normal approximation) with a
  bootstrap CI for the difference in medians;
- paired (shadow mode): Wilcoxon signed-rank (`llmops_cli.stats`) and the sign test.
Plus a sample-ratio-mismatch chi-square, the sample size a difference needs, and mSPRT
always-valid p-values for looking every hour. The shared parts (the z-test, ranks, the
bootstrap, Holm and BH) live in `llmops_cli.stats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from llmops_cli.stats.bootstrap import median_difference_draws
from llmops_cli.stats.proportions import normal_p, two_proportion_z
from llmops_cli.stats.ranks import mann_whitney_greater

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


def two_proportion(events_a: int, n_a: int, events_b: int, n_b: int) -> TestResult:
    pa, pb = events_a / n_a, events_b / n_b
    pooled = (events_a + events_b) / (n_a + n_b)
    se = np.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)  # unpooled, for the CI
    p = float(normal_p(two_proportion_z(events_a, n_a, events_b, n_b)))
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


def mann_whitney(a: F64, b: F64) -> TestResult:
    _, p_greater = mann_whitney_greater(b, a)
    _, p_less = mann_whitney_greater(a, b)
    diff = float(np.median(b) - np.median(a))
    low, high = np.percentile(median_difference_draws(a, b, BOOTSTRAP, SEED), [2.5, 97.5])
    ci = (float(low), float(high))
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


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact binomial test of wins vs losses (ties left out)."""
    from scipy.special import bdtr

    n = wins + losses
    if n == 0:
        return 1.0
    k = min(wins, losses)
    return float(min(1.0, 2 * bdtr(k, n, 0.5)))


def sample_ratio_p(n_a: int, n_b: int, weight_b: float) -> float:
    """Chi-square goodness-of-fit p that the arms' sizes match the planned split."""
    from scipy.special import chdtrc

    total = n_a + n_b
    expected = np.array([total * (1 - weight_b), total * weight_b])
    if total == 0 or np.any(expected == 0):
        return 1.0
    stat = float(np.sum((np.array([n_a, n_b]) - expected) ** 2 / expected))
    return float(chdtrc(1, stat))


def varies(*arms: F64) -> bool:
    """Whether any arm's values spread beyond float rounding. A metric that takes one value
    per arm (a fixed price, a flag never set) has an SD that is rounding noise (5e-20 for a
    constant 0.0021): a sample size computed from it means nothing."""
    return any(len(x) and float(np.ptp(x)) > 1e-9 * float(np.abs(x).max()) for x in arms)


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

"""Aggregates over case rows: mean and pass rate per metric with bootstrap 95% CIs, latency
percentiles, tokens, cost per 1K requests, error rate, per-tag slices. Vectorised with numpy.

A pass rate is over checked cases only (those a pass/fail check judged): a case scored only by
graded metrics is `scored`, neither a pass nor a failure."""

from __future__ import annotations

from collections.abc import Sequence

from llmops_cli.contracts.report import (
    CaseRow,
    CaseStatus,
    CostStats,
    MetricSummary,
    Percentiles,
    ScreeningSummary,
    SliceSummary,
    Stat,
    Summary,
    TokenStats,
)
from llmops_cli.guardrails.screening import screening_summary

BOOTSTRAP_SAMPLES = 2000
SEED = 20240601  # fixed: the same rows always give the same intervals


def bootstrap_ci(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float] | None:
    """Percentile bootstrap CI of the mean; None for fewer than two values."""
    import numpy as np

    from llmops_cli.stats.bootstrap import resampled_means

    if len(values) < 2:
        return None
    means = resampled_means(values, BOOTSTRAP_SAMPLES, SEED)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def prepare(rows: int) -> None:
    """What the intervals over `rows` rows need before the rows exist: numpy, its percentile
    code, and the resample indices every metric of a run with no errors shares."""
    if rows < 2:
        return  # a one-case run imports no numpy
    import numpy as np

    from llmops_cli.stats.bootstrap import prepare_means

    prepare_means(rows, BOOTSTRAP_SAMPLES, SEED)
    np.percentile(np.zeros(2), [50.0, 95.0])


def _mean(values: Sequence[float]) -> float | None:
    if len(values) < 2:  # no numpy import (~0.06 s) for a one-case run
        return float(values[0]) if values else None
    import numpy as np

    return float(np.mean(values))


def _stat(values: Sequence[float]) -> Stat:
    ci95 = bootstrap_ci(values) if len(values) > 1 else None
    return Stat(n=len(values), mean=_mean(values), ci95=ci95)


def metric_table(rows: Sequence[CaseRow]) -> dict[str, MetricSummary]:
    """Per metric: mean with CI over measured values; pass rate with CI over judged ones."""
    values: dict[str, list[float]] = {}
    verdicts: dict[str, list[float]] = {}
    for row in rows:
        for name, s in row.scores.items():
            if s.value is not None:
                values.setdefault(name, []).append(float(s.value))
            if s.passed is not None:
                verdicts.setdefault(name, []).append(1.0 if s.passed else 0.0)
    table = {}
    for name in sorted(set(values) | set(verdicts)):
        mean = _stat(values.get(name, []))
        judged = verdicts.get(name, [])
        table[name] = MetricSummary(
            n=mean.n, mean=mean.mean, ci95=mean.ci95, pass_rate=_stat(judged) if judged else None
        )
    return table


def percentiles(values: Sequence[float]) -> Percentiles:
    if len(values) < 2:  # every percentile of one value is that value
        one = float(values[0]) if values else None
        return Percentiles(p50=one, p95=one, p99=one, mean=one)
    import numpy as np

    p50, p95, p99 = np.percentile(np.asarray(values, dtype=np.float64), [50, 95, 99])
    return Percentiles(p50=float(p50), p95=float(p95), p99=float(p99), mean=float(np.mean(values)))


def status_counts(rows: Sequence[CaseRow]) -> dict[CaseStatus, int]:
    counts: dict[CaseStatus, int] = {"passed": 0, "failed": 0, "scored": 0, "errored": 0}
    for r in rows:
        counts[r.status] += 1
    return counts


def pass_verdicts(rows: Sequence[CaseRow]) -> list[float]:
    """1/0 per checked case: the pass rate counts checked cases only."""
    return [1.0 if r.status == "passed" else 0.0 for r in rows if r.checked]


def summarize(rows: Sequence[CaseRow]) -> Summary:
    total = len(rows)
    counts = status_counts(rows)
    errored = counts["errored"]
    answered = [r for r in rows if r.status != "errored"]
    latency = [float(r.latency_ms) for r in answered if r.latency_ms is not None]
    tokens = [r.prompt_tokens + r.completion_tokens for r in answered]
    costs = [r.cost_usd for r in answered if r.cost_usd is not None]
    return Summary(
        cases=total,
        passed=counts["passed"],
        failed=counts["failed"],
        scored=counts["scored"],
        errored=errored,
        checked=counts["passed"] + counts["failed"],
        error_rate=errored / total if total else 0.0,
        pass_rate=_stat(pass_verdicts(rows)),  # its n is the number of checked cases
        latency_ms=percentiles(latency),
        tokens=TokenStats(
            total=int(sum(tokens)), mean=sum(tokens) / len(tokens) if tokens else None
        ),
        cost_usd=CostStats(
            total=float(sum(costs)) if costs else None,
            per_1k_requests=float(sum(costs)) / len(costs) * 1000 if costs else None,
            priced_cases=len(costs),
        ),
        fresh_calls=fresh_calls(rows),
        metrics=metric_table(rows),
        screening=_screening(rows),
    )


def fresh_calls(rows: Sequence[CaseRow]) -> int:
    """The answered cases whose answer came from the model, not the cache."""
    return sum(1 for r in rows if r.status != "errored" and not r.cached)


def _screening(rows: Sequence[CaseRow]) -> ScreeningSummary:
    found = screening_summary({"screening": r.screening} for r in rows)
    return ScreeningSummary(
        inputs_flagged=found["inputs_flagged"],
        chunks_flagged=found["chunks_flagged"],
        sources=tuple(found["sources"]),
    )


def _means(rows: Sequence[CaseRow]) -> dict[str, float]:
    """The mean of each metric that has a value (as `metric_table`, without its intervals)."""
    values: dict[str, list[float]] = {}
    for row in rows:
        for name, s in row.scores.items():
            if s.value is not None:
                values.setdefault(name, []).append(float(s.value))
    means = {name: _mean(values[name]) for name in sorted(values)}
    return {name: mean for name, mean in means.items() if mean is not None}


def by_tag(rows: Sequence[CaseRow]) -> dict[str, SliceSummary]:
    tags = sorted({t for r in rows for t in r.tags})
    slices = {}
    for tag in tags:
        subset = [r for r in rows if tag in r.tags]
        verdicts = pass_verdicts(subset)
        counts = status_counts(subset)
        means = _means(subset)
        slices[tag] = SliceSummary(
            cases=len(subset),
            checked=counts["passed"] + counts["failed"],
            pass_rate=sum(verdicts) / len(verdicts) if verdicts else None,
            scored=counts["scored"],
            errored=counts["errored"],
            metrics=means,
        )
    return slices

"""Each metric compared between the arms: independent arms (canary, A/B) with the test its
kind calls for, or pairs of answers to the same request (shadow mode), plus a pairwise judge
asked in both presentation orders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from llmops_cli.canary import stats
from llmops_cli.canary.config import DEFAULT_MDE_RATE, DEFAULT_MDE_SD, CanaryConfig, MetricSpec
from llmops_cli.canary.records import metric_values
from llmops_cli.contracts.canary import INSUFFICIENT, NO_VARIANCE, JudgeWinRate, MetricComparison
from llmops_cli.errors import LlmopsError
from llmops_cli.stats import wilcoxon_signed_rank


def _test(spec: MetricSpec, a: np.ndarray, b: np.ndarray) -> stats.TestResult:
    if spec.kind == "rate":
        return stats.two_proportion(int(a.sum()), len(a), int(b.sum()), len(b))
    if spec.kind == "mean":
        return stats.welch(a, b)
    return stats.mann_whitney(a, b)


def _mde(spec: MetricSpec, result: stats.TestResult) -> float:
    if spec.mde is not None:
        return spec.mde
    return DEFAULT_MDE_RATE if spec.kind == "rate" else DEFAULT_MDE_SD * result.sd


def _compared(spec: MetricSpec, mde: float | None, **fields: Any) -> MetricComparison:
    """The comparison of `spec`'s metric with the minimum effect `mde` it was judged by."""
    return MetricComparison(name=spec.name, kind=spec.kind, better=spec.better, mde=mde, **fields)


def _insufficient(spec: MetricSpec, n_a: int, n_b: int) -> MetricComparison:
    return _compared(spec, spec.mde, status=INSUFFICIENT, n=(n_a, n_b))


def _flat(spec: MetricSpec, result: stats.TestResult) -> MetricComparison:
    """A metric with one value per arm: compared (equal or not), with no sample size."""
    return _compared(
        spec,
        spec.mde,
        status=NO_VARIANCE,
        test=result.test,
        control=result.control,
        treatment=result.treatment,
        effect=result.effect,
        ci95=result.ci,
        p=result.p,
        n=result.n,
    )


def independent(frame: pd.DataFrame, config: CanaryConfig) -> list[MetricComparison]:
    arm = frame[config.arm_field]
    rows = []
    for spec in config.metrics:
        if spec.name not in frame:
            raise LlmopsError(f"no record has the metric field {spec.name!r}")
        a = metric_values(frame.loc[arm == config.control, spec.name], spec.kind)
        b = metric_values(frame.loc[arm == config.treatment, spec.name], spec.kind)
        if len(a) < 2 or len(b) < 2:
            rows.append(_insufficient(spec, len(a), len(b)))
            continue
        result = _test(spec, a, b)
        if not stats.varies(a, b):  # no spread: the test's p is exact, no size to plan
            rows.append(_flat(spec, result))
            continue
        mde = _mde(spec, result)
        p = result.p
        always_valid = None
        if config.sequential:
            p = stats.msprt_p(a, b, mde)
            always_valid = stats.msprt_interval(a, b, mde, config.alpha)
        rows.append(
            _compared(
                spec,
                mde,
                always_valid_ci=always_valid,
                test=result.test + (" + mSPRT (always valid)" if config.sequential else ""),
                control=result.control,
                treatment=result.treatment,
                effect=result.effect,
                ci95=result.ci,
                p=p,
                n=result.n,
                required_per_arm_for_mde=stats.required_per_arm(
                    result.sd, mde, config.alpha, config.power
                ),
                required_per_arm_for_observed=stats.required_per_arm(
                    result.sd, result.effect, config.alpha, config.power
                ),
            )
        )
    return rows


def paired(frame: pd.DataFrame, config: CanaryConfig) -> list[MetricComparison]:
    assert config.pair_field is not None
    key, arm = config.pair_field, frame[config.arm_field]
    control = frame[arm == config.control].drop_duplicates(key).set_index(key)
    treatment = frame[arm == config.treatment].drop_duplicates(key).set_index(key)
    both = control.index.intersection(treatment.index)
    rows = []
    for spec in config.metrics:
        if spec.name not in frame:
            raise LlmopsError(f"no record has the metric field {spec.name!r}")
        pair = pd.DataFrame(
            {"a": control.loc[both, spec.name], "b": treatment.loc[both, spec.name]}
        ).dropna()
        a, b = metric_values(pair["a"], spec.kind), metric_values(pair["b"], spec.kind)
        if len(a) != len(b) or len(a) < 2:
            rows.append(_insufficient(spec, len(a), len(b)))
            continue
        d = b - a
        if spec.kind == "rate":
            wins, losses = int((d > 0).sum()), int((d < 0).sum())
            p, test = stats.sign_test(wins, losses), "sign test (discordant pairs)"
        else:
            p, test = wilcoxon_signed_rank(d), "Wilcoxon signed-rank"
        sd = float(d.std(ddof=1)) if len(d) > 1 else 0.0
        half = stats.Z975 * sd / np.sqrt(len(d))
        effect = float(d.mean())
        if not stats.varies(d):  # every pair differs by the same amount (often 0)
            same = (effect, effect)
            n = (len(d), len(d))
            mean_a, mean_b = float(a.mean()), float(b.mean())
            rows.append(_flat(spec, stats.TestResult(test, mean_a, mean_b, effect, same, p, n, 0)))
            continue
        mde = spec.mde if spec.mde is not None else (
            DEFAULT_MDE_RATE if spec.kind == "rate" else DEFAULT_MDE_SD * float(a.std(ddof=1))
        )  # fmt: skip
        rows.append(
            _compared(
                spec,
                mde,
                test=test,
                control=float(a.mean()),
                treatment=float(b.mean()),
                effect=effect,
                ci95=(effect - half, effect + half),
                p=p,
                n=(len(d), len(d)),
                required_per_arm_for_mde=stats.required_per_arm(sd / np.sqrt(2), mde),
                required_per_arm_for_observed=stats.required_per_arm(sd / np.sqrt(2), effect),
            )
        )
    return rows


def swapped_win_rate(first: Sequence[Any], second: Sequence[Any], treatment: str) -> JudgeWinRate:
    """Judge win rate of the treatment from verdicts given in both presentation orders: a
    pair counts as a win or a loss only when both orders agree, otherwise as a tie — a judge
    that always prefers the first answer then scores exactly 0.5."""
    wins = losses = ties = 0
    for x, y in zip(first, second, strict=True):
        if x is None or y is None or pd.isna(x) or pd.isna(y):
            continue
        if str(x) == str(y) == treatment:
            wins += 1
        elif str(x) == str(y) and str(x) != "tie":
            losses += 1
        else:
            ties += 1
    n = wins + losses + ties
    rate = (wins + ties / 2) / n if n else None
    consistent = (wins + losses) / n if n else None
    return JudgeWinRate(
        pairs=n,
        wins=wins,
        losses=losses,
        ties_or_inconsistent=ties,
        win_rate=rate,
        order_consistency=consistent,
        p=stats.sign_test(wins, losses),
    )


def judge(frame: pd.DataFrame, config: CanaryConfig) -> JudgeWinRate:
    assert config.judge_fields is not None and config.pair_field is not None
    first, second = config.judge_fields
    if first not in frame or second not in frame:
        raise LlmopsError(f"judge fields {first!r} and {second!r} must both be in the logs")
    per_pair = frame.dropna(subset=[first, second]).drop_duplicates(config.pair_field)
    return swapped_win_rate(list(per_pair[first]), list(per_pair[second]), config.treatment)

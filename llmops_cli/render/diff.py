"""A report against a baseline report, for people: the cases that flipped and the change of
each metric on the cases both runs share, with a 95% CI (no I/O)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from llmops_cli.metrics import info

CHECKED = ("passed", "failed")
BOOTSTRAP_SAMPLES = 1000  # a display interval: the gate's own check draws 4000
SEED = 7


@dataclass(frozen=True)
class Flip:
    case_id: str
    repeat: int
    before: str
    after: str
    failed_checks: tuple[str, ...]


@dataclass(frozen=True)
class MetricDelta:
    name: str
    n: int  # shared cases that have the metric in both runs
    before: float
    after: float
    delta: float
    ci95: tuple[float, float] | None  # bootstrap interval of the mean paired difference
    higher_is_better: bool = True

    @property
    def better(self) -> bool | None:
        """Whether the change is an improvement (None: no change)."""
        if self.delta == 0:
            return None
        return (self.delta > 0) == self.higher_is_better


@dataclass(frozen=True)
class ReportDiff:
    label: str  # which baseline: "gate baseline: …" or "previous run …"
    baseline_run_id: str
    shared: int
    regressed: tuple[Flip, ...]  # passed before, failed or errored now
    fixed: tuple[Flip, ...]  # failed or errored before, passed now
    deltas: tuple[MetricDelta, ...]
    before_status: dict[str, str]  # "case_id#repeat" -> status in the baseline


def case_key(row: Mapping[str, Any]) -> str:
    return f"{row['case_id']}#{row['repeat']}"


def diff_reports(report: Mapping[str, Any], baseline: Mapping[str, Any], label: str) -> ReportDiff:
    before = {case_key(r): r for r in baseline["cases"]}
    now = {case_key(r): r for r in report["cases"]}
    shared = [k for k in now if k in before]
    regressed, fixed = [], []
    for key in shared:
        old, new = before[key]["status"], now[key]["status"]
        flip = Flip(
            str(now[key]["case_id"]),
            int(now[key]["repeat"]),
            old,
            new,
            tuple(now[key].get("failed_checks", ())),
        )
        if old == "passed" and new in ("failed", "errored"):
            regressed.append(flip)
        elif old in ("failed", "errored") and new == "passed":
            fixed.append(flip)
    names = ["pass_rate", *dict.fromkeys([*report["summary"]["metrics"]])]
    deltas = [d for n in names if (d := _delta(n, shared, before, now)) is not None]
    return ReportDiff(
        label=label,
        baseline_run_id=str(baseline["run_id"]),
        shared=len(shared),
        regressed=tuple(regressed),
        fixed=tuple(fixed),
        deltas=tuple(deltas),
        before_status={k: str(r["status"]) for k, r in before.items()},
    )


def _value(row: Mapping[str, Any], name: str) -> float | None:
    if name == "pass_rate":
        status = row["status"]
        return (1.0 if status == "passed" else 0.0) if status in CHECKED else None
    score = row.get("scores", {}).get(name)
    if not score or score.get("value") is None:
        return None
    return float(score["value"])


def _delta(
    name: str,
    shared: Sequence[str],
    before: Mapping[str, Mapping[str, Any]],
    now: Mapping[str, Mapping[str, Any]],
) -> MetricDelta | None:
    pairs = [
        (b, a)
        for k in shared
        if (b := _value(before[k], name)) is not None and (a := _value(now[k], name)) is not None
    ]
    if not pairs:
        return None
    n = len(pairs)
    diffs = [a - b for b, a in pairs]
    mean = sum(diffs) / n
    ci = None
    if n >= 2 and all(d == 0.0 and math.copysign(1.0, d) > 0 for d in diffs):
        ci = (0.0, 0.0)  # what the bootstrap gives when nothing changed, without numpy
    elif n >= 2:  # a bootstrap of the paired differences, as the gate and the aggregates do
        import numpy as np

        from llmops_cli.stats.bootstrap import resampled_means

        draws = resampled_means(diffs, BOOTSTRAP_SAMPLES, SEED)
        low, high = np.percentile(draws, [2.5, 97.5])
        ci = (float(low), float(high))
    metric = info(name)
    return MetricDelta(
        name,
        n,
        higher_is_better=metric is None or metric.higher_is_better,
        before=sum(b for b, _ in pairs) / n,
        after=sum(a for _, a in pairs) / n,
        delta=mean,
        ci95=ci,
    )

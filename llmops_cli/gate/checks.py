"""The quality gate: pass or fail a report against its thresholds and a baseline report.

Pure: takes parsed reports and the thresholds manifest, returns a GateVerdict; no I/O.
- absolute thresholds (`min`/`max`, severity fail or warn; `stat` picks the aggregate);
- the error-rate ceiling;
- "unmeasured" when the report lacks a metric the thresholds name (a fail unless severity warn);
- regression against the baseline on the cases both runs share: a paired bootstrap of the
  per-case difference. It fails only when we are `confidence` sure the drop exceeds
  `max_drop` (so noise-level differences pass), and lists the cases that flipped pass -> fail;
- a report whose fingerprint differs from the pipeline as it is now is stale evidence: fail;
- a partial report (`--limit`, `--filter`) is no evidence for the whole golden set: fail, or
  a warning with `allow_partial` (the verdict then records `partial`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmops_cli.contracts.report import CaseRow, EvalReport
from llmops_cli.contracts.verdict import CheckStatus, GateCheck, GateVerdict
from llmops_cli.metrics import info

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

BOOTSTRAP_SAMPLES = 4000
SEED = 7


def observed_value(report: EvalReport, name: str, stat: str) -> float | None:
    """The aggregate a threshold talks about, or None when the report lacks it."""
    s = report.summary
    if name == "pass_rate":
        return s.pass_rate.mean
    if name == "error_rate":
        return s.error_rate
    if name == "latency":
        value: float | None = getattr(s.latency_ms, "mean" if stat == "mean" else stat, None)
        return value
    if name == "tokens":
        return s.tokens.mean
    if name == "cost":
        per_1k = s.cost_usd.per_1k_requests
        return None if per_1k is None else per_1k / 1000
    metric = s.metrics.get(name)
    if metric is None:
        return None
    if stat == "pass_rate":
        return metric.pass_rate.mean if metric.pass_rate else None
    return metric.mean


def check_gate(
    report: EvalReport,
    thresholds: Mapping[str, Any],
    baseline: EvalReport | None = None,
    *,
    strict: bool = False,
    current_fingerprint: str | None = None,
    baseline_note: str = "",
    allow_partial: bool = False,
) -> GateVerdict:
    checks: list[GateCheck] = []
    if report.partial:
        checks.append(coverage_check(report, allow_partial))
    if current_fingerprint is not None and current_fingerprint != report.fingerprint:
        checks.append(
            GateCheck(
                name="fingerprint",
                kind="fingerprint",
                status="fail",
                observed=None,
                expected=current_fingerprint[:12],
                detail=f"the report was made from {report.fingerprint[:12]}, but the pipeline's "
                "manifests, golden set or corpus have changed since; run `llmops eval` again",
            )
        )
    for name, rule in thresholds.get("metrics", {}).items():
        checks.append(threshold_check(report, name, rule))
    ceiling = thresholds.get("max_error_rate")
    if ceiling is not None:
        rate = report.summary.error_rate
        checks.append(
            GateCheck(
                name="error_rate",
                kind="error_rate",
                status="pass" if rate <= ceiling else "fail",
                observed=rate,
                expected=f"<= {ceiling:g}",
            )
        )
    flipped: tuple[str, ...] = ()
    regression = thresholds.get("regression")
    if baseline is not None and regression is not None:
        checks += regression_checks(report, baseline, thresholds, regression)
        flipped = flipped_cases(report, baseline)
    if strict:
        checks = [replace(c, status="fail") if c.status == "warn" else c for c in checks]
    passed = not any(c.status == "fail" for c in checks)
    return GateVerdict(
        passed=passed,
        pipeline=report.pipeline,
        run_id=report.run_id,
        fingerprint=report.fingerprint,
        baseline_run_id=None if baseline is None else baseline.run_id,
        checks=tuple(checks),
        flipped=flipped,
        strict=strict,
        baseline_note=baseline_note,
        verdict="pass" if passed else "fail",
        partial=report.partial,
        finished_at=report.finished_at,
    )


def coverage_check(report: EvalReport, allow_partial: bool) -> GateCheck:
    """A partial report's verdict says nothing about the cases it left out."""
    covered, total = report.covered_cases, report.golden_set.cases
    return GateCheck(
        name="coverage",
        kind="coverage",
        status="warn" if allow_partial else "fail",
        observed=float(covered),
        expected=f"{total} cases",
        detail=f"the report covers {covered} of {total} golden cases ({report.narrowed_by})"
        + (": partial evidence, allowed" if allow_partial else ": gate the whole golden set"),
    )


def threshold_check(report: EvalReport, name: str, rule: Mapping[str, Any]) -> GateCheck:
    """One `metrics:` entry of the thresholds: `min`/`max` on the aggregate `stat` picks."""
    stat = rule.get("stat", "mean")
    value = observed_value(report, name, stat)
    severity: CheckStatus = rule.get("severity", "fail")
    expected = " and ".join(
        f"{'>=' if b == 'min' else '<='} {rule[b]:g}" for b in ("min", "max") if b in rule
    )
    label = name if stat == "mean" else f"{name} ({stat})"
    if value is None:
        why = (
            "no case has a pass/fail check"
            if name == "pass_rate"
            else "the report has no such metric"
        )
        return GateCheck(
            name=label,
            kind="unmeasured",
            status=severity,
            observed=None,
            expected=expected,
            detail=why,
        )
    ok = ("min" not in rule or value >= rule["min"]) and ("max" not in rule or value <= rule["max"])
    over = f"over {report.summary.pass_rate.n} checked cases" if name == "pass_rate" else ""
    return GateCheck(
        name=label,
        kind="threshold",
        status="pass" if ok else severity,
        observed=value,
        expected=expected,
        detail=over,
    )


def regression_checks(
    report: EvalReport,
    baseline: EvalReport,
    thresholds: Mapping[str, Any],
    regression: Mapping[str, Any],
) -> list[GateCheck]:
    # by default only [0, 1] scores: max_drop is an absolute drop in a score, and means
    # nothing for milliseconds or dollars (list those in regression.metrics to compare
    # them as a relative change)
    names = regression.get("metrics") or [
        "pass_rate",
        *(n for n in thresholds.get("metrics", {}) if (m := info(n)) is None or m.unit_interval),
    ]
    found = (
        regression_check(
            report,
            baseline,
            name,
            float(regression.get("max_drop", 0.0)),
            float(regression.get("confidence", 0.95)),
        )
        for name in dict.fromkeys(names)
    )
    return [c for c in found if c is not None]


def _per_case(report: EvalReport, name: str) -> dict[tuple[str, int], float]:
    out = {}
    for row in report.cases:
        key = (row.case_id, row.repeat)
        value = _case_value(row, name)
        if value is not None:
            out[key] = value
    return out


def _case_value(row: CaseRow, name: str) -> float | None:
    if name == "pass_rate":  # checked cases only: errored and `scored` ones have no verdict
        return (1.0 if row.status == "passed" else 0.0) if row.checked else None
    if name == "latency":
        return row.latency_ms
    score = row.scores.get(name)
    return None if score is None or score.value is None else float(score.value)


def paired_bootstrap_upper(diffs: npt.NDArray[np.float64], confidence: float) -> float:
    """One-sided `confidence` upper bound on the mean of paired differences (seeded, so the
    same reports always give the same verdict)."""
    import numpy as np

    from llmops_cli.stats.bootstrap import resampled_means

    means = resampled_means(diffs, BOOTSTRAP_SAMPLES, SEED)
    return float(np.percentile(means, confidence * 100))


def regression_check(
    report: EvalReport,
    baseline: EvalReport,
    name: str,
    max_drop: float,
    confidence: float,
) -> GateCheck | None:
    """Paired bootstrap on shared cases; None when fewer than 2 cases are shared."""
    current, before = _per_case(report, name), _per_case(baseline, name)
    shared = sorted(set(current) & set(before))
    if len(shared) < 2:
        return None
    metric = info(name)
    sign = -1.0 if metric is not None and not metric.higher_is_better else 1.0
    import numpy as np

    diffs = sign * (np.array([current[k] for k in shared]) - np.array([before[k] for k in shared]))
    if name == "latency":  # compare relative change for latency: a drop is a slowdown
        base = float(np.mean([before[k] for k in shared])) or 1.0
        diffs = diffs / base
    upper = paired_bootstrap_upper(diffs, confidence)
    change = float(diffs.mean())
    detail = (
        f"{len(shared)} shared cases; change {change:+.3f}, {confidence:.0%} upper bound "
        f"{upper:+.3f}"
    )
    return GateCheck(
        name=f"{name} vs baseline",
        kind="regression",
        status="fail" if upper < -max_drop else "pass",
        observed=change,
        expected=f"drop <= {max_drop:g} at {confidence:.0%}",
        detail=detail,
        bound=upper,
        shared_cases=len(shared),
    )


def flipped_cases(report: EvalReport, baseline: EvalReport) -> tuple[str, ...]:
    before = {(r.case_id, r.repeat): r.status for r in baseline.cases}
    return tuple(
        r.case_id
        for r in report.cases
        if r.status in ("failed", "errored") and before.get((r.case_id, r.repeat)) == "passed"
    )

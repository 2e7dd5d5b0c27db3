"""The quality gate: pass or fail a report against its thresholds and a baseline report.

Pure: takes parsed reports and the thresholds manifest, returns a GateVerdict; no I/O.
- absolute thresholds (`min`/`max`, severity fail or warn; `stat` picks the aggregate);
- the error-rate ceiling;
- "unmeasured" when the report lacks a metric the thresholds name (a fail unless severity warn);
- regression against the baseline on the cases both runs share: a paired bootstrap of the
  per-case difference. It fails only when we are `confidence` sure the drop exceeds
  `max_drop` (so noise-level differences pass), and lists the cases that flipped pass -> fail;
- a report whose fingerprint differs from the pipeline as it is now is stale evidence: fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from llmops_cli.metrics import info

BOOTSTRAP_SAMPLES = 4000
SEED = 7


@dataclass(frozen=True)
class GateCheck:
    name: str
    kind: str  # threshold | error_rate | unmeasured | regression | fingerprint
    status: str  # pass | warn | fail
    observed: float | None
    expected: str
    detail: str = ""


@dataclass(frozen=True)
class GateVerdict:
    passed: bool
    pipeline: str
    run_id: str
    fingerprint: str
    baseline_run_id: str | None
    checks: tuple[GateCheck, ...]
    flipped: tuple[str, ...]
    strict: bool
    baseline_note: str = ""  # which baseline, or why there is none (e.g. a first release)

    @property
    def failures(self) -> tuple[GateCheck, ...]:
        return tuple(c for c in self.checks if c.status == "fail")

    @property
    def warnings(self) -> tuple[GateCheck, ...]:
        return tuple(c for c in self.checks if c.status == "warn")

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["verdict"] = "pass" if self.passed else "fail"
        return out


def observed_value(report: Mapping[str, Any], name: str, stat: str) -> float | None:
    """The aggregate a threshold talks about, or None when the report lacks it."""
    s = report["summary"]
    if name == "pass_rate":
        return _f(s["pass_rate"]["mean"])
    if name == "error_rate":
        return _f(s["error_rate"])
    if name == "latency":
        return _f(s["latency_ms"]["mean" if stat == "mean" else stat])
    if name == "tokens":
        return _f(s["tokens"]["mean"])
    if name == "cost":
        per_1k = s["cost_usd"]["per_1k_requests"]
        return None if per_1k is None else per_1k / 1000
    metric = s["metrics"].get(name)
    if metric is None:
        return None
    if stat == "pass_rate":
        return _f(metric["pass_rate"]["mean"]) if metric["pass_rate"] else None
    return _f(metric["mean"])


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def check_gate(
    report: Mapping[str, Any],
    thresholds: Mapping[str, Any],
    baseline: Mapping[str, Any] | None = None,
    *,
    strict: bool = False,
    current_fingerprint: str | None = None,
) -> GateVerdict:
    checks: list[GateCheck] = []
    if current_fingerprint is not None and current_fingerprint != report["fingerprint"]:
        checks.append(
            GateCheck(
                "fingerprint",
                "fingerprint",
                "fail",
                None,
                current_fingerprint[:12],
                f"the report was made from {report['fingerprint'][:12]}, but the pipeline's "
                "manifests, golden set or corpus have changed since; run `llmops eval` again",
            )
        )
    for name, rule in thresholds.get("metrics", {}).items():
        stat = rule.get("stat", "mean")
        value = observed_value(report, name, stat)
        severity = rule.get("severity", "fail")
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
            checks.append(GateCheck(label, "unmeasured", severity, None, expected, why))
            continue
        ok = ("min" not in rule or value >= rule["min"]) and (
            "max" not in rule or value <= rule["max"]
        )
        over = (
            f"over {report['summary']['pass_rate']['n']} checked cases"
            if name == "pass_rate"
            else ""
        )
        checks.append(
            GateCheck(label, "threshold", "pass" if ok else severity, value, expected, over)
        )
    ceiling = thresholds.get("max_error_rate")
    if ceiling is not None:
        rate = float(report["summary"]["error_rate"])
        checks.append(
            GateCheck(
                "error_rate",
                "error_rate",
                "pass" if rate <= ceiling else "fail",
                rate,
                f"<= {ceiling:g}",
            )
        )
    flipped: tuple[str, ...] = ()
    regression = thresholds.get("regression")
    if baseline is not None and regression is not None:
        # by default only [0, 1] scores: max_drop is an absolute drop in a score, and means
        # nothing for milliseconds or dollars (list those in regression.metrics to compare
        # them as a relative change)
        names = regression.get("metrics") or [
            "pass_rate",
            *(
                n
                for n in thresholds.get("metrics", {})
                if (m := info(n)) is None or m.unit_interval
            ),
        ]
        for name in dict.fromkeys(names):
            found = regression_check(
                report,
                baseline,
                name,
                float(regression.get("max_drop", 0.0)),
                float(regression.get("confidence", 0.95)),
            )
            if found is not None:
                checks.append(found)
        flipped = flipped_cases(report, baseline)
    if strict:
        checks = [
            GateCheck(
                c.name,
                c.kind,
                "fail" if c.status == "warn" else c.status,
                c.observed,
                c.expected,
                c.detail,
            )
            for c in checks
        ]
    return GateVerdict(
        passed=not any(c.status == "fail" for c in checks),
        pipeline=str(report["pipeline"]),
        run_id=str(report["run_id"]),
        fingerprint=str(report["fingerprint"]),
        baseline_run_id=None if baseline is None else str(baseline["run_id"]),
        checks=tuple(checks),
        flipped=flipped,
        strict=strict,
    )


def _per_case(report: Mapping[str, Any], name: str) -> dict[tuple[str, int], float]:
    out = {}
    for row in report["cases"]:
        key = (row["case_id"], row["repeat"])
        if name == "pass_rate":  # checked cases only: errored and `scored` ones have no verdict
            if row["status"] in ("passed", "failed"):
                out[key] = 1.0 if row["status"] == "passed" else 0.0
        elif name == "latency":
            if row.get("latency_ms") is not None:
                out[key] = float(row["latency_ms"])
        else:
            score = row.get("scores", {}).get(name)
            if score and score["value"] is not None:
                out[key] = float(score["value"])
    return out


def regression_check(
    report: Mapping[str, Any],
    baseline: Mapping[str, Any],
    name: str,
    max_drop: float,
    confidence: float,
) -> GateCheck | None:
    """Paired bootstrap on shared cases; None when fewer than 2 cases are shared."""
    import numpy as np

    current, before = _per_case(report, name), _per_case(baseline, name)
    shared = sorted(set(current) & set(before))
    if len(shared) < 2:
        return None
    metric = info(name)
    sign = -1.0 if metric is not None and not metric.higher_is_better else 1.0
    diffs = sign * (np.array([current[k] for k in shared]) - np.array([before[k] for k in shared]))
    if name == "latency":  # compare relative change for latency: a drop is a slowdown
        base = float(np.mean([before[k] for k in shared])) or 1.0
        diffs = diffs / base
    from llmops_cli.stats.bootstrap import resampled_means

    means = resampled_means(diffs, BOOTSTRAP_SAMPLES, SEED)
    upper = float(np.percentile(means, confidence * 100))  # one-sided bound on the change
    change = float(diffs.mean())
    failed = upper < -max_drop
    detail = (
        f"{len(shared)} shared cases; change {change:+.3f}, {confidence:.0%} upper bound "
        f"{upper:+.3f}"
    )
    return GateCheck(
        f"{name} vs baseline",
        "regression",
        "fail" if failed else "pass",
        change,
        f"drop <= {max_drop:g} at {confidence:.0%}",
        detail,
    )


def flipped_cases(report: Mapping[str, Any], baseline: Mapping[str, Any]) -> tuple[str, ...]:
    before = {(r["case_id"], r["repeat"]): r["status"] for r in baseline["cases"]}
    return tuple(
        r["case_id"]
        for r in report["cases"]
        if r["status"] in ("failed", "errored")
        and before.get((r["case_id"], r["repeat"])) == "passed"
    )


def verdict_markdown(verdict: GateVerdict, checks: Sequence[GateCheck] | None = None) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY and PR comments."""
    icon = {"pass": "✅", "warn": "⚠️", "fail": "❌"}
    lines = [
        f"## llmops gate: {verdict.pipeline} — {'PASSED' if verdict.passed else 'FAILED'}",
        "",
        f"Run `{verdict.run_id}`"
        + (
            f" vs baseline `{verdict.baseline_run_id}`"
            if verdict.baseline_run_id
            else f" ({verdict.baseline_note or 'no baseline'})"
        ),
        "",
        "| | check | observed | expected | detail |",
        "|---|---|---|---|---|",
    ]
    for c in checks if checks is not None else verdict.checks:
        observed = "–" if c.observed is None else f"{c.observed:.4g}"
        lines.append(f"| {icon[c.status]} | {c.name} | {observed} | {c.expected} | {c.detail} |")
    if verdict.flipped:
        lines += [
            "",
            f"Cases that flipped pass → fail ({len(verdict.flipped)}): "
            + ", ".join(f"`{c}`" for c in verdict.flipped[:50]),
        ]
    return "\n".join(lines) + "\n"

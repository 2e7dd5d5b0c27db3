"""A canary decision as the text `llmops canary analyze` prints (no I/O)."""

from __future__ import annotations

from llmops_cli.contracts.canary import NO_VARIANCE, CanaryDecision, MetricComparison


def summary_lines(result: CanaryDecision) -> list[str]:
    lines = [
        f"canary {result.arm_field}: {result.control} (n={result.n.control}) vs "
        f"{result.treatment} (n={result.n.treatment}), {result.mode}"
        + (", sequential" if result.sequential else "")
    ]
    lines += [_metric_line(r) for r in result.metrics]
    srm = result.sample_ratio
    if srm.mismatch:
        lines.append(
            f"  SAMPLE RATIO MISMATCH: treatment share {srm.observed_treatment_share:.3f} vs "
            f"planned {srm.planned_treatment_share:.3f} (p {srm.p:.2g})"
        )
    bad = result.bad_records
    if bad.count:
        by_arm = ", ".join(f"{arm} {n}" for arm, n in bad.by_arm.items())
        lines.append(
            f"  {bad.count} of {bad.records} records unusable and skipped "
            f"({bad.malformed} malformed; wrong-typed by arm: {by_arm}); "
            f"first: {bad.examples[0]}"
        )
    if (j := result.judge) is not None:
        lines.append(
            f"  judge win rate (position-swapped) {j.win_rate:.3f} over {j.pairs} pairs; "
            f"order consistency {j.order_consistency:.2f}; sign-test p {j.p:.2g}"
        )
    lines.append(f"decision: {result.decision.upper()} — " + "; ".join(result.reasons))
    return lines


def _metric_line(r: MetricComparison) -> str:
    if r.p is None:
        return f"  {r.name:<22} insufficient data (n={list(r.n)})"
    # sequential: the interval that stays valid under repeated looks (for the difference in
    # means, which the mSPRT tests), so it agrees with the always-valid p
    interval = r.always_valid_ci or r.ci95
    assert interval is not None and r.effect is not None and r.p_adjusted is not None
    low, high = interval
    if r.status == NO_VARIANCE:
        return (
            f"  {r.name:<22} {r.control:>10.4g} -> {r.treatment:<10.4g} "
            f"does not vary (one value per arm): no sample-size estimate  {r.verdict}"
        )
    return (
        f"  {r.name:<22} {r.control:>10.4g} -> {r.treatment:<10.4g} "
        f"effect {r.effect:+.4g} [{low:+.3g}, {high:+.3g}]  "
        f"p {r.p:.2g} (adj {r.p_adjusted:.2g})  {r.verdict}"
    )

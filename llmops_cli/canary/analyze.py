"""`llmops canary analyze`: compare a control and a treatment arm in production logs and
decide promote / hold / roll back, with the statistics as evidence (DESIGN §9).

Independent arms (canary, A/B): one record per request, an arm field (prompt_version by
default). Shadow mode (`pair_field`): both arms answered the same request, so each metric is
compared pair by pair (Wilcoxon signed-rank, sign test), and an LLM judge's verdicts given in
both presentation orders cancel its position bias. Reading the records is records.py, the
comparisons compare.py; this module adjusts across metrics and decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd

from llmops_cli.canary import stats
from llmops_cli.canary.compare import independent, judge, paired
from llmops_cli.canary.config import KNOWN, SRM_ALPHA, CanaryConfig
from llmops_cli.canary.records import default_metrics, screen_records
from llmops_cli.contracts.canary import (
    NO_VARIANCE,
    ArmCounts,
    CanaryDecision,
    Decision,
    MetricComparison,
    SampleRatio,
)
from llmops_cli.drift.logs import BadRecords
from llmops_cli.errors import LlmopsError
from llmops_cli.stats import adjust


def decide(
    rows: Sequence[MetricComparison], srm_mismatch: bool, alpha: float
) -> tuple[Decision, list[str]]:
    if srm_mismatch:
        return "hold", ["sample ratio mismatch: arm sizes do not match the planned split; fix "
                        "assignment or logging before trusting any metric"]  # fmt: skip
    tested = [r for r in rows if r.tested]
    worse = [r for r in tested if r.verdict == "worse"]
    better = [r for r in tested if r.verdict == "better"]
    if worse:
        return "rollback", [_moved(r) for r in worse]
    if better:
        return "promote", [_moved(r) for r in better]
    short = [r for r in tested if _underpowered(r)]
    missing = [r for r in rows if not r.tested]
    if not short and not missing and tested:
        return "promote", [
            "no metric differs and every metric has the sample to detect its minimum effect"
        ]
    needs = [
        f"{r.name}: {min(r.n)} per arm of ~{r.required_per_arm_for_mde} needed to "
        f"detect {r.mde:.3g}"
        for r in short
    ] + [f"{r.name}: not enough data" for r in missing]
    return "hold", ["no significant difference yet", *needs]


def _moved(r: MetricComparison) -> str:
    return (
        f"{r.name} is {r.verdict}: {r.control:.4g} -> {r.treatment:.4g} "
        f"(adjusted p {r.p_adjusted:.2g})"
    )


def _underpowered(r: MetricComparison) -> bool:
    if r.status == NO_VARIANCE:  # one value per arm: more data would show the same
        return False
    needed = r.required_per_arm_for_mde
    assert needed is not None  # every tested metric has one
    return needed < 0 or min(r.n) < needed


def _with_verdict(r: MetricComparison, adjusted: float, config: CanaryConfig) -> MetricComparison:
    assert r.effect is not None
    improved = (r.effect > 0) == (r.better == "higher")
    verdict = ("better" if improved else "worse") if adjusted < config.alpha else "no difference"
    return replace(r, p_adjusted=adjusted, verdict=verdict)


def analyze(
    frame: pd.DataFrame, config: CanaryConfig, source: str, bad: BadRecords | None = None
) -> CanaryDecision:
    arms = frame[config.arm_field].value_counts(dropna=True)
    for label in (config.control, config.treatment):
        if label not in arms:
            seen = ", ".join(map(str, arms.index[:10])) or "none"
            raise LlmopsError(
                f"{source}: no record has {config.arm_field}={label!r} (arms seen: {seen})"
            )
    n_a, n_b = int(arms[config.control]), int(arms[config.treatment])
    metrics = list(config.metrics) or default_metrics(frame)
    if not metrics:
        raise LlmopsError(f"{source}: none of {', '.join(KNOWN)} is in the logs; name --metric")
    config.metrics = metrics
    bad_records = screen_records(frame, config, source, bad or BadRecords(config.on_bad_record))
    rows = paired(frame, config) if config.pair_field else independent(frame, config)
    adjusted = iter(adjust([r.p for r in rows if r.p is not None], config.correction))
    rows = [_with_verdict(r, next(adjusted), config) if r.p is not None else r for r in rows]
    srm_p = stats.sample_ratio_p(n_a, n_b, config.treatment_share)
    srm = SampleRatio(
        planned_treatment_share=config.treatment_share,
        observed_treatment_share=n_b / (n_a + n_b),
        p=srm_p,
        mismatch=bool(srm_p < SRM_ALPHA) and not config.pair_field,
    )
    decision, reasons = decide(rows, srm.mismatch, config.alpha)
    return CanaryDecision(
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        logs=source,
        arm_field=config.arm_field,
        control=config.control,
        treatment=config.treatment,
        mode="paired" if config.pair_field else "independent",
        n=ArmCounts(n_a, n_b),
        alpha=config.alpha,
        correction=config.correction,
        sequential=config.sequential,
        sample_ratio=srm,
        bad_records=bad_records,
        metrics=tuple(rows),
        decision=decision,
        reasons=tuple(reasons),
        judge=judge(frame, config) if config.judge_fields and config.pair_field else None,
    )

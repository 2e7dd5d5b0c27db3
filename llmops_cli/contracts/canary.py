"""The canary decision (`canary analyze --out`, `promote --evidence`): promote / hold /
roll back, with each metric's comparison as evidence. Returned by `api.canary_analyze`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from llmops_cli.contracts.base import Contract

Decision = Literal["promote", "hold", "rollback"]
INSUFFICIENT, NO_VARIANCE = "insufficient_data", "no_variance"


@dataclass(frozen=True, kw_only=True)
class MetricComparison(Contract):
    """One metric, control vs treatment. A metric without enough data has only the spec,
    `status` and `n`; a tested one has the rest. Absent fields are left out of the JSON."""

    OPTIONAL: ClassVar[frozenset[str]] = frozenset(
        {"always_valid_ci", "test", "control", "treatment", "effect", "ci95", "p"}
        | {"required_per_arm_for_mde", "required_per_arm_for_observed", "p_adjusted"}
        | {"verdict", "status"}
    )

    name: str
    kind: str  # rate | mean | distribution
    better: str  # higher | lower
    mde: float | None  # smallest effect worth detecting, in the metric's unit
    always_valid_ci: tuple[float, float] | None = None  # sequential mode (mSPRT)
    test: str | None = None
    control: float | None = None  # the arm's rate, mean or median
    treatment: float | None = None
    effect: float | None = None  # treatment - control
    ci95: tuple[float, float] | None = None
    p: float | None = None
    n: tuple[int, int] = (0, 0)  # (control, treatment)
    required_per_arm_for_mde: int | None = None  # -1: no effect to detect; none: no variance
    required_per_arm_for_observed: int | None = None
    p_adjusted: float | None = None  # Holm or BH across the tested metrics
    verdict: str | None = None  # better | worse | no difference
    # insufficient_data (not tested), or no_variance: one value per arm, tested (equal or
    # not) with no sample size to estimate
    status: str | None = None

    @property
    def tested(self) -> bool:
        return self.p_adjusted is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            k: v for k, v in super().to_dict().items() if v is not None or k not in self.OPTIONAL
        }


@dataclass(frozen=True)
class ArmCounts(Contract):
    control: int
    treatment: int


@dataclass(frozen=True)
class SampleRatio(Contract):
    planned_treatment_share: float
    observed_treatment_share: float
    p: float
    mismatch: bool  # the split is this unlikely: assignment or logging is broken


@dataclass(frozen=True)
class CanaryBadRecords(Contract):
    count: int
    records: int
    malformed: int  # lines that were no JSON object
    by_arm: dict[str, int]  # wrong-typed metric values per arm
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class JudgeWinRate(Contract):
    """A pairwise judge's verdicts in both presentation orders (shadow mode)."""

    pairs: int
    wins: int
    losses: int
    ties_or_inconsistent: int
    win_rate: float | None
    order_consistency: float | None
    p: float  # sign test of wins vs losses


@dataclass(frozen=True, kw_only=True)
class CanaryDecision(Contract):
    KIND: ClassVar[str] = "canary decision"
    SCHEMA_VERSION: ClassVar[int] = 1

    schema_version: int = SCHEMA_VERSION
    kind: Literal["canary"] = "canary"
    generated_at: str
    logs: str
    arm_field: str
    control: str
    treatment: str
    mode: str  # independent | paired
    n: ArmCounts
    alpha: float
    correction: str  # holm | bh
    sequential: bool
    sample_ratio: SampleRatio
    bad_records: CanaryBadRecords
    metrics: tuple[MetricComparison, ...]
    decision: Decision
    reasons: tuple[str, ...]
    judge: JudgeWinRate | None = None

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.judge is None:
            del out["judge"]
        return out

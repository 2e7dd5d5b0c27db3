"""What `canary analyze` compares: the metric specs (`NAME:KIND:higher@MDE`), the fields a
known metric has, and the settings of one analysis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from llmops_cli.errors import LlmopsError

KINDS = ("rate", "mean", "distribution")
# what a field usually is, and which way is better
KNOWN: dict[str, tuple[str, str]] = {
    "success": ("rate", "higher"),
    "thumbs_up": ("rate", "higher"),
    "resolved": ("rate", "higher"),
    "error": ("rate", "lower"),
    "guardrail_triggered": ("rate", "lower"),
    "refusal": ("rate", "lower"),
    "judge_score": ("mean", "higher"),
    "latency_ms": ("distribution", "lower"),
    "cost_usd": ("distribution", "lower"),
    "completion_tokens": ("distribution", "lower"),
}
SRM_ALPHA = 0.001  # a split this unlikely means assignment or logging is broken
DEFAULT_MDE_RATE = 0.02  # two percentage points
DEFAULT_MDE_SD = 0.2  # a "small" standardised effect (Cohen's d)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: str
    better: str
    mde: float | None = None  # smallest effect worth detecting, in the metric's unit


def parse_metric(text: str) -> MetricSpec:
    """`NAME`, `NAME:KIND`, `NAME:KIND:higher|lower` or `NAME:higher|lower` (with an optional
    `@MDE` at the end, e.g. `judge_score:mean:higher@0.05`)."""
    body, _, mde_text = text.partition("@")
    name, *rest = body.split(":")
    kind, better = KNOWN.get(name, (None, None))
    for part in rest:
        if part in KINDS:
            kind = part
        elif part in ("higher", "lower"):
            better = part
        else:
            raise LlmopsError(
                f"--metric {text}: unknown {part!r}; use NAME[:rate|mean|distribution]"
                "[:higher|lower][@MDE]"
            )
    if kind is None or better is None:
        raise LlmopsError(
            f"--metric {text}: {name!r} is not a known metric; say what it is and which way is "
            f"better, e.g. {name}:mean:higher"
        )
    try:
        mde = float(mde_text) if mde_text else None
    except ValueError:
        raise LlmopsError(f"--metric {text}: @{mde_text} is not a number") from None
    if mde is not None and not mde > 0:
        raise LlmopsError(
            f"--metric {text}: @MDE is the smallest difference worth detecting, in the "
            f"metric's unit: a positive number, not {mde_text}"
        )
    return MetricSpec(name, kind, better, mde)


@dataclass
class CanaryConfig:
    arm_field: str = "prompt_version"
    control: str = ""
    treatment: str = ""
    metrics: Sequence[MetricSpec] = ()
    alpha: float = 0.05
    correction: str = "holm"
    treatment_share: float = 0.5  # the planned split, for the sample-ratio check
    sequential: bool = False
    power: float = 0.8
    timestamp_field: str = "timestamp"
    pair_field: str | None = None
    judge_fields: tuple[str, str] | None = None  # verdicts with control shown first, then second
    on_bad_record: str = "skip"  # or "error": stop at the first unusable record
    max_bad_fraction: float = 0.01  # of all records, or of either arm's, as drift-check
    notes: list[str] = field(default_factory=list)

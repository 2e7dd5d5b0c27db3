"""What every metric name means: its range and its direction. Scorers, thresholds and the
gate all read this table, so a threshold on a [0, 1] score cannot say `min: 80`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInfo:
    unit_interval: bool  # values lie in [0, 1]
    higher_is_better: bool
    unit: str = ""


_SCORE = MetricInfo(unit_interval=True, higher_is_better=True)
_LEAK = MetricInfo(unit_interval=True, higher_is_better=False)

METRICS: dict[str, MetricInfo] = {
    **{
        name: _SCORE
        for name in (
            "exact",
            "contains",
            "icontains",
            "not_contains",
            "regex",
            "json_valid",
            "json_schema",
            "length",
            "token_f1",
            "rouge_l",
            "embedding_similarity",
            "context_recall",
            "context_precision",
            "judge",
            "faithfulness",
            "relevance",
            "completeness",
            "refuses",
            "pass_rate",
        )
    },
    **{name: _LEAK for name in ("pii_leak", "injection_echo", "toxicity", "refusal", "error_rate")},
    "latency": MetricInfo(unit_interval=False, higher_is_better=False, unit="ms"),
    "tokens": MetricInfo(unit_interval=False, higher_is_better=False, unit="tokens"),
    "cost": MetricInfo(unit_interval=False, higher_is_better=False, unit="USD"),
}

# Reported on every run whatever the scorers: thresholds may name them without a scorer.
ALWAYS_MEASURED = frozenset({"pass_rate", "error_rate", "latency", "tokens", "cost"})


def info(name: str) -> MetricInfo | None:
    return METRICS.get(name)

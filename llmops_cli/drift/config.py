"""Drift settings: which log fields are watched, with which test and thresholds (DESIGN §7).

The thresholds manifest's `drift:` section overrides these defaults. Without a `signals`
map, the default signals below are watched for whichever of their fields the logs hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

# Per kind: the thresholds a signal of that kind takes, with their defaults.
# `direction` is the direction of harm (up, down or both): a move that way is graded fully; a
# move the other way is still reported, at most as a warning.
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "numeric": {
        "psi_warn": 0.1,
        "psi_alert": 0.25,
        "p99_ratio": None,
        "direction": "both",
        "quantiles": (0.5, 0.95),
        "ratio_warn": None,  # quantile-ratio check (current / reference), off unless set
        "ratio_alert": None,
    },
    "categorical": {"jsd_warn": 0.1, "jsd_alert": 0.2, "unseen_warn": 0.02, "unseen_alert": 0.05},
    "rate": {"warn_increase": 0.01, "alert_increase": 0.03, "direction": "up"},
    "quality": {"max_drop": 0.05, "direction": "down"},
    "text": {"auc_warn": 0.6, "auc_alert": 0.7},
    "freshness": {
        "max_age_days": 365,
        "max_stale_share": None,
        "warn_increase": 0.05,
        "alert_increase": 0.1,
        "direction": "up",
    },
}
_LEGACY_DIRECTIONS = {"increase": "up", "decrease": "down"}

DEFAULT_ACTIONS = {
    "numeric": "compare with the prompt and model versions serving; re-evaluate if inputs changed",
    "categorical": "check what is deployed: unexpected models or prompt versions are serving",
    "rate": "inspect the failing requests; switch to the fallback model if the provider degrades",
    "quality": "re-evaluate against the golden set (`llmops eval`) and consider `llmops rollback`",
    "text": "queries moved to new topics: extend the golden set and re-evaluate",
    "freshness": "re-index the corpus: retrieval is serving stale documents",
}

# Watched when the manifest names no signals and the logs hold the field.
DEFAULT_SIGNALS: dict[str, dict[str, Any]] = {
    "latency_ms": {
        "type": "numeric",
        "direction": "up",
        "p99_ratio": 2.0,
        "ratio_warn": 1.1,  # p50 or p95 10% above the reference: an SLO owner wants to know
        "ratio_alert": 1.25,
        "action": "check the provider's status; switch to the fallback model",
    },
    "prompt_tokens": {
        "type": "numeric",
        "action": "inputs grew or shrank: review prompt and retrieval changes",
    },
    "completion_tokens": {
        "type": "numeric",
        "action": "answers changed length: review the prompt and model version",
    },
    "cost_usd": {
        "type": "numeric",
        "direction": "up",
        "action": "check model routing and token use",
    },
    "judge_score": {"type": "quality"},
    "model": {"type": "categorical"},
    "prompt_version": {"type": "categorical"},
    "error": {"type": "rate"},
    "guardrail_triggered": {
        "type": "rate",
        "action": "review flagged inputs for abuse; tighten guardrails",
    },
    "refusal": {"type": "rate", "action": "review refusals: prompt or policy change?"},
    "cache_hit": {
        "type": "rate",
        "direction": "down",  # fewer hits: more calls, cost and latency
        "action": "check the cache: keys changed (prompt or model version?) or entries expire",
    },
    "query": {"type": "text"},
    "retrieved_doc_dates": {"type": "freshness"},
}


@dataclass(frozen=True, slots=True)
class SignalSpec:
    name: str
    kind: str
    field: str
    settings: Mapping[str, Any]
    action: str
    explicit: bool  # named in the manifest: a missing field is an error, not a skip
    auto: bool = False  # a low-cardinality string column found in the log (defaults only)

    def get(self, key: str) -> Any:
        return self.settings.get(key, KIND_DEFAULTS[self.kind].get(key))

    @property
    def direction(self) -> str:
        """Direction of harm: up, down or both (the old increase/decrease are accepted)."""
        value = str(self.get("direction") or "both")
        return _LEGACY_DIRECTIONS.get(value, value)


@dataclass(frozen=True, slots=True)
class DriftConfig:
    signals: tuple[SignalSpec, ...]
    min_window: int = 200
    consecutive: int = 2
    fdr: float = 0.05
    timestamp_field: str = "timestamp"
    # who chose timestamp_field: default, manifest, option (--timestamp-field) or detected
    # (the one common time-field name the log holds, see columns.time_field)
    timestamp_from: str = "default"
    on_bad_record: str = "skip"
    max_bad_fraction: float = 0.01
    source: str = "defaults"  # thresholds name@version the settings came from

    @property
    def fields(self) -> set[str]:
        return {s.field for s in self.signals}

    def with_overrides(self, **changes: Any) -> DriftConfig:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def only_fields(self, present: set[str]) -> DriftConfig:
        """Drop default signals whose field the logs lack (manifest-named ones stay)."""
        return replace(
            self, signals=tuple(s for s in self.signals if s.explicit or s.field in present)
        )

    @property
    def named(self) -> bool:
        """The manifest lists its signals: nothing is added from what the log holds."""
        return any(s.explicit for s in self.signals)

    def with_categoricals(self, fields: list[str]) -> DriftConfig:
        """Add categorical signals for columns found in the log (not already watched)."""
        taken = {s.name for s in self.signals} | self.fields
        extra = tuple(
            SignalSpec(f, "categorical", f, {}, DEFAULT_ACTIONS["categorical"], False, True)
            for f in fields
            if f not in taken
        )
        return replace(self, signals=self.signals + extra)

    def fingerprint(self) -> str:
        """Identifies the settings a baseline summary was made with (found columns aside:
        the baseline lists its own)."""
        data = [
            (s.name, s.kind, s.field, sorted(s.settings.items()))
            for s in self.signals
            if not s.auto
        ]
        return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["signals"] = [
            {"name": s.name, "kind": s.kind, "field": s.field, "auto": s.auto} for s in self.signals
        ]
        return out


def drift_config(section: Mapping[str, Any] | None, source: str = "defaults") -> DriftConfig:
    """Settings from a (schema-valid) thresholds `drift:` section, or the defaults."""
    section = section or {}
    named = section.get("signals")
    specs = named if named else DEFAULT_SIGNALS
    signals = tuple(
        SignalSpec(
            name=name,
            kind=spec["type"],
            field=spec.get("field", name),
            settings={k: v for k, v in spec.items() if k not in ("type", "field", "action")},
            action=spec.get("action", DEFAULT_ACTIONS[spec["type"]]),
            explicit=bool(named),
        )
        for name, spec in specs.items()
    )
    keys = (
        "min_window",
        "consecutive",
        "fdr",
        "timestamp_field",
        "on_bad_record",
        "max_bad_fraction",
    )
    return DriftConfig(
        signals=signals,
        source=source,
        timestamp_from="manifest" if "timestamp_field" in section else "default",
        **{k: section[k] for k in keys if k in section},
    )

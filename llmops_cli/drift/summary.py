"""What a window of a log is summarised into, per signal, and the JSON baseline a reference
summary serialises to (`drift-check baseline`), which later checks reuse instead of
re-reading the log. summarize.py builds these in one streaming pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from llmops_cli.drift import stats
from llmops_cli.drift.config import DriftConfig
from llmops_cli.errors import LlmopsError

BASELINE_VERSION = 1


@dataclass
class NumericSummary:
    n: int
    mean: float
    var: float
    ecdf: stats.Ecdf
    psi_edges: np.ndarray
    psi_shares: np.ndarray
    p99: float
    sample: np.ndarray | None = None  # sorted; kept in memory for the current window only

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": self.mean,
            "var": self.var,
            "ecdf": self.ecdf.to_dict(),
            "psi_edges": self.psi_edges.tolist(),
            "psi_shares": self.psi_shares.tolist(),
            "p99": self.p99,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> NumericSummary:
        return cls(
            d["n"],
            d["mean"],
            d["var"],
            stats.Ecdf.from_dict(d["ecdf"]),
            np.asarray(d["psi_edges"], float),
            np.asarray(d["psi_shares"], float),
            d["p99"],
        )


@dataclass
class CountSummary:
    """Categorical counts, or a rate's (records, events), or freshness's (documents, stale)."""

    n: int
    counts: dict[str, int] = field(default_factory=dict)
    events: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "counts": self.counts, "events": self.events}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CountSummary:
        return cls(d["n"], dict(d["counts"]), d["events"])


@dataclass
class TextSummary:
    n: int
    docs: list[list[int]]  # hashed tokens of a sample of queries: no raw text is kept

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "docs": self.docs}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TextSummary:
        return cls(d["n"], d["docs"])


Summary = NumericSummary | CountSummary | TextSummary
_SUMMARY_TYPES: dict[str, type[Any]] = {
    "numeric": NumericSummary,
    "quality": NumericSummary,
    "categorical": CountSummary,
    "rate": CountSummary,
    "freshness": CountSummary,
    "text": TextSummary,
}


@dataclass
class WindowSummary:
    label: str
    source: str
    rows: int
    signals: dict[str, Summary]
    fields: set[str]
    config_fingerprint: str
    columns: set[str] = field(default_factory=set)  # every column seen, watched or not
    auto: tuple[str, ...] = ()  # categorical signals added for columns found in the log

    def to_dict(self) -> dict[str, Any]:
        return {
            "llmops_drift_baseline": BASELINE_VERSION,
            "label": self.label,
            "source": self.source,
            "rows": self.rows,
            "config_fingerprint": self.config_fingerprint,
            "fields": sorted(self.fields),
            "columns": sorted(self.columns),
            "auto": list(self.auto),
            "signals": {k: v.to_dict() for k, v in self.signals.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], config: DriftConfig, origin: str) -> WindowSummary:
        if d.get("llmops_drift_baseline") != BASELINE_VERSION:
            raise LlmopsError(
                f"{origin}: not an llmops drift baseline (version {BASELINE_VERSION})"
            )
        auto = tuple(d.get("auto", ()))
        kinds = {**dict.fromkeys(auto, "categorical"), **{s.name: s.kind for s in config.signals}}
        if d["config_fingerprint"] != config.fingerprint():
            raise LlmopsError(
                f"{origin}: made with other drift settings than the current ones; "
                "rebuild it with `llmops drift-check baseline`"
            )
        return cls(
            d["label"],
            d["source"],
            d["rows"],
            {k: _SUMMARY_TYPES[kinds[k]].from_dict(v) for k, v in d["signals"].items()},
            set(d["fields"]),
            d["config_fingerprint"],
            set(d.get("columns", d["fields"])),
            auto,
        )

"""The drift report (`drift.json`): one finding per signal, the windows compared and the
overall status. Written by `llmops drift-check`, returned by `api.drift_check`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from llmops_cli.contracts.base import Contract

# A signal's level (its statistics alone) and status (after the alert streak rule).
OK, WARN, ALERT, INSUFFICIENT = "ok", "warn", "alert", "insufficient_data"
PENDING = "pending"  # breached, but not yet in `consecutive` windows in a row


@dataclass(frozen=True)
class SignalFinding(Contract):
    """One signal compared across the two windows."""

    name: str
    kind: str
    field: str
    level: str  # ok | warn | alert | insufficient_data
    statistic: str  # the headline statistic's name
    value: float | None
    n_reference: int
    n_current: int
    p_value: float | None = None
    p_adjusted: float | None = None  # Benjamini–Hochberg across the run's p-values
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    reason: str = ""
    action: str = ""
    chart: dict[str, Any] | None = None  # reference vs current shares, for the HTML report
    # set by the alert state machine (drift/state.py)
    status: str = ""
    streak: int = 0


@dataclass(frozen=True)
class WindowRows(Contract):
    source: str
    rows: int


@dataclass(frozen=True)
class BadRecordCount(Contract):
    count: int = 0
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class DriftReport(Contract):
    KIND: ClassVar[str] = "drift report"
    SCHEMA_VERSION: ClassVar[int] = 1

    check: str
    reference: WindowRows
    current: WindowRows
    signals: tuple[SignalFinding, ...]
    settings: dict[str, Any]
    bad_records: BadRecordCount
    created: str
    status: str = OK  # ok | warn | pending | alert | insufficient_data
    cleared: tuple[str, ...] = ()  # signals whose alert ended with this window
    mode: str = "series"  # series: a time range, streaks apply; pair: two files, judged alone
    unchecked: tuple[str, ...] = ()  # columns the logs hold that no signal reads
    schema_version: int = SCHEMA_VERSION

    @property
    def alerting(self) -> bool:
        return self.status == ALERT

    @property
    def flagged(self) -> tuple[SignalFinding, ...]:
        """The signals a reader should look at: alerting, pending or warning."""
        return tuple(s for s in self.signals if s.status in (ALERT, PENDING, WARN))

"""Alert only after N consecutive breached windows; clear after one clean window.

State lives in `.llmops/drift/<check>.state.json`, one streak per signal. Checking the same
current window twice (a re-run cron job) does not advance a streak.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from llmops_cli.contracts.drift import ALERT, INSUFFICIENT, OK, PENDING, WARN, SignalFinding
from llmops_cli.errors import LlmopsError
from llmops_cli.fileio import write_atomic


@dataclass
class AlertState:
    signals: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_window: str = ""

    @classmethod
    def load(cls, path: Path) -> AlertState:
        if not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(dict(data["signals"]), str(data.get("last_window", "")))
        except (ValueError, KeyError, TypeError):
            raise LlmopsError(
                f"{path}: drift state is unreadable; delete it to start the streaks afresh"
            ) from None

    def save(self, path: Path) -> None:
        data = {"signals": self.signals, "last_window": self.last_window}
        write_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def apply(
    results: list[SignalFinding], state: AlertState, window_id: str, needed: int
) -> tuple[list[SignalFinding], str, list[str]]:
    """Each finding with its status and streak set, the overall status and the signals whose
    alert cleared in this window; `state` is updated.

    Per signal: an alert-level window extends the streak (alerting once it reaches `needed`,
    pending before); a clean window resets it and clears an alert; a warn window or too little
    data leaves the streak as it was.
    """
    repeat = window_id == state.last_window and window_id != ""
    cleared = []
    settled = []
    for r in results:
        prior = state.signals.get(r.name, {"streak": 0, "alerting": False})
        streak, alerting = int(prior["streak"]), bool(prior["alerting"])
        if not repeat:
            if r.level == ALERT:
                streak += 1
            elif r.level == OK:
                streak, alerting = 0, False
        if prior["alerting"] and not alerting:
            cleared.append(r.name)
        alerting = alerting or streak >= needed
        status = ALERT if alerting else PENDING if r.level == ALERT else r.level
        settled.append(replace(r, status=status, streak=streak))
        state.signals[r.name] = {"streak": streak, "alerting": alerting}
    state.last_window = window_id
    return settled, _overall({r.status for r in settled}), cleared


def _overall(statuses: set[str]) -> str:
    for status in (ALERT, PENDING, WARN):
        if status in statuses:
            return status
    return INSUFFICIENT if statuses == {INSUFFICIENT} else OK

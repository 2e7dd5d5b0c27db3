"""Number formatting shared by the renderers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) >= 1000 else f"{value:.{digits}f}"
    return str(value)


def ci(interval: Any) -> str:
    if not interval:
        return ""
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def pct(value: Any) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def report_warnings(report: Mapping[str, Any]) -> list[str]:
    """What an eval report warns about: uncalibrated judges, injection found in its inputs."""
    from llmops_cli.guardrails.screening import screening_warning

    screening = screening_warning(report["summary"].get("screening"))
    return [*report.get("warnings", ()), *([screening] if screening else [])]


def outcomes(summary: Mapping[str, Any]) -> str:
    """`54 cases: 36 passed, 18 failed, 0 errored`, naming cases no pass/fail check judged."""
    scored = summary.get("scored", 0)
    parts = [
        f"{summary['passed']} passed",
        f"{summary['failed']} failed",
        *([f"{scored} scored (no pass/fail check)"] if scored else []),
        f"{summary['errored']} errored",
    ]
    return f"{summary['cases']} cases: {', '.join(parts)}"


def pass_rate(summary: Mapping[str, Any]) -> str:
    """The pass rate and the cases it counts: checked ones only."""
    checked = summary.get("checked", summary["passed"] + summary["failed"])
    if not checked:
        return "no pass rate: no case has a pass/fail check"
    rate = summary["pass_rate"]
    interval = ci(rate["ci95"])
    return f"pass rate {pct(rate['mean'])}{' ' + interval if interval else ''} of {checked} checked"

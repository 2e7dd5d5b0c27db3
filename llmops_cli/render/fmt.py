"""Number formatting shared by the renderers."""

from __future__ import annotations

from collections.abc import Sequence

from llmops_cli.contracts.report import EvalReport, Summary


def num(value: float | int | str | None, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) >= 1000 else f"{value:.{digits}f}"
    return str(value)


def ci(interval: Sequence[float] | None) -> str:
    if not interval:
        return ""
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def plural(count: int, noun: str) -> str:
    """`1 warning`, `0 warnings`, `2 warnings`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def report_warnings(report: EvalReport) -> list[str]:
    """What an eval report warns about: uncalibrated judges, injection found in its inputs."""
    from llmops_cli.guardrails.screening import screening_warning

    found = report.summary.screening
    screening = screening_warning(None if found is None else found.to_dict())
    return [*report.warnings, *([screening] if screening else [])]


def outcomes(summary: Summary) -> str:
    """`54 cases: 36 passed, 18 failed, 0 errored`, naming cases no pass/fail check judged."""
    scored = summary.scored
    parts = [
        f"{summary.passed} passed",
        f"{summary.failed} failed",
        *([f"{scored} scored (no pass/fail check)"] if scored else []),
        f"{summary.errored} errored",
    ]
    return f"{summary.cases} cases: {', '.join(parts)}"


def pass_rate(summary: Summary) -> str:
    """The pass rate and the cases it counts: checked ones only."""
    checked = summary.checked_cases
    if not checked:
        return "no pass rate: no case has a pass/fail check"
    rate = summary.pass_rate
    interval = ci(rate.ci95)
    return f"pass rate {pct(rate.mean)}{' ' + interval if interval else ''} of {checked} checked"

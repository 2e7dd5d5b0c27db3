"""Number formatting shared by the renderers."""

from __future__ import annotations

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

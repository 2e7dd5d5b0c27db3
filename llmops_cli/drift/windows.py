"""Windows of a log: a whole file, or a time range over one (`last:24h`, `A..B`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from llmops_cli.errors import ExitCode, LlmopsError

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_LAST = re.compile(r"^(last|prior):(\d+)([mhdw])$")


class WindowUsageError(LlmopsError):
    """A --current/--reference/--now value that is no date, time or range: the command line
    is wrong, not the data (exit 2, DESIGN §10)."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True, slots=True)
class Window:
    """Rows of `path` with start <= timestamp < end (either bound may be open)."""

    label: str  # "reference" or "current"
    path: Path
    start: datetime | None = None
    end: datetime | None = None

    @property
    def ranged(self) -> bool:
        return self.start is not None or self.end is not None

    def describe(self) -> str:
        if not self.ranged:
            return str(self.path)
        start = self.start.isoformat() if self.start else "…"
        end = self.end.isoformat() if self.end else "…"
        return f"{self.path} [{start} .. {end})"


def parse_instant(text: str, option: str) -> datetime:
    """An ISO 8601 date or date-time; naive values are UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise WindowUsageError(
            f"{option}: {text!r} is not an ISO 8601 date or time (e.g. 2026-11-20T00:00Z)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_range(text: str, option: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """`last:24h` (also m, d, w) ending `now`, `prior:7d` (the same, ending where the current
    window starts: `now` is that start), or `START..END` with either side open."""
    if m := _LAST.match(text.strip()):
        span = timedelta(**{_UNITS[m.group(3)]: int(m.group(2))})
        if not span:
            raise WindowUsageError(f"{option}: {text!r} is an empty window")
        return now - span, now
    if ".." in text:
        left, right = text.split("..", 1)
        start = parse_instant(left, option) if left.strip() else None
        end = parse_instant(right, option) if right.strip() else None
        if start and end and start >= end:
            raise WindowUsageError(f"{option}: {text!r} ends before it starts")
        return start, end
    raise WindowUsageError(
        f"{option}: {text!r} is neither a log file nor a range; "
        "use a path, `last:24h`, or `2026-11-01..2026-11-08`"
    )


def make_window(
    label: str, value: str | None, log: Path | None, now: datetime, before: Window | None = None
) -> Window:
    """Turn a `--reference`/`--current` value into a Window.

    A value naming an existing file is that whole file; anything else is a range over `--log`.
    With no value, the reference is everything in the log before the current window starts;
    `prior:7d` is the seven days before it.
    """
    option = f"--{label}"
    if value is None:
        if before is not None and before.start is not None:
            return Window(label, before.path, None, before.start)
        raise LlmopsError(f"{option} is required (a log file, or a range over --log)")
    if Path(value).is_file():
        return Window(label, Path(value))
    if Path(value).suffix in (".jsonl", ".json", ".csv", ".parquet", ".ndjson"):
        raise LlmopsError(f"{option}: {value}: no such file")
    if log is None:
        raise LlmopsError(f"{option} {value!r} is a time range: name the log with --log FILE")
    if value.strip().startswith("prior:"):
        if before is None or before.start is None:
            raise LlmopsError(f"{option} {value!r} needs a current window that is a time range")
        now = before.start
    start, end = parse_range(value, option, now)
    return Window(label, log, start, end)


def utc_now() -> datetime:
    return datetime.now(UTC)

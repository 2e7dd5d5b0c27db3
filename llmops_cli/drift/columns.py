"""The columns a log holds beyond the watched ones: low-cardinality string columns become
categorical signals (with the default settings), the rest are listed as unchecked, so a
report never passes over a field in silence."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

MAX_LEVELS = 50  # more distinct values than this in the peeked rows: free text or ids
MAX_DISTINCT_SHARE = 0.5  # ... or more than half the rows distinct
# Where logs usually keep a record's time; `timestamp` (the default) first.
TIME_FIELDS = ("timestamp", "ts", "time", "created_at", "@timestamp")


def low_cardinality(frame: pd.DataFrame, claimed: set[str]) -> list[str]:
    """String (or boolean) columns of the peeked rows few enough in values to compare as
    categories."""
    found = []
    for name in frame.columns:
        if name in claimed:
            continue
        values = frame[name].dropna()
        if values.empty or not values.map(lambda v: isinstance(v, str | bool | np.bool_)).all():
            continue
        distinct = values.astype(str).nunique()
        if distinct <= MAX_LEVELS and distinct <= max(2, MAX_DISTINCT_SHARE * len(values)):
            found.append(str(name))
    return found


def time_field(columns: Iterable[str]) -> str | None:
    """The time field of a log whose settings name none: `timestamp` when it has one, else
    the only other common name it holds (None: it holds none of them, or several)."""
    names = set(columns)
    found = [name for name in TIME_FIELDS if name in names]
    if "timestamp" in found:
        return "timestamp"
    return found[0] if len(found) == 1 else None


def unchecked(columns: Iterable[str], watched: set[str]) -> list[str]:
    """Columns of either window that no signal reads."""
    return sorted(set(columns) - watched)

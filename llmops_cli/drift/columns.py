"""The columns a log holds beyond the watched ones: low-cardinality string columns become
categorical signals (with the default settings), the rest are listed as unchecked, so a
report never passes over a field in silence."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

MAX_LEVELS = 50  # more distinct values than this in the peeked rows: free text or ids
MAX_DISTINCT_SHARE = 0.5  # ... or more than half the rows distinct


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


def unchecked(columns: Iterable[str], watched: set[str]) -> list[str]:
    """Columns of either window that no signal reads."""
    return sorted(set(columns) - watched)

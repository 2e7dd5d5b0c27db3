"""Reading the two arms' records: the log's lines, and the metric values of the wrong type
that are blanked out and counted per arm (so a dropped row is never silent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from llmops_cli.canary.config import KNOWN, CanaryConfig, MetricSpec
from llmops_cli.contracts.canary import CanaryBadRecords
from llmops_cli.drift.columns import TIME_FIELDS, time_field
from llmops_cli.drift.logs import BadRecords, is_event, read_chunks
from llmops_cli.errors import LlmopsError
from llmops_cli.stats.arrays import F64

LINE = "__line__"  # the log line of each record, for messages about bad ones


def load_logs(path: Path, config: CanaryConfig, bad: BadRecords | None = None) -> pd.DataFrame:
    """The records, with the file line of each in LINE; lines that are no JSON object are
    counted in `bad` (whose policy stops at the first under `on_bad_record: error`)."""
    names = [m.name for m in config.metrics] or list(KNOWN)  # default: whichever are there
    wanted = {config.arm_field, config.timestamp_field, *TIME_FIELDS, *names}
    if config.pair_field:
        wanted.add(config.pair_field)
    if config.judge_fields:
        wanted.update(config.judge_fields)
    bad = bad if bad is not None else BadRecords(config.on_bad_record)
    frames = [c.frame.assign(**{LINE: c.lines}) for c in read_chunks(path, wanted, bad)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if config.arm_field not in frame:
        raise LlmopsError(f"{path}: no record has the arm field {config.arm_field!r}")
    # arrival order, for the sequential test: the time field, else the one of ts, time, ...
    # the log holds, as drift-check finds it
    when = config.timestamp_field if config.timestamp_field in frame else time_field(frame.columns)
    if when is not None and when in frame:
        order = pd.to_datetime(frame[when], utc=True, errors="coerce")
        frame = frame.assign(_t=order).sort_values("_t", kind="stable").drop(columns="_t")
    frame[config.arm_field] = frame[config.arm_field].astype("string")
    return frame


def default_metrics(frame: pd.DataFrame) -> list[MetricSpec]:
    return [MetricSpec(n, k, b) for n, (k, b) in KNOWN.items() if n in frame]


def metric_values(series: pd.Series, kind: str) -> F64:
    if kind == "rate":
        flags = series.map(lambda v: None if v is None or v is pd.NA else is_event(v))
        rates: F64 = flags.dropna().to_numpy(dtype=np.float64)
        return rates
    numbers: F64 = pd.to_numeric(series, errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    return numbers[np.isfinite(numbers)]


def _unusable(series: pd.Series, kind: str) -> np.ndarray:
    """Values present but not of the metric's type: a rate flag that is a mapping, a number
    that is text ("slow"), a boolean or infinite. Nulls are absent, not bad."""
    present: np.ndarray = series.notna().to_numpy(dtype=bool)
    if kind == "rate":
        mapping: np.ndarray = series.map(lambda v: isinstance(v, dict)).to_numpy(dtype=bool)
        flags: np.ndarray = present & mapping
        return flags
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    boolean: np.ndarray = series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    wrong: np.ndarray = present & (~np.isfinite(numbers) | boolean)
    return wrong


def screen_records(
    frame: pd.DataFrame, config: CanaryConfig, source: str, bad: BadRecords
) -> CanaryBadRecords:
    """Blank out (and count, per arm) wrong-typed metric values of the two arms' records, so
    a dropped row is never silent: above `max_bad_fraction` of all records, or of either
    arm's, the analysis stops (exit 1), as drift-check does."""
    malformed = bad.count  # lines that were no JSON object at all, counted while reading
    arm = frame[config.arm_field]
    arms = {label: (arm == label).fillna(False).to_numpy(dtype=bool) for label in
            (config.control, config.treatment)}  # fmt: skip
    mine = arms[config.control] | arms[config.treatment]
    flagged = np.zeros(len(frame), dtype=bool)
    lines = frame[LINE].to_numpy() if LINE in frame else np.arange(1, len(frame) + 1)
    for spec in config.metrics:
        if spec.name not in frame:
            continue
        wrong = _unusable(frame[spec.name], spec.kind) & mine
        if wrong.any():
            first = frame[spec.name][wrong].iloc[0]
            wanted = "a flag" if spec.kind == "rate" else "a number"
            bad.add(Path(source), lines[wrong], spec.name, f"expected {wanted}, got {first!r}")
            frame.loc[wrong, spec.name] = None
            flagged |= wrong
    by_arm = {label: int((flagged & rows).sum()) for label, rows in arms.items()}
    total = len(frame) + malformed
    count = malformed + int(flagged.sum())
    shares = [count / total if total else 0.0]
    shares += [by_arm[label] / rows.sum() for label, rows in arms.items() if rows.sum()]
    if max(shares) > config.max_bad_fraction:
        raise LlmopsError(
            f"{source}: {count} of {total} records are unusable ({by_arm[config.control]} of "
            f"{config.control}, {by_arm[config.treatment]} of {config.treatment}); over "
            f"--max-bad-fraction {config.max_bad_fraction:g}, dropping them could bias the "
            f"decision; first: {bad.examples[0]}"
        )
    return CanaryBadRecords(count, total, malformed, by_arm, tuple(bad.examples))

"""Inference logs read in bounded chunks: JSONL, CSV or Parquet, one record per inference.

Clean JSONL goes through pyarrow's parser a block at a time; a block it rejects (a truncated
line, a field whose type changes) is re-read line by line so every bad record is located.
Each chunk is a pandas frame of the needed columns plus the line number of every row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from llmops_cli.errors import LlmopsError

BLOCK_BYTES = 32 << 20
CSV_ROWS = 200_000
FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_FALSY = {"", "0", "false", "no", "none", "null", "ok", "n/a"}


@dataclass
class Chunk:
    frame: pd.DataFrame
    lines: np.ndarray  # 1-based line (row, for Parquet) of each record in its file
    names: tuple[str, ...] = ()  # every column the source holds here, read or not


@dataclass
class BadRecords:
    """Counts records that cannot be used; raises at the first one under `on_bad_record: error`."""

    policy: str = "skip"
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, path: Path, lines: np.ndarray, column: str, message: str) -> None:
        if not len(lines):
            return
        where = (
            f"{path}:{int(lines[0])}: {column}: {message}"
            if column
            else (f"{path}:{int(lines[0])}: {message}")
        )
        if self.policy == "error":
            raise LlmopsError(
                f"{where} (or set drift.on_bad_record: skip / --on-bad-record skip "
                "to count and skip such records)"
            )
        self.count += len(lines)
        if len(self.examples) < 5:
            self.examples.append(where + (f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""))


def log_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LlmopsError(
            f"{path}: unknown log format {path.suffix!r}; use .jsonl, .csv or .parquet"
        )
    return fmt


def read_chunks(
    path: Path, columns: set[str], bad: BadRecords, categorical: frozenset[str] = frozenset()
) -> Iterator[Chunk]:
    """Chunks of the needed `columns`; `categorical` ones arrive as pandas categoricals (no
    Python string per row: a tenth of the memory and time on big logs)."""
    if not path.is_file():
        raise LlmopsError(f"{path}: no such log file")
    reader = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet}[log_format(path)]
    yield from reader(path, columns, bad, categorical)


def _jsonl(
    path: Path, columns: set[str], bad: BadRecords, categorical: frozenset[str]
) -> Iterator[Chunk]:
    line = 1
    with open(path, "rb") as f:
        tail = b""
        while True:
            block = f.read(BLOCK_BYTES)
            data = tail + block if tail else block
            if not block:
                if data.strip():
                    yield from _emit(
                        _json_block(path, data, len(data), line, columns, bad, categorical)
                    )
                return
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # a line longer than a block: read on
                tail = data
                continue
            tail = data[cut:]
            chunk, spanned = _json_block(path, data, cut, line, columns, bad, categorical)
            if chunk is not None:
                yield chunk
            line += spanned


def _emit(parsed: tuple[Chunk | None, int]) -> Iterator[Chunk]:
    if parsed[0] is not None:
        yield parsed[0]


def _json_block(
    path: Path,
    data: bytes,
    end: int,
    first_line: int,
    columns: set[str],
    bad: BadRecords,
    categorical: frozenset[str],
) -> tuple[Chunk | None, int]:
    """The records of data[:end] and the number of lines they span."""
    import pyarrow as pa
    import pyarrow.json as pj

    clean = data.find(b"\n\n", 0, end) < 0 and not data.startswith(b"\n")
    if clean:  # pyarrow would skip blank lines, and our line numbers with them
        try:
            table = pj.read_json(pa.py_buffer(data)[:end])
        except pa.ArrowInvalid:
            pass
        else:
            names = [c for c in table.column_names if c in columns]
            frame = _to_pandas(table.select(names), categorical)
            # no blank lines: one record a line (the last line may lack its newline)
            lines = np.arange(first_line, first_line + table.num_rows)
            return Chunk(frame, lines, tuple(table.column_names)), table.num_rows
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    seen: dict[str, None] = {}
    raw_lines = data[:end].split(b"\n")
    for offset, raw in enumerate(raw_lines):
        if not raw.strip():
            continue
        number = first_line + offset
        try:
            record = json.loads(raw)
        except ValueError:
            bad.add(path, np.array([number]), "", "not a JSON object (truncated line?)")
            continue
        if not isinstance(record, dict):
            bad.add(
                path, np.array([number]), "", f"expected a JSON object, got {type(record).__name__}"
            )
            continue
        seen.update(dict.fromkeys(record))
        records.append({k: v for k, v in record.items() if k in columns})
        numbers.append(number)
    spanned = len(raw_lines) - 1
    if not records:
        return None, spanned
    frame = pd.DataFrame.from_records(records)
    return Chunk(frame, np.asarray(numbers, dtype=np.int64), tuple(seen)), spanned


def _csv(
    path: Path, columns: set[str], bad: BadRecords, categorical: frozenset[str]
) -> Iterator[Chunk]:
    line = 2  # after the header
    header: dict[str, None] = {}

    def wanted(column: str) -> bool:
        header[column] = None
        return column in columns

    try:
        reader = pd.read_csv(
            path,
            chunksize=CSV_ROWS,
            usecols=wanted,
            on_bad_lines="error" if bad.policy == "error" else "skip",
        )
        for frame in reader:
            yield Chunk(frame, np.arange(line, line + len(frame)), tuple(header))
            line += len(frame)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise LlmopsError(f"{path}: cannot read as CSV: {str(exc).strip()}") from None
    except pd.errors.EmptyDataError:
        return


def _parquet(
    path: Path, columns: set[str], bad: BadRecords, categorical: frozenset[str]
) -> Iterator[Chunk]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path, pre_buffer=False)  # pre-buffering holds whole row groups
    except (pa.ArrowException, OSError) as exc:
        raise LlmopsError(f"{path}: cannot read as Parquet: {exc}") from None
    every = tuple(file.schema_arrow.names)
    names = [c for c in every if c in columns]
    row = 1
    for batch in file.iter_batches(batch_size=CSV_ROWS, columns=names):
        frame = _to_pandas(batch, categorical)
        yield Chunk(frame, np.arange(row, row + len(frame)), every)
        row += len(frame)


PEEK_BYTES = 1 << 20
PEEK_ROWS = 2000


def peek(path: Path) -> pd.DataFrame:
    """The first rows of a log (up to PEEK_ROWS, within its first MB for JSONL), every
    column: enough to tell a low-cardinality string column from free text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fmt = log_format(path)
    try:
        if fmt == "parquet":
            batch = next(pq.ParquetFile(path).iter_batches(batch_size=PEEK_ROWS), None)
            return batch.to_pandas() if batch is not None else pd.DataFrame()
        if fmt == "csv":
            return pd.read_csv(path, nrows=PEEK_ROWS)
        with open(path, "rb") as f:
            head = f.read(PEEK_BYTES)
    except (OSError, ValueError, pa.ArrowException, pd.errors.ParserError):
        return pd.DataFrame()  # the full read reports what is wrong, with its line
    rows = []
    for raw in head.split(b"\n")[:-1][:PEEK_ROWS]:
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict):
            rows.append(record)
    return pd.DataFrame.from_records(rows)


def _to_pandas(table: Any, categorical: frozenset[str]) -> pd.DataFrame:
    import pyarrow as pa

    kinds = (pa.types.is_string, pa.types.is_large_string, pa.types.is_boolean)
    names = [
        f.name for f in table.schema if f.name in categorical and any(k(f.type) for k in kinds)
    ]
    return table.to_pandas(categories=names)


# -- coercion: one column of a chunk into the values a signal needs ---------------------------


def numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(floats, NaN where null or unusable; the records whose value is no number: text such
    as "fast", a boolean, an infinity). The caller reports and skips the unusable records."""
    if series.dtype.kind in "fiu":
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        invalid = np.isinf(values)
    else:
        coerced = pd.to_numeric(series, errors="coerce")
        values = coerced.to_numpy(dtype=np.float64, na_value=np.nan)
        invalid = (np.isnan(values) & series.notna().to_numpy()) | np.isinf(values)
        invalid |= series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    if invalid.any():
        values = np.where(invalid, np.nan, values)
    return values, invalid


def number_problem(value: Any) -> str:
    return f"expected a number, got {value!r}"


def category_counts(series: pd.Series) -> dict[str, int]:
    """Counts of non-null values as strings (1.2 and "1.2" are one prompt version)."""
    counts = series.value_counts(dropna=True)
    return {str(k): int(v) for k, v in counts.items() if v > 0}


def is_event(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() not in _FALSY
    if isinstance(v, list | tuple | np.ndarray | dict):
        return len(v) > 0
    return bool(v)


def events(series: pd.Series) -> tuple[int, int]:
    """(records, records whose value marks an event). An event is a true flag, a non-zero
    number, a non-empty list or an error code other than "ok"/"none"; null is no event (a log
    writes `"error": null`, or leaves the field out, when nothing went wrong): every record
    counts in the rate, the caller adding those of chunks that lack the field altogether."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        counts = series.value_counts(dropna=True)
        return len(series), int(sum(v for k, v in counts.items() if is_event(k)))
    present = series.dropna()
    if present.dtype == bool:
        return len(series), int(present.sum())
    if present.dtype.kind in "fiu":
        return len(series), int((present != 0).sum())
    return len(series), int(present.map(is_event).sum())


def timestamps(
    path: Path, series: pd.Series, lines: np.ndarray, column: str, bad: BadRecords
) -> tuple[np.ndarray, np.ndarray]:
    """(UTC nanoseconds since the epoch, valid mask); unparseable values are bad records."""
    ns, invalid = times(series)
    if invalid.any():
        bad.add(path, lines[invalid], column, time_problem(series[invalid].iloc[0]))
    return ns, ~invalid


def times(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(UTC nanoseconds since the epoch, the values that are no time: null or unparseable)."""
    if series.dtype.kind in "fiu":
        unit = "ms" if series.abs().max() > 1e11 else "s"
        parsed = pd.to_datetime(series, unit=unit, utc=True, errors="coerce")
    elif series.dtype.kind == "M":
        parsed = pd.to_datetime(series, utc=True)
    else:
        parsed = pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601")
    invalid = parsed.isna().to_numpy()
    ns = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return ns.view(np.int64), invalid


def time_problem(value: Any) -> str:
    return "missing" if pd.isna(value) else f"expected an ISO 8601 timestamp, got {value!r}"

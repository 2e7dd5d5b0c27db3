"""Inference logs read in bounded chunks: JSONL, CSV or Parquet, one record per inference.

Clean JSONL goes through pyarrow's parser a block at a time; a block it rejects (a truncated
line, a field whose type changes) is re-read line by line so every bad record is located.
Each chunk is a pandas frame of the needed columns plus the line number of every row.
"""

from __future__ import annotations

import json
import re
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
    # per `keyed` column (JSONL only): the records that lack the key, as against `null`
    absent: dict[str, np.ndarray] = field(default_factory=dict)

    def present(self, column: str, mask: np.ndarray | None = None) -> np.ndarray | None:
        """Which of the rows (those of `mask`) hold `column`; None: all of them."""
        lacking = self.absent.get(column)
        if lacking is None:
            return None
        return ~(lacking if mask is None else lacking[mask])


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
    path: Path,
    columns: set[str],
    bad: BadRecords,
    categorical: frozenset[str] = frozenset(),
    keyed: frozenset[str] = frozenset(),
) -> Iterator[Chunk]:
    """Chunks of the needed `columns`; `categorical` ones arrive as pandas categoricals (no
    Python string per row: a tenth of the memory and time on big logs). For the `keyed` ones
    a JSONL chunk also says which records lack the key (`Chunk.absent`): `"error": null` is
    a record without an error, a record with no `error` key says nothing about errors."""
    if not path.is_file():
        raise LlmopsError(f"{path}: no such log file")
    fmt = log_format(path)
    if fmt == "jsonl":
        yield from _jsonl(path, columns, bad, categorical, keyed)
        return
    reader = {"csv": _csv, "parquet": _parquet}[fmt]
    yield from reader(path, columns, bad, categorical)  # every row holds every column


def _jsonl(
    path: Path,
    columns: set[str],
    bad: BadRecords,
    categorical: frozenset[str],
    keyed: frozenset[str] = frozenset(),
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
                        _json_block(path, data, len(data), line, columns, bad, categorical, keyed)
                    )
                return
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # a line longer than a block: read on
                tail = data
                continue
            tail = data[cut:]
            chunk, spanned = _json_block(path, data, cut, line, columns, bad, categorical, keyed)
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
    keyed: frozenset[str] = frozenset(),
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
            absent = {
                name: ~_key_lines(data, end, name, table.num_rows)
                for name in keyed & set(names)
                if table.column(name).null_count  # no nulls: every record holds the key
            }
            return Chunk(frame, lines, tuple(table.column_names), absent), table.num_rows
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
    absent = {
        name: np.array([name not in r for r in records], dtype=bool)
        for name in keyed & set(frame.columns)
    }
    return Chunk(frame, np.asarray(numbers, dtype=np.int64), tuple(seen), absent), spanned


def _key_lines(data: bytes, end: int, key: str, rows: int) -> np.ndarray:
    """Which of the `rows` lines of data[:end] (one record a line) hold the key `key`. An
    unescaped `"key"` followed by a colon is a key (inside a JSON string its quotes would be
    escaped); one nested in another field counts too, which at worst keeps the old reading."""
    token = json.dumps(key, ensure_ascii=False).encode()
    if data.count(token + b":", 0, end) == rows:  # the usual shape, once a record: all hold it
        return np.ones(rows, dtype=bool)
    pattern = re.compile(re.escape(token) + rb"\s*:")
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8, count=end) == ord("\n"))
    found = np.fromiter((m.start() for m in pattern.finditer(data, 0, end)), dtype=np.int64)
    held = np.zeros(rows, dtype=bool)
    held[np.minimum(np.searchsorted(newlines, found), rows - 1)] = True
    return held


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


def numbers(
    path: Path, series: pd.Series, lines: np.ndarray, column: str, bad: BadRecords
) -> np.ndarray:
    """Finite floats; nulls dropped; non-numbers reported as bad records."""
    if series.dtype.kind in "fiu":
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        invalid = np.isinf(values)
    else:
        coerced = pd.to_numeric(series, errors="coerce")
        values = coerced.to_numpy(dtype=np.float64, na_value=np.nan)
        invalid = (np.isnan(values) & series.notna().to_numpy()) | np.isinf(values)
        invalid |= series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    if invalid.any():
        first = series[invalid].iloc[0]
        bad.add(path, lines[invalid], column, f"expected a number, got {first!r}")
        values = np.where(invalid, np.nan, values)
    finite: np.ndarray = values[~np.isnan(values)]
    return finite


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
    writes `"error": null` when nothing went wrong). Records that lack the field altogether
    are left out by the caller (`Chunk.absent`)."""
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
    if series.dtype.kind in "fiu":
        unit = "ms" if series.abs().max() > 1e11 else "s"
        parsed = pd.to_datetime(series, unit=unit, utc=True, errors="coerce")
    elif series.dtype.kind == "M":
        parsed = pd.to_datetime(series, utc=True)
    else:
        parsed = pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601")
    invalid = parsed.isna().to_numpy()
    if invalid.any():
        first = series[invalid].iloc[0]
        message = "missing" if pd.isna(first) else f"expected an ISO 8601 timestamp, got {first!r}"
        bad.add(path, lines[invalid], column, message)
    ns = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return ns.view(np.int64), ~invalid

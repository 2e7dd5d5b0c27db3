"""`drift-check` as a library call: settings, windows, summaries, comparison, alert state.
The report files, textfile and webhook are outputs.py; drift/api.py runs it all."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from llmops_cli.contracts.drift import BadRecordCount, DriftReport, WindowRows
from llmops_cli.drift import logs
from llmops_cli.drift.check import compare
from llmops_cli.drift.columns import low_cardinality, time_field, unchecked
from llmops_cli.drift.config import DriftConfig, drift_config
from llmops_cli.drift.logs import BadRecords
from llmops_cli.drift.state import AlertState, apply
from llmops_cli.drift.summarize import summarize
from llmops_cli.drift.summary import WindowSummary
from llmops_cli.drift.windows import Window
from llmops_cli.errors import LlmopsError, ManifestError, Problem
from llmops_cli.fileio import write_atomic
from llmops_cli.project import Project


def load_config(
    project: Project | None, thresholds: str | None, pipeline: str | None
) -> DriftConfig:
    """The `drift:` section of the named thresholds (or the pipeline's), else the defaults."""
    if thresholds is None and pipeline is None:
        return drift_config(None)
    if project is None:
        raise LlmopsError("--thresholds/--pipeline need a project (llmops.yaml); pass -C DIR")
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.model import thaw
    from llmops_cli.manifests.resolve import find_pipeline

    catalog = Catalog.load(project)
    if thresholds is None:
        assert pipeline is not None
        thresholds = str(find_pipeline(catalog, pipeline).get("thresholds"))
    try:
        manifest = catalog.find("thresholds", thresholds)
    except LookupError as exc:
        raise ManifestError([Problem("manifests/", str(exc))]) from exc
    return drift_config(thaw(manifest.get("drift")), source=manifest.ref)


def _bad(config: DriftConfig) -> BadRecords:
    return BadRecords(policy=config.on_bad_record)


def build_baseline(
    config: DriftConfig, reference: Window, out: Path, now: datetime
) -> WindowSummary:
    """Summarise a reference window once into a JSON file later checks can reuse."""
    bad = _bad(config)
    config = _found_categoricals(_time_field(config, [reference]), reference)
    summary = summarize([replace(reference, label="reference")], config, bad, _ns(now))["reference"]
    if not summary.rows:
        raise LlmopsError(f"{reference.describe()}: no records in the reference window")
    write_atomic(out, json.dumps(summary.to_dict(), separators=(",", ":")) + "\n")
    return summary


def load_baseline(path: Path, config: DriftConfig) -> WindowSummary:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LlmopsError(f"{path}: cannot read the baseline: {exc}") from None
    if not isinstance(data, dict):
        raise LlmopsError(f"{path}: not an llmops drift baseline")
    try:
        return WindowSummary.from_dict(data, config, str(path))
    except (KeyError, TypeError, ValueError):
        raise LlmopsError(f"{path}: not an llmops drift baseline (damaged?)") from None


def check(
    config: DriftConfig,
    current: Window,
    *,
    reference: Window | None = None,
    baseline: Path | None = None,
    name: str = "default",
    now: datetime,
    state_path: Path | None = None,
) -> DriftReport:
    """Compare `current` with a reference window or baseline. A current window that is a
    time range is one of a series (cron): with `state_path` the consecutive-window rule
    applies and the streaks are remembered. A whole file is one pair, judged alone."""
    bad = _bad(config)
    windows = [current] + ([reference] if reference is not None else [])
    config = _time_field(config, windows)
    base = load_baseline(baseline, config) if baseline is not None else None
    if base is not None:
        config = config.with_categoricals(list(base.auto))
    elif reference is not None:
        config = _found_categoricals(config, reference)
    summaries = summarize(windows, config, bad, _ns(now))
    if base is not None:
        summaries["reference"] = base
    ref, cur = summaries["reference"], summaries["current"]
    present = ref.fields | cur.fields
    missing = [s for s in config.signals if s.explicit and s.field not in present]
    if missing and (ref.rows or cur.rows):
        fields = ", ".join(sorted(present)) or "none"
        raise LlmopsError(
            f"signal {missing[0].name!r}: field {missing[0].field!r} is in neither window "
            f"(fields found: {fields}); fix drift.signals.{missing[0].name}.field in "
            f"{config.source}"
        )
    active = config.only_fields(present)
    results = compare(ref, cur, active)
    series = current.ranged
    keep = state_path if series else None
    state = AlertState.load(keep) if keep else AlertState()
    needed = config.consecutive if series else 1
    findings, status, cleared = apply(results, state, _window_id(current, cur), needed)
    if keep:
        state.save(keep)
    return DriftReport(
        check=name,
        reference=WindowRows(ref.source, ref.rows),
        current=WindowRows(cur.source, cur.rows),
        signals=tuple(findings),
        settings=active.to_dict(),
        bad_records=BadRecordCount(bad.count, tuple(bad.examples)),
        created=now.isoformat(timespec="seconds"),
        status=status,
        cleared=tuple(cleared),
        mode="series" if series else "pair",
        unchecked=tuple(
            unchecked(ref.columns | cur.columns, active.fields | {config.timestamp_field})
        ),
    )


def _time_field(config: DriftConfig, windows: list[Window]) -> DriftConfig:
    """With no time field named (--timestamp-field, drift.timestamp_field), the logs': the
    default `timestamp`, else the one other common name (ts, time, ...) they hold."""
    if config.timestamp_from != "default":
        return config
    columns: set[str] = set()
    for path in dict.fromkeys(w.path for w in windows):
        columns.update(str(c) for c in logs.peek(path).columns)
    found = time_field(columns)
    if found is None or found == config.timestamp_field:
        return config
    return config.with_overrides(timestamp_field=found, timestamp_from="detected")


def _found_categoricals(config: DriftConfig, reference: Window) -> DriftConfig:
    """With the default signals, low-cardinality string columns of the reference log are
    compared as categories too; a manifest that lists its signals gets exactly those."""
    if config.named:
        return config
    claimed = config.fields | {config.timestamp_field}
    return config.with_categoricals(low_cardinality(logs.peek(reference.path), claimed))


def _window_id(window: Window, summary: WindowSummary) -> str:
    if window.ranged:
        return f"{window.path}|{window.start}|{window.end}|{summary.rows}"
    stat = window.path.stat()
    return f"{window.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def _ns(now: datetime) -> int:
    return int(now.timestamp() * 1e9)


def context(
    project: Project | Path | None,
    thresholds: str | None,
    pipeline: str | None,
    now: datetime | str | None,
    on_bad_record: str | None,
    timestamp_field: str | None = None,
) -> tuple[Project | None, DriftConfig, datetime]:
    """The project (none is fine without --thresholds/--pipeline), drift settings and now."""
    from llmops_cli.drift.windows import parse_instant, utc_now
    from llmops_cli.errors import ProjectNotFound

    try:
        proj = project if isinstance(project, Project) or project is None else Project.load(project)
        proj = proj or Project.find()
    except ProjectNotFound:
        if project is not None:
            raise
        proj = None
    if on_bad_record not in (None, "error", "skip"):
        raise LlmopsError(f"--on-bad-record must be error or skip, not {on_bad_record!r}")
    config = load_config(proj, thresholds, pipeline).with_overrides(on_bad_record=on_bad_record)
    if timestamp_field is not None:
        if not timestamp_field.strip():
            raise LlmopsError("--timestamp-field needs a field name")
        config = config.with_overrides(timestamp_field=timestamp_field, timestamp_from="option")
    if isinstance(now, str):
        now = parse_instant(now, "--now")
    return proj, config, now or utc_now()

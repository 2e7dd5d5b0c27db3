"""What a drift check leaves behind: its name, where its alert state and report files go,
the report files themselves, the Prometheus textfile and the webhook notification."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from llmops_cli.contracts.drift import DriftReport
from llmops_cli.errors import LlmopsError
from llmops_cli.fileio import write_atomic


def check_name(name: str | None, thresholds: str | None, pipeline: str | None) -> str:
    """The check's name keys its alert state and report folder: given, else the thresholds
    or pipeline it reads (without @version), else `default`."""
    return name or (thresholds or pipeline or "default").split("@")[0]


def state_path(root: Path, name: str) -> Path:
    return root / ".llmops" / "drift" / f"{name}.state.json"


def report_folder(root: Path, name: str, now: datetime, inputs: str) -> Path:
    """A new folder for this run's report, made here: `<UTC time>-<hash of the inputs>`, so
    the names sort by time and checks of other windows at the same --now never share one. A
    rerun of the same check in the same second gets `-2`, `-3`, ...: nothing is overwritten."""
    digest = hashlib.sha256(inputs.encode()).hexdigest()[:8]
    stem = root / "reports" / "drift" / name / f"{now.strftime('%Y%m%dT%H%M%SZ')}-{digest}"
    stem.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        folder = stem if n == 1 else stem.with_name(f"{stem.name}-{n}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise LlmopsError(f"{stem}: 999 reports of this check at this time; pass --out DIR")


def report_json(report: DriftReport) -> str:
    """drift.json's text (numpy scalars as plain numbers, as before the typed report)."""
    return json.dumps(report.to_dict(), indent=2, default=_plain) + "\n"


def write_reports(report: DriftReport, folder: Path) -> dict[str, Path]:
    """drift.json, drift.md and drift.html into `folder`, each written atomically."""
    from llmops_cli.render import drift as render

    files = {
        "json": (folder / "drift.json", report_json(report)),
        "markdown": (folder / "drift.md", render.markdown(report)),
        "html": (folder / "drift.html", render.html(report)),
    }
    for path, text in files.values():
        write_atomic(path, text)
    return {k: v[0] for k, v in files.items()}


def write_textfile(report: DriftReport, path: Path, timestamp: float) -> None:
    """Metrics for node_exporter's textfile collector."""
    from llmops_cli.render import drift as render

    write_atomic(path, render.prometheus(report, timestamp))


def notify(report: DriftReport, webhook: str) -> str:
    """POST the alert (or its clearing) to `webhook`; a failure is returned as a warning:
    the verdict stands and keeps its exit code."""
    if not (report.alerting or report.cleared):
        return ""
    from llmops_cli.drift.notify import post_json
    from llmops_cli.render import drift as render

    try:
        post_json(webhook, render.slack(report))
    except LlmopsError as exc:
        return str(exc)
    return ""


def _plain(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")

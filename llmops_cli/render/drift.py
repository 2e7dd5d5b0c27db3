"""A drift report as Markdown, self-contained HTML, Prometheus textfile and a Slack message.
Pure functions of the typed report (`contracts.drift.DriftReport`)."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from llmops_cli.contracts.drift import DriftReport, SignalFinding
from llmops_cli.render.fmt import num

_ICON = {"ok": "✅", "warn": "⚠️", "pending": "⏳", "alert": "🚨", "insufficient_data": "…"}
LEVEL_VALUE = {"ok": 0, "warn": 1, "pending": 2, "alert": 3, "insufficient_data": -1}


def _value(s: SignalFinding) -> str:
    return "–" if s.value is None else num(s.value, 3)


def _p(s: SignalFinding) -> str:
    return "–" if s.p_adjusted is None else f"{s.p_adjusted:.3g}"


def headline(report: DriftReport) -> str:
    drifting = [s.name for s in report.flagged]
    text = f"drift check {report.check}: {report.status.upper()}"
    return text + (f" ({', '.join(drifting)})" if drifting else "")


def mode(report: DriftReport) -> str:
    """How the verdict was reached: one pair of files, or a window of a series with streaks."""
    if report.mode == "pair":
        return "Judged as one pair of files: no streak (streaks apply to time-range windows)."
    needed = report.settings.get("consecutive", 1)
    return f"A window of a series: a signal alerts after {needed} breached windows in a row."


def unchecked(report: DriftReport) -> str:
    """The columns no signal reads, named so that none is passed over in silence."""
    names = report.unchecked
    if not names:
        return ""
    return (
        f"Not checked (no signal reads them): {', '.join(names)}; "
        "add them under drift.signals in the thresholds manifest to watch them."
    )


def time_field(report: DriftReport) -> str:
    """Which field timed the records, when it was found in the log rather than named."""
    if report.settings.get("timestamp_from") != "detected":
        return ""
    return (
        f"Time field: {report.settings['timestamp_field']} (found in the log; "
        "--timestamp-field or drift.timestamp_field to choose another)."
    )


def skipped(report: DriftReport) -> str:
    """The unusable records left out, with the first of them located."""
    bad = report.bad_records
    if not bad.count:
        return ""
    noun = "record" if bad.count == 1 else "records"
    example = f" (e.g. {bad.examples[0]})" if bad.examples else ""
    return f"{bad.count} unusable {noun} skipped{example}"


def markdown(report: DriftReport) -> str:
    lines = [
        f"## {_ICON.get(report.status, '')} {headline(report)}",
        "",
        f"Reference: `{report.reference.source}` ({report.reference.rows} rows) · "
        f"current: `{report.current.source}` ({report.current.rows} rows)",
        "",
        mode(report),
        "",
        "| signal | status | statistic | value | BH p | reference n | current n | why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in report.signals:
        lines.append(
            f"| {s.name} | {_ICON.get(s.status, '')} {s.status} | {s.statistic or '–'}"
            f" | {_value(s)} | {_p(s)} | {s.n_reference} | {s.n_current} | {s.reason} |"
        )
    for note in (unchecked(report), time_field(report), skipped(report)):
        if note:
            lines += ["", note]
    actions = report.flagged
    if actions:
        lines += ["", "### Recommended actions", ""]
        lines += [f"- **{s.name}**: {s.action}" for s in actions]
    return "\n".join(lines) + "\n"


_CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4}.alert{color:#cf222e}
.pending{color:#bc4c00}.warn{color:#9a6700}.ok{color:#1a7f37}figure{display:inline-block;margin:8px}
.ref{fill:#8c959f}.cur{fill:#4c8bf5}"""


def _bars(chart: dict[str, Any], title: str) -> str:
    """Paired bars: grey reference share, blue current share, per bin or category."""
    ref, cur = chart["reference"], chart["current"]
    top = max([*ref, *cur, 1e-12])
    width, height, n = 360, 140, len(ref)
    slot = width / max(n, 1)
    bars = []
    for i, (r, c) in enumerate(zip(ref, cur, strict=True)):
        for j, (share, cls) in enumerate(((r, "ref"), (c, "cur"))):
            h = share / top * (height - 30)
            bars.append(
                f'<rect class="{cls}" x="{i * slot + j * slot / 2:.1f}" y="{height - 15 - h:.1f}" '
                f'width="{max(slot / 2 - 1, 1):.1f}" height="{h:.1f}"/>'
            )
    if "edges" in chart:
        axis = f"{num(chart['edges'][0], 3)} … {num(chart['edges'][-1], 3)}"
    else:
        axis = ", ".join(str(x) for x in chart["labels"][:6])
    return (
        f'<figure><svg width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}: reference vs current">'
        f'<text x="0" y="12">{escape(title)}</text>{"".join(bars)}'
        f'<text x="0" y="{height - 2}" font-size="11">{escape(axis)}</text></svg></figure>'
    )


def html(report: DriftReport) -> str:
    rows = "".join(
        f'<tr><td>{escape(s.name)}</td><td class="{s.status}">{s.status}</td>'
        f"<td>{escape(s.statistic or '–')}</td><td>{_value(s)}</td><td>{_p(s)}</td>"
        f"<td>{s.n_reference}</td><td>{s.n_current}</td><td>{escape(s.reason)}</td>"
        f"<td>{escape(s.action) if s.status != 'ok' else ''}</td></tr>"
        for s in report.signals
    )
    charts = "".join(_bars(s.chart, s.name) for s in report.signals if s.chart)
    found = (unchecked(report), time_field(report), skipped(report))
    notes = "".join(f"<p>{escape(note)}</p>" for note in found if note)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(headline(report))}"
        f"</title><style>{_CSS}</style></head><body><h1>{escape(headline(report))}</h1>"
        f"<p>Reference <code>{escape(report.reference.source)}</code> "
        f"({report.reference.rows} rows) · current "
        f"<code>{escape(report.current.source)}</code> ({report.current.rows} rows)"
        f" · {escape(report.created)}</p><p>{escape(mode(report))}</p>"
        "<table><tr><th>signal</th><th>status</th><th>statistic</th><th>value</th>"
        "<th>BH p</th><th>ref n</th><th>cur n</th><th>why</th><th>action</th></tr>"
        f"{rows}</table>{notes}"
        f"<h2>Reference (grey) vs current (blue)</h2>{charts}</body></html>\n"
    )


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def prometheus(report: DriftReport, timestamp: float) -> str:
    """node_exporter textfile-collector format."""
    check = _label(report.check)
    out = [
        "# HELP llmops_drift_status Overall drift status: 0 ok, 1 warn, 2 pending, 3 alert, "
        "-1 insufficient data.",
        "# TYPE llmops_drift_status gauge",
        f'llmops_drift_status{{check="{check}"}} {LEVEL_VALUE[report.status]}',
        "# HELP llmops_drift_signal_status Per-signal status (same scale).",
        "# TYPE llmops_drift_signal_status gauge",
    ]
    for s in report.signals:
        out.append(
            f'llmops_drift_signal_status{{check="{check}",signal="{_label(s.name)}"}} '
            f"{LEVEL_VALUE[s.status]}"
        )
    out += [
        "# HELP llmops_drift_signal_value Headline statistic of each signal.",
        "# TYPE llmops_drift_signal_value gauge",
    ]
    for s in report.signals:
        if s.value is not None and math.isfinite(s.value):
            out.append(
                f'llmops_drift_signal_value{{check="{check}",signal="{_label(s.name)}",'
                f'statistic="{s.statistic}"}} {s.value:.6g}'
            )
    out += [
        "# HELP llmops_drift_window_rows Rows in each window.",
        "# TYPE llmops_drift_window_rows gauge",
        f'llmops_drift_window_rows{{check="{check}",window="reference"}} {report.reference.rows}',
        f'llmops_drift_window_rows{{check="{check}",window="current"}} {report.current.rows}',
        "# HELP llmops_drift_bad_records Unusable records skipped in this check.",
        "# TYPE llmops_drift_bad_records gauge",
        f'llmops_drift_bad_records{{check="{check}"}} {report.bad_records.count}',
        "# HELP llmops_drift_last_run_timestamp_seconds When this check last ran.",
        "# TYPE llmops_drift_last_run_timestamp_seconds gauge",
        f'llmops_drift_last_run_timestamp_seconds{{check="{check}"}} {timestamp:.3f}',
    ]
    return "\n".join(out) + "\n"


def slack(report: DriftReport) -> dict[str, Any]:
    """A Slack-compatible webhook body (`text` for any receiver, `blocks` for Slack)."""
    flagged = report.flagged
    detail = (
        "\n".join(f"• *{s.name}* {s.status}: {s.reason}. _{s.action}_" for s in flagged)
        or "All signals back within thresholds."
    )
    text = f"{_ICON.get(report.status, '')} {headline(report)}"
    return {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": detail[:2900]}},
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"reference {report.reference.rows} rows · current "
                        f"{report.current.rows} rows · {report.created}",
                    }
                ],
            },
        ],
    }

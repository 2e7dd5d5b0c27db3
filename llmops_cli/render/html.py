"""report.html: a self-contained results viewer (inline CSS, SVG and a small script; no
network). Jinja2 templates with autoescape render the summary; the cases travel as one JSON
blob that the page's script turns into rows a screenful at a time, so 10,000 cases stay fast.
Every value was scrubbed when the report was made; here it is only escaped."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import suppress
from functools import cache
from typing import TYPE_CHECKING, Any

from llmops_cli.render.diff import ReportDiff, case_key, diff_reports
from llmops_cli.render.fmt import ci, num, outcomes, pass_rate, pct, report_warnings

if TYPE_CHECKING:
    import jinja2

    from llmops_cli.contracts.report import EvalReport
    from llmops_cli.contracts.verdict import GateVerdict

STATUS_LABELS = {
    "passed": "passed",
    "failed": "failed",
    "errored": "errored",
    "scored": "no checks",
}
CHART_WIDTH, BAR_H, CHART_LEFT = 560, 22, 150


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("llmops_cli.render", "templates"),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=num, ci=ci, pct=pct, signed=lambda v: f"{v:+.3f}")
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates (a private folder of the user's in the temp
    folder, checked by Jinja): compiling the page's template costs ~50 ms a process. A folder
    that cannot be made or written only costs the compile."""
    import jinja2

    class Quiet(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with suppress(OSError, ValueError, EOFError):
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        return Quiet()
    except (OSError, RuntimeError):
        return None


def render(
    typed: EvalReport,
    baseline: EvalReport | None = None,
    *,
    baseline_label: str = "",
    verdict: GateVerdict | None = None,
    data: Mapping[str, Any] | None = None,
) -> str:
    """The page for a report; with `baseline` (a report of the same pipeline) a diff section,
    with `verdict` the gate's checks. The page reads the report as the JSON it is written as
    (one conversion here, or `data`: `typed.to_dict()` made already), so the template and the
    embedded cases match report.json."""
    report = typed.to_dict() if data is None else data
    diff = None
    if baseline is not None:
        diff = diff_reports(report, baseline.to_dict(), baseline_label)
    summary = report["summary"]
    page = _environment().get_template("report.html.j2")
    return page.render(
        report=report,
        summary=summary,
        outcomes=outcomes(typed.summary),
        pass_rate=pass_rate(typed.summary),
        warnings=report_warnings(typed),
        bars=_metric_bars(summary["metrics"]),
        histogram=_latency_histogram(report["cases"]),
        diff=diff,
        verdict=verdict,
        status_labels=STATUS_LABELS,
        data=_embedded(_cases_blob(report, diff)),
        css=_asset("report.css"),
        script=_asset("report.js"),
    )


def prepare() -> None:
    """Load the page's template and assets ahead of the report (compiling is ~50 ms)."""
    _environment().get_template("report.html.j2")
    _asset("report.css")
    _asset("report.js")


@cache
def _asset(name: str) -> Any:
    """A stylesheet or script shipped beside the templates, inlined as it is (not a template:
    its braces mean CSS and JS)."""
    from importlib.resources import files

    from markupsafe import Markup

    return Markup((files("llmops_cli.render") / "templates" / name).read_text("utf-8"))


def _cases_blob(report: Mapping[str, Any], diff: ReportDiff | None) -> dict[str, Any]:
    """What the page's script needs per case, in short keys (the blob is most of the page)."""
    metrics = list(report["summary"]["metrics"])
    cases = []
    for row in report["cases"]:
        scores = row.get("scores", {})
        case: dict[str, Any] = {
            "id": str(row["case_id"]) + (f"#{row['repeat']}" if row["repeat"] else ""),
            "st": row["status"],
            "tags": list(row.get("tags", ())),
            "in": _text(row.get("input")),
            "exp": _text(row.get("expected")),
            "out": _text(row.get("output")),
            "err": row.get("error") or "",
            "fail": [
                [n, scores.get(n, {}).get("reason", "")] for n in row.get("failed_checks", ())
            ],
            "sc": [_score(scores.get(n)) for n in metrics],
            "ms": row.get("latency_ms"),
        }
        if diff is not None:
            case["was"] = diff.before_status.get(case_key(row), "")
        cases.append(case)
    return {
        "metrics": metrics,
        "labels": STATUS_LABELS,
        "baseline": diff is not None,
        "cases": cases,
    }


def _score(score: Mapping[str, Any] | None) -> float | None:
    if not score or score.get("value") is None:
        return None
    return round(float(score["value"]), 4)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _embedded(blob: object) -> Any:
    """JSON that is safe inside <script type="application/json">: no `<`, `>` or `&` can end
    the element or open a comment (they become \\u escapes, still the same JSON)."""
    from markupsafe import Markup

    text = json.dumps(blob, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)


def _metric_bars(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Geometry of horizontal bars of [0,1] metric means with 95% CI whiskers."""
    scale = CHART_WIDTH - CHART_LEFT - 20
    bars = []
    for i, (name, m) in enumerate(
        (n, m) for n, m in metrics.items() if m["mean"] is not None and 0 <= m["mean"] <= 1
    ):
        y = 5 + i * BAR_H
        whisker = [CHART_LEFT + v * scale for v in m["ci95"]] if m["ci95"] else None
        bars.append({"name": name, "y": y, "width": m["mean"] * scale, "whisker": whisker})
    return {"left": CHART_LEFT, "width": CHART_WIDTH, "bar_h": BAR_H, "bars": bars}


def _latency_histogram(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    values = [r["latency_ms"] for r in rows if r.get("latency_ms") is not None]
    if len(values) < 2:
        return None
    low, high = min(values), max(values)
    bins, width, height = 20, 560, 120
    span = (high - low) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / span * bins))] += 1
    top = max(counts)
    bar_w = width / bins
    bars = [
        {"x": i * bar_w, "w": bar_w - 2, "h": c / top * (height - 20), "n": c}
        for i, c in enumerate(counts)
    ]
    return {"low": low, "high": high, "width": width, "height": height, "bars": bars}

"""report.html: one self-contained page (inline CSS and SVG, no scripts, no network)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from llmops_cli.contracts.report import CaseRow, EvalReport, MetricSummary
from llmops_cli.render.fmt import ci, num, outcomes, pass_rate, pct, report_warnings

_CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4}.passed{color:#1a7f37}
.failed{color:#cf222e}.errored{color:#9a6700}.scored{color:#57606a}
.baseline{background:#fff8c5;padding:2px 6px}code{font-size:12px}"""


def _metric_chart(metrics: dict[str, MetricSummary]) -> str:
    """Horizontal bars of [0,1] metric means with 95% CI whiskers."""
    rows = [
        (n, m.mean, m.ci95) for n, m in metrics.items() if m.mean is not None and 0 <= m.mean <= 1
    ]
    if not rows:
        return ""
    width, bar_h, left = 560, 22, 150
    height = bar_h * len(rows) + 10
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="metric means">']
    scale = width - left - 20
    for i, (name, mean, interval) in enumerate(rows):
        y = 5 + i * bar_h
        parts.append(f'<text x="0" y="{y + 15}">{escape(name)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{mean * scale:.1f}" '
            f'height="{bar_h - 8}" fill="#4c8bf5"/>'
        )
        if interval:
            lo, hi = (left + v * scale for v in interval)
            parts.append(
                f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{y + 11}" y2="{y + 11}" '
                'stroke="#111" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _latency_histogram(rows: Sequence[CaseRow]) -> str:
    values = [r.latency_ms for r in rows if r.latency_ms is not None]
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    bins = 20
    span = (high - low) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / span * bins))] += 1
    width, height = 560, 120
    bar_w = width / bins
    top = max(counts)
    bars = "".join(
        f'<rect x="{i * bar_w:.1f}" y="{height - c / top * (height - 20):.1f}" '
        f'width="{bar_w - 2:.1f}" height="{c / top * (height - 20):.1f}" fill="#8250df"/>'
        for i, c in enumerate(counts)
    )
    label = f'<text x="0" y="12">latency {num(low, 1)} – {num(high, 1)} ms</text>'
    return f'<svg width="{width}" height="{height}" role="img">{label}{bars}</svg>'


def render(report: EvalReport) -> str:
    s = report.summary
    target = report.target
    badge = (
        f'<span class="baseline">{escape(target.label)}</span>'
        if target.baseline
        else escape(target.label)
    )
    metric_rows = "".join(
        f"<tr><td>{escape(n)}</td><td>{num(m.mean)}</td><td>{ci(m.ci95)}</td>"
        f"<td>{pct(m.pass_rate.mean) if m.pass_rate else '–'}</td><td>{m.n}</td></tr>"
        for n, m in s.metrics.items()
    )
    tag_rows = "".join(
        f"<tr><td>{escape(t)}</td><td>{sl.cases}</td><td>{num(sl.checked)}</td>"
        f"<td>{pct(sl.pass_rate)}</td><td>{sl.scored}</td>"
        f"<td>{sl.errored}</td></tr>"
        for t, sl in report.slices.items()
    )
    warning = "".join(
        f'<p class="failed">Warning: {escape(n)}</p>\n' for n in report_warnings(report)
    )
    case_rows = "".join(
        f"<tr><td><code>{escape(r.case_id)}</code></td>"
        f'<td class="{r.status}">{r.status}</td>'
        f"<td>{escape(r.input or '')}</td>"
        f"<td>{escape(r.output if r.output is not None else (r.error or ''))}</td>"
        f"<td>{escape(', '.join(r.failed_checks))}</td></tr>"
        for r in report.cases
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(report.pipeline)} eval</title>
<style>{_CSS}</style></head><body>
<h1>Eval report: {escape(report.pipeline)}</h1>
<p>Run <code>{escape(report.run_id)}</code> · model {badge} ·
fingerprint <code>{escape(report.fingerprint[:16])}…</code></p>
<p>{escape(outcomes(s))} · {escape(pass_rate(s))} · latency p50 {num(s.latency_ms.p50, 1)} ms,
p95 {num(s.latency_ms.p95, 1)} ms · cache hits {report.cache.hits}</p>
{warning}<h2>Metrics</h2>{_metric_chart(s.metrics)}
<table><tr><th>metric</th><th>mean</th><th>95% CI</th><th>pass rate</th><th>n</th></tr>
{metric_rows}</table>
<h2>Latency</h2>{_latency_histogram(report.cases)}
<h2>By tag</h2><table><tr><th>tag</th><th>cases</th><th>checked</th><th>pass rate</th>
<th>scored</th><th>errored</th></tr>
{tag_rows}</table>
<h2>Cases</h2><table><tr><th>id</th><th>status</th><th>input</th><th>output</th>
<th>failed checks</th></tr>{case_rows}</table>
</body></html>
"""

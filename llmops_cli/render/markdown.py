"""report.md: a summary a reviewer can read in a PR comment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from llmops_cli.contracts.report import CaseRow, EvalReport
from llmops_cli.render.fmt import ci, num, outcomes, pass_rate, pct, report_warnings

if TYPE_CHECKING:
    from llmops_cli.contracts.verdict import GateCheck, GateVerdict

MAX_FAILURES_LISTED = 20
# Markdown's inline syntax, and `_` where it could open or close emphasis (not in a name
# such as context_recall)
_INLINE = re.compile(r"[\\`*\[\]|~]|(?<!\w)_|_(?!\w)")


def md(value: object) -> str:
    """`value` as literal Markdown text for a table cell or a list item: HTML's `<` and `&` as
    entities (a tag `x<y>` or a reason `/<EMAIL_ADDRESS>/` would vanish as HTML; a `>` opens
    nothing mid-line, so `>= 0.85` stays readable in the raw file), Markdown's syntax
    backslash-escaped, `|` too (a cell ends there), on one line."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return " ".join(_INLINE.sub(lambda m: "\\" + m.group(), text).splitlines())


def code(value: object) -> str:
    """`value` as a code span, whatever backticks it holds."""
    text = " ".join(str(value).splitlines())
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(report: EvalReport) -> str:
    s = report.summary
    target = report.target
    lat = s.latency_ms
    lines = [
        f"# Eval report: {report.pipeline}",
        "",
        f"- run `{report.run_id}`, fingerprint `{report.fingerprint[:16]}…`",
        f"- model: **{target.label}** (`{target.model}`)",
        f"- {outcomes(s)} ({pass_rate(s)})",
        f"- latency p50 {num(lat.p50, 1)} ms, p95 {num(lat.p95, 1)}"
        f" ms, p99 {num(lat.p99, 1)} ms; tokens {s.tokens.total};"
        f" cost per 1K requests {num(s.cost_usd.per_1k_requests, 4)} USD",
        f"- cache: {report.cache.hits} hits, {report.cache.misses} misses;"
        f" {report.cache.resumed_cases} cases resumed from an interrupted run",
    ]
    for warning in report_warnings(report):
        lines.append(f"- **warning:** {md(warning)}")
    lines += [
        "",
        "| metric | mean | 95% CI | pass rate | n |",
        "|---|---|---|---|---|",
    ]
    for name, m in s.metrics.items():
        rate = pct(m.pass_rate.mean) if m.pass_rate else "–"
        lines.append(f"| {md(name)} | {num(m.mean)} | {ci(m.ci95)} | {rate} | {m.n} |")
    if report.slices:
        lines += [
            "",
            "## By tag",
            "",
            "| tag | cases | checked | pass rate | scored | errored |",
            "|---|---|---|---|---|---|",
        ]
        for tag, sl in report.slices.items():
            lines.append(
                f"| {md(tag)} | {sl.cases} | {num(sl.checked)} | {pct(sl.pass_rate)} "
                f"| {sl.scored} | {sl.errored} |"
            )
    bad = [r for r in report.cases if r.status in ("failed", "errored")]
    if bad:
        lines += ["", "## Failed and errored cases", ""]
        for row in bad[:MAX_FAILURES_LISTED]:
            lines.append(f"- {code(row.case_id)} ({row.status}): {md(failure_reason(row))}")
        if len(bad) > MAX_FAILURES_LISTED:
            lines.append(f"- … and {len(bad) - MAX_FAILURES_LISTED} more (see report.json)")
    return "\n".join(lines) + "\n"


def failure_reason(row: CaseRow) -> str:
    """Why a case failed (each failed check's reason) or errored."""
    if row.status == "errored":
        return row.error or ""
    return ", ".join(f"{n}: {row.scores[n].reason}" for n in row.failed_checks)


def verdict_markdown(verdict: GateVerdict, checks: Sequence[GateCheck] | None = None) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY and PR comments."""
    icon = {"pass": "✅", "warn": "⚠️", "fail": "❌"}
    lines = [
        f"## llmops gate: {verdict.pipeline} — {'PASSED' if verdict.passed else 'FAILED'}",
        "",
        f"Run `{verdict.run_id}`"
        + (
            f" vs baseline `{verdict.baseline_run_id}`"
            if verdict.baseline_run_id
            else f" ({verdict.baseline_note or 'no baseline'})"
        ),
        "",
        "| | check | observed | expected | detail |",
        "|---|---|---|---|---|",
    ]
    for c in checks if checks is not None else verdict.checks:
        observed = "–" if c.observed is None else f"{c.observed:.4g}"
        cells = (icon[c.status], md(c.name), observed, md(c.expected), md(c.detail))
        lines.append(f"| {' | '.join(cells)} |")
    if verdict.flipped:
        lines += [
            "",
            f"Cases that flipped pass → fail ({len(verdict.flipped)}): "
            + ", ".join(code(c) for c in verdict.flipped[:50]),
        ]
    return "\n".join(lines) + "\n"

"""`llmops guard` output: text for people (the flagged texts and a count), one JSON document,
or a JSON line per text. Entity types, rule ids and scores only, never the values."""

from __future__ import annotations

import json

from llmops_cli.guardrails.pipeline import GuardItem, GuardRunReport


def guard_json(run: GuardRunReport) -> str:
    return json.dumps(run.to_dict(), indent=2)


def guard_jsonl(run: GuardRunReport) -> str:
    return "\n".join(json.dumps(i.to_dict()) for i in run.items)


def guard_text(run: GuardRunReport) -> str:
    """A line per flagged text, then the count; a text given with `redact`: its redacted
    form alone (so `llmops guard --redact - < in.txt > out.txt` scrubs a file), and the
    findings go to stderr (`guard_findings`)."""
    if redacted_only(run):
        return "\n".join(i.redacted or "" for i in run.items)
    return guard_findings(run)


def redacted_only(run: GuardRunReport) -> bool:
    """True when the text output is the redacted text alone (a text given with `redact`)."""
    return bool(run.items) and all(i.redacted is not None for i in run.items)


def guard_findings(run: GuardRunReport) -> str:
    """A line per flagged text, then the count."""
    lines = [_flagged_line(i) for i in run.flagged]
    lines.append(f"{len(run.flagged)} of {len(run.items)} texts flagged")
    return "\n".join(lines)


def _flagged_line(item: GuardItem) -> str:
    report = item.report
    where = f"line {item.line} {item.field}: " if item.line is not None else ""
    parts = []
    if report.pii:
        parts.append("pii: " + ", ".join(f"{k} x{v}" for k, v in report.pii.items()))
    if report.injection:
        parts.append("injection: " + ", ".join(sorted({str(i["rule"]) for i in report.injection})))
    if "toxicity" in report.flagged and report.toxicity is not None:
        parts.append(f"toxicity: {report.toxicity:.2f}")
    return where + "; ".join(parts)

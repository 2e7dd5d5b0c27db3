"""junit.xml, so CI systems show results natively.

The eval writes one suite: a testcase per golden case. The gate rewrites the file with its
verdict first: a `gate` suite with one testcase per check (a failure exactly when the check
fails), then the cases. Once a gate has passed, a failing case is shown as skipped with its
reason instead of as a failure: the gate tolerated it, and a passing gate never renders red."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

if TYPE_CHECKING:
    from llmops_cli.contracts.report import EvalReport
    from llmops_cli.contracts.verdict import GateCheck, GateVerdict

_COUNTS = ("tests", "failures", "errors", "skipped")
# What XML 1.0 forbids (ElementTree writes it as-is, and readers then reject the whole file):
# control characters such as the ANSI escape or NUL a model's output may hold, and lone
# surrogates and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(
    typed: EvalReport, verdict: GateVerdict | None = None, data: Mapping[str, Any] | None = None
) -> str:
    """`data`: `typed.to_dict()`, when made already."""
    report = typed.to_dict() if data is None else data  # read as the JSON it is written as
    suites = ET.Element("testsuites", {"name": f"llmops {report['pipeline']}"})
    if verdict is not None:
        suites.append(_gate_suite(report, verdict))
    suites.append(_case_suite(report, tolerated=verdict is not None and verdict.passed))
    for count in _COUNTS:  # totals, for readers that look at the root only
        suites.set(count, str(sum(int(s.get(count, "0")) for s in suites)))
    suites.set("time", f"{float(report['wall_s']):.3f}")
    _make_xml_safe(suites)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def xml_safe(text: str) -> str:
    """`text` with each character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _make_xml_safe(root: ET.Element) -> None:
    """Every text, tail and attribute of the tree, made writable as XML 1.0."""
    for element in root.iter():
        if element.text:
            element.text = xml_safe(element.text)
        if element.tail:
            element.tail = xml_safe(element.tail)
        for key, value in element.attrib.items():
            element.set(key, xml_safe(value))


def _suite(name: str, report: Mapping[str, Any]) -> ET.Element:
    return ET.Element(
        "testsuite",
        {"name": name, "timestamp": str(report["started_at"]), "time": f"{report['wall_s']:.3f}"},
    )


def _count(suite: ET.Element) -> ET.Element:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for count, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(count, str(sum(1 for c in cases if c.find(tag) is not None)))
    return suite


def _gate_suite(report: Mapping[str, Any], verdict: GateVerdict) -> ET.Element:
    state = "passed" if verdict.passed else "failed"
    suite = _suite(f"gate: {report['pipeline']} ({state})", report)
    classname = f"gate.{str(report['pipeline']).split('@')[0]}"
    for check in verdict.checks:
        case = ET.SubElement(suite, "testcase", {"classname": classname, "name": check.name})
        line = _check_line(check)
        if check.status == "fail":
            ET.SubElement(case, "failure", {"message": line, "type": check.kind}).text = line
        elif check.status == "warn":  # a warning is reported, never red
            ET.SubElement(case, "system-out").text = f"warning: {line}"
    if verdict.flipped:
        out = ET.SubElement(suite, "system-out")
        out.text = "cases that flipped pass -> fail: " + ", ".join(verdict.flipped)
    return _count(suite)


def _check_line(check: GateCheck) -> str:
    observed = "–" if check.observed is None else f"{check.observed:.4g}"
    detail = f" ({check.detail})" if check.detail else ""
    return f"{check.name}: observed {observed}, expected {check.expected}{detail}"


def _case_suite(report: Mapping[str, Any], *, tolerated: bool) -> ET.Element:
    suite = _suite(f"cases: {report['pipeline']}", report)
    for row in report["cases"]:
        name = row["case_id"] if row["repeat"] == 0 else f"{row['case_id']}#{row['repeat']}"
        seconds = (row["latency_ms"] or 0) / 1000
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": report["pipeline"], "name": name, "time": f"{seconds:.3f}"},
        )
        status = row["status"]
        if status == "scored":  # graded metrics only: not a pass CI should count
            ET.SubElement(case, "skipped", {"message": "scored: no pass/fail check"})
        elif status in ("failed", "errored") and tolerated:
            why = _case_reason(row)
            ET.SubElement(case, "skipped", {"message": f"{status} (the gate passed): {why}"})
        elif status == "errored":
            ET.SubElement(case, "error", {"message": row["error"] or ""})
        elif status == "failed":
            failure = ET.SubElement(case, "failure", {"message": _case_reason(row)})
            failure.text = f"output: {row['output']}"
    return _count(suite)


def _case_reason(row: Mapping[str, Any]) -> str:
    if row["status"] == "errored":
        return str(row["error"] or "")
    return "; ".join(f"{n}: {row['scores'][n]['reason']}" for n in row.get("failed_checks", []))

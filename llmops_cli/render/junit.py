"""junit.xml: one testcase per golden case, so CI systems show failures natively."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from llmops_cli.contracts.report import EvalReport


def render(report: EvalReport) -> str:
    s = report.summary
    suite = ET.Element(
        "testsuite",
        {
            "name": report.pipeline,
            "tests": str(s.cases),
            "failures": str(s.failed),
            "errors": str(s.errored),
            "skipped": str(s.scored),
            "time": f"{report.wall_s:.3f}",
            "timestamp": report.started_at,
        },
    )
    for row in report.cases:
        name = row.case_id if row.repeat == 0 else f"{row.case_id}#{row.repeat}"
        seconds = (row.latency_ms or 0) / 1000
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": report.pipeline, "name": name, "time": f"{seconds:.3f}"},
        )
        if row.status == "scored":  # graded metrics only: not a pass CI should count
            ET.SubElement(case, "skipped", {"message": "scored: no pass/fail check"})
        elif row.status == "errored":
            ET.SubElement(case, "error", {"message": row.error or ""})
        elif row.status == "failed":
            reasons = "; ".join(f"{n}: {row.scores[n].reason}" for n in row.failed_checks)
            failure = ET.SubElement(case, "failure", {"message": reasons})
            failure.text = f"output: {row.output}"
    ET.indent(suite)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
    )

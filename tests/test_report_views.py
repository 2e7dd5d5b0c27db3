"""What people and CI read of a run: junit.xml agrees with the gate (read by junitparser, a
real consumer), and report.html is a results viewer, checked in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser import chromium_page
from helpers import latest

HOSTILE = "</script><img src=x onerror=alert(1)><!-- &amp;"


def report_folder(project: Path) -> Path:
    return project / "reports/support-bot" / str(latest(project)["run_id"])


def edit_golden(project: Path, edits: dict[str, dict[str, object]]) -> None:
    golden = project / "golden_sets/support/cases.jsonl"
    cases = [json.loads(line) for line in golden.read_text().splitlines()]
    for case in cases:
        for key, value in edits.get(case["id"], {}).items():
            if value is None:
                case.pop(key, None)
            else:
                case[key] = value
    golden.write_text("".join(json.dumps(c) + "\n" for c in cases))


def junit(folder: Path) -> dict[str, Any]:
    from junitparser import JUnitXml

    return {suite.name: suite for suite in JUnitXml.fromfile(str(folder / "junit.xml"))}


def test_junit_has_a_testcase_per_gate_check_and_a_passing_gate_is_never_red(
    project: Path, cli: Any
) -> None:
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    folder = report_folder(project)
    failed_cases = latest(project)["summary"]["failed"]
    assert failed_cases > 0  # the baseline gets some wrong, and the gate still passes
    assert set(junit(folder)) == {"cases: support-bot@1.0.0"}  # before the gate: cases only

    gate = cli("gate", "support-bot", "-f", "json", cwd=project)
    assert gate.exit_code == 0, gate.output
    checks = [c["name"] for c in json.loads(gate.stdout)["checks"]]
    suites = junit(folder)
    gate_suite, cases = (
        suites["gate: support-bot@1.0.0 (passed)"],
        suites["cases: support-bot@1.0.0"],
    )
    assert [case.name for case in gate_suite] == checks
    assert all(case.is_passed for case in gate_suite)
    assert (cases.tests, cases.failures, cases.errors) == (54, 0, 0)
    tolerated = [c for c in cases if c.is_skipped]
    assert len(tolerated) == failed_cases
    assert tolerated[0].result[0].message.startswith("failed (the gate passed): icontains")


def test_junit_fails_exactly_the_checks_that_fail(project: Path, cli: Any) -> None:
    gate = project / "manifests/thresholds/support-gate.yaml"
    gate.write_text(gate.read_text().replace("min: 0.60", "min: 0.90"))
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    assert cli("gate", "support-bot", cwd=project).exit_code == 4
    suites = junit(report_folder(project))
    gate_suite = suites["gate: support-bot@1.0.0 (failed)"]
    assert [c.name for c in gate_suite if not c.is_passed] == ["icontains"]
    [failure] = next(c for c in gate_suite if c.name == "icontains").result
    assert "observed 0.6667, expected >= 0.9" in failure.message
    cases = suites["cases: support-bot@1.0.0"]
    assert cases.failures == latest(project)["summary"]["failed"] and cases.skipped == 0


@pytest.fixture
def two_runs(project: Path, cli: Any) -> Path:
    """Two evals of the sample: the second has one case flipped each way, one case without a
    check (`scored`) and a hostile expected answer; its report.html diffs against the first."""
    pipeline = project / "manifests/pipelines/support-bot.yaml"
    pipeline.write_text(pipeline.read_text().replace("  - type: length\n    max: 600\n", ""))
    edit_golden(project, {"pw-01": {"assert": None}, "2fa-01": {"expected": HOSTILE}})
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    edit_golden(
        project,
        {
            "2fa-02": {"assert": [{"type": "icontains", "value": "a phrase never said"}]},
            "pw-03": {"assert": [{"type": "icontains", "value": "Reset your password"}]},
        },
    )
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    return report_folder(project)


def visible_ids(page: Any) -> list[str]:
    return page.locator("#rows tr.case td:first-child").all_text_contents()  # type: ignore[no-any-return]


def test_report_html_filters_sorts_and_diffs_in_chromium(
    project: Path, two_runs: Path, tmp_path: Path
) -> None:
    report = latest(project)
    statuses = {c["case_id"]: c["status"] for c in report["cases"]}
    assert statuses["pw-01"] == "scored" and statuses["2fa-02"] == "failed"
    html = (two_runs / "report.html").read_text()
    assert HOSTILE not in html  # escaped, even inside the embedded JSON
    with chromium_page() as (page, errors):
        dialogs: list[str] = []

        def dismiss(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        page.goto((two_runs / "report.html").as_uri())
        assert len(visible_ids(page)) == 54
        assert page.locator("#diff").inner_text().startswith("Compared with the previous run")
        regressed = page.locator("table.flips").first.locator("td:first-child")
        assert regressed.all_text_contents() == ["2fa-02"]  # flipped cases first
        page.select_option("#f-status", "failed")
        assert sorted(visible_ids(page)) == sorted(i for i, s in statuses.items() if s == "failed")
        page.select_option("#f-status", "scored")
        assert visible_ids(page) == ["pw-01"]
        assert page.locator("#rows tr.case td:nth-child(2)").inner_text() == "no checks"
        assert page.locator("#rows tr.case td:nth-child(2)").get_attribute("class") == "scored"
        page.select_option("#f-status", "")
        page.select_option("#f-tag", "security")
        assert len(visible_ids(page)) == report["slices"]["security"]["cases"]
        page.select_option("#f-tag", "")
        page.select_option("#f-change", "fixed")
        assert visible_ids(page) == ["pw-03"]
        page.select_option("#f-change", "")
        page.select_option("#f-sort", "m:token_f1")
        page.check("#f-desc")
        best = max(c["scores"]["token_f1"]["value"] for c in report["cases"])
        first = page.locator("#rows tr.case").first
        f1_column = list(report["summary"]["metrics"]).index("token_f1")
        assert float(first.locator("td.num").nth(f1_column).inner_text()) == round(best, 3)
        page.uncheck("#f-desc")
        page.select_option("#f-sort", "")
        page.fill("#f-text", "2fa-01")
        page.locator("#rows tr.case").first.click()
        detail = page.locator("#rows tr.detail").inner_text()
        assert HOSTILE in detail  # shown as the text it is
        assert page.locator("img").count() == 0 and not dialogs
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        assert errors == []


def test_the_gate_puts_its_verdict_and_baseline_diff_into_report_html(
    project: Path, cli: Any, two_runs: Path
) -> None:
    reports = (project / "reports/support-bot").glob("*/report.json")
    first = min(reports, key=lambda p: p.stat().st_mtime_ns)
    gate = cli("gate", "support-bot", "--baseline", str(first), cwd=project)
    assert gate.exit_code == 0, gate.output
    page = (two_runs / "report.html").read_text()
    assert 'Gate: <span class="passed">PASSED</span>' in page
    assert f"Compared with {first}" in page
    assert "Flipped pass → fail" in page and "Flipped fail → pass" in page


def test_a_report_without_a_previous_run_has_no_diff(project: Path, cli: Any) -> None:
    assert cli("eval", "support-bot", "--no-track", "--limit", "3", cwd=project).exit_code == 0
    page = (report_folder(project) / "report.html").read_text()
    assert 'id="diff"' not in page and 'id="llmops-data"' in page


def test_the_diff_pairs_cases_and_bootstraps_each_metrics_change(project: Path, cli: Any) -> None:
    from llmops_cli.render.diff import diff_reports

    assert cli("eval", "support-bot", "--no-track", "--limit", "12", cwd=project).exit_code == 0
    now = latest(project)
    before = json.loads(json.dumps(now))
    flipped = [r for r in before["cases"] if r["status"] == "failed"][:2]
    for row in flipped:
        row["status"], row["scores"]["icontains"]["value"] = "passed", 1.0
    diff = diff_reports(now, before, "test")
    assert [f.case_id for f in diff.regressed] == [r["case_id"] for r in flipped]
    assert diff.fixed == () and diff.shared == 12
    deltas = {d.name: d for d in diff.deltas}
    drop = deltas["icontains"]
    assert drop.delta == pytest.approx(-2 / 12) and drop.better is False
    assert drop.ci95 is not None and drop.ci95[0] < drop.delta < drop.ci95[1] <= 0
    assert deltas["token_f1"].delta == 0 and deltas["token_f1"].ci95 == (0.0, 0.0)


def test_junit_stays_valid_xml_when_outputs_hold_control_characters(
    project: Path, cli: Any
) -> None:
    from xml.etree import ElementTree as ET

    from llmops_cli.contracts.report import EvalReport
    from llmops_cli.render.junit import render

    assert cli("eval", "support-bot", "--no-track", "--limit", "2", cwd=project).exit_code == 0
    written = latest(project)
    failed, errored = written["cases"][:2]
    failed.update(status="failed", failed_checks=[], output="\x1b[31mred\x1b[0m\x00 end")
    errored.update(status="errored", error="boom \x00\x1b[31m")
    xml = render(EvalReport.from_json(json.dumps(written)))
    root = ET.fromstring(xml.split("\n", 1)[1])  # parses: no character XML 1.0 forbids
    failure, error = root.iter("failure"), root.iter("error")
    assert next(failure).text == "output: \ufffd[31mred\ufffd[0m\ufffd end"
    assert next(error).get("message") == "boom \ufffd\ufffd[31m"

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, make_report

from llmops_cli.contracts.verdict import GateVerdict
from llmops_cli.gate.checks import check_gate
from llmops_cli.render.markdown import verdict_markdown

THRESHOLDS: dict[str, Any] = {
    "metrics": {
        "token_f1": {"min": 0.5, "severity": "fail"},
        "rouge_l": {"min": 0.9, "severity": "warn"},
        "latency": {"max": 500, "stat": "p95"},
    },
    "max_error_rate": 0.05,
    "regression": {"max_drop": 0.02, "confidence": 0.95},
}


def statuses(verdict: GateVerdict) -> dict[str, str]:
    return {c.name: c.status for c in verdict.checks}


def test_thresholds_pass_warn_fail_and_strict() -> None:
    report = make_report([True] * 40, [0.8] * 40)
    verdict = check_gate(report, THRESHOLDS)
    assert verdict.passed
    assert statuses(verdict) == {
        "token_f1": "pass",
        "rouge_l": "warn",
        "latency (p95)": "pass",
        "error_rate": "pass",
    }
    assert not check_gate(report, THRESHOLDS, strict=True).passed
    low = check_gate(make_report([True] * 40, [0.3] * 40), THRESHOLDS)
    assert not low.passed and statuses(low)["token_f1"] == "fail"


def test_error_rate_ceiling_and_unmeasured() -> None:
    report = make_report([True] * 40, [0.8] * 40, errored=5)
    verdict = check_gate(
        report, {**THRESHOLDS, "metrics": {**THRESHOLDS["metrics"], "faithfulness": {"min": 0.5}}}
    )
    assert statuses(verdict)["error_rate"] == "fail"
    assert statuses(verdict)["faithfulness"] == "fail"
    assert [c.kind for c in verdict.checks if c.name == "faithfulness"] == ["unmeasured"]


def test_real_regression_fails_and_lists_flipped_cases() -> None:
    baseline = make_report([True] * 60, [0.8] * 60, run_id="base")
    flags = [i % 3 != 0 for i in range(60)]  # a third of the cases now fail
    current = make_report(flags, [0.8 if f else 0.4 for f in flags])
    verdict = check_gate(current, THRESHOLDS, baseline)
    assert not verdict.passed
    assert statuses(verdict)["pass_rate vs baseline"] == "fail"
    assert statuses(verdict)["token_f1 vs baseline"] == "fail"
    assert verdict.flipped == tuple(f"c{i}" for i in range(0, 60, 3))
    assert verdict.baseline_run_id == "base"
    drop = next(c for c in verdict.checks if c.name == "pass_rate vs baseline")
    assert drop.shared_cases == 60 and drop.bound is not None and drop.bound < -0.02
    assert "bound" in drop.to_dict() and "bound" not in verdict.checks[0].to_dict()
    assert "❌" in verdict_markdown(verdict) and "`c0`" in verdict_markdown(verdict)


def test_noise_level_differences_pass() -> None:
    rng = random.Random(3)
    values = [rng.uniform(0.6, 0.9) for _ in range(54)]
    baseline = make_report([True] * 54, values, run_id="base")
    jitter = [v + rng.uniform(-0.02, 0.02) for v in values]
    flags = [True] * 54
    flags[7] = False  # one flip in 54: noise
    verdict = check_gate(make_report(flags, jitter), THRESHOLDS, baseline)
    regression = {c.name: c for c in verdict.checks if c.kind == "regression"}
    assert regression["token_f1 vs baseline"].status == "pass"
    assert regression["pass_rate vs baseline"].status == "pass"
    assert verdict.flipped == ("c7",)


def test_stale_report_fails() -> None:
    report = make_report([True] * 10, [0.8] * 10)
    verdict = check_gate(report, THRESHOLDS, current_fingerprint="0" * 64)
    assert not verdict.passed and statuses(verdict)["fingerprint"] == "fail"


def test_gate_cli(project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    ok = cli("gate", "support-bot", cwd=project)
    assert ok.exit_code == 0, ok.output
    assert "gate PASSED" in ok.stdout and "(0 failed, 0 warnings);" in ok.stdout
    assert "llmops gate: support-bot@1.0.0 — PASSED" in summary.read_text()
    # a summary that cannot be written is a warning; the verdict's exit code stands
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "such" / "dir.md"))
    unwritable = cli("gate", "support-bot", cwd=project)
    assert unwritable.exit_code == 0, unwritable.output
    assert "warning: $GITHUB_STEP_SUMMARY not written" in unwritable.stderr
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    gate_file = next((project / "reports/support-bot").glob("*/gate.json"))
    assert json.loads(gate_file.read_text())["verdict"] == "pass"
    # the same report against itself as baseline: no regression, nothing flipped
    report = gate_file.parent / "report.json"
    same = cli(
        "gate",
        "support-bot",
        "--report",
        str(report),
        "--baseline",
        str(report),
        "-f",
        "json",
        cwd=project,
    )
    data = json.loads(same.stdout)
    assert same.exit_code == 0 and data["flipped"] == [] and data["baseline_run_id"]


def test_gate_cli_fails_with_exit_4_on_raised_threshold(project: Path, cli: Cli) -> None:
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    gate_yaml = project / "manifests/thresholds/support-gate.yaml"
    gate_yaml.write_text(
        gate_yaml.read_text().replace("icontains:      {min: 0.60", "icontains:      {min: 0.95")
    )
    # editing thresholds changes the fingerprint: the old report is stale evidence
    stale = cli("gate", "support-bot", cwd=project)
    assert stale.exit_code == 4 and "run `llmops eval` again" in stale.stdout
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    failed = cli("gate", "support-bot", cwd=project)
    assert failed.exit_code == 4
    assert "FAIL  icontains" in failed.stdout and "gate FAILED" in failed.stdout


def test_gate_cli_counts_one_warning_in_the_singular(project: Path, cli: Cli) -> None:
    gate_yaml = project / "manifests/thresholds/support-gate.yaml"
    gate_yaml.write_text(
        gate_yaml.read_text().replace("token_f1:       {min: 0.30", "token_f1:       {min: 0.99")
    )
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    warned = cli("gate", "support-bot", cwd=project)
    assert warned.exit_code == 0, warned.output
    assert "WARN  token_f1" in warned.stdout and "(0 failed, 1 warning);" in warned.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "r.json:1: not valid JSON"),
        ('{"a": 1}', "r.json: schema_version: missing"),
        ('{"schema_version": 1}', "r.json: run_id: missing"),
    ],
)
def test_gate_bad_report_is_exit_1(
    project: Path, cli: Cli, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "r.json"
    bad.write_text(content)
    result = cli("gate", "support-bot", "--report", str(bad), cwd=project)
    assert result.exit_code == 1 and message in result.stderr


def test_gate_without_reports(project: Path, cli: Cli) -> None:
    result = cli("gate", "support-bot", cwd=project)
    assert result.exit_code == 1 and "run `llmops eval support-bot` first" in result.stderr


def test_latency_is_not_a_default_regression_metric() -> None:
    baseline = make_report([True] * 30, [0.8] * 30, run_id="base")
    fast = make_report([True] * 30, [0.8] * 30)
    # sub-millisecond noise in a local run must not fail the gate
    slower = replace(
        fast, cases=tuple(replace(r, latency_ms=(r.latency_ms or 0) * 3) for r in fast.cases)
    )
    verdict = check_gate(slower, THRESHOLDS, baseline)
    assert verdict.passed
    assert "latency vs baseline" not in statuses(verdict)
    explicit = {**THRESHOLDS, "regression": {**THRESHOLDS["regression"], "metrics": ["latency"]}}
    assert statuses(check_gate(slower, explicit, baseline))["latency vs baseline"] == "fail"


@pytest.mark.parametrize("narrow", [("--filter", "sync", "--filter", "storage"), ("--limit", "5")])
def test_partial_report_fails_the_gate_unless_allowed(
    project: Path, cli: Cli, narrow: tuple[str, ...]
) -> None:
    assert cli("eval", "support-bot", *narrow, "--no-track", cwd=project).exit_code == 0
    failed = cli("gate", "support-bot", cwd=project)
    assert failed.exit_code == 4, failed.output
    assert "FAIL  coverage" in failed.stdout
    assert f"golden cases ({' '.join(narrow)}): gate the whole golden set" in failed.stdout
    allowed = cli("gate", "support-bot", "--allow-partial", "-f", "json", cwd=project)
    assert allowed.exit_code == 0, allowed.output
    data = json.loads(allowed.stdout)
    assert data["partial"] is True and data["verdict"] == "pass"
    assert {c["name"]: c["status"] for c in data["checks"]}["coverage"] == "warn"
    # the whole golden set is no partial report
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    whole = cli("gate", "support-bot", "-f", "json", cwd=project)
    assert whole.exit_code == 0 and json.loads(whole.stdout)["partial"] is False

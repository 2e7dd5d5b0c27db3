"""report.json and gate.json as typed contracts: the library calls that return them, the one
reader, and the JSON Schemas `llmops schema report|verdict` publishes from the types."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import make_report
from typer.testing import CliRunner

from llmops_cli import api
from llmops_cli.cli.main import app
from llmops_cli.contracts.base import ContractError
from llmops_cli.contracts.report import EvalReport, load_report
from llmops_cli.contracts.verdict import GateCheck, GateVerdict, load_verdict


class Recorder:
    """A progress that keeps what it was told."""

    def __init__(self) -> None:
        self.total = -1
        self.rows: list[str] = []
        self.finished = False

    def start(self, total: int, done: int) -> None:
        self.total = total

    def advance(self, row: Mapping[str, Any]) -> None:
        self.rows.append(str(row["case_id"]))

    def finish(self) -> None:
        self.finished = True


def test_evaluate_and_gate_are_library_calls_returning_the_contracts(project: Path) -> None:
    progress, notes = Recorder(), list[str]()
    report = api.evaluate(
        project, "support-bot", track=False, progress=progress, notify=notes.append
    )
    assert isinstance(report, EvalReport) and report.target.baseline
    assert progress.finished and progress.total == len(progress.rows) == report.summary.cases
    assert "extractive BASELINE" in notes[0]  # what the CLI prints to stderr
    folder = project / "reports" / "support-bot" / report.run_id
    text = (folder / "report.json").read_text("utf-8")
    assert load_report(folder / "report.json") == report
    assert report.to_json() + "\n" == text  # read and written back: the same document

    verdict = api.gate(str(project), "support-bot")
    assert isinstance(verdict, GateVerdict) and verdict.passed and verdict.run_id == report.run_id
    assert load_verdict(folder / "gate.json") == verdict
    written = json.loads((folder / "gate.json").read_text())
    assert written["verdict"] == "pass" and written["schema_version"] == 1


def _verdict() -> GateVerdict:
    check = GateCheck(name="f1", kind="threshold", status="pass", observed=0.9, expected=">= 0.8")
    return GateVerdict(
        passed=True,
        pipeline="bot",
        run_id="r1",
        fingerprint="abc",
        baseline_run_id=None,
        checks=(check,),
        flipped=(),
        strict=False,
        verdict="pass",
    )


def test_report_json_indents_the_run_and_gives_each_case_row_one_line(project: Path) -> None:
    report = api.evaluate(project, "support-bot", track=False)
    path = project / "reports" / "support-bot" / report.run_id / "report.json"
    lines = path.read_text("utf-8").splitlines()
    start = lines.index('  "cases": [')
    assert lines[1].startswith('  "schema_version": ') and lines[-2:] == ["  ]", "}"]
    rows = lines[start + 1 : -2]
    assert len(rows) == len(report.cases) > 1
    assert [json.loads(r.strip().removesuffix(",")) for r in rows] == report.to_dict()["cases"]
    assert json.loads(path.read_text("utf-8")) == report.to_dict()


def test_gate_json_carries_a_schema_version_and_older_verdicts_still_load(
    tmp_path: Path,
) -> None:
    verdict = _verdict()
    data = verdict.to_dict()
    assert data["schema_version"] == GateVerdict.SCHEMA_VERSION == 1
    older = tmp_path / "older.json"  # written before gate.json carried a version
    older.write_text(json.dumps({k: v for k, v in data.items() if k != "schema_version"}))
    assert load_verdict(older) == verdict
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**data, "schema_version": 2}))
    with pytest.raises(ContractError, match=r"newer\.json: schema_version: .*newer than"):
        load_verdict(newer)


def _schema(kind: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["schema", kind], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _valid(document: object, schema: Mapping[str, Any]) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(document)


def test_published_schemas_accept_real_files_and_reject_a_missing_field(project: Path) -> None:
    report = api.evaluate(project, "support-bot", track=False)
    api.gate(project, "support-bot")
    folder = project / "reports" / "support-bot" / report.run_id
    written = json.loads((folder / "report.json").read_text())
    report_schema = _schema("report")
    assert _valid(written, report_schema)
    for path in (("fingerprint",), ("summary", "pass_rate"), ("cases", 0, "status")):
        broken = json.loads(json.dumps(written))
        *parents, last = path
        parent = broken
        for key in parents:
            parent = parent[key]
        del parent[last]
        assert not _valid(broken, report_schema), path
    bad_status = json.loads(json.dumps(written))
    bad_status["cases"][0]["status"] = "maybe"
    assert not _valid(bad_status, report_schema)

    gate = json.loads((folder / "gate.json").read_text())
    verdict_schema = _schema("verdict")
    assert _valid(gate, verdict_schema)
    assert not _valid({k: v for k, v in gate.items() if k != "checks"}, verdict_schema)


def _written(tmp_path: Path, change: Any) -> Path:
    data = make_report([True, False], [0.9, 0.1]).to_dict()
    change(data)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("summary"), "r.json: summary: missing"),
        (lambda d: d["cases"][0].update(status="maybe"), "r.json: cases.0.status: 'maybe' is not"),
        (
            lambda d: d["summary"]["pass_rate"].update(n="2"),
            "r.json: summary.pass_rate.n: expected int, got str",
        ),
        (lambda d: d.update(schema_version=2), "r.json: schema_version: report schema 2 is newer"),
    ],
)
def test_load_report_names_the_file_and_field(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(ContractError) as caught:
        load_report(_written(tmp_path, change))
    assert str(caught.value).startswith(str(tmp_path)) and message in str(caught.value)


def test_load_report_reads_reports_older_than_scored_cases(tmp_path: Path) -> None:
    def older(data: dict[str, Any]) -> None:  # as written before cases could be `scored`
        for key in ("scored", "checked", "screening"):
            del data["summary"][key]
        for tag in data["slices"].values():
            del tag["checked"], tag["scored"]
        del data["warnings"]
        for row in data["cases"]:
            del row["failed_checks"]

    report = load_report(_written(tmp_path, older))
    assert report.summary.checked_cases == 2 and report.summary.scored == 0
    assert report.cases[1].failed_checks == ()
    missing = tmp_path / "none.json"
    with pytest.raises(ContractError, match=r"none\.json: cannot read report"):
        load_report(missing)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"cache": "sometimes"}, "cache 'sometimes': choose read-write, read-only or off"),
        ({"cache": "off", "cassette": Path("c.jsonl")}, "a cassette needs the cache"),
    ],
)
def test_evaluate_refuses_options_the_cli_would(
    project: Path, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(api.LlmopsError, match=message):
        api.evaluate(project, "support-bot", track=False, **options)
    assert not (project / "reports").exists()


def test_promote_names_a_broken_gate_json(project: Path) -> None:
    import subprocess

    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=project, check=True)
    report = api.evaluate(project, "support-bot", track=False)
    api.gate(project, "support-bot")
    gate_json = project / "reports" / "support-bot" / report.run_id / "gate.json"
    gate_json.write_text(gate_json.read_text().replace('"checks"', '"checkz"'))
    result = CliRunner().invoke(
        app, ["promote", "support-bot", "--to", "dev", "--project", str(project)]
    )
    assert result.exit_code == 1
    assert f"{gate_json}: checks: missing" in result.stderr

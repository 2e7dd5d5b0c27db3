"""Errors users can fix: a misspelt pipeline gets a suggestion, and under `--format json` an
error is one JSON object on stderr (stdout carries only results)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from llmops_cli.cli.main import app


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "-C", str(root)], catch_exceptions=False)


@pytest.mark.parametrize(
    "command",
    [
        ("resolve", "suport-bot"),
        ("eval", "support-bt", "--no-track"),
        ("gate", "supportbot"),
        ("promote", "suport-bot", "--to", "dev"),
    ],
)
def test_a_misspelt_pipeline_gets_the_closest_name(project: Path, command: tuple[str, ...]) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    result = run(project, *command)
    assert result.exit_code == 1
    assert "did you mean 'support-bot'?" in result.stderr, result.output


def test_a_name_like_none_gets_no_suggestion(project: Path) -> None:
    result = run(project, "resolve", "billing")
    assert result.exit_code == 1 and "no pipeline named 'billing'" in result.stderr
    assert "did you mean" not in result.stderr


def test_errors_under_format_json_are_json_on_stderr(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    missing = run(project, "registry", "show", "support-bot", "-f", "json")
    assert missing.exit_code == 1 and missing.stdout == ""
    assert json.loads(missing.stderr) == {
        "error": "support-bot is not in the registry",
        "exit_code": 1,
    }
    manifest = run(project, "resolve", "suport-bot", "--format", "json")
    body = json.loads(manifest.stderr)
    assert body["exit_code"] == 1 and "did you mean 'support-bot'" in body["error"]
    assert body["problems"][0]["file"] == "manifests/"
    text = run(project, "registry", "show", "support-bot")  # people still get one line
    assert text.stderr == "error: support-bot is not in the registry\n"


def test_a_pending_tracking_note_goes_inside_the_json_error(project: Path) -> None:
    """The trial's finding 12: a background MLflow run finished since the last command, then
    a command under --format json fails: stderr is one JSON object holding the note."""
    from llmops_cli.project import Project
    from llmops_cli.tracking import write_outcome

    run_id = "20261202T065829Z-fd661074-6baf"
    write_outcome(Project.load(project), run_id, {"state": "logged", "mlflow_run_id": "1d6c"})
    model = project / "manifests/models/support-model-local.yaml"
    good = model.read_text()
    model.write_text(good.replace("concurrency: 16", "concurrency: fast"))
    result = run(project, "gate", "support-bot", "-f", "json")
    assert result.exit_code == 1 and result.stdout == ""
    body = json.loads(result.stderr)
    assert body["notes"] == [f"mlflow run of {run_id}: 1d6c"], body
    assert body["problems"][0]["file"] == "manifests/models/support-model-local.yaml"
    again = run(project, "gate", "support-bot", "-f", "json")  # shown once
    assert "notes" not in json.loads(again.stderr)
    # eval: its notes and no progress lines, though the cases ran before the error
    model.write_text(good)
    write_outcome(Project.load(project), run_id, {"state": "failed", "warning": "no server"})
    args = ("--no-track", "--limit", "2", "--cache", "read-only", "--cassette", "none.jsonl")
    result = run(project, "eval", "support-bot", *args, "-f", "json")
    assert result.exit_code == 1 and result.stdout == ""
    body = json.loads(result.stderr)
    assert body["error"].startswith("none.jsonl: no such cassette"), body
    assert body["notes"][-1] == "warning: no server", body


def test_a_tracking_note_under_json_still_reaches_stderr_on_success(project: Path) -> None:
    from llmops_cli.project import Project
    from llmops_cli.tracking import write_outcome

    write_outcome(Project.load(project), "r1", {"state": "failed", "warning": "no server"})
    result = run(project, "validate", "-f", "json")  # no notes: nothing held, nothing lost
    assert result.exit_code == 0 and result.stderr == ""
    result = run(project, "eval", "support-bot", "--no-track", "--limit", "1", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["cases"] == 1
    assert "warning: no server\n" in result.stderr, result.stderr


def test_a_misspelt_pipeline_in_rollback_gets_the_registered_name(project: Path) -> None:
    from test_registry_api import evaluated

    from llmops_cli import api

    api.promote(evaluated(project), "support-bot", "dev")
    result = run(project, "rollback", "suport-bot", "--stage", "dev", "--reason", "x")
    assert result.exit_code == 1
    assert "never been promoted to dev" in result.stderr
    assert "did you mean 'support-bot'?" in result.stderr

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Cli

from llmops_cli import __version__
from llmops_cli.errors import ExitCode


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"llmops {__version__}"


def test_validate_sample_text_and_json(project: Path, cli: Cli) -> None:
    result = cli("validate", cwd=project / "manifests")  # found by walking up
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 6 manifests, 1 golden set(s), 1 pipeline(s) resolved")
    data = json.loads(cli("validate", "--project", str(project), "--format", "json").stdout)
    assert data["ok"] is True
    assert data["counts"] == {
        "manifests": 6,
        "golden_sets": 1,
        "pipelines": 1,
        "errors": 0,
        "warnings": 0,
    }
    assert data["pipelines"][0]["golden_set"]["cases"] == 54


def test_validate_json_lists_problems(project: Path, cli: Cli) -> None:
    (project / "manifests/models/support-model-local.yaml").write_text("kind: model\n")
    result = cli("validate", "--project", str(project), "-f", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert {
        "severity": "error",
        "file": "manifests/models/support-model-local.yaml",
        "line": 1,
        "field": "name",
        "message": "missing required field",
    } in problems


def test_validate_selected_paths(project: Path, cli: Cli) -> None:
    (project / "manifests/models/support-model-hosted.yaml").write_text("kind: model\n")
    only_prompts = cli("validate", "manifests/prompts", cwd=project)
    assert only_prompts.exit_code == 0, only_prompts.output
    assert only_prompts.stdout.startswith("ok: 1 manifests")
    assert cli("validate", "manifests/models", cwd=project).exit_code == 1
    outside = cli("validate", "/tmp", cwd=project)
    assert outside.exit_code == 1 and "outside the project root" in outside.stderr
    missing = cli("validate", "nope.yaml", cwd=project)
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_no_project_found(tmp_path: Path, cli: Cli) -> None:
    result = cli("validate", cwd=tmp_path)
    assert result.exit_code == 1
    assert "no llmops.yaml" in result.stderr and "llmops init" in result.stderr


def test_broken_project_config(project: Path, cli: Cli) -> None:
    (project / "llmops.yaml").write_text("kind: project\nname: x\nbogus: 1\n")
    result = cli("validate", cwd=project)
    assert result.exit_code == 1
    assert "error: llmops.yaml:3: bogus: unknown key 'bogus'" in result.stderr


def test_an_unchanged_config_is_not_validated_again(project: Path, cli: Cli) -> None:
    """The seal in .llmops/ spares later commands the jsonschema import; any edit (or another
    schema) breaks it, so a config that became invalid is still caught."""
    import subprocess
    import sys

    probe = (
        "import sys; from pathlib import Path; from llmops_cli.project import Project; "
        f"Project.load(Path({str(project)!r})); print('jsonschema' in sys.modules)"
    )

    def imports_jsonschema() -> bool:
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip() == "True"

    (project / ".llmops/cache/valid-config").unlink(missing_ok=True)
    assert imports_jsonschema()  # first load validates and seals
    assert not imports_jsonschema()
    config = project / "llmops.yaml"
    config.write_text(config.read_text() + "bogus: 1\n")
    result = cli("validate", cwd=project)
    assert result.exit_code == 1 and "bogus: unknown key 'bogus'" in result.stderr


def test_init_writes_a_valid_project_and_refuses_overwrite(tmp_path: Path, cli: Cli) -> None:
    target = tmp_path / "new"
    result = cli("init", str(target))
    assert result.exit_code == 0, result.output
    assert f"initialised a git repository in {target}" in result.stdout
    assert ".llmops/" in (target / ".gitignore").read_text().splitlines()
    assert cli("validate", cwd=target).exit_code == 0
    again = cli("init", str(target))
    assert again.exit_code == 1 and "not empty" in again.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["new"]  # no staging folder left behind


def test_init_into_empty_existing_folder(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "empty").mkdir()
    assert cli("init", str(tmp_path / "empty")).exit_code == 0
    assert (tmp_path / "empty/llmops.yaml").is_file()


@pytest.mark.parametrize(
    "kind",
    [
        "prompt",
        "model",
        "retrieval",
        "thresholds",
        "pipeline",
        "project",
        "golden-case",
        "manifest",
    ],
)
def test_schema_prints_json_schema(cli: Cli, kind: str) -> None:
    result = cli("schema", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")


def test_schema_unknown_kind(cli: Cli) -> None:
    result = cli("schema", "promt")
    assert result.exit_code == 2  # a usage error
    assert "'promt' is not one of: prompt, " in result.stderr and "report, verdict" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("export", "support-bot", "-f", "yaml"),
        ("schema", "bogus"),
        ("gate", "support-bot", "-f", "xml"),
        ("eval", "support-bot", "--cache", "bogus"),
        ("eval", "support-bot", "--limit", "0"),
        ("guard", "some text", "--out", "out.jsonl"),
        ("guard", "--file", "in.jsonl", "--redact"),
        ("guard", "text", "--checks", "pii", "--fail-on", "injection"),
    ],
)
def test_usage_errors_exit_2_in_every_command(
    project: Path, cli: Cli, args: tuple[str, ...]
) -> None:
    """The trial's finding 19: an invalid option value or combination is a usage error
    (README: exit 2), whichever command checks it."""
    (project / "in.jsonl").write_text('{"text": "hi"}\n')
    result = cli(*args, cwd=project)
    assert result.exit_code == 2, result.output
    assert "Error: Invalid value" in result.stderr, result.stderr
    assert not (project / "out.jsonl").exists()


def test_resolve_text_and_json(project: Path, cli: Cli) -> None:
    text = cli("resolve", "support-bot", cwd=project)
    assert text.exit_code == 0, text.output
    assert "retrieval    support-kb@1.0.0" in text.stdout
    data = json.loads(cli("resolve", "support-bot@1.0.0", "-C", str(project), "-f", "json").stdout)
    assert data["manifests"]["model"] == "support-model-local@1.0.0"
    assert len(data["fingerprint"]) == 64


def test_resolve_unknown_pipeline(project: Path, cli: Cli) -> None:
    result = cli("resolve", "nope", cwd=project)
    assert result.exit_code == 1
    assert "no pipeline named 'nope'" in result.stderr


def test_usage_error_is_exit_2(cli: Cli) -> None:
    assert cli("validate", "--format", "xml").exit_code == ExitCode.USAGE
    assert cli("no-such-command").exit_code == ExitCode.USAGE


def test_internal_bug_is_one_line_exit_3(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import llmops_cli.validation as validation

    def boom(*_args: object, **_kw: object) -> None:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(validation, "validate_project", boom)
    result = cli("validate", cwd=project)
    assert result.exit_code == ExitCode.BUG
    assert result.stderr.count("\n") == 1 and "internal error: ZeroDivisionError" in result.stderr
    debug = cli("--debug", "validate", cwd=project)
    assert debug.exit_code == ExitCode.BUG and "Traceback" in debug.stderr


def test_interrupt_is_exit_130(project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import llmops_cli.validation as validation

    def interrupted(*_args: object, **_kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(validation, "validate_project", interrupted)
    assert cli("validate", cwd=project).exit_code == ExitCode.INTERRUPTED


@pytest.mark.parametrize("command", ["eval", "resolve", "gate"])
@pytest.mark.parametrize(
    "rel", ["manifests/prompts/support-answer.yaml", "manifests/pipelines/support-bot.yaml"]
)
def test_a_broken_manifest_is_named_before_its_echo(
    project: Path,
    cli: Cli,
    command: str,
    rel: str,
) -> None:
    """A manifest that fails to load makes every reference to it "not found"; the command
    prints the root cause (file:line: field) first, as `validate` does."""
    path = project / rel
    text = path.read_text()
    path.write_text(text + "tempreature: 3\n")
    result = cli(command, "support-bot", cwd=project)
    assert result.exit_code == 1, result.output
    errors = result.stderr.splitlines()
    line = text.count("\n") + 1
    assert errors[0].startswith(f"error: {rel}:{line}: tempreature: unknown key"), errors
    assert len(errors) == 2, errors
    assert errors[1].endswith(f"is defined in a file that failed to load ({rel})"), errors


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("limits:\n", "limts:\n"),
        ("concurrency: 16", "concurrency: fast"),
        ("version: 1.0.0", "version: v1"),
        ("name: support-model-local", "name: Support_Model"),
        ("provider: local", "provider: [local"),  # not YAML
    ],
)
def test_a_broken_model_is_not_answered_with_another_name(
    project: Path, cli: Cli, old: str, new: str
) -> None:
    """The trial's finding 6: the pipeline's model reference names the file that failed to
    load, with no did-you-mean towards the hosted model (which needs an API key)."""
    rel = "manifests/models/support-model-local.yaml"
    path = project / rel
    path.write_text(path.read_text().replace(old, new))
    result = cli("validate", cwd=project)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {rel}:"), result.stderr
    assert "did you mean" not in result.stderr.splitlines()[-1], result.stderr
    assert (
        "manifests/pipelines/support-bot.yaml:6: model: model 'support-model-local' is defined "
        f"in a file that failed to load ({rel})"
    ) in result.stderr, result.stderr


# validate, where a library call writes to a child process that has already exited
BROKEN_CHILD_PIPE = """
import subprocess, sys
import llmops_cli.validation as validation
def validate_project(*args, **kwargs):
    child = subprocess.Popen([sys.executable, "-c", ""], stdin=subprocess.PIPE)
    child.wait()
    child.stdin.write(b"x" * 1_000_000)
    child.stdin.flush()
validation.validate_project = validate_project
from llmops_cli.cli.main import main
main()
"""


def test_a_broken_pipe_that_is_not_stdout_is_a_bug_not_silence(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-c", BROKEN_CHILD_PIPE, "validate"]
    result = subprocess.run(command, env=env, cwd=project, capture_output=True, timeout=60)
    assert result.returncode == ExitCode.BUG, result.stderr
    assert b"internal error: BrokenPipeError" in result.stderr


@pytest.mark.parametrize("args", [["schema", "prompt"], ["--help"]])
def test_a_closed_stdout_pipe_exits_quietly(args: list[str]) -> None:
    """`llmops schema prompt | head -1` once head has gone: every write fails with EPIPE."""
    read, write = os.pipe()
    os.close(read)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-m", "llmops_cli", *args]
    try:
        result = subprocess.run(command, env=env, stdout=write, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write)
    assert result.stderr == b""
    assert result.returncode == ExitCode.PIPE_CLOSED  # 128 + SIGPIPE, as `yes | head -1`


def test_a_full_disk_is_a_user_error_not_a_bug(project: Path) -> None:
    """`llmops validate > /dev/full`: the machine's state, one line, exit 1 (was exit 3)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "llmops_cli", "validate"],
            cwd=project,
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert result.returncode == ExitCode.USER_ERROR
    assert result.stderr.decode() == "error: cannot write (output): No space left on device\n"

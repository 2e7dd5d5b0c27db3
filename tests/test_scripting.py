"""What scripts and CI read: `--format json` of promote, rollback, reproduce, registry diff and
init (one JSON object on stdout, stable keys), shell completion, and what init sets up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from helpers import Cli, git
from test_registry import bump_prompt, evaluate
from typer.testing import Result

from llmops_cli.project import Project
from llmops_cli.registry.registry import Registry

EVENT_KEYS = {
    "event_id", "seq", "type", "pipeline", "stage", "version", "previous_version",
    "direction", "fingerprint", "change_type", "at", "pushed", "warning", "changed", "notes",
}  # fmt: skip


def as_json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output + result.stderr
    value: dict[str, Any] = json.loads(result.stdout)
    return value


def test_promote_and_rollback_print_the_event_as_json(repo: Path, tmp_path: Path, cli: Cli) -> None:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], check=True)
    git(repo, "remote", "add", "origin", str(bare))
    evaluate(cli, repo)
    first = as_json(cli("promote", "support-bot", "--to", "dev", "--push", "-f", "json", cwd=repo))
    assert set(first) == EVENT_KEYS
    assert first["pushed"] is True and first["seq"] == 1 and first["previous_version"] is None
    assert (first["pipeline"], first["stage"], first["version"]) == ("support-bot", "dev", "1.0.0")
    assert first["change_type"] == ["initial"] and first["direction"] is None
    # the id is the one the remote's registry holds: CI can hand it to a deploy job
    names = git(bare, "ls-tree", "--name-only", "llmops/registry:events").split()
    assert names == [f"00000001-{first['event_id']}.yaml"]

    bump_prompt(repo, "1.1.0")
    evaluate(cli, repo)
    second = as_json(cli("promote", "support-bot", "--to", "dev", "--format", "json", cwd=repo))
    assert (second["seq"], second["version"], second["previous_version"]) == (2, "1.1.0", "1.0.0")
    assert second["pushed"] is False and second["change_type"] == ["prompt"]

    back = as_json(
        cli("rollback", "support-bot", "--stage", "dev", "--reason", "bad", "-f", "json", cwd=repo)
    )
    assert set(back) == EVENT_KEYS
    assert (back["type"], back["direction"], back["seq"]) == ("rollback", "back", 3)
    assert (back["version"], back["previous_version"]) == ("1.0.0", "1.1.0")
    assert back["fingerprint"] == first["fingerprint"]
    event = Registry(Project.load(repo)).events("support-bot", 1)[0]
    assert (event.data["id"], event.seq) == (back["event_id"], 3)


def test_registry_diff_and_reproduce_as_json(repo: Path, tmp_path: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    assert cli("promote", "support-bot", "--to", "staging", cwd=repo).exit_code == 0
    same = as_json(cli("registry", "diff", "support-bot", "dev", "staging", "-f", "json", cwd=repo))
    assert same["same"] is True and same["changed"] == [] and same["diff"] == {}
    assert same["a"]["manifests"]["prompt"] == "support-answer@1.0.0"
    bump_prompt(repo, "1.1.0")
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    changed = as_json(
        cli("registry", "diff", "support-bot", "staging", "dev", "-f", "json", cwd=repo)
    )
    assert changed["same"] is False and set(changed["changed"]) == {"pipeline", "prompt"}
    assert (changed["a"]["stage"], changed["b"]["stage"]) == ("staging", "dev")
    assert changed["b"]["manifests"]["prompt"] == "support-answer@1.1.0"
    assert "one sentence" in changed["diff"]["prompt"]
    assert "-version: 1.0.0" in changed["diff"]["prompt"].splitlines()
    text = cli("registry", "diff", "support-bot", "staging", "dev", cwd=repo)
    assert text.stdout.strip() == "\n".join(changed["diff"].values())

    out = tmp_path / "again"
    written = as_json(
        cli("reproduce", "support-bot@dev", "--out", str(out), "-f", "json", cwd=repo)
    )
    assert written["target"] == "support-bot@dev" and written["out"] == str(out)
    files = sorted(Path(f) for f in written["files"])
    assert files == sorted(p for p in out.rglob("*.yaml"))
    prompt = out / "manifests/prompts/support-answer-1.1.0.yaml"
    assert yaml.safe_load(prompt.read_text())["version"] == "1.1.0"


def test_init_as_json_runs_git_init_and_writes_editor_schemas(tmp_path: Path, cli: Cli) -> None:
    target = tmp_path / "new"
    report = as_json(cli("init", str(target), "--format", "json"))
    assert report["directory"] == str(target) and report["git_init"] is True
    assert report["files"] == sum(
        1 for p in target.rglob("*") if p.is_file() and ".git" not in p.parts
    )
    assert git(target, "rev-parse", "--show-toplevel").strip() == str(target.resolve())
    assert ".schemas/manifest.json" in report["schemas"]
    assert ".vscode/settings.json" in report["schemas"]
    settings = json.loads((target / ".vscode/settings.json").read_text())
    assert settings["yaml.schemas"]["./.schemas/manifest.json"] == "manifests/**/*.yaml"
    # every manifest names its kind's schema, by a path that exists from where it is
    for path in [target / "llmops.yaml", *(target / "manifests").rglob("*.yaml")]:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("=", 1)[1]).resolve()
        kind = yaml.safe_load(path.read_text())["kind"]
        assert schema == (target / ".schemas" / f"{kind}.json").resolve()
    assert cli("validate", cwd=target).exit_code == 0
    # the project's first registry write works without the user running git init
    assert cli("eval", "support-bot", "--no-track", cwd=target).exit_code == 0
    assert cli("gate", "support-bot", cwd=target).exit_code == 0
    assert cli("promote", "support-bot", "--to", "dev", cwd=target).exit_code == 0


def test_init_inside_a_repository_or_with_no_git_leaves_git_alone(tmp_path: Path, cli: Cli) -> None:
    git(tmp_path, "init", "-q")
    inside = as_json(cli("init", str(tmp_path / "sub" / "proj"), "-f", "json"))
    assert inside["git_init"] is False and not (tmp_path / "sub/proj/.git").exists()
    result = cli("init", str(tmp_path / "plain"), "--no-git")
    assert result.exit_code == 0 and "git repository" not in result.stdout


def test_combined_schema_checks_every_kind(tmp_path: Path, cli: Cli) -> None:
    assert cli("init", str(tmp_path / "p"), "--no-git").exit_code == 0
    schema = json.loads((tmp_path / "p/.schemas/manifest.json").read_text())
    assert json.loads(cli("schema", "manifest").stdout) == schema  # the same, for editors
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    manifests = sorted((tmp_path / "p/manifests").rglob("*.yaml"))
    kinds = set()
    for path in manifests:
        data = yaml.safe_load(path.read_text())
        kinds.add(data["kind"])
        assert not list(validator.iter_errors(data)), path
    assert kinds == {"prompt", "model", "retrieval", "thresholds", "pipeline"}
    prompt = yaml.safe_load((tmp_path / "p/manifests/prompts/support-answer.yaml").read_text())
    misspelt = {**prompt, "temprature": 0.2}
    assert any("temprature" in e.message for e in validator.iter_errors(misspelt))
    assert list(validator.iter_errors({**prompt, "kind": "promt"}))
    assert list(validator.iter_errors({"name": "x"}))  # no kind


def entry_point(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = "from llmops_cli.cli.main import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


def test_shell_completion(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Typer finds the shell by walking the process tree (shellingham), which failed under a
    # parallel run ("Shell  not supported."); the test is of our completion, not of that
    import typer.completion

    monkeypatch.setattr(typer.completion, "_get_shell_name", lambda: "bash")
    shown = cli("--show-completion")
    assert shown.exit_code == 0, shown.output
    assert "_LLMOPS_COMPLETE=complete_bash" in shown.stdout
    assert "--install-completion" in cli("--help").stdout
    words = entry_point(_LLMOPS_COMPLETE="complete_bash", COMP_WORDS="llmops reg", COMP_CWORD="1")
    assert words.stdout.split() == ["registry"], words.stderr
    sub = entry_point(
        _LLMOPS_COMPLETE="complete_bash", COMP_WORDS="llmops registry d", COMP_CWORD="2"
    )
    assert sub.stdout.split() == ["diff"], sub.stderr


@pytest.mark.parametrize(
    "command",
    [["promote"], ["rollback"], ["reproduce"], ["registry", "diff"], ["init"]],
    ids=" ".join,
)
def test_scripted_commands_offer_format_json(cli: Cli, command: list[str]) -> None:
    assert "--format" in cli(*command, "--help").stdout

"""The registry's Python API: promote, rollback, export and the reads return typed results
(real git repositories and a bare remote; the CLI renders the same results)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import git
from test_registry import bump_prompt
from typer.testing import CliRunner, Result

from llmops_cli import api
from llmops_cli.cli.main import app
from llmops_cli.registry.types import PromotionResult, RegistryEvent, StageEntry

APPROVED = ("support-leads",)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "-C", str(root)], catch_exceptions=False)


def evaluated(root: Path) -> Path:
    """`root` as a git repository whose support-bot has a passing gate."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    assert run(root, "eval", "support-bot", "--no-track").exit_code == 0
    assert run(root, "gate", "support-bot").exit_code == 0
    return root


def bump(root: Path, version: str) -> None:
    """A new prompt version (and pipeline version) with different text, evaluated and gated."""
    bump_prompt(root, version)
    assert run(root, "eval", "support-bot", "--no-track").exit_code == 0
    assert run(root, "gate", "support-bot").exit_code == 0


def test_promote_rollback_export_and_reads_return_typed_results(project: Path) -> None:
    root = evaluated(project)
    first = api.promote(root, "support-bot", "dev")
    assert isinstance(first, PromotionResult) and isinstance(first.event, RegistryEvent)
    assert (first.event.type, first.event.version, first.event.stage) == (
        "promote",
        "1.0.0",
        "dev",
    )
    assert first.event.previous_version is None and first.event.change_type == ("initial",)
    assert first.pushed is False and first.warnings == ()
    assert first.event.data["report_sha256"]  # the stored record stays whole

    bump(root, "1.1.0")
    second = api.promote(api.load_project(root), "support-bot", "dev", reason="terser")
    assert second.event.change_type == ("prompt",) and second.event.reason == "terser"
    assert api.export(root, "support-bot", "dev", fmt="env").text.count("support-bot@1.1.0") == 1

    back = api.rollback(root, "support-bot", "dev", reason="answers too terse")
    assert (back.event.direction, back.event.from_version, back.event.version) == (
        "back",
        "1.1.0",
        "1.0.0",
    )
    listing = api.registry_list(root)
    assert [(p.name, p.versions) for p in listing.pipelines] == [("support-bot", {"dev": "1.0.0"})]
    assert listing.read_from.source == "local"
    dev = api.registry_show(root, "support-bot").stages[0]
    assert isinstance(dev.current, StageEntry) and dev.current.version == "1.0.0"
    assert [e.version for e in dev.rolled_back] == ["1.1.0"]
    forward = api.rollback(root, "support-bot", "dev", to="1.1.0", reason="fixed")
    assert forward.event.direction == "forward"
    newest = api.registry_history(root, "support-bot", limit=2)
    assert [(e.type, e.version) for e in newest] == [("rollback", "1.0.0"), ("rollback", "1.1.0")]
    assert len(api.registry_history(root, limit=None)) == 4

    same = api.registry_diff(root, "support-bot", "dev", "dev")
    assert same.same and same.changed == () and same.a.manifests["prompt"] == "support-answer@1.1.0"

    old_fingerprint = dev.current.fingerprint  # 1.0.0: in dev's history since the roll forward
    by_fingerprint = api.export(root, "support-bot", fingerprint=old_fingerprint[:10])
    assert (by_fingerprint.version, by_fingerprint.stage) == ("1.0.0", "dev")
    with pytest.raises(api.LlmopsError, match="was ever in a stage"):
        api.export(root, "support-bot", fingerprint="0123456789")
    cli_text = run(root, "export", "support-bot", "--fingerprint", old_fingerprint, "-f", "env")
    assert "LLMOPS_PIPELINE=support-bot@1.0.0" in cli_text.stdout

    exported = api.export(root, "support-bot", "dev")
    assert (exported.version, exported.format) == ("1.1.0", "json")
    assert json.loads(exported.text)["pipeline"]["version"] == "1.1.0"


def test_cli_json_is_the_api_result_rendered(project: Path) -> None:
    root = evaluated(project)
    out = run(root, "promote", "support-bot", "--to", "dev", "-f", "json")
    assert out.exit_code == 0, out.output
    shown = json.loads(out.stdout)
    event = api.registry_history(root, limit=1)[0]
    assert shown["event_id"] == event.id and shown["at"] == event.at
    assert shown["change_type"] == ["initial"] and shown["warning"] is None
    show = json.loads(run(root, "registry", "show", "support-bot", "-f", "json").stdout)
    current = api.registry_show(root, "support-bot").stages[0].current
    assert current is not None and show["dev"]["current"] == current.to_dict()
    assert list(show["dev"]["current"]) == [
        "evidence",
        "version",
        "fingerprint",
        "manifests",
        "event",
        "at",
    ]


def test_show_names_the_time_of_the_last_fetch_when_it_reads_the_fetched_copy(
    project: Path, tmp_path: Path
) -> None:
    root = evaluated(project)
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(root), str(bare))
    git(root, "remote", "add", "origin", str(bare))
    assert api.promote(root, "support-bot", "dev", push=True).pushed
    own = run(root, "registry", "show", "support-bot")
    assert "last fetch" not in own.output  # the local branch: what was written here

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{bare}", str(clone))  # only origin/llmops/registry
    status = api.registry_show(clone, "support-bot")
    assert status.read_from.source == "remote-tracking"
    assert status.read_from.fetched_at == "2026-01-02T03:04:05Z"  # GIT_COMMITTER_DATE (conftest)
    text = run(clone, "registry", "show", "support-bot")
    assert "1.0.0" in text.stdout
    assert (
        "(read from origin/llmops/registry, as of last fetch 2026-01-02T03:04:05Z; "
        "`git fetch` for newer)" in text.stdout
    )
    as_json = run(clone, "registry", "list", "-f", "json")
    assert json.loads(as_json.stdout) == {"support-bot": {"dev": "1.0.0"}}
    assert "as of last fetch 2026-01-02T03:04:05Z" in as_json.stderr


def test_a_misspelt_pipeline_gets_a_suggestion(project: Path) -> None:
    root = evaluated(project)
    api.promote(root, "support-bot", "dev")
    with pytest.raises(api.LlmopsError, match="did you mean 'support-bot'"):
        api.registry_show(root, "suport-bot")
    far = run(root, "registry", "show", "billing")
    assert far.exit_code == 1 and "did you mean" not in far.stderr


def test_events_are_written_as_json_that_yaml_readers_read_and_old_yaml_events_still_read(
    project: Path,
) -> None:
    from llmops_cli.registry.layout import event_text, parse_event, to_yaml

    root = evaluated(project)
    event = api.promote(root, "support-bot", "dev").event
    stored = git(root, "show", f"llmops/registry:events/{event.seq:08d}-{event.id}.yaml")
    assert stored.startswith("{") and json.loads(stored) == event.data
    assert yaml.safe_load(stored) == event.data  # still YAML for any YAML reader
    record = {**event.data, "reason": 'naïve: "quoted"\ttab', "approvers": ["a"]}
    assert parse_event(event_text(record)) == record == yaml.safe_load(event_text(record))
    assert parse_event(to_yaml(record)) == record  # an event an earlier version wrote

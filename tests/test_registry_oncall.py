"""The on-call path of the registry, on real repositories and bare remotes: approvals on
rollback, saying whether a write reached the remote, re-applying local events on a moved
remote, short fetch deadlines with a progress line, and reads that refuse a typo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import Cli, git
from test_registry import bump_prompt, evaluate
from test_registry_remote import clone, push_first_during_next_push, registry_of, remote_events

from llmops_cli.project import Project
from llmops_cli.registry.registry import Registry

APPROVED = ("--approver", "support-leads")


def release(cli: Cli, root: Path, *extra: str) -> None:
    """The checked-out version through dev, staging and prod (approved)."""
    for stage, approved in (("dev", ()), ("staging", ()), ("prod", APPROVED)):
        result = cli("promote", "support-bot", "--to", stage, *approved, *extra, cwd=root)
        assert result.exit_code == 0, result.output


def rollback(cli: Cli, root: Path, *args: str) -> tuple[int, str, str]:
    result = cli("rollback", "support-bot", "--reason", "incident 42", *args, cwd=root)
    return result.exit_code, result.stdout, result.stderr


def test_a_rollback_into_a_protected_stage_needs_its_approvers(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    release(cli, repo)
    bump_prompt(repo, "1.1.0")
    evaluate(cli, repo)
    release(cli, repo)
    registry = Registry(Project.load(repo))
    seq = registry.state()["seq"]

    code, _, err = rollback(cli, repo)  # back, with no approver
    assert code == 1 and "a rollback into it needs 1 approval(s) from support-leads" in err
    code, _, err = rollback(cli, repo, "--approver", "jane")  # a name, not the group's
    assert code == 1 and "'jane' is not one of them" in err
    assert "registry.protected.prod.approvers of llmops.yaml: support-leads" in err
    assert registry.state()["seq"] == seq  # nothing written
    code, out, _ = rollback(cli, repo, *APPROVED)
    assert code == 0 and "1.1.0 -> 1.0.0" in out
    code, _, err = rollback(cli, repo, "--to", "1.1.0")  # forward again, with no approver
    assert code == 1 and "needs 1 approval(s)" in err
    code, _, err = rollback(cli, repo, "--to", "9.9.9", *APPROVED)
    assert code == 1 and "versions it held: 1.1.0, 1.0.0 (now)" in err
    show = cli("registry", "show", "support-bot", cwd=repo).stdout
    assert "(nothing earlier to roll back to; rolled back from: 1.1.0)" in show
    code, out, _ = rollback(cli, repo, "--to", "1.1.0", *APPROVED)
    assert code == 0 and "rolled forward" in out
    event = registry.events("support-bot")[-1].data
    assert event["approvers"] == ["support-leads"]
    assert event["actor"] == "Test Author <author@example.test>"  # who ran it, from git

    # the incident exemption is explicit in llmops.yaml, and covers only the previous version
    config = repo / "llmops.yaml"
    config.write_text(
        config.read_text().replace(
            "      approvers: [support-leads]\n",
            "      approvers: [support-leads]\n      rollback_to_previous_without_approval: true\n",
        )
    )
    code, out, _ = rollback(cli, repo)
    assert code == 0 and "1.1.0 -> 1.0.0" in out
    waived = registry.events("support-bot")[-1].data
    assert "rollback_to_previous_without_approval" in waived["approval_waived"]
    history = cli("registry", "history", "support-bot", "--stage", "prod", cwd=repo).stdout
    assert "rollback support-bot@1.0.0 -> prod  approvers waived" in history.splitlines()[-1]
    code, _, err = rollback(cli, repo, "--to", "1.1.0")  # a roll forward is never exempt
    assert code == 1 and "needs 1 approval(s)" in err


def test_history_refuses_an_unknown_stage_or_pipeline(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    typo = cli("registry", "history", "support-bot", "--stage", "prdo", cwd=repo)
    assert typo.exit_code == 1
    assert "unknown stage 'prdo'; stages: dev, staging, prod" in typo.stderr
    nosuch = cli("registry", "history", "support-bto", cwd=repo)
    assert nosuch.exit_code == 1
    assert "support-bto is not in the registry" in nosuch.stderr and "support-bot" in nosuch.stderr
    assert len(cli("registry", "history", "support-bot", cwd=repo).stdout.splitlines()) == 1


def test_a_write_says_whether_it_reached_the_remote(remote: Path, tmp_path: Path, cli: Cli) -> None:
    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    local = cli("promote", "support-bot", "--to", "dev", cwd=a)
    assert local.exit_code == 0 and "fetching origin (up to" in local.stderr
    assert "local only: not pushed; run with --push to publish" in local.stdout
    show = cli("registry", "show", "support-bot", cwd=a)
    assert "1 event(s) not pushed to origin" in show.stdout
    # run again with --push: nothing new to write, and the pending event is published
    published = cli("promote", "support-bot", "--to", "dev", "--push", "-f", "json", cwd=a)
    assert published.exit_code == 0, published.output
    assert json.loads(published.stdout)["changed"] is False
    assert [e["stage"] for e in remote_events(remote)] == ["dev"]
    assert "not pushed" not in cli("registry", "show", "support-bot", cwd=a).stdout
    pushed = cli("promote", "support-bot", "--to", "staging", "--push", cwd=a)
    assert pushed.exit_code == 0 and "pushed to origin" in pushed.stdout

    # the git host is gone: a --push says that nothing was written and how to act locally
    git(a, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    failed = cli("promote", "support-bot", "--to", "prod", *APPROVED, "--push", cwd=a)
    assert failed.exit_code == 1
    assert "nothing was written. To promote locally now, run the same command without" in (
        failed.stderr
    )
    assert registry_of(a).state()["seq"] == 2


def test_a_silent_remote_costs_a_local_write_a_few_seconds_and_the_gate_its_full_deadline(
    repo: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0  # a copy
    hang = repo.parent / "hang.sh"  # a "remote" that connects and then says nothing
    hang.write_text("#!/bin/sh\nsleep 60\n")
    hang.chmod(0o755)
    git(repo, "config", "protocol.ext.allow", "always")
    git(repo, "remote", "add", "origin", f"ext::{hang}")
    monkeypatch.setenv("LLMOPS_GIT_TIMEOUT", "60")  # the deadline of a --push, not of these
    staged = cli("promote", "support-bot", "--to", "staging", cwd=repo)
    assert staged.exit_code == 0, staged.output
    assert staged.stderr.startswith("fetching origin (up to 5 s)...\n")
    assert "no answer within 5 s" in staged.stderr
    assert "local only: not pushed" in staged.stdout
    # the gate waits LLMOPS_GIT_TIMEOUT even with a copy: on a slow CI link a short deadline
    # would judge against whatever prod held at the last fetch
    monkeypatch.setenv("LLMOPS_GIT_TIMEOUT", "7")
    gate = cli("gate", "support-bot", cwd=repo)
    assert gate.exit_code == 0, gate.output
    assert gate.stderr.startswith("fetching origin (up to 7 s)...")
    assert "(not fetched: git fetch origin: no answer within 7 s" in gate.stdout


def three_in_prod(cli: Cli, remote: Path, tmp_path: Path) -> tuple[Path, Path]:
    """1.0.0, 1.1.0 and then 1.2.0 released to prod through origin, and two clones of it."""
    a = clone(remote, tmp_path / "a")
    for version in ("1.0.0", "1.1.0", "1.2.0"):
        if version != "1.0.0":
            git(a, "checkout", "-q", "--", "manifests")  # bump_prompt starts from 1.0.0
            bump_prompt(a, version)
        evaluate(cli, a)
        release(cli, a, "--push")
    return a, clone(remote, tmp_path / "b")


def prod_versions(remote: Path) -> list[str]:
    return [e["version"] for e in remote_events(remote) if e["stage"] == "prod"]


@pytest.mark.parametrize("output", ["text", "json"])
def test_two_oncalls_rolling_back_at_once_roll_back_one_version_not_two(
    remote: Path, tmp_path: Path, cli: Cli, output: str
) -> None:
    a, b = three_in_prod(cli, remote, tmp_path)
    assert rollback(cli, b, *APPROVED)[0] == 0  # b rolls prod back 1.2.0 -> 1.1.0 ...
    push_first_during_next_push(a, b, tmp_path / "raced")  # ... and pushes it just before a

    code, out, err = rollback(cli, a, *APPROVED, "--push", "-f", output)
    assert code == 0, err
    assert (tmp_path / "raced").exists()  # a's first push lost the race
    assert prod_versions(remote) == ["1.0.0", "1.1.0", "1.2.0", "1.1.0"]  # not 1.0.0 too
    said = "support-bot in prod already holds 1.1.0: someone else rolled it back from 1.2.0"
    if output == "json":
        data = json.loads(out)
        assert data["changed"] is False and data["pushed"] is True
        assert (data["type"], data["version"], data["previous_version"]) == (
            "rollback",
            "1.1.0",
            "1.2.0",
        )
        assert data["event_id"] == remote_events(remote)[-1]["id"]  # b's event
        assert any(said in note for note in data["notes"])
    else:
        assert "support-bot@1.1.0 is already in prod: nothing to do" in out
        assert said in out
    assert registry_of(a).store.tip() == git(remote, "rev-parse", "llmops/registry").strip()


def test_a_rollback_whose_stage_moved_elsewhere_meanwhile_refuses_with_the_way_out(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a, b = three_in_prod(cli, remote, tmp_path)
    assert rollback(cli, b, *APPROVED, "--to", "1.0.0")[0] == 0  # b: 1.2.0 -> 1.0.0
    push_first_during_next_push(a, b, tmp_path / "raced")
    theirs = registry_of(b).store.tip()  # what origin holds once b's push lands

    code, out, err = rollback(cli, a, *APPROVED, "--push")
    assert code == 1, out
    assert (tmp_path / "raced").exists()
    said = " ".join(err.split())
    moved = "support-bot in prod moved from 1.2.0 to 1.0.0 on origin (someone pushed first)"
    assert f"{moved} while this rollback (1.2.0 -> 1.1.0)" in said
    assert "nothing was written" in said
    assert "`llmops rollback support-bot --stage prod --to 1.1.0 --reason ... --push`" in said
    assert git(remote, "rev-parse", "llmops/registry").strip() == theirs
    assert registry_of(a).store.tip() == theirs  # a's event taken back off


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_rollback_to_the_version_the_stage_holds_already_succeeds_writing_nothing(
    remote: Path, tmp_path: Path, cli: Cli, output: str
) -> None:
    """The second on-call asks for what the first one already pushed: exit 0, no event."""
    a, b = three_in_prod(cli, remote, tmp_path)
    assert rollback(cli, b, *APPROVED, "--to", "1.1.0", "--push")[0] == 0  # b: 1.2.0 -> 1.1.0
    theirs = git(remote, "rev-parse", "llmops/registry").strip()

    code, out, err = rollback(cli, a, *APPROVED, "--to", "1.1.0", "--push", "-f", output)
    assert code == 0, err
    assert prod_versions(remote) == ["1.0.0", "1.1.0", "1.2.0", "1.1.0"]
    assert git(remote, "rev-parse", "llmops/registry").strip() == theirs  # nothing pushed
    said = "support-bot in prod already holds 1.1.0; nothing was written"
    if output == "json":
        data = json.loads(out)
        assert data["changed"] is False and data["pushed"] is True
        assert (data["version"], data["event_id"]) == ("1.1.0", remote_events(remote)[-1]["id"])
        assert said in data["notes"]
    else:
        assert "support-bot@1.1.0 is already in prod: nothing to do" in out
        assert said in out and "origin has it" in out
    assert registry_of(a).store.tip() == theirs

"""Re-applying local events on a remote that moved (`--push` of a diverged registry), on real
clones of a bare remote: a compare-and-swap on each stage entry, never a lost update."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import Cli, git
from test_registry import bump_prompt, evaluate
from test_registry_remote import (
    clone,
    push_first_during_next_push,
    registry_of,
    remote_events,
    write_other_event,
)

APPROVED = ("--approver", "support-leads")


def pushed(cli: Cli, root: Path, *args: str) -> None:
    result = cli(*args, "--push", cwd=root)
    assert result.exit_code == 0, result.output


def pushed_then_bumped(cli: Cli, a: Path, *local: str) -> None:
    """1.0.0 pushed to dev, then 1.1.0 checked out and gated; `local`: what a then writes
    without --push."""
    evaluate(cli, a)
    pushed(cli, a, "promote", "support-bot", "--to", "dev")
    bump_prompt(a, "1.1.0")
    evaluate(cli, a)
    if local:
        assert cli(*local, cwd=a).exit_code == 0


LOCAL_PROMOTE = ("promote", "support-bot", "--to", "dev")


def test_a_local_promote_never_replaces_a_newer_version_pushed_since(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a = clone(remote, tmp_path / "a")
    pushed_then_bumped(cli, a, *LOCAL_PROMOTE)  # 1.1.0 in dev, local only
    ours = registry_of(a).store.tip()
    b = clone(remote, tmp_path / "b")
    bump_prompt(b, "1.2.0")
    evaluate(cli, b)
    pushed(cli, b, "promote", "support-bot", "--to", "dev")

    result = cli("promote", "support-bot", "--to", "staging", "--push", cwd=a)
    assert result.exit_code == 1, result.output
    err = " ".join(result.stderr.split())
    assert "cannot re-apply local event #2 promote support-bot@1.1.0 -> dev" in err
    assert "origin moved dev from 1.0.0 to 1.2.0 since; this event wanted 1.0.0 -> 1.1.0" in err
    assert "git update-ref refs/heads/llmops/registry refs/remotes/origin/llmops/registry" in err
    assert "redo it deliberately: `llmops promote support-bot@1.1.0 --to dev --push`" in err
    events = remote_events(remote)
    assert [(e["seq"], e["version"], e["stage"]) for e in events] == [
        (1, "1.0.0", "dev"),
        (2, "1.2.0", "dev"),
    ]
    assert registry_of(a).store.tip() == ours  # the local branch as it was


def test_an_offline_rollback_never_downgrades_a_fix_pushed_since(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    for stage, extra in (("dev", ()), ("staging", ()), ("prod", APPROVED)):
        pushed(cli, a, "promote", "support-bot", "--to", stage, *extra)
    bump_prompt(a, "1.1.0")
    evaluate(cli, a)
    for stage, extra in (("dev", ()), ("staging", ()), ("prod", APPROVED)):
        pushed(cli, a, "promote", "support-bot", "--to", stage, *extra)
    # the incident: a rolls prod back while the git host is unreachable from a
    url = git(a, "remote", "get-url", "origin").strip()
    git(a, "remote", "set-url", "origin", str(tmp_path / "down.git"))
    back = cli("rollback", "support-bot", "--reason", "incident", *APPROVED, cwd=a)
    assert back.exit_code == 0 and "1.1.0 -> 1.0.0" in back.stdout, back.output
    # meanwhile b ships the fix 1.2.0 to prod
    b = clone(remote, tmp_path / "b")
    bump_prompt(b, "1.2.0")
    evaluate(cli, b)
    for stage, extra in (("dev", ()), ("staging", ()), ("prod", APPROVED)):
        pushed(cli, b, "promote", "support-bot", "--to", stage, *extra)
    git(a, "remote", "set-url", "origin", url)
    before = remote_events(remote)

    later = cli("promote", "support-bot", "--to", "dev", "--push", cwd=a)  # anything pushed
    assert later.exit_code == 1, later.output
    err = " ".join(later.stderr.split())
    assert "cannot re-apply local event #7 rollback support-bot@1.0.0 -> prod" in err
    assert "origin moved prod from 1.1.0 to 1.2.0 since" in err
    assert "`llmops rollback support-bot --stage prod --to 1.0.0 --reason ... --push`" in err
    assert remote_events(remote) == before
    prod = yaml.safe_load(git(remote, "show", "llmops/registry:state.yaml"))
    assert prod["pipelines"]["support-bot"]["prod"]["version"] == "1.2.0"


def test_a_rollback_origin_already_did_is_left_out_and_later_pushes_work(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a = clone(remote, tmp_path / "a")
    pushed_then_bumped(cli, a)
    pushed(cli, a, *LOCAL_PROMOTE)
    back = ("rollback", "support-bot", "--stage", "dev", "--reason", "incident")
    assert cli(*back, cwd=a).exit_code == 0  # local only
    b = clone(remote, tmp_path / "b")
    pushed(cli, b, *back)  # the other on-call did the same
    git(a, "checkout", "-q", "--", "manifests")  # a goes on with 1.0.0 (gated before)

    result = cli("promote", "support-bot", "--to", "staging", "--push", cwd=a)
    assert result.exit_code == 0, result.output
    assert "#3 rollback support-bot@1.0.0 -> dev left out (origin already has it)" in (
        result.stdout
    )
    assert [(e["type"], e["stage"], e["version"]) for e in remote_events(remote)][2:] == [
        ("rollback", "dev", "1.0.0"),
        ("promote", "staging", "1.0.0"),
    ]
    pushed(cli, a, "promote", "support-bot", "--to", "prod", *APPROVED)


def test_a_second_reapply_keeps_the_decision_and_says_it_once(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a, b = clone(remote, tmp_path / "a"), clone(remote, tmp_path / "b")
    pushed_then_bumped(cli, a, *LOCAL_PROMOTE)  # 1.1.0 in dev, local only: #2
    decided = registry_of(a).events("support-bot")[-1].data
    git(b, "fetch", "-q")
    write_other_event(b)
    git(b, "push", "-q", "origin", "llmops/registry")  # origin moves: #2 is another's
    write_other_event(b)  # ... and b's next event lands during a's push
    push_first_during_next_push(a, b, tmp_path / "raced")

    result = cli("promote", "support-bot", "--to", "staging", "--push", cwd=a)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "raced").exists()  # re-applied twice: as #3, then as #4
    assert result.stdout.count("re-checked and re-applied") == 1
    assert "#2 promote support-bot@1.1.0 -> dev is now #4" in result.stdout
    events = remote_events(remote)
    assert [(e["seq"], e["pipeline"], e["stage"]) for e in events] == [
        (1, "support-bot", "dev"),
        (2, "other-bot", "dev"),
        (3, "other-bot", "dev"),
        (4, "support-bot", "dev"),
        (5, "support-bot", "staging"),
    ]
    assert events[3]["id"] == decided["id"]
    assert events[3]["reapplied"] == {"seq": 2, "at": decided["at"]}


def test_an_artifact_registered_with_the_same_content_in_other_yaml_is_no_conflict(
    remote: Path, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = clone(remote, tmp_path / "a")
    pushed_then_bumped(cli, a, *LOCAL_PROMOTE)  # 1.1.0 in dev, local only
    b = clone(remote, tmp_path / "b")
    bump_prompt(b, "1.1.0")  # the same 1.1.0, registered by another PyYAML's style
    evaluate(cli, b)
    dump = yaml.safe_dump

    def flow_style(data: Any, **options: Any) -> Any:
        return dump(data, **{**options, "default_flow_style": True, "width": 40})

    with monkeypatch.context() as patch:
        patch.setattr(yaml, "safe_dump", flow_style)
        pushed(cli, b, "promote", "support-bot", "--to", "dev")
    path = "artifacts/prompt/support-answer/1.1.0.yaml"
    theirs = git(remote, "show", f"llmops/registry:{path}")

    result = cli("promote", "support-bot", "--to", "staging", "--push", cwd=a)
    assert result.exit_code == 0, result.output
    left_out = "#2 promote support-bot@1.1.0 -> dev left out (origin already has it)"
    assert left_out in result.stdout
    assert git(remote, "show", f"llmops/registry:{path}") == theirs  # theirs stays


def test_a_reapply_its_rules_refuse_says_which_local_event_and_the_way_out(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    for stage in ("dev", "staging"):  # 1.0.0 in staging ...
        pushed(cli, a, "promote", "support-bot", "--to", stage)
    bump_prompt(a, "1.1.0")
    evaluate(cli, a)
    pushed(cli, a, *LOCAL_PROMOTE)  # ... and 1.1.0 in dev
    assert cli("promote", "support-bot", "--to", "staging", cwd=a).exit_code == 0  # local: #4
    b = clone(remote, tmp_path / "b")
    pushed(cli, b, "rollback", "support-bot", "--stage", "dev", "--reason", "bad")
    # staging still holds 1.0.0, as a's event found it, but 1.1.0 has left dev
    result = cli("promote", "support-bot", "--to", "dev", "--push", cwd=a)
    assert result.exit_code == 1, result.output
    err = " ".join(result.stderr.split())
    assert (
        "cannot re-apply local event #4 promote support-bot@1.1.0 -> staging on origin's "
        "registry: support-bot@1.1.0 is not in dev" in err
    )
    assert "To keep origin's and drop the local events, run `git update-ref" in err
    assert [e["type"] for e in remote_events(remote)] == ["promote"] * 3 + ["rollback"]

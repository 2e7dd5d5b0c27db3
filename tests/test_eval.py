"""Eval end to end: the CLI, litellm over real HTTP to a local OpenAI-compatible server,
the response cache, resume after SIGKILL, and the report files."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fakeclock import FakeClock
from fakeserver import FakeOpenAI, StartServer
from helpers import Cli, latest, wait_tracking

from llmops_cli.evaluation.ratelimit import Clock
from llmops_cli.evaluation.runner import EvalOptions, EvalRun, finish_journal, run_eval
from llmops_cli.manifests.catalog import Catalog
from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline
from llmops_cli.project import Project

PIPELINE = "manifests/pipelines/support-bot.yaml"


def expected_answers(project: Path) -> dict[str, str]:
    lines = (project / "golden_sets/support/cases.jsonl").read_text().splitlines()
    cases = [json.loads(line) for line in lines]
    return {c["vars"]["question"]: c["expected"] for c in cases}


@pytest.fixture
def server(project: Path, fake_openai: StartServer) -> FakeOpenAI:
    answers = expected_answers(project)
    return fake_openai(responder=lambda messages: answers.get(messages[-1]["content"], "no idea"))


TRANSPORTS = ["litellm", "openai-http"]


def use_server(
    project: Path,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    transport: str = "litellm",
    **limits: float,
) -> None:
    monkeypatch.setenv("FAKE_OPENAI_KEY", "sk-test-not-a-real-key-000000")
    limit_text = ", ".join(
        f"{k}: {v}"
        for k, v in {"concurrency": 4, "timeout_s": 2, "max_retries": 2, **limits}.items()
    )
    (project / "manifests/models/fake.yaml").write_text(
        "kind: model\nname: fake-model\nversion: 1.0.0\nprovider: openai\n"
        f"model: gpt-4o-mini-2024-07-18\napi_base: {url}\napi_key_env: FAKE_OPENAI_KEY\n"
        f"limits: {{{limit_text}}}\npricing: {{input_per_1m_tokens: 0.15, output_per_1m_tokens: 0.6}}\n"
        f"transport: {transport}\n"
    )
    pipeline = project / PIPELINE
    pipeline.write_text(
        pipeline.read_text().replace("support-model-local@1.0.0", "fake-model@1.0.0")
    )


def run(project: Path, clock: Clock | None = None, **options: Any) -> EvalRun:
    catalog = Catalog.load(Project.load(project))
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, "support-bot"))
    return run_eval(Project.load(project), resolved, EvalOptions(**options), clock=clock)


def test_local_baseline_eval_writes_all_report_files(project: Path, cli: Cli) -> None:
    result = cli("eval", "support-bot", "--no-track", cwd=project)
    assert result.exit_code == 0, result.output
    assert "extractive BASELINE" in result.stderr
    folder = next((project / "reports/support-bot").iterdir())
    assert sorted(p.name for p in folder.iterdir()) == [
        "junit.xml",
        "report.html",
        "report.json",
        "report.md",
    ]
    report = json.loads((folder / "report.json").read_text())
    assert report["schema_version"] == 1
    assert report["target"]["baseline"] is True
    assert report["summary"]["cases"] == 54 and report["summary"]["errored"] == 0
    assert report["summary"]["metrics"]["context_recall"]["mean"] > 0.9
    # the baseline is a real baseline: it gets many right and some wrong
    assert 0.3 < report["summary"]["pass_rate"]["mean"] < 1.0
    suite = ET.parse(folder / "junit.xml").getroot()
    assert suite.get("tests") == "54" and suite.get("failures") == str(report["summary"]["failed"])
    html = (folder / "report.html").read_text()
    assert "<svg" in html and "not an LLM" in html
    assert "<script src" not in html and "<link" not in html  # self-contained
    assert "| context_recall |" in (folder / "report.md").read_text()
    assert not any((project / ".llmops/runs/support-bot").iterdir())  # journal removed


def test_retrieval_config_changes_results(project: Path) -> None:
    first = run(project, limit=10)
    path = project / "manifests/retrieval/support-kb.yaml"
    path.write_text(
        path.read_text().replace("top_k: 3", "top_k: 1").replace("version: 1.0.0", "version: 1.1.0")
    )
    pipeline = project / PIPELINE
    pipeline.write_text(pipeline.read_text().replace("support-kb@1.0.0", "support-kb@1.1.0"))
    second = run(project, limit=10)
    before = [len(r["retrieved"]) for r in first.rows]
    after = [len(r["retrieved"]) for r in second.rows]
    # a query sharing no term with the corpus retrieves nothing rather than noise
    assert max(before) == 3 and max(after) == 1 and sum(before) > sum(after)
    assert [r["retrieved"][:1] for r in first.rows] == [r["retrieved"] for r in second.rows]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_end_to_end_over_http_with_cache(
    project: Path, server: FakeOpenAI, cli: Cli, monkeypatch: pytest.MonkeyPatch, transport: str
) -> None:
    # a loaded CI machine once stalled four calls past a 2 s deadline (16 requests): the
    # deadline here leaves room, and any retry still shows in the cases' attempts
    use_server(project, server.url, monkeypatch, transport, timeout_s=20)
    server.latency_s = 0.05  # long enough for calls to overlap
    result = cli("eval", "support-bot", "--no-track", "--limit", "12", cwd=project)
    assert result.exit_code == 0, result.output
    report = latest(project)
    # every request the server saw is an attempt the report records: nothing re-sent unseen
    attempts = [case["attempts"] for case in report["cases"]]
    assert len(attempts) == 12 and server.requests == sum(attempts)
    asked = server.requests
    assert 1 < server.max_in_flight <= 4  # limits.concurrency
    assert report["summary"]["passed"] == 12
    assert report["summary"]["tokens"]["total"] == 12 * 15
    assert report["summary"]["cost_usd"]["total"] == pytest.approx(12 * (10 * 0.15 + 5 * 0.6) / 1e6)
    first = next(b for b in server.bodies if "reset link" in b["messages"][-1]["content"])
    assert first["messages"][0]["role"] == "system"
    assert "[reset-password.md]" in first["messages"][0]["content"]  # retrieved context
    assert "sk-test" not in json.dumps(report)

    again = cli("eval", "support-bot", "--no-track", "--limit", "12", cwd=project)
    assert again.exit_code == 0
    assert server.requests == asked  # every answer from the cache
    assert latest(project)["cache"]["hits"] == 12


def test_read_only_cache_replay(
    project: Path, server: FakeOpenAI, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_server(project, server.url, monkeypatch)
    miss = cli(
        "eval", "support-bot", "--no-track", "--limit", "5", "--cache", "read-only", cwd=project
    )
    assert miss.exit_code == 1
    assert "5 of 5 responses are not in the cache" in miss.stderr
    assert server.requests == 0
    assert cli("eval", "support-bot", "--no-track", "--limit", "5", cwd=project).exit_code == 0
    outputs = []
    for _ in range(2):
        replay = cli(
            "eval", "support-bot", "--no-track", "--limit", "5", "--cache", "read-only", cwd=project
        )
        assert replay.exit_code == 0, replay.output
        outputs.append(json.dumps(latest(project)["cases"], sort_keys=True))
    assert outputs[0] == outputs[1]
    assert server.requests == 5


@pytest.mark.parametrize("mode", ["429", "500", "reset", "malformed", "truncated"])
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_transient_failures_are_retried(
    project: Path, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, mode: str, transport: str
) -> None:
    use_server(project, server.url, monkeypatch, transport, concurrency=1)
    server.script = [mode]
    clock = FakeClock()  # the backoff is recorded, not slept
    result = run(project, clock=clock.clock(), limit=2)
    rows = result.rows
    assert [r["status"] for r in rows] == ["passed", "passed"]
    assert rows[0]["attempts"] == 2 and rows[1]["attempts"] == 1
    assert server.requests == 3 and len(clock.sleeps) == 1


@pytest.mark.parametrize("header", ["7", None])
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_real_429_waits_what_retry_after_says(
    project: Path,
    server: FakeOpenAI,
    monkeypatch: pytest.MonkeyPatch,
    transport: str,
    header: str | None,
) -> None:
    """The wait before the retry is the server's Retry-After (7 s is beyond any first jittered
    backoff, 0.25-0.75 s); without the header, the jittered backoff. Asserted on the fake
    clock's record: nothing sleeps for real."""
    use_server(project, server.url, monkeypatch, transport, concurrency=1)
    server.retry_after = header
    server.script = ["429"]
    clock = FakeClock()
    result = run(project, clock=clock.clock(), limit=1)
    rows = result.rows
    assert rows[0]["status"] == "passed" and rows[0]["attempts"] == 2
    assert server.requests == 2 and len(clock.sleeps) == 1
    if header:
        assert clock.sleeps == [7.0]
    else:
        assert 0.25 <= clock.sleeps[0] <= 0.75


def test_limits_rpm_spaces_the_calls(
    project: Path, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rpm 60 with four calls allowed in flight: the starts still go one second apart."""
    use_server(project, server.url, monkeypatch, "openai-http", rpm=60)
    clock = FakeClock()
    result = run(project, clock=clock.clock(), limit=3)
    assert [r["status"] for r in result.rows] == ["passed"] * 3
    assert server.requests == 3 and clock.sleeps == [1.0, 1.0]


def test_each_repeat_is_its_own_cache_entry_and_model_call(
    project: Path, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> None:
    """--repeat 2 samples the model twice: two calls, two cache entries; a rerun replays each
    repeat's own answer from the cache and calls nothing."""
    calls = itertools.count()
    srv = fake_openai(responder=lambda messages: f"answer {next(calls)}")
    use_server(project, srv.url, monkeypatch, "openai-http", concurrency=1)
    first = run(project, limit=1, repeat=2)
    outputs = [r["output"] for r in first.rows]
    assert srv.requests == 2 and outputs == ["answer 0", "answer 1"]
    db = sqlite3.connect(project / ".llmops/cache.sqlite")
    assert db.execute("SELECT count(*) FROM responses").fetchone() == (2,)
    db.close()
    finish_journal(Project.load(project), first)
    again = run(project, limit=1, repeat=2)
    assert srv.requests == 2 and again.cache_hits == 2
    assert [r["output"] for r in again.rows] == outputs


@pytest.mark.parametrize("mode", ["500", "timeout", "malformed"])
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_persistent_failures_are_errored_not_passed(
    project: Path, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, mode: str, transport: str
) -> None:
    # a short deadline only where the server stalls: under load, litellm's own set-up of a
    # request can outlast 0.3 s, which would time a 500 out before it reaches the server
    timeout_s = 0.3 if mode == "timeout" else 10.0
    use_server(
        project,
        server.url,
        monkeypatch,
        transport,
        concurrency=2,
        timeout_s=timeout_s,
        max_retries=1,
    )
    server.default = mode
    clock = FakeClock()
    result = run(project, clock=clock.clock(), limit=2)
    rows = result.rows
    assert [r["status"] for r in rows] == ["errored", "errored"]
    assert all(r["error"] and r["attempts"] == 2 for r in rows)
    # one backoff per case, none after its last try
    assert server.requests == 4 and len(clock.sleeps) == 2


def test_missing_api_key_is_a_user_error(
    project: Path, server: FakeOpenAI, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_server(project, server.url, monkeypatch)
    monkeypatch.delenv("FAKE_OPENAI_KEY")
    result = cli("eval", "support-bot", "--no-track", cwd=project)
    assert result.exit_code == 1
    assert "needs the environment variable FAKE_OPENAI_KEY" in result.stderr


def test_filter_limit_repeat(project: Path, cli: Cli) -> None:
    result = cli(
        "eval", "support-bot", "--no-track", "--filter", "billing", "--repeat", "2", cwd=project
    )
    assert result.exit_code == 0, result.output
    report = latest(project)
    billing = [
        json.loads(x)
        for x in (project / "golden_sets/support/cases.jsonl").read_text().splitlines()
    ]
    n = sum(1 for c in billing if "billing" in c["tags"])
    assert report["summary"]["cases"] == 2 * n
    assert {r["repeat"] for r in report["cases"]} == {0, 1}
    nothing = cli("eval", "support-bot", "--no-track", "--filter", "nope", cwd=project)
    assert nothing.exit_code == 1 and "no golden cases match" in nothing.stderr


def test_resume_after_sigkill_sends_only_missing_requests(
    project: Path, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> None:
    srv = fake_openai(latency_s=0.15)
    use_server(project, srv.url, monkeypatch, "openai-http", concurrency=2)  # no litellm import
    cmd = [
        sys.executable,
        "-m",
        "llmops_cli",
        "eval",
        "support-bot",
        "--no-track",
        "--cache",
        "off",
        "--limit",
        "30",
    ]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.Popen(
        cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while srv.requests < 12 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    journal = next((project / ".llmops/runs/support-bot").glob("*.jsonl"))
    saved = len(journal.read_text().splitlines()) - 1  # minus the header line
    assert 0 < saved < 30
    before = srv.requests
    done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"resuming: {saved} of 30" in done.stderr
    assert srv.requests - before == 30 - saved
    report = latest(project)
    assert report["summary"]["cases"] == 30 and report["cache"]["resumed_cases"] == saved
    assert len({r["case_id"] for r in report["cases"]}) == 30


def test_mlflow_tracking_to_sqlite(project: Path, cli: Cli) -> None:
    """Logged in the background after the eval returns; the gate shows the run id."""
    result = cli("eval", "support-bot", "--limit", "5", cwd=project)
    assert result.exit_code == 0, result.output
    assert "mlflow run: logging in the background (.llmops/runs/" in result.stdout
    outcome = wait_tracking(project)
    from mlflow.tracking import MlflowClient

    client = MlflowClient(f"sqlite:///{project / '.llmops/mlflow.db'}")
    experiment = client.get_experiment_by_name("quillnote-support")
    assert experiment is not None
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1
    report = latest(project)
    assert runs[0].data.params["fingerprint"] == report["fingerprint"]
    assert runs[0].data.metrics["pass_rate"] == pytest.approx(
        report["summary"]["pass_rate"]["mean"]
    )
    artifacts = {a.path for a in client.list_artifacts(runs[0].info.run_id)}
    assert {"report.json", "report.html", "junit.xml", "report.md"} <= artifacts
    assert not (project / "mlruns").exists()
    assert outcome["state"] == "logged" and outcome["mlflow_run_id"] == runs[0].info.run_id
    gate = cli("gate", "support-bot", cwd=project)
    assert f"mlflow run: {runs[0].info.run_id}" in gate.stdout
    assert f"mlflow run of {report['run_id']}: {runs[0].info.run_id}" in gate.stderr
    verdict = json.loads(cli("gate", "support-bot", "--format", "json", cwd=project).stdout)
    assert verdict["mlflow_run_id"] == runs[0].info.run_id


@pytest.mark.parametrize("wait", [True, False])
def test_mlflow_failure_is_a_warning_and_keeps_the_report(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, wait: bool
) -> None:
    """Its failure reaches the user as one warning line: from `--wait-tracking` at once, from
    the background logger on the next command (and only that one)."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "bogus-scheme://nowhere")
    flags = ["--wait-tracking"] if wait else []
    result = cli("eval", "support-bot", "--limit", "2", *flags, cwd=project)
    assert result.exit_code == 0, result.output
    assert latest(project)["summary"]["cases"] == 2
    if not wait:
        assert "warning:" not in result.stderr
        assert wait_tracking(project)["state"] == "failed"
        result = cli("eval", "support-bot", "--limit", "1", "--no-track", cwd=project)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("warning: MLflow tracking at bogus-scheme://nowhere failed:")
    assert "rerun with --no-track" in warnings[0] and "mlflow run: " not in result.stdout
    again = cli("eval", "support-bot", "--limit", "1", "--no-track", cwd=project)
    assert "warning:" not in again.stderr


def test_tracking_helper_logs_the_folder_it_is_sent_and_nothing_when_the_eval_fails(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The helper's side of the protocol, in this process: one JSON line in, the run id out;
    stdin closed without a request (the eval failed) logs nothing."""
    import io

    from mlflow.tracking import MlflowClient

    from llmops_cli.tracking_helper import _serve

    assert cli("eval", "support-bot", "--limit", "2", "--no-track", cwd=project).exit_code == 0
    folder = next((project / "reports/support-bot").iterdir())
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    _serve(project)
    assert "run_id" not in capsys.readouterr().out  # only its "reached the store" line
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"folder": str(folder)}) + "\n"))
    _serve(project)
    run_id = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["run_id"]
    client = MlflowClient(f"sqlite:///{project / '.llmops/mlflow.db'}")
    run = client.get_run(run_id)
    assert run.data.tags["llmops.run_id"] == folder.name
    experiment = client.get_experiment_by_name("quillnote-support")
    assert experiment is not None
    assert [r.info.run_id for r in client.search_runs([experiment.experiment_id])] == [run_id]


@pytest.mark.slow
def test_mlflow_tracking_to_a_real_mlflow_server(
    project: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mlflow_url: str
) -> None:
    config = project / "llmops.yaml"  # the shared server (conftest): an experiment of its own
    config.write_text(config.read_text().replace("quillnote-support", "quillnote-server-sync"))
    url = mlflow_url
    monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
    result = cli("eval", "support-bot", "--limit", "4", cwd=project)
    assert result.exit_code == 0, result.output
    background = wait_tracking(project)["mlflow_run_id"]
    # --wait-tracking speaks MLflow's REST API itself: it works where mlflow cannot load
    blocked = tmp_path / "no-mlflow/mlflow"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text("raise ImportError('mlflow was imported')\n")
    path = os.pathsep.join([str(blocked.parent), os.environ.get("PYTHONPATH", "")])
    command = ["eval", "support-bot", "--limit", "4", "--wait-tracking"]
    synced = subprocess.run(
        [sys.executable, "-m", "llmops_cli", *command],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert synced.returncode == 0 and "warning:" not in synced.stderr, synced.stderr
    shown = [x for x in synced.stdout.splitlines() if x.startswith("mlflow run: ")]
    assert len(shown) == 1, synced.stdout
    from mlflow.tracking import MlflowClient

    client = MlflowClient(url)
    experiment = client.get_experiment_by_name("quillnote-server-sync")
    assert experiment is not None
    runs = {r.info.run_id: r for r in client.search_runs([experiment.experiment_id])}
    assert set(runs) == {background, shown[0].removeprefix("mlflow run: ")}
    for run in runs.values():
        assert run.data.params["fingerprint"] == latest(project)["fingerprint"]
        assert "report.json" in {a.path for a in client.list_artifacts(run.info.run_id)}
    assert not (project / ".llmops/mlflow.db").exists()


def test_cases_without_a_check_are_scored_through_report_and_gate(project: Path, cli: Cli) -> None:
    """Graded metrics alone (token_f1 ...) judge nothing: such cases are `scored`, and the
    pass rate, report files and gate count the checked cases only."""
    pipeline = project / PIPELINE
    pipeline.write_text(pipeline.read_text().replace("  - type: length\n    max: 600\n", ""))
    golden = project / "golden_sets/support/cases.jsonl"
    cases = [json.loads(line) for line in golden.read_text().splitlines()]
    for case in cases[4:]:
        del case["assert"]
    golden.write_text("".join(json.dumps(c) + "\n" for c in cases))
    gate = project / "manifests/thresholds/support-gate.yaml"
    gate.write_text(gate.read_text().replace("metrics:\n", "metrics:\n  pass_rate: {min: 0.5}\n"))
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    report = latest(project)
    s = report["summary"]
    assert (s["scored"], s["checked"], s["pass_rate"]["n"]) == (50, 4, 4)
    assert s["passed"] + s["failed"] == 4
    folder = next((project / "reports/support-bot").iterdir())
    md = (folder / "report.md").read_text()
    assert "50 scored (no pass/fail check)" in md and "of 4 checked" in md
    assert "(scored)" not in md  # scored cases are not listed as failures
    suite = ET.parse(folder / "junit.xml").getroot()
    assert suite.get("skipped") == "50" and len(suite.findall(".//testcase/skipped")) == 50
    assert "of 4 checked" in (folder / "report.html").read_text()
    verdict = cli("gate", "support-bot", "-f", "json", cwd=project)
    checks = {c["name"]: c for c in json.loads(verdict.output)["checks"]}
    assert checks["pass_rate"]["observed"] == s["pass_rate"]["mean"]
    assert checks["pass_rate"]["detail"] == "over 4 checked cases"

    for case in cases[:4]:
        case.pop("assert", None)
    golden.write_text("".join(json.dumps(c) + "\n" for c in cases))
    eval_all_scored = cli("eval", "support-bot", "--no-track", cwd=project)
    assert "no pass rate: no case has a pass/fail check" in eval_all_scored.output
    verdict = cli("gate", "support-bot", "-f", "json", cwd=project)
    assert verdict.exit_code == 4
    checks = {c["name"]: c for c in json.loads(verdict.output)["checks"]}
    assert checks["pass_rate"]["kind"] == "unmeasured"
    assert checks["pass_rate"]["detail"] == "no case has a pass/fail check"


# What a 1-case eval of the sample must not import: it needs none of them (issue 18, goal 2).
ONE_CASE_HEAVY = (
    "numpy",
    "scipy",
    "bm25s",
    "jsonschema",
    "aiohttp",
    "litellm",
    "mlflow",
    "llmops_cli.evaluation.calibration",
)


def eval_imports(project: Path, *args: str, heavy: tuple[str, ...] = ONE_CASE_HEAVY) -> list[str]:
    """The `heavy` modules a whole `llmops eval support-bot --no-track ARGS` process loads."""
    argv = ["llmops", "eval", "support-bot", "--no-track", *args]
    code = (
        f"import sys\nfrom llmops_cli.cli.main import main\nsys.argv = {argv!r}\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print('heavy:' + ','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    found = out.stdout.strip().splitlines()[-1].removeprefix("heavy:")
    return [m for m in found.split(",") if m]


def test_a_one_case_rerun_imports_no_heavy_module(project: Path) -> None:
    """The first run validates the manifests and golden set (jsonschema) and asks bm25s; the
    seals and the kept BM25 answer spare every later run of unchanged files all of that."""
    first = eval_imports(project, "--limit", "1")
    assert "jsonschema" in first and "bm25s" in first
    assert eval_imports(project, "--limit", "1") == []


def test_an_edited_golden_set_is_validated_again(project: Path, cli: Any) -> None:
    """The golden set's seal holds only for the text that passed: a case broken after a run
    is still reported, with its line."""
    assert cli("eval", "support-bot", "--no-track", "--limit", "1", cwd=project).exit_code == 0
    golden = project / "golden_sets/support/cases.jsonl"
    golden.write_text(golden.read_text() + '{"id": "bad", "vars": {"question": 7}, "tags": 3}\n')
    result = cli("eval", "support-bot", "--no-track", "--limit", "1", cwd=project)
    assert result.exit_code == 1
    assert "golden_sets/support/cases.jsonl:55: tags" in result.stderr


def test_kept_bm25_answers_equal_a_fresh_search(project: Path) -> None:
    """A rerun answered from `answers.json` retrieves exactly what bm25s found."""
    first = run(project, limit=6)
    (project / ".llmops/runs").rename(project / ".llmops/runs-first")  # no resume
    answers = list((project / ".llmops/index").glob("*/answers.json"))
    assert len(answers) == 1 and len(json.loads(answers[0].read_text())) == 6
    again = run(project, limit=6)
    assert [r["retrieved"] for r in again.rows] == [r["retrieved"] for r in first.rows]
    assert any(r["retrieved"] for r in first.rows)


def test_a_rerun_scrubs_from_the_memo_without_presidio(project: Path) -> None:
    """The guardrails' verdicts on a text are kept (scrubbed text only, never the value): a
    rerun over the same cases stores the same scrubbed rows without scanning them again.
    Neither run imports Presidio (the pattern entities and the redaction are llmops's own)."""
    args = ("--filter", "support", "--format", "json")
    heavy = ("presidio_analyzer", "presidio_anonymizer", "llmops_cli.guardrails.pii_fast")
    assert eval_imports(project, *args, heavy=heavy) == ["llmops_cli.guardrails.pii_fast"]
    first = latest(project)["cases"]
    assert any("<EMAIL_ADDRESS>" in json.dumps(r) for r in first)
    assert eval_imports(project, *args, heavy=heavy) == []
    again = latest(project)["cases"]
    assert [(r["input"], r["output"], r["expected"], r.get("screening")) for r in again] == [
        (r["input"], r["output"], r["expected"], r.get("screening")) for r in first
    ]
    memo = (project / ".llmops/cache/guardrails.sqlite").read_bytes()
    assert b"support@quillnote.example" not in memo


def test_the_memo_forgets_when_the_guardrails_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verdict is keyed by every file of the guardrails package: editing a rule (or new
    classifier weights) asks again."""
    import shutil

    from llmops_cli.evaluation import memo as memo_module

    guardrails = tmp_path / "guardrails"
    shutil.copytree(memo_module.GUARDRAILS, guardrails)
    monkeypatch.setattr(memo_module, "GUARDRAILS", guardrails)
    calls: list[str] = []

    def compute(text: str) -> str:
        calls.append(text)
        return "x"

    def ask(path: Path) -> str:
        memo = memo_module.GuardrailMemo(path)
        value = memo.remember("scrub", "mail bob@example.com", compute)
        memo.save()
        memo.close()
        return str(value)

    store = tmp_path / "memo.sqlite"
    assert ask(store) == ask(store) == "x" and len(calls) == 1
    rules = guardrails / "injection_rules.py"
    rules.write_text(rules.read_text() + "\n# a new rule\n")
    assert ask(store) == "x" and len(calls) == 2


def test_bootstrap_intervals_are_the_plain_percentile_bootstrap() -> None:
    """Every interval of a run reuses one resample draw (and a 0/1 metric counts instead of
    averaging); each still equals the textbook percentile bootstrap with the fixed seed."""
    import random

    import numpy as np

    from llmops_cli.evaluation import aggregate

    def textbook(values: list[float]) -> tuple[float, float]:
        data = np.asarray(values)
        rng = np.random.default_rng(aggregate.SEED)
        idx = rng.integers(0, len(values), size=(aggregate.BOOTSTRAP_SAMPLES, len(values)))
        low, high = np.percentile(data[idx].mean(axis=1), [2.5, 97.5])
        return float(low), float(high)

    from llmops_cli.stats import bootstrap

    rnd = random.Random(3)
    bootstrap._one_draw.cache_clear()
    for values in (
        [rnd.random() for _ in range(300)],
        [float(rnd.random() < 0.7) for _ in range(300)],
        [float(rnd.randint(1, 5)) for _ in range(300)],
    ):
        assert aggregate.bootstrap_ci(values) == textbook(values)
    assert bootstrap._one_draw.cache_info().misses == 1  # one draw for the three metrics


def test_a_nan_score_is_unscored_with_a_reason_not_a_crash(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmops_cli import api
    from llmops_cli.evaluation import scorers

    monkeypatch.setitem(scorers._SCORERS, "token_f1", lambda spec, answer: float("nan"))
    report = api.evaluate(project, "support-bot", track=False, limit=2)
    for row in report.to_dict()["cases"]:
        token_f1 = row["scores"]["token_f1"]
        assert token_f1["value"] is None and token_f1["passed"] is None
        assert f"case {row['case_id']}: token_f1 gave nan" in token_f1["reason"]
    written = project / "reports/support-bot" / report.run_id / "report.json"
    assert "NaN" not in written.read_text("utf-8")


def test_report_md_escapes_what_markdown_or_html_would_read(project: Path, cli: Cli) -> None:
    """The trial's finding 23: a tag `x<y>` was written raw into a table of report.md, where
    it vanishes as an HTML tag (and a `|` would split the cell)."""
    case = {
        "id": "md`01",
        "vars": {"question": "How do I reset my password?"},
        "tags": ["x<y>|z"],
        "assert": [{"type": "regex", "value": "<b>never *here*</b>"}],
    }
    golden = project / "golden_sets/support/cases.jsonl"
    golden.write_text(golden.read_text() + json.dumps(case) + "\n")
    assert (
        cli("eval", "support-bot", "--no-track", "--filter", "x<y>|z", cwd=project).exit_code == 0
    )
    md = (next((project / "reports/support-bot").iterdir()) / "report.md").read_text()
    assert "| x&lt;y>\\|z | 1 | 1 | 0.0% |" in md, md
    assert r"- `` md`01 `` (failed): regex: no match for /&lt;b>never \*here\*&lt;/b>/" in md, md
    assert "<y>" not in md and "<b>" not in md


def test_a_cached_rerun_reports_what_a_computed_one_does(
    project: Path, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cached rerun reads each finished row and the aggregates the runs before kept (no
    case screened, scored or scrubbed again); its report equals one computed afresh from the
    same cached answers, and the fresh run's on all but whether the model was called."""
    from llmops_cli import api
    from llmops_cli.evaluation import aggregate, rows

    use_server(project, server.url, monkeypatch, "openai-http")
    fresh = api.evaluate(project, "support-bot", track=False).to_dict()
    built: list[str] = []
    build_row = rows.build_row

    def counted(item: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        built.append(item.case.id)
        return build_row(item, *args, **kwargs)

    monkeypatch.setattr("llmops_cli.evaluation.runner.build_row", counted)
    summaries: list[int] = []

    def summarize(cases: Any) -> Any:
        summaries.append(len(cases))
        return aggregate.summarize(cases)

    monkeypatch.setattr("llmops_cli.evaluation.report.summarize", summarize)
    replayed = api.evaluate(project, "support-bot", track=False).to_dict()
    assert built == [] and summaries == []  # every row and the aggregates from the memo
    (project / ".llmops/cache/guardrails.sqlite").unlink()  # forget what was kept
    computed = api.evaluate(project, "support-bot", track=False).to_dict()
    assert len(built) == len(fresh["cases"]) > 10 and summaries == [len(built)]

    def results(report: dict[str, Any]) -> dict[str, Any]:
        return {k: report[k] for k in ("cases", "summary", "slices", "cache", "fingerprint")}

    assert results(replayed) == results(computed)
    assert replayed["cache"]["hits"] == len(fresh["cases"]) and server.requests == len(built)
    as_replayed = [{**row, "cached": True, "attempts": 0} for row in fresh["cases"]]
    assert replayed["cases"] == as_replayed
    assert replayed["summary"] == {**fresh["summary"], "fresh_calls": 0}
    assert replayed["slices"] == fresh["slices"]


def test_slices_keep_the_metric_means_without_intervals(project: Path) -> None:
    """A slice keeps each metric's mean: the same value as the full metric table's, which
    also draws bootstrap intervals."""
    from llmops_cli import api
    from llmops_cli.evaluation import aggregate

    cases = api.evaluate(project, "support-bot", track=False).cases
    slices = aggregate.by_tag(cases)
    assert len(slices) > 1
    for tag, found in slices.items():
        table = aggregate.metric_table([c for c in cases if tag in c.tags])
        assert found.metrics == {n: m.mean for n, m in table.items() if m.mean is not None}


def test_an_unchanged_metric_diffs_to_the_bootstrap_interval_without_numpy() -> None:
    """report.html's diff against the previous run: when no case's value moved, the interval
    of the change is (0, 0) without a draw, as the bootstrap finds it."""
    import numpy as np

    from llmops_cli.render import diff
    from llmops_cli.stats.bootstrap import resampled_means

    for n in (2, 7, 300):
        draws = resampled_means([0.0] * n, diff.BOOTSTRAP_SAMPLES, diff.SEED)
        assert [float(x) for x in np.percentile(draws, [2.5, 97.5])] == [0.0, 0.0]

    def report(values: list[float]) -> dict[str, Any]:
        rows = [
            {"case_id": f"c{i}", "repeat": 0, "status": "passed", "scores": {"f1": {"value": v}}}
            for i, v in enumerate(values)
        ]
        return {"run_id": "r", "summary": {"metrics": {"f1": {}}}, "cases": rows}

    values = [0.25, 0.5, 1.0, 0.0]
    same = diff.diff_reports(report(values), report(values), "before")
    assert [(d.name, d.delta, d.ci95) for d in same.deltas] == [
        ("pass_rate", 0.0, (0.0, 0.0)),
        ("f1", 0.0, (0.0, 0.0)),
    ]
    moved = diff.diff_reports(report([0.5, 0.5, 1.0, 0.5]), report(values), "before")
    f1 = next(d for d in moved.deltas if d.name == "f1")
    assert f1.ci95 is not None and f1.ci95 != (0.0, 0.0)


def test_two_asserts_of_one_type_both_count(project: Path) -> None:
    """A case with two `regex` asserts passes only if both match: the metric is keyed by
    name, and the second used to replace the first (a failing check silently dropped)."""
    from llmops_cli import api

    def case(case_id: str, patterns: list[str]) -> str:
        asserts = [{"type": "regex", "value": p} for p in patterns]
        question = {"question": "How do I reset my password?"}
        return json.dumps({"id": case_id, "vars": question, "tags": ["two"], "assert": asserts})

    golden = project / "golden_sets/support/cases.jsonl"
    cases = [case("two-01", ["never-in-any-answer", "."]), case("two-02", [".", "(?s).*"])]
    golden.write_text(golden.read_text() + "\n".join(cases) + "\n")
    report = api.evaluate(project, "support-bot", track=False, tags=["two"])
    rows = {r["case_id"]: r for r in report.to_dict()["cases"]}
    first, second = rows["two-01"]["scores"]["regex"], rows["two-02"]["scores"]["regex"]
    assert first["passed"] is False and first["value"] == 0.0
    assert "no match for /never-in-any-answer/" in first["reason"]
    assert rows["two-01"]["status"] == "failed" and rows["two-02"]["status"] == "passed"
    assert second["passed"] is True and second["value"] == 1.0

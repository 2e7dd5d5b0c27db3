"""Cassettes: record the answers of a run against the fake OpenAI server as scrubbed JSONL,
then replay them with --cache read-only in a fresh copy of the project, with no server and no
`.llmops/`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fakeserver import FakeOpenAI, StartServer
from helpers import Cli, latest
from test_eval import expected_answers, run, use_server
from typer.testing import Result

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation import cassette

CASSETTE = "cassettes/support-bot.jsonl"
EMAIL = "jane.doe@example.com"
LIMIT = "6"


@pytest.fixture
def server(project: Path, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer) -> FakeOpenAI:
    """Answers each golden question with its expected answer; pw-01's carries an email."""
    answers = expected_answers(project)
    first = next(iter(answers))
    answers[first] += f" Questions? Mail {EMAIL}."
    srv = fake_openai(responder=lambda messages: answers.get(messages[-1]["content"], "no idea"))
    use_server(project, srv.url, monkeypatch)
    return srv


def fresh_copy(project: Path) -> Path:
    """What CI checks out: the committed files, without `.llmops/` or reports."""
    copy = project.parent / "checkout"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".llmops", "reports"))
    return copy


def scores(report: dict[str, Any]) -> dict[str, Any]:
    return {r["case_id"]: r["scores"] for r in report["cases"]}


def distinct_calls(server: FakeOpenAI) -> int:
    """Model calls made; a retry (an answer slower than the 2 s timeout on a loaded machine)
    is the same call."""
    return len({json.dumps(body, sort_keys=True) for body in server.bodies})


def record(project: Path, cli: Cli) -> None:
    args = ("--limit", LIMIT, "--cassette", CASSETTE)
    result = cli("eval", "support-bot", "--no-track", *args, cwd=project)
    assert result.exit_code == 0, result.output
    assert f"recorded {LIMIT} answers to {CASSETTE}\n" in result.stderr, result.stderr


def replay(project: Path, cli: Cli) -> Result:
    args = ("--limit", LIMIT, "--cache", "read-only", "--cassette", CASSETTE)
    return cli("eval", "support-bot", "--no-track", *args, cwd=project)


def test_replay_from_the_cassette_gives_the_same_scores_without_calls(
    project: Path, server: FakeOpenAI, cli: Cli
) -> None:
    record(project, cli)
    recorded = latest(project)
    assert distinct_calls(server) == 6
    calls = server.requests
    lines = (project / CASSETTE).read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 6 and [e["key"] for e in entries] == sorted(e["key"] for e in entries)
    assert {e["case"] for e in entries} == set(scores(recorded)) and {
        e["repeat"] for e in entries
    } == {0}
    assert all(e["prompt_tokens"] == 10 and e["latency_ms"] > 0 for e in entries)
    text = (project / CASSETTE).read_text()
    assert EMAIL not in text and "<EMAIL_ADDRESS>" in text  # scrubbed before writing
    assert "messages" not in entries[0]
    server.stop()

    copy = fresh_copy(project)
    result = replay(copy, cli)
    assert result.exit_code == 0, result.output
    replayed = latest(copy)
    assert replayed["cache"]["hits"] == 6 and replayed["summary"]["errored"] == 0
    assert server.requests == calls  # no model call (the server is down anyway)
    # pw-01's answer held PII: the replay scores the scrubbed answer (see the README)
    same = {k: v for k, v in scores(recorded).items() if k != "pw-01"}
    assert same == {k: v for k, v in scores(replayed).items() if k != "pw-01"}
    assert replayed["summary"]["passed"] == recorded["summary"]["passed"]


def test_a_changed_golden_case_is_a_miss_naming_it(
    project: Path, server: FakeOpenAI, cli: Cli
) -> None:
    record(project, cli)
    copy = fresh_copy(project)
    cases = copy / "golden_sets/support/cases.jsonl"
    cases.write_text(cases.read_text().replace("minimum length", "smallest length", 1))
    result = replay(copy, cli)
    assert result.exit_code == 1
    assert f"1 of 6 responses are not in the cassette {CASSETTE} (case 'pw-02')" in result.stderr
    assert f"re-record it with --cache read-write --cassette {CASSETTE}" in result.stderr
    assert distinct_calls(server) == 6


def test_the_extractive_baseline_records_no_answers_and_says_so(project: Path, cli: Cli) -> None:
    """The trial's finding 16: the sample's local baseline is never cached, so a recording
    is empty; the command says so instead of writing an empty file silently."""
    args = ("--limit", "2", "--cassette", CASSETTE)
    result = cli("eval", "support-bot", "--no-track", *args, cwd=project)
    assert result.exit_code == 0, result.output
    assert (project / CASSETTE).read_text() == ""
    assert (
        f"recorded 0 answers to {CASSETTE} (support-model-local@1.0.0 is an extractive "
        "baseline: its answers are computed, never cached or recorded"
    ) in result.stderr, result.stderr


def test_a_resumed_run_records_every_case(project: Path, server: FakeOpenAI, cli: Cli) -> None:
    run(project, limit=int(LIMIT))  # a library run keeps its journal: the CLI resumes it
    record(project, cli)
    assert latest(project)["cache"]["resumed_cases"] == 6
    assert len((project / CASSETTE).read_text().splitlines()) == 6


def test_a_malformed_line_is_a_located_error(tmp_path: Path) -> None:
    good = {
        "key": "k1",
        "text": "hi",
        "latency_ms": 1.5,
        "prompt_tokens": 1,
        "completion_tokens": 2,
    }
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps({**good, "key": "k2"}) + "\n")
    answers = cassette.load(path)
    assert answers["k2"].text == "hi" and answers["k1"].cost_usd is None
    for line, problem in (
        ("{not json", "c.jsonl:3: not JSON"),
        ("[1]", "c.jsonl:3: expected a JSON object"),
        (json.dumps({**good, "text": None}), "c.jsonl:3: text: missing or not a str"),
        (json.dumps({**good, "latency_ms": "fast"}), "c.jsonl:3: latency_ms: missing"),
    ):
        path.write_text(json.dumps(good) + "\n\n" + line + "\n")
        with pytest.raises(LlmopsError, match=problem):
            cassette.load(path)
    with pytest.raises(LlmopsError, match="no such cassette; record it with --cache read-write"):
        cassette.load(tmp_path / "missing.jsonl")

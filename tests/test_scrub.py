"""Nothing raw leaves the process: secret shapes, loopback hosts kept, every free-text field of
a row scrubbed, and an end-to-end run whose seeded secrets and PII appear in no artifact."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from fakeserver import StartServer
from helpers import Cli, add_judge
from linear import assert_linear

from llmops_cli.evaluation.runner import EvalOptions, run_eval
from llmops_cli.guardrails.scrub import scrub, scrub_row, scrub_secrets
from llmops_cli.manifests.catalog import Catalog
from llmops_cli.manifests.resolve import ResolvedPipeline, find_pipeline, resolve_pipeline
from llmops_cli.project import Project

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
    "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0\n-----END RSA PRIVATE KEY-----"
)


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (f"token {JWT} here", "token <SECRET> here"),
        (f"key:\n{PEM}\nthanks", "key:\n<SECRET>\nthanks"),
        ("cut short: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B", "cut short: <SECRET>"),
        ("Authorization: Bearer abcDEF1234567890xyz.-_~+/=", "Authorization: Bearer <SECRET>"),
        ("GET /v1?api_key=Zx81Kq0pLm77&page=2", "GET /v1?api_key=<SECRET>&page=2"),
        ('{"client_secret": "c0ffee-beef-1234"}', '{"client_secret": "<SECRET>"}'),
        ("X-API-Key: 9f8e7d6c5b4a", "X-API-Key: <SECRET>"),
        ("db password=hunter2 ok", "db password=<SECRET> ok"),
        ('{"password": "s3cr3t!"}', '{"password": "<SECRET>"}'),
        ("https://alice:pa55w0rd@db.example.com/x", "https://<SECRET>@db.example.com/x"),
        ("key sk-ant-api03-abcdefghijklmnop1234", "key <SECRET>"),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws <SECRET>"),
        ("OPENAI_API_KEY=abcdef1234567890abcd", "OPENAI_API_KEY=<SECRET>"),
        ("DB_PASSWORD=hunter2xyz", "DB_PASSWORD=<SECRET>"),
        (f"AZURE_OPENAI_API_KEY={'0a1b' * 8}", "AZURE_OPENAI_API_KEY=<SECRET>"),
        ("MLFLOW_TRACKING_PASSWORD=s3cr3t!x", "MLFLOW_TRACKING_PASSWORD=<SECRET>"),
        (
            "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key=<SECRET>",
        ),
        ("GITHUB_TOKEN: ghp_abcdef123456", "GITHUB_TOKEN: <SECRET>"),
        ("password = hunter2", "password = <SECRET>"),
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic <SECRET>"),
        ("https://ghp1234567890abcdefghij@github.com/o/r", "https://<SECRET>@github.com/o/r"),
        (
            "https://x-access-token:ghs_abcdefghijklmnop1234@github.com/o/r",
            "https://<SECRET>@github.com/o/r",
        ),
    ],
)
def test_secret_shapes_are_replaced(text: str, scrubbed: str) -> None:
    assert scrub_secrets(text) == scrubbed


@pytest.mark.parametrize(
    "prose",
    [
        "A new password: at least 12 characters, as the reset page says.",
        "He was the bearer of bad news about the authentication_scheme.",
        "The api key page lists your keys; tokens: 1234 in, 56 out.",
        "See https://docs.example.com/reset and the user@host docs.",
        "-----BEGIN PUBLIC KEY----- is not secret",
        "the password must be 12 characters",
        "set OPENAI_API_KEY in your shell",
        "clone ssh://git@github.com/o/r with a basic understanding of tokens",
    ],
)
def test_prose_is_left_alone(prose: str) -> None:
    assert scrub_secrets(prose) == prose


def test_secret_patterns_run_in_linear_time() -> None:
    """Adversarial near-misses (no match ever completes) at 4x the size cost ~4x the CPU."""
    seeds = [
        "eyJ-",
        "eyJabcdef.",
        "-----BEGIN PRIVATE KEY----- -",
        "bearer ",
        "api_key ",
        "password",
        ":// a:b",
        "sk-",
        "OPENAI_API_KEY ",
        "DB_PASSWORD = ",
        "aws_secret_access_key ",
        "token = '",
        "Authorization: ",
        "basic ",
        "://ghp_1234567890abcdef",
    ]

    texts = {k: [seed * k for seed in seeds] for k in (500, 5_000, 20_000)}
    assert_linear(lambda k: [scrub_secrets(text) for text in texts[k]], 5_000)


def test_loopback_hosts_stay_other_addresses_go() -> None:
    text = "connect to 127.0.0.1:8080 and [::1]:9 refused; client 203.0.113.77 retried"
    out = scrub(text)
    assert "127.0.0.1:8080" in out and "::1" in out
    assert "203.0.113.77" not in out and "<IP_ADDRESS>" in out


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (r"no match for /dave@example\.net/", "no match for /<EMAIL_ADDRESS>/"),
        (r"no match for /10\.20\.30\.40/", "no match for /<IP_ADDRESS>/"),
        (r"/\+1 415 555 0132/", "/<PHONE_NUMBER>/"),
        (r"/sk\-proj\-ABCDEFGHIJKLMNOPQRST12/", "/<SECRET>/"),
        (r"{\"api_key\": \"abcdef123456\"}", r"{\"api_key\": \"<SECRET>\"}"),
        (
            r"/^\d+\.\d+ (ok|\(no\)) mail d\.e@x\.io$/",
            r"/^\d+\.\d+ (ok|\(no\)) mail <EMAIL_ADDRESS>$/",
        ),
        (r"connect to 127\.0\.0\.1:8080 refused", r"connect to 127\.0\.0\.1:8080 refused"),
    ],
)
def test_backslash_escapes_hide_no_value(text: str, scrubbed: str) -> None:
    """A regex assertion echoed in a reason: the escapes are read through, the rest of the
    pattern stays as written."""
    assert scrub(text) == scrubbed


def test_an_escaped_regex_assertion_reaches_no_artifact(project: Path, cli: Cli) -> None:
    """The trial's pii-02: a regex assertion `dave@example\\.net` that fails is echoed in the
    regex scorer's reason; no report file and nothing in .llmops keeps the address."""
    cases = project / "golden_sets/support/cases.jsonl"
    for n, pattern in enumerate((r"dave@example\.net", r"10\.20\.30\.40")):
        case = {
            "id": f"pii-0{n}",
            "vars": {"question": "How do I reset my password?"},
            "tags": ["pii"],
            "assert": [{"type": "regex", "value": pattern}],
        }
        cases.write_text(cases.read_text() + json.dumps(case) + "\n")
    result = cli("eval", "support-bot", "--filter", "pii", "--no-track", cwd=project)
    assert result.exit_code == 0, result.output
    files = [p for d in ("reports", ".llmops") for p in (project / d).rglob("*") if p.is_file()]
    assert {"report.json", "report.md", "report.html", "junit.xml", "guardrails.sqlite"} <= {
        p.name for p in files
    }
    leaks = [
        (str(p), value)
        for p in files
        for value in ("dave@example", "example.net", r"example\.net", "10.20.30", r"10\.20")
        if value.encode() in p.read_bytes()
    ]
    assert not leaks, leaks
    report = json.loads(next((project / "reports").rglob("report.json")).read_text())
    reasons = sorted(row["scores"]["regex"]["reason"] for row in report["cases"])
    assert reasons == ["no match for /<EMAIL_ADDRESS>/", "no match for /<IP_ADDRESS>/"]


def test_every_free_text_field_of_a_row_is_scrubbed() -> None:
    secret, mail = "sk-live-ABCDEFGHIJKLMNOPQRST12", "jane.doe@example.com"
    row: dict[str, Any] = {
        "input": f"I am {mail}",
        "expected": {"answer": f"mail {mail}", "keys": [secret]},
        "output": f"your key is {secret}",
        "error": f"HTTP 500 from http://127.0.0.1:8000/v1: key {secret} rejected for {mail}",
        "scores": {
            "faithfulness": {"value": 0.5, "passed": True, "reason": f"repeats {mail}", "raw": JWT},
            "contains": {"value": 0.0, "passed": False, "reason": f"missing {secret!r}"},
        },
    }
    scrub_row(row)
    text = json.dumps(row)
    assert secret not in text and mail not in text and JWT not in text
    assert "http://127.0.0.1:8000/v1" in row["error"]
    assert row["expected"]["keys"] == ["<SECRET>"]


def test_a_connection_error_keeps_its_host(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    use_model(project, f"http://127.0.0.1:{port}/v1", monkeypatch)
    run = run_eval(Project.load(project), resolve(project), EvalOptions(limit=1))
    [row] = run.rows
    assert row["status"] == "errored" and f"127.0.0.1:{port}" in row["error"], row["error"]


MODEL_KEY = "sk-test-not-a-real-key-000000"
JUDGE_KEY = "sk-judge-test-00000000000000"  # helpers.add_judge sets it
SEEDED = {
    "golden question": "sk-live-GOLDENQUESTION12345678",
    "golden expected": "sk-live-GOLDENEXPECTED12345678",
    "golden assert": "GOLDEN-ASSERT-TOKEN-99",
    "email": "jane.doe@example.com",
    "card": "4111 1111 1111 1111",
    "answer key": "sk-proj-MODELANSWER1234567890ab",
    "answer jwt": JWT,
    "judge reason": "abcDEF1234567890judge",
    "judge raw": "JUDGERAW8877665544",
    "model key": MODEL_KEY,
    "judge key": JUDGE_KEY,
}


def use_model(project: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_OPENAI_KEY", MODEL_KEY)
    (project / "manifests/models/fake.yaml").write_text(
        "kind: model\nname: fake-model\nversion: 1.0.0\nprovider: openai\n"
        f"model: gpt-4o-mini-2024-07-18\napi_base: {url}\napi_key_env: FAKE_OPENAI_KEY\n"
        "limits: {timeout_s: 2, max_retries: 0}\n"
    )
    pipeline = project / "manifests/pipelines/support-bot.yaml"
    pipeline.write_text(
        pipeline.read_text().replace("support-model-local@1.0.0", "fake-model@1.0.0")
    )


def resolve(project: Path) -> ResolvedPipeline:
    catalog = Catalog.load(Project.load(project))
    return resolve_pipeline(catalog, find_pipeline(catalog, "support-bot"))


def respond(messages: list[dict[str, str]]) -> str:
    if "strict evaluator" in messages[0]["content"]:
        return (
            f"Thinking: it quotes api_key={SEEDED['judge raw']} and {SEEDED['card']}.\n"
            f'{{"score": 2, "reason": "leaks {SEEDED["email"]} and Bearer {SEEDED["judge reason"]}"}}'
        )
    return f"Your key is {SEEDED['answer key']}, token {JWT}, mail {SEEDED['email']}."


def test_seeded_secrets_and_pii_reach_no_artifact(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> None:
    """A golden case, the model's answer and the judge's reply carry secrets and PII; the
    journal, the report files, gate.json, the MLflow store and its artifacts hold none of it.
    Only the response cache keeps raw answers (by design; it stays in the ignored .llmops/)."""
    case = {
        "id": "leak-01",
        "vars": {
            "question": f"I am {SEEDED['email']}, card {SEEDED['card']}, "
            f"key {SEEDED['golden question']}. How do I reset my password?"
        },
        "expected": f"Mail {SEEDED['email']} with key {SEEDED['golden expected']}.",
        "tags": ["leak"],
        "assert": [{"type": "contains", "value": f"api_key={SEEDED['golden assert']}"}],
    }
    with (project / "golden_sets/support/cases.jsonl").open("a") as f:
        f.write(json.dumps(case) + "\n")
    server = fake_openai(responder=respond)
    use_model(project, server.url, monkeypatch)
    add_judge(
        project,
        server.url,
        monkeypatch,
        scorer="judge: judge@1.0.0\nscorers:\n  - type: judge\n    rubric: faithfulness\n",
    )
    # the library run keeps its journal; the CLI then resumes it, reports and tracks
    run_eval(Project.load(project), resolve(project), EvalOptions(tags=("leak",)))
    journals = list((project / ".llmops/runs").rglob("*.jsonl"))
    assert journals
    leaks = found_in(journals)
    result = cli("eval", "support-bot", "--filter", "leak", "--wait-tracking", cwd=project)
    assert result.exit_code == 0, result.output
    assert "mlflow run:" in result.stdout, result.stderr
    cli("gate", "support-bot", cwd=project)
    cache = project / ".llmops/cache.sqlite"
    artifacts = [
        p
        for folder in (project / "reports", project / ".llmops")
        for p in folder.rglob("*")
        if p.is_file() and p != cache
    ]
    names = {p.name for p in artifacts}
    assert {"report.json", "report.md", "report.html", "junit.xml", "gate.json"} <= names
    assert "mlflow.db" in names and any("mlartifacts" in p.parts for p in artifacts)
    leaks += found_in(artifacts)
    assert not leaks, leaks
    [row] = json.loads(next((project / "reports").rglob("report.json")).read_text())["cases"]
    judge = row["scores"]["faithfulness"]
    assert "<EMAIL_ADDRESS>" in judge["reason"] and "Bearer <SECRET>" in judge["reason"]
    assert "api_key=<SECRET>" in judge["raw"] and "<CREDIT_CARD>" in judge["raw"]
    assert "<SECRET>" in row["expected"] and "<SECRET>" in row["output"]
    assert SEEDED["answer key"].encode() in cache.read_bytes()  # raw, as the README says


def found_in(paths: list[Path]) -> list[tuple[str, str]]:
    return [
        (str(path), what)
        for path in paths
        for what, value in SEEDED.items()
        if value.encode() in path.read_bytes()
    ]


DE_MOBILE = "0151 23456789"  # a German national mobile number: a phone only under DE


def test_project_pii_regions_scrub_national_numbers_everywhere(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> None:
    """guardrails.pii_regions [DE]: a German national number in a golden case and in the
    answer reaches no report, journal, memo, cassette or MLflow file (only the raw response
    cache, by design)."""
    config = project / "llmops.yaml"
    config.write_text(config.read_text() + "guardrails:\n  pii_regions: [DE]\n")
    case = {
        "id": "de-01",
        "vars": {"question": f"Ruf mich an: {DE_MOBILE}. How do I reset my password?"},
        "tags": ["de"],
    }
    with (project / "golden_sets/support/cases.jsonl").open("a") as f:
        f.write(json.dumps(case) + "\n")
    server = fake_openai(responder=lambda messages: f"We will call {DE_MOBILE} today.")
    use_model(project, server.url, monkeypatch)
    result = cli(
        "eval",
        "support-bot",
        "--filter",
        "de",
        "--cassette",
        "answers.jsonl",
        "--wait-tracking",
        cwd=project,
    )
    assert result.exit_code == 0, result.output
    cache = project / ".llmops/cache.sqlite"
    golden = project / "golden_sets"
    files = [
        p for p in project.rglob("*") if p.is_file() and p != cache and golden not in p.parents
    ]
    names = {p.name for p in files}
    assert {"report.json", "report.html", "guardrails.sqlite", "answers.jsonl"} <= names, names
    assert any("mlartifacts" in p.parts for p in files)
    leaks = [str(p) for p in files if DE_MOBILE.encode() in p.read_bytes()]
    assert not leaks, leaks
    [row] = json.loads(next((project / "reports").rglob("report.json")).read_text())["cases"]
    assert "<PHONE_NUMBER>" in row["output"], row["output"]


def test_default_regions_still_scrub_us_numbers(tmp_path: Path) -> None:
    """Without guardrails.pii_regions (US), a US number goes and the memo serves no verdict
    made under other regions."""
    from llmops_cli.evaluation.memo import GuardrailMemo, memo_scrub

    us = "call (415) 555-0132 now"
    assert scrub(us) == "call <PHONE_NUMBER> now"
    row: dict[str, Any] = {"input": us, "output": us, "scores": {}}
    scrub_row(row)
    assert row["input"] == row["output"] == "call <PHONE_NUMBER> now"
    memo = GuardrailMemo(tmp_path / "guardrails.sqlite")
    de = f"call {DE_MOBILE} now"
    assert memo_scrub(memo, ("US",))(de) == de  # not a phone under US ...
    assert memo_scrub(memo, ("DE",))(de) == "call <PHONE_NUMBER> now"  # ... but under DE


def test_memo_and_retrieval_keys_are_salted_per_project(tmp_path: Path) -> None:
    """Two projects, the same text: different keys in guardrails.sqlite and answers.json,
    so a key cannot be matched by hashing candidate phone numbers; the salt is 0600."""
    import sqlite3

    from llmops_cli.evaluation.memo import GuardrailMemo, memo_scrub
    from llmops_cli.evaluation.retrieval import BM25Retriever, Chunk
    from llmops_cli.evaluation.salt import project_salt

    text = "call (415) 555-0132 now"
    memo_keys, answer_keys = [], []
    for name in ("a", "b"):
        state = tmp_path / name / ".llmops"
        salt = project_salt(state)
        assert salt == project_salt(state)  # made once
        assert (state / "salt").stat().st_mode & 0o777 == 0o600
        memo = GuardrailMemo(state / "cache" / "guardrails.sqlite", salt)
        memo_scrub(memo, ("US",))(text)
        memo.save()
        memo.close()
        with sqlite3.connect(state / "cache" / "guardrails.sqlite") as db:
            memo_keys += [key for (key,) in db.execute("SELECT key FROM memo")]
        chunks = [Chunk(id="0", source="", text="reset your password from settings")]
        BM25Retriever(chunks, state / "index", salt).retrieve([text], 1)
        answer_keys += json.loads((state / "index" / "answers.json").read_text())
    assert len(memo_keys) == 2 and memo_keys[0] != memo_keys[1]
    assert len(answer_keys) == 2 and answer_keys[0] != answer_keys[1]


def test_a_custom_retrievers_error_is_scrubbed_with_the_projects_regions() -> None:
    from llmops_cli.errors import LlmopsError
    from llmops_cli.evaluation.retrieval import PythonRetriever

    def failing(query: str, k: int) -> list[str]:
        raise RuntimeError(f"no rows for {DE_MOBILE}")

    retriever = PythonRetriever(failing, "python:rag:search", ("DE",))
    with pytest.raises(LlmopsError) as raised:
        retriever.retrieve([f"who has {DE_MOBILE}?"], 3)
    assert DE_MOBILE not in str(raised.value) and "<PHONE_NUMBER>" in str(raised.value)

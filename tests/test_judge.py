"""LLM-as-judge: strict parsing with repair, one re-ask, raw text kept, calls cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakeserver import StartServer
from helpers import Cli, add_judge, latest

from llmops_cli.evaluation.judge import JudgeParseError, parse_verdict


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ('{"score": 4, "reason": "mostly supported"}', 4),
        ('```json\n{"score": 5, "reason": "ok"}\n```', 5),
        ("Sure! Here is my verdict: {'score': 3, 'reason': 'partly'} Hope that helps.", 3),
        ('{"score": "2", "reason": "weak",}', 2),
        ("{score: 1, reason: 'invented facts'}", 1),
        ('{"score": 4.0}', 4),
    ],
)
def test_messy_judge_output_is_repaired(text: str, score: int) -> None:
    assert parse_verdict(text)[0] == score


@pytest.mark.parametrize(
    "text", ["I think it is good.", '{"score": 9}', '{"reason": "x"}', '{"score": "high"}', ""]
)
def test_unusable_judge_output_is_rejected(text: str) -> None:
    with pytest.raises(JudgeParseError):
        parse_verdict(text)


def test_judge_end_to_end_with_reask_and_cache(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> None:
    replies = {"count": 0}

    def respond(messages: list[dict[str, str]]) -> str:
        if "strict evaluator" not in messages[0]["content"]:
            return "answer"
        replies["count"] += 1
        if messages[-1]["content"].startswith("Your reply could not be parsed"):
            return '{"score": 4, "reason": "supported by the context"}'
        return "The answer looks fine to me, I'd say four out of five."

    server = fake_openai(responder=respond)
    add_judge(
        project,
        server.url,
        monkeypatch,
        scorer="judge: judge@1.0.0\nscorers:\n"
        "  - type: judge\n    rubric: faithfulness\n    threshold: 0.5\n",
    )
    result = cli("eval", "support-bot", "--no-track", "--limit", "3", cwd=project)
    assert result.exit_code == 0, result.output
    report = latest(project)
    scores = [row["scores"]["faithfulness"] for row in report["cases"]]
    assert all(s["value"] == 0.75 and s["passed"] is True for s in scores)
    assert "four out of five" in scores[0]["raw"] and '"score": 4' in scores[0]["raw"]
    assert replies["count"] == 6  # one ask and one re-ask per case
    assert report["summary"]["metrics"]["faithfulness"]["mean"] == 0.75
    assert cli("eval", "support-bot", "--no-track", "--limit", "3", cwd=project).exit_code == 0
    assert replies["count"] == 6  # judge calls are cached too


def test_an_openai_judge_does_not_import_litellm(
    project: Path, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> None:
    """An OpenAI judge is called over the direct client: the eval must not pay litellm's ~5 s
    import for it (a whole process, as other tests import litellm into this one)."""
    import subprocess
    import sys

    server = fake_openai(responder=lambda messages: '{"score": 5, "reason": "ok"}')
    add_judge(
        project,
        server.url,
        monkeypatch,
        scorer="scorers:\n  - {type: judge, model: judge@1.0.0}\n",
    )
    probe = (
        "import sys; from llmops_cli.cli.main import main\n"
        "sys.argv = ['llmops', 'eval', 'support-bot', '--no-track', '--limit', '2']\n"
        "try: main()\nexcept SystemExit as exit: assert not exit.code, exit.code\n"
        "print('litellm' in sys.modules, file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().splitlines()[-1] == "False"
    assert latest(project)["summary"]["metrics"]["judge"]["mean"] == 1.0


def test_unparseable_judge_leaves_metric_unmeasured(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> None:
    server = fake_openai(responder=lambda messages: "no idea")
    add_judge(project, server.url, monkeypatch)
    (project / "manifests/models/embed.yaml").write_text(
        "kind: model\nname: embedder\nversion: 1.0.0\nprovider: openai\nmodel: text-embedding-3-small\n"
        f"allow_unpinned: true\napi_base: {server.url}\napi_key_env: JUDGE_KEY\n"
    )
    (project / "llmops.yaml").write_text(
        (project / "llmops.yaml")
        .read_text()
        .replace('"local/*"', '"local/*", "openai/text-embedding-*"')
    )
    pipeline = project / "manifests/pipelines/support-bot.yaml"
    pipeline.write_text(
        pipeline.read_text().replace(
            "scorers:\n",
            "scorers:\n  - type: judge\n    rubric: relevance\n    model: judge@1.0.0\n"
            "  - type: embedding_similarity\n    model: embedder@1.0.0\n",
        )
    )
    assert cli("eval", "support-bot", "--no-track", "--limit", "2", cwd=project).exit_code == 0
    row = latest(project)["cases"][0]
    assert (
        row["scores"]["relevance"]["value"] is None and row["scores"]["relevance"]["passed"] is None
    )
    assert "no {score: 1-5} object" in row["scores"]["relevance"]["reason"]
    assert row["scores"]["relevance"]["raw"] == "no idea\n---\nno idea"
    similarity = row["scores"]["embedding_similarity"]["value"]
    assert 0.0 <= similarity <= 1.0

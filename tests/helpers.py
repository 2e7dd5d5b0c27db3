"""Small helpers shared by the test modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmops_cli.evaluation.report import latest_report
from llmops_cli.project import Project


def latest(project: Path, pipeline: str = "support-bot") -> dict[str, Any]:
    """The newest report.json of a pipeline, parsed."""
    return json.loads(latest_report(Project.load(project), pipeline).read_text())  # type: ignore[no-any-return]


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

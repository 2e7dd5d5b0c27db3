"""The public API's arguments: any path may be a `str` (or os.PathLike), counts are >= 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_registry_api import evaluated

from llmops_cli import api


def test_api_path_arguments_accept_str(repo: Path, tmp_path: Path) -> None:
    cassette = tmp_path / "answers.jsonl"
    report = api.evaluate(repo, "support-bot", track=False, cassette=str(cassette))
    assert cassette.exists()
    folder = repo / "reports" / "support-bot" / report.run_id
    assert api.load_report(str(folder / "report.json")) == report
    report_json = str(folder / "report.json")
    verdict = api.gate(repo, "support-bot", report=report_json, baseline=report_json)
    assert api.load_verdict(str(folder / "gate.json")) == verdict


def test_promote_evidence_and_reproduce_out_accept_str(project: Path, tmp_path: Path) -> None:
    not_canary = tmp_path / "decision.json"
    not_canary.write_text('{"kind": "report"}', "utf-8")
    with pytest.raises(api.LlmopsError, match="not a canary decision"):
        api.promote(evaluated(project), "support-bot", "dev", evidence=str(not_canary))
    api.promote(project, "support-bot", "dev")
    written = api.reproduce(project, "support-bot@dev", str(tmp_path / "again"))
    assert written and all(p.is_relative_to(tmp_path / "again") for p in written)


@pytest.mark.parametrize("argument", ["repeat", "limit", "concurrency"])
def test_evaluate_rejects_zero_counts_naming_the_argument(project: Path, argument: str) -> None:
    with pytest.raises(api.LlmopsError, match=rf"^{argument}=0: must be at least 1"):
        api.evaluate(project, "support-bot", track=False, **{argument: 0})  # type: ignore[arg-type]
    assert not (project / "reports").exists()

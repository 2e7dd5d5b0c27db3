"""Judge calibration: agreement statistics against sklearn/scipy, `llmops judge calibrate`
over real HTTP, and the eval report's warning when the judge in use is not calibrated."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakeserver import StartServer
from helpers import add_judge, latest
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score

from llmops_cli.evaluation.calibration import confusion, quadratic_kappa
from llmops_cli.evaluation.report import latest_report
from llmops_cli.project import Project
from llmops_cli.stats.ranks import spearman


@pytest.mark.parametrize("seed", range(5))
def test_kappa_and_spearman_match_sklearn_and_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    human = rng.integers(1, 6, size=60)
    judge = np.clip(human + rng.integers(-1, 2, size=60), 1, 5)
    expected = cohen_kappa_score(human, judge, weights="quadratic", labels=[1, 2, 3, 4, 5])
    assert quadratic_kappa(human.tolist(), judge.tolist()) == pytest.approx(expected, abs=1e-12)
    rho = spearmanr(human, judge).statistic
    assert spearman(human.tolist(), judge.tolist()) == pytest.approx(rho, abs=1e-12)


def test_agreement_edge_cases() -> None:
    assert quadratic_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == 1.0
    assert quadratic_kappa([1, 5, 1, 5], [5, 1, 5, 1]) < -0.9  # systematic disagreement
    assert quadratic_kappa([3, 3, 3], [3, 3, 3]) == 1.0  # one category only: no chance term
    assert np.isnan(spearman([3, 3, 3], [1, 2, 3]))
    table = confusion([1, 1, 5], [2, 1, 5])
    assert table[0, 1] == 1 and table[0, 0] == 1 and table[4, 4] == 1 and table.sum() == 3


QUALITY = re.compile(r"\[quality (\d)\]")


def _labels(path: Path, humans: list[int]) -> Path:
    rows = [
        {
            "id": f"l{i}",
            "question": "How do I reset my password?",
            "context": "Settings > Security > Reset password.",
            "answer": f"Open Settings. [quality {h}] ({i})",
            "human": h,
        }
        for i, h in enumerate(humans)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


class LenientJudge:
    """Reads the hidden quality marker and grades one point higher for 2s and 3s; an answer
    of quality 4 gets 4, then 5, then 4... on repeated calls (an inconsistent judge)."""

    def __init__(self) -> None:
        self.calls = 0
        self.seen: dict[str, int] = {}

    def __call__(self, messages: list[dict[str, str]]) -> str:
        if "strict evaluator" not in messages[0]["content"]:
            return "An answer. [quality 4]"  # the pipeline's own model in eval
        self.calls += 1
        text = messages[-1]["content"]
        found = QUALITY.search(text)
        quality = int(found.group(1)) if found else 3
        if quality in (2, 3):
            quality += 1
        elif quality == 4:
            self.seen[text] = self.seen.get(text, 0) + 1
            quality = 4 if self.seen[text] % 2 else 5
        return json.dumps({"score": quality, "reason": "test"})


@pytest.fixture
def judge_server(
    project: Path, monkeypatch: pytest.MonkeyPatch, fake_openai: StartServer
) -> LenientJudge:
    judge = LenientJudge()
    server = fake_openai(responder=judge)
    add_judge(
        project,
        server.url,
        monkeypatch,
        transport="openai-http",
        scorer="judge: judge@1.0.0\nscorers:\n  - type: judge\n    rubric: faithfulness\n",
    )
    return judge


def test_calibrate_over_http_then_eval_stops_warning(
    project: Path, cli: Any, judge_server: LenientJudge
) -> None:
    def warnings() -> list[str]:
        result = cli("eval", "support-bot", "--no-track", "--limit", "2", cwd=project)
        assert result.exit_code == 0, result.output
        found: list[str] = latest(project)["warnings"]
        return found

    assert any("never calibrated" in w for w in warnings())

    humans = [1, 2, 3, 4, 5] * 4
    labels = _labels(project / "human.jsonl", humans)
    judge_server.calls = 0
    result = cli(
        "judge",
        "calibrate",
        "--labels",
        str(labels),
        "--concurrency",
        "1",
        "-f",
        "json",
        cwd=project,
    )  # fmt: skip  (one call at a time: each label's first verdict is its first call)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert judge_server.calls == 3 * len(humans)  # three repeats of each label, no caching
    first = [
        h + 1 if h in (2, 3) else 4 if h == 4 else h for h in humans
    ]  # a 4's first verdict is 4
    assert out["judged"] == len(humans) and out["failed"] == 0
    expected = cohen_kappa_score(humans, first, weights="quadratic", labels=[1, 2, 3, 4, 5])
    assert out["weighted_kappa"] == pytest.approx(expected)
    assert out["mean_bias"] == pytest.approx(np.mean(np.array(first) - np.array(humans)))
    assert out["confusion"][1][2] == 4 and out["confusion"][2][3] == 4  # 2 -> 3, 3 -> 4
    consistency = out["self_consistency"]
    assert consistency["repeats"] == 3 and consistency["all_agree"] == pytest.approx(16 / 20)
    record = json.loads((project / out["record"]).read_text())
    assert record["judge"] == "judge@1.0.0" and record["rubric"] == "faithfulness"
    assert "Open Settings" not in (project / out["record"]).read_text()  # aggregates only

    assert warnings() == []

    pipeline = project / "manifests/pipelines/support-bot.yaml"
    pipeline.write_text(pipeline.read_text().replace("rubric: faithfulness", "rubric: relevance"))
    (only,) = warnings()
    assert "calibrated only for other rubrics (faithfulness)" in only
    assert "--rubric relevance" in only
    folder = latest_report(Project.load(project), "support-bot").parent
    assert "calibrated only for other rubrics" in (folder / "report.md").read_text()
    assert "calibrated only for other rubrics" in (folder / "report.html").read_text()


def test_poor_agreement_warns_and_min_kappa_fails(
    project: Path, cli: Any, judge_server: LenientJudge
) -> None:
    labels = _labels(project / "human.jsonl", [2, 3, 2, 3, 2, 3])  # judge +1 on all: kappa 1/3
    result = cli(
        "judge", "calibrate", "--labels", str(labels), "--repeats", "1", "--min-kappa", "0.9",
        cwd=project,
    )  # fmt: skip
    assert result.exit_code == 4, result.output
    assert "below --min-kappa 0.9" in result.stderr
    assert "do not trust this judge alone" in result.stdout
    assert "confusion (rows human, columns judge)" in result.stdout
    eval_result = cli("eval", "support-bot", "--no-track", "--limit", "1", cwd=project)
    assert "agrees poorly with human labels" in eval_result.output


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"answer": "a", "human": 7}', "human.jsonl:2: human: expected an integer 1-5"),
        ('{"human": 3}', "human.jsonl:2: answer: missing"),
        ("{not json", "human.jsonl:2: not a JSON object"),
    ],
)
def test_bad_labels_name_file_line_and_field(
    project: Path, cli: Any, line: str, message: str
) -> None:
    labels = project / "human.jsonl"
    labels.write_text('{"answer": "ok", "human": 4}\n' + line + "\n")
    result = cli("judge", "calibrate", "--labels", str(labels), "--judge", "x@1", cwd=project)
    assert result.exit_code == 1 and message in result.stderr
    assert not (project / "calibration").exists()


def test_unknown_or_ambiguous_judge_is_a_user_error(project: Path, cli: Any) -> None:
    labels = _labels(project / "human.jsonl", [1, 5])
    result = cli("judge", "calibrate", "--labels", str(labels), cwd=project)
    assert result.exit_code == 1 and "name the judge with --judge" in result.stderr
    result = cli(
        "judge", "calibrate", "--labels", str(labels), "--judge", "nope@1.0.0", cwd=project
    )
    assert result.exit_code == 1 and "--judge: no model named 'nope'" in result.stderr


def test_calibrate_judge_is_a_library_call(project: Path, judge_server: LenientJudge) -> None:
    """`api.calibrate_judge` returns a frozen, typed report (the judge the pipelines name,
    by default) and saves the record the eval warnings read; no CLI involved."""
    import dataclasses

    from llmops_cli import api

    labels = _labels(project / "human.jsonl", [1, 2, 3, 4, 5] * 2)
    started: list[tuple[int, str]] = []
    report = api.calibrate_judge(
        project, labels, repeats=2, concurrency=1, on_start=lambda n, j: started.append((n, j))
    )
    assert isinstance(report, api.JudgeCalibrationReport)
    assert started == [(10, "judge@1.0.0")] and report.judge == "judge@1.0.0"
    assert report.n == report.judged == 10 and report.failed == 0
    assert report.self_consistency is not None and report.self_consistency.repeats == 2
    assert sum(map(sum, report.confusion)) == 10
    assert (project / report.record).is_file()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.judge = "other"  # type: ignore[misc]


@pytest.mark.parametrize("where", ["missing.jsonl", "."])
def test_calibrate_judge_names_a_labels_path_that_is_not_a_file(project: Path, where: str) -> None:
    """The library call gets no click path check: a missing file or a folder is a user
    error naming the path, not a raw OSError."""
    from llmops_cli import api
    from llmops_cli.errors import LlmopsError

    with pytest.raises(LlmopsError, match=r"labels file (not found|is a folder)"):
        api.calibrate_judge(project, project / where, judge="judge@1.0.0")

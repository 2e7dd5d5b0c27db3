"""`calibrate_judge`: grade human-labelled answers with a judge model, compare with the
humans, save the record eval reports read. What `llmops judge calibrate` calls."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmops_cli.errors import LlmopsError
from llmops_cli.project import Project

if TYPE_CHECKING:
    from llmops_cli.manifests.catalog import Catalog


@dataclass(frozen=True)
class SelfConsistency:
    repeats: int
    all_agree: float  # share of answers graded the same on every repeat
    mean_range: float


@dataclass(frozen=True)
class JudgeCalibrationReport:
    """Agreement of a judge with human 1-5 labels (first verdict of each label)."""

    n: int
    judged: int
    failed: int  # failed calls or unparseable verdicts, over all repeats
    weighted_kappa: float  # quadratic-weighted Cohen's kappa
    spearman: float  # NaN when either side gave one score only
    exact_agreement: float
    mean_bias: float  # judge - human; > 0: the judge is lenient
    confusion: tuple[tuple[int, ...], ...]  # rows human 1..5, columns judge 1..5
    self_consistency: SelfConsistency | None
    judge: str  # model name@version
    rubric: str
    record: str  # the saved record, relative to the project root

    def to_dict(self) -> dict[str, Any]:
        """As `llmops judge calibrate --format json` prints it (without the rubric)."""
        out = asdict(self)
        out["confusion"] = [list(row) for row in self.confusion]
        del out["rubric"]
        return out


def calibrate_judge(
    project: Project | str | os.PathLike[str],
    labels: str | os.PathLike[str],
    *,
    judge: str | None = None,
    rubric: str = "faithfulness",
    repeats: int = 3,
    concurrency: int = 8,
    on_start: Callable[[int, str], None] | None = None,
) -> JudgeCalibrationReport:
    """Grade each labelled answer `repeats` times with `judge` (default: the one judge the
    project's pipelines name), with the messages eval uses; save the result under
    `calibration/judges/` and return it. `on_start(labels, judge)` is called before grading."""
    from llmops_cli.evaluation import calibration
    from llmops_cli.evaluation.targets import make_target
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.model import ModelManifest

    proj = project if isinstance(project, Project) else Project.find(Path(project))
    path = Path(labels)
    items = calibration.load_labels(path)
    catalog = Catalog.load(proj)
    try:
        model = catalog.find("model", judge or _default_judge(catalog))
    except LookupError as exc:
        raise LlmopsError(f"--judge: {exc}") from None
    assert isinstance(model, ModelManifest)
    spec = {"rubric": rubric}
    if on_start is not None:
        on_start(len(items), model.ref)
    grades = calibration.grade_all(
        make_target(model, proj.root), spec, items, repeats, concurrency=concurrency
    )
    result = calibration.summarize(items, grades)
    record = calibration.save_record(proj, model.ref, spec, path, result)
    consistency = result["self_consistency"]
    return JudgeCalibrationReport(
        **{k: v for k, v in result.items() if k not in ("confusion", "self_consistency")},
        confusion=tuple(tuple(row) for row in result["confusion"]),
        self_consistency=SelfConsistency(**consistency) if consistency else None,
        judge=model.ref,
        rubric=rubric,
        record=proj.relative(record),
    )


def _default_judge(catalog: Catalog) -> str:
    judges = {str(p.get("judge")) for p in catalog.of_kind("pipeline") if p.get("judge")}
    if len(judges) != 1:
        found = ", ".join(sorted(judges)) or "none"
        raise LlmopsError(f"name the judge with --judge MODEL@VERSION (pipelines' judges: {found})")
    return judges.pop()

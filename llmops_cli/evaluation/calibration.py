"""Judge calibration: how far an LLM judge can be trusted, measured against human labels.

`llmops judge calibrate --labels human.jsonl --judge MODEL@VERSION` asks the judge to grade
each labelled answer (several times, for self-consistency) with the same messages eval uses,
then compares with the human 1-5 scores: quadratic-weighted Cohen's kappa, Spearman's rho, a
5x5 confusion table. The result is stored per judge model and rubric under
`calibration/judges/` (committed, so CI sees it), and eval reports warn when the judge in use
was never calibrated, was calibrated only for another rubric, or agreed poorly.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.judge import (
    JudgeParseError,
    judge_messages,
    judge_request,
    parse_verdict,
    rubric_text,
)
from llmops_cli.project import Project
from llmops_cli.stats.ranks import spearman

if TYPE_CHECKING:
    import numpy as np

    from llmops_cli.evaluation.targets import Target
    from llmops_cli.manifests.resolve import ResolvedPipeline

SCALE = 5
MIN_KAPPA = 0.6  # below this, agreement is at best "moderate" (Landis & Koch)


@dataclass(frozen=True)
class Label:
    id: str
    question: str
    answer: str
    context: str
    reference: str
    human: int


def load_labels(path: Path) -> list[Label]:
    from llmops_cli.fileio import jsonl_objects

    if not path.is_file():  # the library call has no click to check the path first
        what = "is a folder" if path.is_dir() else "not found"
        raise LlmopsError(f"{path}: labels file {what}: pass a JSONL file of labelled answers")
    labels = []
    for number, row in jsonl_objects(path):
        for key in ("answer", "human"):
            if key not in row:
                raise LlmopsError(f"{path}:{number}: {key}: missing")
        human = row["human"]
        if not isinstance(human, int) or isinstance(human, bool) or not 1 <= human <= SCALE:
            raise LlmopsError(f"{path}:{number}: human: expected an integer 1-{SCALE}")
        labels.append(
            Label(
                str(row.get("id", number)),
                str(row.get("question", "")),
                str(row["answer"]),
                str(row.get("context", "")),
                str(row.get("expected", "")),
                human,
            )
        )
    if len(labels) < 2:
        raise LlmopsError(f"{path}: needs at least 2 labelled answers")
    return labels


def rubric_hash(spec: Mapping[str, Any]) -> str:
    return hashlib.sha256(rubric_text(spec).encode()).hexdigest()[:16]


def quadratic_kappa(a: Sequence[int], b: Sequence[int], k: int = SCALE) -> float:
    """Cohen's kappa with quadratic weights on a 1..k scale (sklearn's cohen_kappa_score with
    weights="quadratic")."""
    import numpy as np

    table = confusion(a, b, k).astype(float)
    n = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    i, j = np.indices((k, k))
    weights = (i - j) ** 2 / (k - 1) ** 2
    denominator = float((weights * expected).sum())
    return 1.0 if denominator == 0 else 1.0 - float((weights * table).sum()) / denominator


def confusion(a: Sequence[int], b: Sequence[int], k: int = SCALE) -> np.ndarray:
    """Rows: human score 1..k; columns: judge score 1..k."""
    import numpy as np

    table = np.zeros((k, k), dtype=int)
    np.add.at(table, (np.asarray(a) - 1, np.asarray(b) - 1), 1)
    return table


async def _grade(
    target: Target, spec: Mapping[str, Any], label: Label, timeout_s: float
) -> int | None:
    from llmops_cli.evaluation.targets import TargetError

    messages = judge_messages(spec, label.question, label.answer, label.context, label.reference)
    try:
        completion = await target.complete(judge_request(messages, {}), timeout_s)
        return parse_verdict(completion.text)[0]
    except (TargetError, JudgeParseError):
        return None


def grade_all(
    target: Target,
    spec: Mapping[str, Any],
    labels: Sequence[Label],
    repeats: int,
    concurrency: int = 8,
    timeout_s: float = 60.0,
) -> list[list[int | None]]:
    """Judge scores per label, one per repeat (None where the call or the parse failed)."""
    target.prepare()
    limit = asyncio.Semaphore(concurrency)

    async def one(label: Label) -> int | None:
        async with limit:
            return await _grade(target, spec, label, timeout_s)

    async def run() -> list[int | None]:
        try:
            jobs = [one(label) for _ in range(repeats) for label in labels]
            return list(await asyncio.gather(*jobs))
        finally:
            close = getattr(target, "aclose", None)
            if close is not None:
                await close()

    flat = asyncio.run(run())
    n = len(labels)
    return [[flat[r * n + i] for r in range(repeats)] for i in range(n)]


def summarize(labels: Sequence[Label], grades: Sequence[Sequence[int | None]]) -> dict[str, Any]:
    """Agreement with the humans (first verdict of each label) and self-consistency."""
    import numpy as np

    pairs = [(lab.human, g[0]) for lab, g in zip(labels, grades, strict=True) if g[0] is not None]
    if len(pairs) < 2:
        raise LlmopsError("the judge gave fewer than 2 usable verdicts; check the judge model")
    human, judge = [p[0] for p in pairs], [p[1] for p in pairs]
    complete = [[x for x in g if x is not None] for g in grades if len(g) > 1 and None not in g]
    consistency = None
    if complete:
        spread = np.array([max(g) - min(g) for g in complete])
        consistency = {
            "repeats": len(complete[0]),
            "all_agree": float(np.mean(spread == 0)),
            "mean_range": float(spread.mean()),
        }
    return {
        "n": len(labels),
        "judged": len(pairs),
        "failed": sum(1 for g in grades for x in g if x is None),
        "weighted_kappa": quadratic_kappa(human, judge),
        "spearman": spearman(human, judge),
        "exact_agreement": float(np.mean(np.array(human) == np.array(judge))),
        "mean_bias": float(np.mean(np.array(judge) - np.array(human))),  # > 0: judge is lenient
        "confusion": confusion(human, judge).tolist(),
        "self_consistency": consistency,
    }


CALIBRATION_DIR = "calibration/judges"  # committed with the project, unlike .llmops/ state


def record_dir(project: Project, model_ref: str) -> Path:
    return project.root / CALIBRATION_DIR / model_ref


def save_record(
    project: Project, model_ref: str, spec: Mapping[str, Any], labels: Path, result: dict[str, Any]
) -> Path:
    """One record per judge model and rubric: `calibration/judges/<model>@<version>/<rubric
    sha256>.json`. Aggregates only: no label text is stored."""
    from llmops_cli.fileio import write_atomic

    record = {
        "judge": model_ref,
        "rubric": str(spec.get("rubric", "faithfulness")),
        "rubric_sha256": rubric_hash(spec),
        "labels": project.relative(labels.resolve()),
        "labels_sha256": hashlib.sha256(labels.read_bytes()).hexdigest(),
        "calibrated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **result,
    }
    path = record_dir(project, model_ref) / f"{record['rubric_sha256']}.json"
    write_atomic(path, json.dumps(record, indent=2) + "\n")
    return path


def calibration_warnings(
    project: Project, resolved: ResolvedPipeline, min_kappa: float = MIN_KAPPA
) -> list[str]:
    """One line per judge scorer of the pipeline whose judge has no calibration on record for
    its rubric, or agreed poorly with the humans when calibrated."""
    warnings = []
    for spec in resolved.pipeline.get("scorers", ()):
        if spec["type"] != "judge":
            continue
        model = resolved.model_for(spec.get("model"))
        if model is None:
            continue
        rubric = str(spec.get("rubric", "faithfulness"))
        folder = record_dir(project, model.ref)
        path = folder / f"{rubric_hash(spec)}.json"
        if not path.is_file():
            others = sorted(_rubric_of(p) for p in folder.glob("*.json"))
            how = (
                f"was calibrated only for other rubrics ({', '.join(others)})"
                if others
                else ("was never calibrated against human labels")
            )
            warnings.append(
                f"judge {model.ref} ({rubric}) {how}: run `llmops judge calibrate "
                f"--judge {model.ref} --rubric {rubric} --labels LABELS.jsonl`"
            )
            continue
        kappa = _record(path).get("weighted_kappa")
        if isinstance(kappa, float) and kappa < min_kappa:
            warnings.append(
                f"judge {model.ref} ({rubric}) agrees poorly with human labels: weighted kappa "
                f"{kappa:.2f} < {min_kappa} ({project.relative(path)})"
            )
    return warnings


def _record(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _rubric_of(path: Path) -> str:
    return str(_record(path).get("rubric", path.stem))

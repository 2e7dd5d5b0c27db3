"""The gate verdict: `gate.json` beside the report it judged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from llmops_cli.contracts.base import Contract, ContractError
from llmops_cli.fileio import PathArg

CheckStatus = Literal["pass", "warn", "fail"]
CheckKind = Literal[
    "threshold", "error_rate", "unmeasured", "regression", "fingerprint", "coverage"
]


@dataclass(frozen=True, kw_only=True)
class GateCheck(Contract):
    """One check: what was observed, what the thresholds expect, and the outcome."""

    name: str  # the metric, with its statistic when not the mean: `latency (p95)`
    kind: CheckKind
    status: CheckStatus
    observed: float | None  # None when unmeasured
    expected: str  # `>= 0.85`, `drop <= 0.02 at 95%`
    detail: str = ""  # for a regression: shared cases, the change and its confidence bound
    # regression checks only (left out of the others): the paired bootstrap's one-sided
    # `confidence` upper bound on the change, and how many cases both runs share
    bound: float | None = None
    shared_cases: int | None = None

    OMIT_IF_NONE: ClassVar[frozenset[str]] = frozenset({"bound", "shared_cases"})


@dataclass(frozen=True, kw_only=True)
class GateVerdict(Contract):
    """Pass or fail for one report: every check, and the cases that flipped pass -> fail
    against the baseline."""

    KIND: ClassVar[str] = "gate verdict"
    SCHEMA_VERSION: ClassVar[int] = 1
    UNVERSIONED_AS: ClassVar[int | None] = 1  # verdicts written before the field existed

    schema_version: int = SCHEMA_VERSION

    passed: bool
    pipeline: str
    run_id: str
    fingerprint: str  # of the report judged: promotion requires it to match
    baseline_run_id: str | None
    checks: tuple[GateCheck, ...]
    flipped: tuple[str, ...]
    strict: bool
    baseline_note: str = ""  # which baseline, or why there is none (e.g. a first release)
    verdict: Literal["pass", "fail"]
    # the report covers only part of the golden set (gated with --allow-partial, else failed)
    partial: bool = False
    finished_at: str = ""  # the judged report's, ISO 8601 UTC: which verdict is the latest

    @property
    def failures(self) -> tuple[GateCheck, ...]:
        return tuple(c for c in self.checks if c.status == "fail")

    @property
    def warnings(self) -> tuple[GateCheck, ...]:
        return tuple(c for c in self.checks if c.status == "warn")


def load_verdict(path: PathArg) -> GateVerdict:
    """The gate.json at `path`; one that is not a verdict is an error naming file and field."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ContractError(f"{path}: cannot read gate verdict: {exc.strerror}") from exc
    return GateVerdict.from_json(text, source=str(path))

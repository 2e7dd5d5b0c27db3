"""The eval report: `reports/<pipeline>/<run_id>/report.json` (schema_version 1).

Fields with a default are the ones older reports may lack (a report written before cases
could be `scored` has no `checked`, `scored` or `screening`); `load_report` still reads those.
Optional parts that today's writer leaves out when empty (a case's `screening`, a score's
`raw`) stay out of the JSON, so a report round-trips to the same document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from llmops_cli.contracts.base import Contract, ContractError
from llmops_cli.fileio import PathArg

CaseStatus = Literal["passed", "failed", "scored", "errored"]
CacheName = Literal["read-write", "read-only", "off"]  # the --cache modes
CHECKED: frozenset[str] = frozenset({"passed", "failed"})  # the statuses a pass rate counts

# injection rule ids by the part of the input they fired in: {"vars": {name: [rule, ...]},
# "chunks": {source: [rule, ...]}}, empty parts left out
Screening = dict[str, dict[str, list[str]]]


@dataclass(frozen=True, kw_only=True)
class Score(Contract):
    """One scorer's result for one case: a value in [0, 1] (or with a unit), a verdict when
    the scorer is a pass/fail check, and why."""

    value: float | None
    passed: bool | None
    reason: str = ""
    raw: str | None = None  # an LLM judge's own words, kept for audit

    OMIT_IF_NONE: ClassVar[frozenset[str]] = frozenset({"raw"})


@dataclass(frozen=True, kw_only=True)
class CaseRow(Contract):
    """One golden case (one repeat of it): what was asked, answered and scored."""

    case_id: str
    repeat: int
    tags: tuple[str, ...] = ()
    input: str | None = None
    expected: Any = None  # the golden case's `expected` as written (a string, list or object)
    retrieved: tuple[str, ...] = ()  # sources of the chunks given to the model
    cached: bool = False
    attempts: int = 1
    screening: Screening | None = None
    error: str | None = None
    output: str | None = None
    scores: dict[str, Score] = field(default_factory=dict)
    latency_ms: float | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    failed_checks: tuple[str, ...] = ()
    status: CaseStatus

    OMIT_IF_NONE: ClassVar[frozenset[str]] = frozenset({"screening"})

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.status == "errored" and not self.failed_checks:
            del data["failed_checks"]  # as the runner writes an errored row
        return data

    @property
    def checked(self) -> bool:
        """Whether a pass/fail check judged the case (errored and `scored` ones: no)."""
        return self.status in CHECKED


@dataclass(frozen=True, kw_only=True)
class Stat(Contract):
    """A mean with its bootstrap 95% CI (None for fewer than two values) over `n` values."""

    n: int
    mean: float | None
    ci95: tuple[float, float] | None


@dataclass(frozen=True, kw_only=True)
class MetricSummary(Stat):
    """One metric over the run: its mean, and its pass rate over the cases it judged."""

    pass_rate: Stat | None


@dataclass(frozen=True, kw_only=True)
class Percentiles(Contract):
    p50: float | None
    p95: float | None
    p99: float | None
    mean: float | None


@dataclass(frozen=True, kw_only=True)
class TokenStats(Contract):
    total: int
    mean: float | None


@dataclass(frozen=True, kw_only=True)
class CostStats(Contract):
    total: float | None
    per_1k_requests: float | None
    priced_cases: int


@dataclass(frozen=True, kw_only=True)
class ScreeningSummary(Contract):
    """How many cases had prompt injection in their inputs / retrieved chunks."""

    inputs_flagged: int
    chunks_flagged: int
    sources: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Summary(Contract):
    """The run's aggregates. A pass rate counts checked cases only."""

    cases: int
    passed: int
    failed: int
    scored: int = 0
    errored: int
    checked: int | None = None  # None in reports older than `scored`: then passed + failed
    error_rate: float
    pass_rate: Stat
    latency_ms: Percentiles
    tokens: TokenStats
    cost_usd: CostStats
    fresh_calls: int
    metrics: dict[str, MetricSummary]
    screening: ScreeningSummary | None = None

    @property
    def checked_cases(self) -> int:
        return self.passed + self.failed if self.checked is None else self.checked


@dataclass(frozen=True, kw_only=True)
class SliceSummary(Contract):
    """The cases carrying one tag."""

    cases: int
    checked: int | None = None
    pass_rate: float | None
    scored: int = 0
    errored: int
    metrics: dict[str, float]  # mean per metric that has a value


@dataclass(frozen=True, kw_only=True)
class GitInfo(Contract):
    sha: str | None
    dirty: bool | None


@dataclass(frozen=True, kw_only=True)
class TargetInfo(Contract):
    """What answered: the model manifest, its litellm id, and the label reports show (an
    extractive baseline is labelled as one everywhere)."""

    model: str
    id: str
    baseline: bool
    label: str


@dataclass(frozen=True, kw_only=True)
class GoldenSetInfo(Contract):
    path: str
    cases: int
    sha256: str


@dataclass(frozen=True, kw_only=True)
class CorpusInfo(Contract):
    path: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class RunOptions(Contract):
    """The `llmops eval` options the run used."""

    repeat: int
    limit: int | None
    tags: tuple[str, ...]
    concurrency: int | None
    cache: CacheName
    scrubbed: bool


@dataclass(frozen=True, kw_only=True)
class CacheStats(Contract):
    hits: int
    misses: int
    resumed_cases: int  # finished by an interrupted run and kept


@dataclass(frozen=True, kw_only=True)
class EvalReport(Contract):
    """report.json: one eval run of one pipeline version over its golden set."""

    KIND: ClassVar[str] = "report"
    SCHEMA_VERSION: ClassVar[int] = 1

    schema_version: int = 1
    run_id: str
    pipeline: str  # name@version
    fingerprint: str
    git: GitInfo
    llmops_version: str
    started_at: str  # ISO 8601, UTC
    finished_at: str
    wall_s: float
    target: TargetInfo
    manifests: dict[str, str]  # role -> name@version
    golden_set: GoldenSetInfo
    corpus: CorpusInfo | None
    options: RunOptions
    cache: CacheStats
    summary: Summary
    warnings: tuple[str, ...] = ()
    slices: dict[str, SliceSummary] = field(default_factory=dict)  # by tag
    cases: tuple[CaseRow, ...]

    def to_json(self, *, indent: int | None = 2) -> str:
        return report_json(self.to_dict()) if indent == 2 else super().to_json(indent=indent)

    @property
    def pipeline_name(self) -> str:
        return self.pipeline.split("@")[0]

    @property
    def covered_cases(self) -> int:
        """How many distinct golden cases the run scored."""
        return len({c.case_id for c in self.cases})

    @property
    def partial(self) -> bool:
        """Run on part of the golden set (`--limit`, `--filter`): no evidence for a release."""
        narrowed = self.options.limit is not None or bool(self.options.tags)
        return narrowed and self.covered_cases < self.golden_set.cases

    @property
    def narrowed_by(self) -> str:
        """The options that narrowed the run, as typed: `--limit 5 --filter sync`."""
        parts = [] if self.options.limit is None else [f"--limit {self.options.limit}"]
        return " ".join([*parts, *(f"--filter {tag}" for tag in self.options.tags)])


def load_report(path: PathArg) -> EvalReport:
    """The report at `path`; a file that is not one is an error naming the file and field."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ContractError(f"{path}: cannot read report: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ContractError(f"{path}: not a JSON report: {exc}") from exc
    return EvalReport.from_json(text, source=str(path))


def report_json(data: Mapping[str, Any]) -> str:
    """report.json's text: the run's fields indented by 2, then its case rows one a line.
    Python's C encoder does not indent (`indent=` falls back to the pure-Python one, ~4x
    slower: 30 ms of a 1,000-case run); a row a line also diffs line by line."""
    rows = data.get("cases")
    if not isinstance(rows, list) or not rows:
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    head = {k: v for k, v in data.items() if k != "cases"}
    text = json.dumps(head, indent=2, ensure_ascii=False, allow_nan=False)
    opening = f"{text[:-2]},\n  " if head else "{\n  "
    body = ",\n    ".join(json.dumps(r, ensure_ascii=False, allow_nan=False) for r in rows)
    return f'{opening}"cases": [\n    {body}\n  ]\n}}'

"""The eval runner: per case, retrieve -> render -> call the model -> score -> record.

Calls run concurrently under a semaphore (model `limits.concurrency`), an rpm/tpm limiter and
a per-call timeout; failed calls retry with jittered exponential backoff that honours
`Retry-After`. A call that still fails marks its case `errored` (never a crash, never a pass).
Each finished case is appended to a journal under `.llmops/runs/` as it finishes, so an
interrupted run resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from llmops_cli.errors import ExitCode, LlmopsError
from llmops_cli.evaluation.cache import CacheMode, ResponseCache, cache_key
from llmops_cli.evaluation.cassette import Label
from llmops_cli.evaluation.judge import (
    REASK,
    JudgeParseError,
    judge_messages,
    judge_request,
    parse_verdict,
)
from llmops_cli.evaluation.ratelimit import Clock, RateLimiter
from llmops_cli.evaluation.retrieval import Chunk, build_retriever
from llmops_cli.evaluation.scorers import REMOTE, Answer, Score, judged, metric_name, score
from llmops_cli.evaluation.targets import (
    Completion,
    Request,
    Target,
    TargetError,
    load_callable,
    make_target,
    quiet_litellm,
    transport,
)
from llmops_cli.extras import require
from llmops_cli.guardrails.screening import screen
from llmops_cli.guardrails.scrub import scrub_row
from llmops_cli.manifests.golden import GoldenCase
from llmops_cli.manifests.model import canonical_json, thaw
from llmops_cli.manifests.resolve import ResolvedPipeline
from llmops_cli.project import Project
from llmops_cli.templates import TemplateProblem, render

DEFAULT_CONCURRENCY = 16
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_RETRIES = 3
MAX_BACKOFF_S = 30.0


class EvalInterrupted(LlmopsError):
    exit_code = ExitCode.INTERRUPTED


@dataclass(frozen=True)
class EvalOptions:
    concurrency: int | None = None
    repeat: int = 1
    limit: int | None = None
    tags: tuple[str, ...] = ()
    cache: CacheMode = CacheMode.read_write
    cassette: Path | None = None  # read-write records it, read-only replays it
    scrub_outputs: bool = True


class Progress(Protocol):
    def start(self, total: int, done: int) -> None: ...
    def advance(self, row: Mapping[str, Any]) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, total: int, done: int) -> None: ...
    def advance(self, row: Mapping[str, Any]) -> None: ...
    def finish(self) -> None: ...


@dataclass
class EvalRun:
    run_id: str
    resolved: ResolvedPipeline
    options: EvalOptions
    rows: list[dict[str, Any]]
    started_at: str
    finished_at: str = ""
    wall_s: float = 0.0
    resumed_rows: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    target: str = ""


@dataclass(frozen=True)
class _Item:
    index: int
    case: GoldenCase
    repeat: int
    request: Request
    retrieved: tuple[Chunk, ...]
    key: str


def backoff_seconds(attempt: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return float(min(retry_after, 120.0))
    return float(min(MAX_BACKOFF_S, 0.5 * 2**attempt) * random.uniform(0.5, 1.5))


def run_eval(
    project: Project,
    resolved: ResolvedPipeline,
    options: EvalOptions,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> EvalRun:
    if options.scrub_outputs:  # before any call: never store answers less scrubbed
        require("guard")
    progress = progress or NoProgress()
    model = resolved.model
    target = make_target(model, project.root)
    cases = select_cases(resolved.golden.cases, options.tags, options.limit)
    if not cases:
        raise LlmopsError(f"no golden cases match --filter {', '.join(options.tags)}")
    retrieved = _retrieve(project, resolved, cases)
    parameters = {**thaw(model.parameters), **thaw(resolved.prompt.parameters)}
    items = []
    for index, case in enumerate(cases):
        request = _request(resolved, case, retrieved[index], parameters)
        for repeat in range(options.repeat):
            key = cache_key(target.identity, request.messages, parameters, repeat)
            items.append(_Item(index, case, repeat, request, retrieved[index], key))

    journal = Journal.open(project, resolved, options, target.identity)
    pending = [i for i in items if (i.case.id, i.repeat) not in journal.done]
    cache = ResponseCache(project.state_dir / "cache.sqlite", options.cache, options.cassette)
    cache.label({i.key: Label(i.case.id, i.repeat) for i in items})
    try:
        if options.cache is CacheMode.read_only and target.cacheable:
            cache.require([i.key for i in pending])
        cached = cache.contains([i.key for i in pending]) if target.cacheable else set()
        if len(cached) < len(pending):
            target.prepare()
        # import litellm now, never inside a call's timeout, if a judge or embedding needs it
        remote = {
            (s["type"], s.get("model"))
            for c in cases
            for s in case_specs(resolved, c)
            if s["type"] in REMOTE
        }
        for kind, ref in remote:
            model_ref = resolved.model_for(ref)
            if (
                model_ref is not None
                and model_ref.provider not in ("local", "python")
                and (kind == "embedding_similarity" or transport(model_ref) == "litellm")
            ):
                quiet_litellm()
                break
        run = EvalRun(
            run_id=journal.run_id,
            resolved=resolved,
            options=options,
            rows=[],
            started_at=journal.started_at,
            resumed_rows=len(journal.done),
            target=target.identity,
        )
        progress.start(len(items), len(items) - len(pending))
        started = time.perf_counter()
        limits = model.limits
        concurrency = options.concurrency or limits.get("concurrency", DEFAULT_CONCURRENCY)

        def record(row: dict[str, Any]) -> None:
            scrub_row(row, pii=options.scrub_outputs)
            journal.append(row)
            progress.advance(row)

        try:
            asyncio.run(
                _run_all(
                    pending, target, cache, limits, concurrency, resolved, options, record, clock
                )
            )
        except KeyboardInterrupt:
            raise EvalInterrupted(
                f"interrupted: {len(journal.done)} of {len(items)} cases are saved; rerun the "
                "same command to finish the rest"
            ) from None
        finally:
            progress.finish()
        order = {(i.case.id, i.repeat): n for n, i in enumerate(items)}
        run.rows = sorted(
            (r for r in journal.rows if (r["case_id"], r["repeat"]) in order),
            key=lambda r: order[(r["case_id"], r["repeat"])],
        )
        run.wall_s = time.perf_counter() - started
        run.finished_at = _now()
        run.cache_hits, run.cache_misses = cache.hits, cache.misses
        cache.save()
        return run
    finally:
        cache.close()
        journal.close()


def finish_journal(project: Project, run: EvalRun) -> None:
    """Forget the journal once the report is safely written."""
    path = Journal.path_for(project, run.resolved, run.options, run.target)
    path.unlink(missing_ok=True)


def select_cases(
    cases: Sequence[GoldenCase], tags: Sequence[str], limit: int | None
) -> list[GoldenCase]:
    chosen = [c for c in cases if not tags or set(tags) & set(c.tags)]
    return chosen[:limit] if limit is not None else chosen


def _retrieve(
    project: Project, resolved: ResolvedPipeline, cases: Sequence[GoldenCase]
) -> list[tuple[Chunk, ...]]:
    retrieval = resolved.retrieval
    if retrieval is None or resolved.corpus_path is None or resolved.corpus_sha256 is None:
        return [() for _ in cases]
    retriever = build_retriever(
        retrieval,
        resolved.corpus_path,
        resolved.corpus_sha256,
        project.state_dir,
        lambda spec: load_callable(spec, project.root),
    )
    queries = [_query(resolved, case) for case in cases]
    return [tuple(found) for found in retriever.retrieve(queries, retrieval.top_k)]


def _query(resolved: ResolvedPipeline, case: GoldenCase) -> str:
    """What to search for: the `query` or `question` variable, else the rendered user turn."""
    for name in ("query", "question"):
        if isinstance(case.vars.get(name), str):
            return str(case.vars[name])
    try:
        return render(resolved.prompt.user, {**thaw(case.vars), "context": "", "chunks": []})
    except TemplateProblem:
        return " ".join(str(v) for v in case.vars.values())


def _request(
    resolved: ResolvedPipeline,
    case: GoldenCase,
    chunks: Sequence[Chunk],
    parameters: Mapping[str, Any],
) -> Request:
    variables = dict(thaw(case.vars))
    if resolved.retrieval is not None:
        variables["context"] = "\n\n".join(f"[{c.source}]\n{c.text}" for c in chunks)
        variables["chunks"] = [{"id": c.id, "source": c.source, "text": c.text} for c in chunks]
    messages = []
    try:
        if resolved.prompt.system:
            messages.append(
                {"role": "system", "content": render(resolved.prompt.system, variables)}
            )
        messages.append({"role": "user", "content": render(resolved.prompt.user, variables)})
    except TemplateProblem as exc:
        raise LlmopsError(f"{resolved.prompt.path}: case {case.id!r}: {exc}") from exc
    return Request(
        messages=messages,
        parameters=parameters,
        variables=variables,
        passages=tuple(c.text for c in chunks),
    )


async def _run_all(
    items: Sequence[_Item],
    target: Target,
    cache: ResponseCache,
    limits: Mapping[str, Any],
    concurrency: int,
    resolved: ResolvedPipeline,
    options: EvalOptions,
    record: Callable[[dict[str, Any]], None],
    clock: Clock | None = None,
) -> None:
    semaphore = asyncio.Semaphore(concurrency)
    limiter = RateLimiter(limits.get("rpm"), limits.get("tpm"), clock)
    timeout_s = float(limits.get("timeout_s", DEFAULT_TIMEOUT_S))
    retries = int(limits.get("max_retries", DEFAULT_RETRIES))

    remote = _RemoteScorers(resolved, cache, limiter, timeout_s, retries)

    async def one(item: _Item) -> None:
        async with semaphore:
            completion, error, attempts, cached = await _call(
                item.request, item.key, target, cache, limiter, timeout_s, retries
            )
            row = _row(item, completion, error, attempts, cached, resolved, options)
            if completion is not None:
                await remote.score(item, completion, row)
        record(row)

    try:
        await asyncio.gather(*(one(item) for item in items))
    finally:
        for open_target in (target, *remote.targets.values()):
            close = getattr(open_target, "aclose", None)
            if close is not None:
                await close()


async def _call(
    request: Request,
    key: str,
    target: Target,
    cache: ResponseCache,
    limiter: RateLimiter,
    timeout_s: float,
    retries: int,
) -> tuple[Completion | None, str | None, int, bool]:
    if target.cacheable:
        hit = cache.get(key)
        if hit is not None:
            return hit, None, 0, True
        if cache.mode is CacheMode.read_only:
            return None, "response not in the cache (--cache read-only)", 0, False
    estimate = sum(len(m["content"]) for m in request.messages) // 4
    error = ""
    for attempt in range(retries + 1):
        await limiter.acquire(estimate)
        try:
            completion = await asyncio.wait_for(target.complete(request, timeout_s), timeout_s + 5)
        except TargetError as exc:
            error = str(exc)
            if not exc.retryable or attempt == retries:
                return None, error, attempt + 1, False
            await limiter.clock.sleep(backoff_seconds(attempt, exc.retry_after))  # fakeable
            continue
        except TimeoutError:
            error = f"timed out after {timeout_s:g} s"
            if attempt == retries:
                return None, error, attempt + 1, False
            await limiter.clock.sleep(backoff_seconds(attempt, None))
            continue
        if target.cacheable:
            cache.put(key, completion)
        return completion, None, attempt + 1, False
    return None, error, retries + 1, False  # pragma: no cover - the loop always returns


def _row(
    item: _Item,
    completion: Completion | None,
    error: str | None,
    attempts: int,
    cached: bool,
    resolved: ResolvedPipeline,
    options: EvalOptions,
) -> dict[str, Any]:
    case = item.case
    row: dict[str, Any] = {
        "case_id": case.id,
        "repeat": item.repeat,
        "tags": list(case.tags),
        "input": str(
            item.request.variables.get("question") or item.request.messages[-1]["content"]
        ),
        "expected": thaw(case.expected),
        "retrieved": [c.source for c in item.retrieved],
        "cached": cached,
        "attempts": attempts,
    }
    screened = screen(case.vars, item.retrieved)
    if screened:
        row["screening"] = screened
    if completion is None:
        row.update(
            status="errored",
            error=error or "unknown error",
            output=None,
            scores={},
            latency_ms=None,
            prompt_tokens=0,
            completion_tokens=0,
            cost_usd=None,
        )
        return row
    answer = Answer(
        output=completion.text,
        expected=thaw(case.expected),
        expected_sources=case.expected_sources,
        retrieved_sources=row["retrieved"],
        latency_ms=completion.latency_ms,
        tokens=completion.prompt_tokens + completion.completion_tokens,
        cost_usd=completion.cost_usd,
    )
    specs = case_specs(resolved, case)
    scores = {
        metric_name(spec): score(spec, answer).to_dict()
        for spec in specs
        if spec["type"] not in REMOTE
    }
    row.update(
        error=None,
        output=completion.text,
        scores=scores,
        latency_ms=round(completion.latency_ms, 3),
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        cost_usd=completion.cost_usd,
    )
    set_status(row)
    return row


def set_status(row: dict[str, Any]) -> None:
    """`failed` when a pass/fail check failed, `passed` when at least one ran and none failed,
    `scored` when no check judged the case (graded metrics only): not a pass."""
    verdicts = [s["passed"] for s in row["scores"].values() if s["passed"] is not None]
    failed = [name for name, s in row["scores"].items() if s["passed"] is False]
    row["failed_checks"] = failed
    row["status"] = "failed" if failed else "passed" if verdicts else "scored"


def case_specs(resolved: ResolvedPipeline, case: GoldenCase) -> list[Mapping[str, Any]]:
    """Every scorer that applies to a case: the pipeline's `scorers`, then its own `assert`,
    and the prompt's output contract (`output: {format: json, schema}`) as a `json_schema`
    check — the schema of any `json_schema` scorer that names none."""
    specs: list[Mapping[str, Any]] = [*resolved.pipeline.get("scorers", ()), *case.asserts]
    contract = resolved.prompt.get("output") or {}
    schema = contract.get("schema")
    if contract.get("format") != "json" or schema is None:
        return specs
    specs = [
        {**s, "schema": schema} if s["type"] == "json_schema" and "schema" not in s else s
        for s in specs
    ]
    if not any(s["type"] == "json_schema" for s in specs):
        specs.append({"type": "json_schema", "schema": schema})
    return specs


class _RemoteScorers:
    """Scorers that call a model: the LLM judge and embedding similarity. Their calls share
    the runner's cache, rate limiter and retry policy."""

    def __init__(
        self,
        resolved: ResolvedPipeline,
        cache: ResponseCache,
        limiter: RateLimiter,
        timeout_s: float,
        retries: int,
    ) -> None:
        self.resolved = resolved
        self.cache = cache
        self.limiter = limiter
        self.timeout_s = timeout_s
        self.retries = retries
        self.targets: dict[str, Target] = {}

    def _target(self, spec: Mapping[str, Any]) -> Target | None:
        model = self.resolved.model_for(spec.get("model"))
        if model is None:
            return None
        if model.ref not in self.targets:
            self.targets[model.ref] = make_target(model, Path("."))
        return self.targets[model.ref]

    async def score(self, item: _Item, completion: Completion, row: dict[str, Any]) -> None:
        specs = [s for s in case_specs(self.resolved, item.case) if s["type"] in REMOTE]
        if not specs:
            return
        for spec in specs:
            target = self._target(spec)
            if target is None:
                result = Score(None, None, "no judge model named")
            elif spec["type"] == "judge":
                result = await self._judge(spec, target, item, completion)
            else:
                result = await self._similarity(spec, item, completion)
            row["scores"][metric_name(spec)] = result.to_dict()
        set_status(row)

    async def _judge(
        self, spec: Mapping[str, Any], target: Target, item: _Item, completion: Completion
    ) -> Score:
        question = str(
            item.request.variables.get("question") or item.request.messages[-1]["content"]
        )
        messages = judge_messages(
            spec,
            question,
            completion.text,
            str(item.request.variables.get("context", "")),
            "" if item.case.expected is None else str(item.case.expected),
        )
        raw_texts = []
        for attempt in range(2):  # the first ask, then one re-ask with the parse error
            request = judge_request(messages, {})
            key = cache_key(target.identity, messages, request.parameters, 0, "judge")
            answer, error, _, _ = await _call(
                request, key, target, self.cache, self.limiter, self.timeout_s, self.retries
            )
            if answer is None:
                return Score(None, None, f"judge call failed: {error}")
            raw_texts.append(answer.text)
            try:
                value, reason = parse_verdict(answer.text)
            except JudgeParseError as exc:
                if attempt == 1:
                    return Score(None, None, str(exc), raw="\n---\n".join(raw_texts))
                messages = [
                    *messages,
                    {"role": "assistant", "content": answer.text},
                    {"role": "user", "content": REASK},
                ]
                continue
            result = judged(spec, (value - 1) / 4)
            return Score(
                result.value,
                result.passed,
                reason if result.passed is not False else f"{reason} ({result.reason})",
                raw="\n---\n".join(raw_texts),
            )
        return Score(None, None, "judge gave no verdict")  # pragma: no cover

    async def _similarity(
        self, spec: Mapping[str, Any], item: _Item, completion: Completion
    ) -> Score:
        model = self.resolved.model_for(spec.get("model"))
        expected = spec.get("value", item.case.expected)
        if model is None or expected is None:
            return Score(None, None, "needs a `model:` and an expected answer")
        from llmops_cli.evaluation.targets import cosine_similarity

        try:
            value = await cosine_similarity(model, completion.text, str(expected), self.timeout_s)
        except Exception as exc:  # any provider failure leaves the metric unmeasured
            return Score(None, None, f"embedding call failed: {type(exc).__name__}: {exc}")
        return judged(spec, value)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Journal:
    """Append-only JSONL of finished cases; the first line names the run it belongs to."""

    def __init__(
        self, path: Path, run_id: str, started_at: str, rows: list[dict[str, Any]]
    ) -> None:
        self.path = path
        self.run_id = run_id
        self.started_at = started_at
        self.rows = rows
        self.done = {(r["case_id"], r["repeat"]) for r in rows}
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    @staticmethod
    def path_for(
        project: Project, resolved: ResolvedPipeline, options: EvalOptions, target: str
    ) -> Path:
        identity = canonical_json(
            {
                "fingerprint": resolved.fingerprint,
                "target": target,
                "repeat": options.repeat,
                "limit": options.limit,
                "tags": sorted(options.tags),
                "scrub": options.scrub_outputs,
            }
        )
        key = hashlib.sha256(identity.encode()).hexdigest()[:20]
        return project.state_dir / "runs" / resolved.pipeline.name / f"{key}.jsonl"

    @classmethod
    def open(
        cls, project: Project, resolved: ResolvedPipeline, options: EvalOptions, target: str
    ) -> Journal:
        path = cls.path_for(project, resolved, options, target)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows: list[dict[str, Any]] = []
        header: dict[str, Any] | None = None
        if path.exists():
            text = path.read_text("utf-8")
            if text and not text.endswith("\n"):
                with path.open("a", encoding="utf-8") as f:
                    f.write("\n")  # seal a line cut short by a kill before appending more
            for line in text.splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a kill: that case simply runs again
                if header is None:
                    header = record
                elif isinstance(record, dict) and "case_id" in record:
                    rows.append(record)
        if header is None or "run_id" not in header:
            started = _now()
            stamp = started.replace("-", "").replace(":", "")
            unique = uuid.uuid4().hex[:4]  # two runs of one pipeline may start in one second
            header = {
                "run_id": f"{stamp}-{resolved.fingerprint[:8]}-{unique}",
                "started_at": started,
            }
            path.write_text(json.dumps(header) + "\n", encoding="utf-8")
            rows = []
        return cls(path, header["run_id"], header["started_at"], rows)

    def append(self, row: dict[str, Any]) -> None:
        # one write() per line: a kill leaves whole lines or one truncated last line
        os.write(self._fd, (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        self.rows.append(row)
        self.done.add((row["case_id"], row["repeat"]))

    def close(self) -> None:
        os.close(self._fd)

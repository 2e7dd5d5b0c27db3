"""The eval runner: per case, retrieve -> render -> call the model -> score -> record.

Calls run concurrently under a semaphore (model `limits.concurrency`), an rpm/tpm limiter and
a per-call timeout; failed calls retry with jittered exponential backoff that honours
`Retry-After`. A call that still fails marks its case `errored` (never a crash, never a pass).
Each finished case goes to the resume journal (journal.py) as it finishes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Protocol

from llmops_cli.contracts.base import ContractError
from llmops_cli.contracts.report import CaseRow
from llmops_cli.errors import ExitCode, LlmopsError
from llmops_cli.evaluation.cache import CacheMode, ResponseCache
from llmops_cli.evaluation.calls import DEFAULT_RETRIES, DEFAULT_TIMEOUT_S, call
from llmops_cli.evaluation.cassette import Label
from llmops_cli.evaluation.journal import Journal, utc_now
from llmops_cli.evaluation.memo import GuardrailMemo, memo_injection_rules, memo_scrub
from llmops_cli.evaluation.plan import EvalOptions, Item, plan_items, select_cases
from llmops_cli.evaluation.ratelimit import Clock, RateLimiter
from llmops_cli.evaluation.remote_scorers import RemoteScorers, prepare_remote_scorers
from llmops_cli.evaluation.replay import ReplayRows
from llmops_cli.evaluation.rows import build_row
from llmops_cli.evaluation.salt import project_salt
from llmops_cli.evaluation.targets import Completion, Target, make_target
from llmops_cli.extras import require
from llmops_cli.guardrails.scrub import scrub_row
from llmops_cli.manifests.resolve import ResolvedPipeline
from llmops_cli.project import Project

# what callers (the CLI, tests) import from here besides what is defined here
__all__ = [
    "Clock",
    "EvalInterrupted",
    "EvalOptions",
    "EvalRun",
    "NoProgress",
    "Progress",
    "finish_journal",
    "run_eval",
]

DEFAULT_CONCURRENCY = 16


class EvalInterrupted(LlmopsError):
    exit_code = ExitCode.INTERRUPTED


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
    # rows of this run made typed as they came in, while the event loop waited on the calls:
    # (case id, repeat) -> CaseRow; the report makes the others (resumed, replayed)
    typed: dict[tuple[str, int], CaseRow] = field(default_factory=dict)


def run_eval(
    project: Project,
    resolved: ResolvedPipeline,
    options: EvalOptions,
    progress: Progress | None = None,
    clock: Clock | None = None,
    on_answer: Callable[[], None] | None = None,
) -> EvalRun:
    """Run the pipeline's cases (those the journal lacks); `on_answer` is told once, when the
    first answer of this run is recorded (the report's prefetch starts then)."""
    if options.scrub_outputs:  # before any call: never store answers less scrubbed
        require("guard")
    progress = progress or NoProgress()
    model = resolved.model
    target = make_target(model, project.root)
    cases = select_cases(resolved.golden.cases, options.tags, options.limit)
    if not cases:
        raise LlmopsError(_no_cases(resolved.golden.path, options))
    items = plan_items(project, resolved, cases, target.identity, options.repeat)

    journal = Journal.open(project, resolved, options, target.identity)
    pending = [i for i in items if (i.case.id, i.repeat) not in journal.done]
    cache = ResponseCache(
        project.state_dir / "cache.sqlite", options.cache, options.cassette, project.pii_regions
    )
    memo = GuardrailMemo(
        project.state_dir / "cache" / "guardrails.sqlite", project_salt(project.state_dir)
    )
    scrub_text = memo_scrub(memo, project.pii_regions)
    cache.label({i.key: Label(i.case.id, i.repeat) for i in items})
    replay = None
    if target.cacheable and options.cache is not CacheMode.off:
        replay = ReplayRows(memo, resolved, options, project.pii_regions)
    try:
        if options.cache is CacheMode.read_only and target.cacheable:
            cache.require([i.key for i in pending])
        answers = cache.preload([i.key for i in pending]) if target.cacheable else {}
        kept: list[tuple[Item, dict[str, Any]]] = []
        if replay is not None:  # rows kept from an earlier run of the same answers
            pending, kept = _replayed(pending, answers, replay)
        if any(i.key not in answers for i in pending):
            target.prepare()
        prepare_remote_scorers(resolved, cases)
        run = EvalRun(
            run_id=journal.run_id,
            resolved=resolved,
            options=options,
            rows=[],
            started_at=journal.started_at,
            resumed_rows=len(journal.done),
            target=target.identity,
        )
        progress.start(len(items), len(items) - len(pending) - len(kept))
        started = time.perf_counter()
        limits = model.limits
        concurrency = options.concurrency or limits.get("concurrency", DEFAULT_CONCURRENCY)
        for item, row in kept:
            cache.get(item.key)  # a replayed answer counts as the cache hit it is
            journal.append(row)
            progress.advance(row)
        record = _recorder(
            options, scrub_text, journal, progress, cache, replay, run.typed, on_answer
        )
        try:
            _run(
                _run_all(
                    pending,
                    target,
                    cache,
                    limits,
                    concurrency,
                    resolved,
                    options,
                    record,
                    memo_injection_rules(memo, _screened_texts(pending)),
                    clock,
                ),
                pending,
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
        run.finished_at = utc_now()
        run.cache_hits, run.cache_misses = cache.hits, cache.misses
        cache.save()
        memo.save()
        return run
    finally:
        memo.close()
        cache.close()
        journal.close()


def _screened_texts(items: Sequence[Item]) -> Iterator[str]:
    """What input screening reads: each case's text variables and its chunks."""
    for item in items:
        yield from (v for v in item.case.vars.values() if isinstance(v, str))
        yield from (chunk.text for chunk in item.retrieved)


def _recorder(
    options: EvalOptions,
    scrub_text: Callable[..., str],
    journal: Journal,
    progress: Progress,
    cache: ResponseCache,
    replay: ReplayRows | None,
    typed: dict[tuple[str, int], CaseRow],
    on_answer: Callable[[], None] | None = None,
) -> Callable[[dict[str, Any], Item, Completion | None], None]:
    """What becomes of a finished row: scrubbed, journaled, shown, kept for its replay, and
    made typed for the report; the first one is told to `on_answer`."""
    untold = [on_answer] if on_answer is not None else []

    def record(row: dict[str, Any], item: Item, completion: Completion | None) -> None:
        while untold:
            untold.pop()()
        scrub_row(row, pii=options.scrub_outputs, scrub_text=scrub_text)
        journal.append(row)
        progress.advance(row)
        with suppress(ContractError):  # the report meets it again, and says where
            typed[(row["case_id"], row["repeat"])] = CaseRow.from_dict(row)
        fresh = not row["cached"]
        if replay is None or completion is None or (fresh and not cache.stores):
            return
        if (key := replay.key(item, completion)) is not None:
            replay.keep(key, row, fresh)

    return record


def _replayed(
    pending: list[Item], answers: Mapping[str, Completion], replay: ReplayRows
) -> tuple[list[Item], list[tuple[Item, dict[str, Any]]]]:
    """The items still to run, and the rows the memo kept for the others' cached answers."""
    keys = [replay.key(i, answers[i.key]) if i.key in answers else None for i in pending]
    found = replay.recall([k for k in keys if k is not None])
    left, kept = [], []
    for item, key in zip(pending, keys, strict=True):
        row = found.get(key) if key is not None else None
        if row is None:
            left.append(item)
        else:
            kept.append((item, row))
    return left, kept


def finish_journal(project: Project, run: EvalRun) -> None:
    """Forget the journal once the report is safely written."""
    path = Journal.path_for(project, run.resolved, run.options, run.target)
    path.unlink(missing_ok=True)


def _run(work: Coroutine[Any, Any, None], items: Sequence[Item]) -> None:
    """Run the calls of `items`; none left (every row replayed): no event loop, no asyncio."""
    if not items:
        work.close()
        return
    import asyncio

    asyncio.run(work)


async def _run_all(
    items: Sequence[Item],
    target: Target,
    cache: ResponseCache,
    limits: Mapping[str, Any],
    concurrency: int,
    resolved: ResolvedPipeline,
    options: EvalOptions,
    record: Callable[[dict[str, Any], Item, Completion | None], None],
    rules_of: Callable[[str], tuple[str, ...]],
    clock: Clock | None = None,
) -> None:
    import asyncio

    semaphore = asyncio.Semaphore(concurrency)
    limiter = RateLimiter(limits.get("rpm"), limits.get("tpm"), clock)
    timeout_s = float(limits.get("timeout_s", DEFAULT_TIMEOUT_S))
    retries = int(limits.get("max_retries", DEFAULT_RETRIES))

    remote = RemoteScorers(resolved, cache, limiter, timeout_s, retries)

    async def one(item: Item) -> None:
        row = None
        async with semaphore:
            completion, error, attempts, cached = await call(
                item.request, item.key, target, cache, limiter, timeout_s, retries
            )
            answer = (item, completion, error, attempts, cached, resolved, options, rules_of)
            if completion is not None and remote.applies(item):  # its calls keep the slot
                row = build_row(*answer)
                await remote.score(item, completion, row)
        if row is not None:
            record(row, item, completion)
            return
        try:
            # the slot is free: the call waiting for it goes out before this row is built,
            # so the model is kept busy while the rows are scored
            await asyncio.sleep(0)
        finally:  # an interrupt here still journals the answer that came back
            record(build_row(*answer), item, completion)

    try:
        await asyncio.gather(*(one(item) for item in items))
    finally:
        for open_target in (target, *remote.targets.values()):
            close = getattr(open_target, "aclose", None)
            if close is not None:
                await close()


def _no_cases(golden: str, options: EvalOptions) -> str:
    """Why nothing is left to run; the tags (--filter) are named only when some were given."""
    if options.tags:
        return f"no golden cases match --filter {', '.join(options.tags)} in {golden}"
    return f"{golden} has no golden cases to run"

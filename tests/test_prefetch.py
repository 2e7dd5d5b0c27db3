"""The report's head start (evaluation/prefetch.py): what the background thread makes while the
calls are in flight stands in for the foreground's work only when it is what the foreground
would have made."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from llmops_cli import api
from llmops_cli.evaluation.prefetch import ReportPrefetch
from llmops_cli.evaluation.report import previous_report, read_newest
from llmops_cli.project import Project
from llmops_cli.render import html
from llmops_cli.stats import bootstrap


def _two_runs(project: Path) -> tuple[Project, Path]:
    api.evaluate(project, "support-bot", track=False, limit=3)
    second = api.evaluate(project, "support-bot", track=False, limit=2)
    proj = Project.load(project)
    return proj, proj.reports_dir / "support-bot" / second.run_id / "report.json"


def test_the_prefetched_previous_report_stands_in_only_while_its_file_is_unchanged(
    project: Path,
) -> None:
    proj, newest = _two_runs(project)
    ahead = read_newest(newest.parents[1])
    assert ahead is not None and ahead.path == newest
    later = api.evaluate(project, "support-bot", track=False, limit=1)
    own = proj.reports_dir / "support-bot" / later.run_id / "report.json"
    own.unlink()  # as while the new report is being written: its file is not there yet
    assert previous_report(proj, later, ahead) is ahead.report  # unchanged: no second read
    page = html.render(later, ahead.report, baseline_label="the previous run")
    assert page == html.render(
        later, ahead.report, baseline_label="the previous run", baseline_data=ahead.data
    )  # the diff read ahead is the diff

    # rewritten since it was read ahead (another eval of the same run id): read again
    text = newest.read_text()
    newest.write_text(text.replace('"wall_s": ', '"wall_s": 1', 1))
    os.utime(newest, ns=(ahead.mtime_ns + 10**9, ahead.mtime_ns + 10**9))
    found = previous_report(proj, later, ahead)
    assert found is not None and found is not ahead.report and found.wall_s != ahead.report.wall_s


def test_an_unreadable_newest_report_is_passed_over_ahead_as_in_the_foreground(
    project: Path,
) -> None:
    proj, newest = _two_runs(project)
    newest.write_text("{not json")
    ahead = read_newest(newest.parents[1])
    assert ahead is not None and ahead.path != newest  # the run before it
    later = api.evaluate(project, "support-bot", track=False, limit=1)
    (proj.reports_dir / "support-bot" / later.run_id / "report.json").unlink()
    found = previous_report(proj, later, ahead)
    assert found is ahead.report
    assert found.run_id == previous_report(proj, later).run_id  # type: ignore[union-attr]


def test_the_thread_draws_the_resample_indices_the_intervals_then_reuse(project: Path) -> None:
    proj = Project.load(project)
    bootstrap._one_draw.cache_clear()
    ahead = ReportPrefetch(proj, "support-bot", 7)
    ahead.start()
    ahead.wait()
    assert bootstrap._one_draw.cache_info().misses == 1
    report = api.evaluate(project, "support-bot", track=False, limit=7)
    assert report.summary.metrics["token_f1"].ci95 is not None
    assert bootstrap._one_draw.cache_info().misses == 1  # the run's intervals drew nothing


def test_a_free_slot_sends_the_next_call_before_the_last_answer_is_scored(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one slot, the next call goes out before the answered row is built (the model is
    not kept waiting on the scoring; the local model answers at once, so every call goes
    first), and the first answer is told once, to start the report's prefetch."""
    from llmops_cli.evaluation import runner
    from llmops_cli.evaluation.cache import CacheMode
    from llmops_cli.evaluation.calls import call as real_call
    from llmops_cli.evaluation.rows import build_row as real_build
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline

    events: list[str] = []

    async def call(request: Any, key: str, *rest: Any) -> Any:
        events.append("call")
        return await real_call(request, key, *rest)

    def build_row(item: Any, *rest: Any) -> Any:
        events.append("row")
        return real_build(item, *rest)

    monkeypatch.setattr(runner, "call", call)
    monkeypatch.setattr(runner, "build_row", build_row)
    proj = Project.load(project)
    catalog = Catalog.load(proj)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, "support-bot"))
    options = runner.EvalOptions(concurrency=1, limit=4, cache=CacheMode.off)
    runner.run_eval(proj, resolved, options, on_answer=lambda: events.append("answered"))
    assert events == ["call"] * 4 + ["row", "answered"] + ["row"] * 3


def test_an_interrupt_while_answers_wait_for_their_rows_journals_every_answer(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C as answers come back: each answered call is journaled, none paid for twice
    (the yield that lets the next call go first must not drop the answer before it)."""
    import asyncio
    import signal

    from llmops_cli.evaluation import runner
    from llmops_cli.evaluation.cache import CacheMode
    from llmops_cli.evaluation.calls import call as real_call
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline

    answered: list[str] = []

    async def call(request: Any, key: str, *rest: Any) -> Any:
        out = await real_call(request, key, *rest)
        await asyncio.sleep(0.01)  # as a network answer would
        answered.append(key)
        if len(answered) == 6:
            signal.raise_signal(signal.SIGINT)  # between this answer and its row
        return out

    monkeypatch.setattr(runner, "call", call)
    proj = Project.load(project)
    catalog = Catalog.load(proj)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, "support-bot"))
    options = runner.EvalOptions(concurrency=4, limit=12, cache=CacheMode.off)
    with pytest.raises(runner.EvalInterrupted, match="6 of 12 cases are saved"):
        runner.run_eval(proj, resolved, options)


def test_a_report_written_after_the_read_ahead_is_the_one_the_page_compares_with(
    project: Path,
) -> None:
    """The read-ahead report stands in only while it is still the newest: an eval that lands
    between the read-ahead and the write is the page's baseline, data and label alike."""
    from llmops_cli.evaluation.report import write_report

    proj, _ = _two_runs(project)
    ahead = read_newest(proj.reports_dir / "support-bot")
    assert ahead is not None
    between = api.evaluate(project, "support-bot", track=False, limit=1)
    later = api.evaluate(project, "support-bot", track=False, limit=2)
    folder = write_report(proj, later, ahead)
    page = (folder / "report.html").read_text()
    assert f"the previous run {between.run_id}" in page
    from llmops_cli.contracts.report import load_report

    baseline = load_report(proj.reports_dir / "support-bot" / between.run_id / "report.json")
    label = f"the previous run {between.run_id}"
    assert page == html.render(later, baseline, baseline_label=label)  # its data, not ahead's


def test_rows_made_typed_as_they_came_in_are_the_report_rows(project: Path) -> None:
    """The report takes each answered row's CaseRow made while the calls were in flight, and
    makes the rest (a journal's resumed rows) itself, equal to what it would have made."""
    from llmops_cli.contracts.report import CaseRow
    from llmops_cli.evaluation import runner
    from llmops_cli.evaluation.cache import CacheMode
    from llmops_cli.evaluation.report import build_report
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline

    proj = Project.load(project)
    catalog = Catalog.load(proj)
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, "support-bot"))
    run = runner.run_eval(proj, resolved, runner.EvalOptions(limit=5, cache=CacheMode.off))
    assert len(run.typed) == len(run.rows) == 5
    report = build_report(proj, run)
    for row, case in zip(run.rows, report.cases, strict=True):
        assert case is run.typed[(row["case_id"], row["repeat"])]
        assert case == CaseRow.from_dict(row)
    run.typed.clear()  # as for rows resumed from a journal
    assert build_report(proj, run).cases == report.cases

"""drift-check: known shifts flagged on the right signal only, false-alarm rate, windows,
alert streaks, baselines, outputs (Prometheus, webhook), and malformed logs."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from driftdata import SHIFTS, records, write_jsonl

from llmops_cli import stats as shared
from llmops_cli.contracts.drift import ALERT, INSUFFICIENT, OK, WARN, DriftReport, SignalFinding
from llmops_cli.drift import logs, stats, summarize
from llmops_cli.drift.config import drift_config
from llmops_cli.drift.run import check
from llmops_cli.drift.state import AlertState, apply
from llmops_cli.drift.summary import CountSummary
from llmops_cli.drift.windows import Window, make_window, parse_range
from llmops_cli.errors import LlmopsError

NOW = datetime(2026, 11, 3, tzinfo=UTC)
ONCE = drift_config(None).with_overrides(consecutive=1)


def run(ref: Path, cur: Path, config: Any = ONCE, **kw: Any) -> Any:
    return check(config, Window("current", cur), reference=Window("reference", ref), now=NOW, **kw)


def flagged(report: Any) -> set[str]:
    return {s.name for s in report.signals if s.level not in (OK, INSUFFICIENT)}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("ref") / "ref.jsonl", records(3000, 1))


# -- detection -------------------------------------------------------------------------------


@pytest.mark.parametrize("shift", sorted(SHIFTS))
def test_each_known_shift_is_flagged_on_its_signal_only(
    shift: str, reference: Path, tmp_path: Path
) -> None:
    current = write_jsonl(tmp_path / "cur.jsonl", records(600, 2, shift, start_day=2))
    report = run(reference, current)
    assert flagged(report) == {SHIFTS[shift]}
    assert report.status == ALERT
    signal = next(s for s in report.signals if s.name == SHIFTS[shift])
    assert signal.level == ALERT and signal.action


@pytest.mark.parametrize("slower", [1.13, 1.16])
def test_a_uniform_latency_rise_that_psi_misses_is_never_ok(
    slower: float, reference: Path, tmp_path: Path
) -> None:
    """Every latency 13-16% higher in a wide latency distribution (lognormal sigma 0.6): PSI
    stays under its warn level; the p50/p95 ratio check flags it, and only latency."""

    def wide(n: int, seed: int, day: int, scale: float) -> list[dict[str, Any]]:
        latency = np.random.default_rng(seed).lognormal(6.5, 0.6, n) * scale
        rows = records(n, seed, start_day=day)
        return [{**r, "latency_ms": float(v)} for r, v in zip(rows, latency, strict=True)]

    ref = write_jsonl(tmp_path / "ref.jsonl", wide(20_000, 1, 1, 1.0))
    current = write_jsonl(tmp_path / "cur.jsonl", wide(5000, 2, 2, slower))
    report = run(ref, current)
    latency = next(s for s in report.signals if s.name == "latency_ms")
    assert latency.details["psi"] < 0.1  # PSI alone would call this "ok"
    assert latency.level in (WARN, ALERT) and latency.statistic in ("p50_ratio", "p95_ratio")
    assert latency.details["quantile_ratios"]["p50"] > 1.1
    assert flagged(report) == {"latency_ms"} and report.status != OK


def test_both_directions_are_reported_but_only_harm_alerts(reference: Path, tmp_path: Path) -> None:
    faster = write_jsonl(tmp_path / "fast.jsonl", records(600, 2, start_day=2, slower=0.55))
    latency = next(s for s in run(reference, faster).signals if s.name == "latency_ms")
    assert latency.level == WARN and "harmless" in latency.reason  # reported, not alerted
    hits = [{**r, "cache_hit": r["cache_hit"] or i % 4 == 0} for i, r in enumerate(records(600, 2))]
    more_hits = write_jsonl(tmp_path / "hits.jsonl", hits)
    cache = next(s for s in run(reference, more_hits).signals if s.name == "cache_hit")
    assert cache.value > 0.1 and cache.level == WARN and "harmless" in cache.reason


@pytest.mark.parametrize("seed", range(5))
def test_a_stable_pair_stays_ok(seed: int, tmp_path: Path) -> None:
    ref = write_jsonl(tmp_path / "r.jsonl", records(2000, 200 + seed))
    cur = write_jsonl(tmp_path / "c.jsonl", records(500, 300 + seed, start_day=2))
    report = run(ref, cur)
    assert report.status == OK, [s.reason for s in report.signals if s.level != OK]


@pytest.mark.slow
@pytest.mark.no_cover  # 100 checks of stable pairs: tracing made it 50 s, not 20; the lines
# it runs are the ones test_a_stable_pair_stays_ok covers
def test_false_alarm_rate_on_stable_pairs_is_at_most_five_percent(tmp_path: Path) -> None:
    alarms = 0
    for i in range(100):
        ref = write_jsonl(tmp_path / "r.jsonl", records(2000, 1000 + i))
        cur = write_jsonl(tmp_path / "c.jsonl", records(500, 5000 + i, start_day=2))
        alarms += bool(flagged(run(ref, cur)))
    assert alarms <= 5


def test_tiny_windows_are_insufficient_data_not_drift(reference: Path, tmp_path: Path) -> None:
    current = write_jsonl(tmp_path / "cur.jsonl", records(50, 2, "latency"))
    report = run(reference, current)
    levels = {s.name: s.level for s in report.signals}
    assert levels["latency_ms"] == INSUFFICIENT
    assert not flagged(report) - {"retrieved_doc_dates"}
    assert report.status in (OK, INSUFFICIENT)


def test_empty_current_window_is_insufficient(reference: Path, tmp_path: Path) -> None:
    current = tmp_path / "empty.jsonl"
    current.write_text("")
    assert run(reference, current).status == INSUFFICIENT


def _with_columns(rows: list[dict[str, Any]], seed: int, billing: float) -> list[dict[str, Any]]:
    """Fields no default signal reads: a topic label (billing share `billing`), a pipeline
    name, a unique request id and a numeric time-to-first-token."""
    rng = np.random.default_rng(seed)
    topics = np.where(rng.random(len(rows)) < billing, "billing", rng.choice(["notes", "sync"]))
    return [
        {
            **r,
            "topic": str(t),
            "pipeline": "support-bot",
            "request_id": f"req-{seed}-{i}",
            "ttft_ms": float(rng.gamma(2, 50)),
        }
        for i, (r, t) in enumerate(zip(rows, topics, strict=True))
    ]


def test_unwatched_columns_are_listed_and_low_cardinality_strings_compared(
    tmp_path: Path,
) -> None:
    from llmops_cli.drift.run import build_baseline

    ref = write_jsonl(tmp_path / "r.jsonl", _with_columns(records(2000, 1), 1, 0.1))
    cur = write_jsonl(tmp_path / "c.jsonl", _with_columns(records(500, 2, start_day=2), 2, 0.5))
    report = run(ref, cur)
    topic = next(s for s in report.signals if s.name == "topic")
    assert (
        topic.kind == "categorical" and topic.level == ALERT and "found in the log" in topic.reason
    )
    assert flagged(report) == {"topic"}  # `pipeline` is one value in both windows: ok
    assert set(report.unchecked) == {"request_id", "ttft_ms"}  # ids and numbers: listed only
    out = tmp_path / "baseline.json"
    build_baseline(ONCE, Window("reference", ref), out, NOW)
    via = check(ONCE, Window("current", cur), baseline=out, now=NOW)
    assert flagged(via) == {"topic"} and set(via.unchecked) == {"request_id", "ttft_ms"}

    named = drift_config({"consecutive": 1, "signals": {"latency_ms": {"type": "numeric"}}})
    only = run(ref, cur, named)
    assert [s.name for s in only.signals] == ["latency_ms"]  # a manifest's list is exact
    assert {"topic", "pipeline", "model", "request_id"} <= set(only.unchecked)
    from llmops_cli.render.drift import html, markdown

    assert "Not checked (no signal reads them): " in markdown(only)
    assert "Not checked (no signal reads them): " in html(only)


# -- statistics checked against scipy --------------------------------------------------------


def test_statistics_agree_with_scipy() -> None:
    from scipy import stats as sp
    from scipy.spatial.distance import jensenshannon

    rng = np.random.default_rng(7)
    a, b = rng.normal(0, 1, 3000), rng.normal(0.1, 1.1, 800)
    d, p = stats.ks_against(stats.Ecdf.of(np.sort(a)), len(a), np.sort(b))
    ref = sp.ks_2samp(a, b, method="asymp")
    assert d == pytest.approx(ref.statistic, abs=2e-3)
    assert p == pytest.approx(ref.pvalue, rel=0.2, abs=1e-6)
    ints_a, ints_b = rng.poisson(5, 2000).astype(float), rng.poisson(5.4, 600).astype(float)
    d, _ = stats.ks_against(stats.Ecdf.of(np.sort(ints_a)), 2000, np.sort(ints_b))
    assert d == pytest.approx(sp.ks_2samp(ints_a, ints_b).statistic, abs=1e-12)

    welch = sp.ttest_ind(b, a, equal_var=False, alternative="less").pvalue
    mine = stats.welch_drop(a.mean(), a.var(ddof=1), len(a), b.mean(), b.var(ddof=1), len(b))
    assert mine == pytest.approx(welch, rel=1e-6)

    r, c = np.array([50.0, 30, 20, 0]), np.array([40.0, 30, 25, 5])
    assert stats.jensen_shannon(r, c) == pytest.approx(jensenshannon(r, c, base=2))
    chi = sp.chi2_contingency(np.vstack([r[:3], c[:3]]), correction=False).pvalue
    assert stats.homogeneity_p(r[:3], c[:3]) == pytest.approx(chi, rel=1e-9)

    ps = [0.001, 0.04, 0.03, 0.5, 0.02]
    assert shared.benjamini_hochberg(ps) == pytest.approx(list(sp.false_discovery_control(ps)))

    x, y = rng.normal(0.2, 1, 400).round(1), rng.normal(0, 1, 300).round(1)  # with ties
    auc, p = shared.mann_whitney_greater(x, y)
    mw = sp.mannwhitneyu(x, y, alternative="greater", method="asymptotic")
    assert auc == pytest.approx(mw.statistic / (400 * 300))
    assert p == pytest.approx(mw.pvalue, rel=1e-6)

    # two-proportion z: 20/1000 vs 45/1000, by hand
    pooled = 65 / 2000
    z = (0.045 - 0.02) / np.sqrt(pooled * (1 - pooled) * (2 / 1000))
    assert shared.two_proportion_p(20, 1000, 45, 1000, "greater") == pytest.approx(sp.norm.sf(z))
    assert shared.two_proportion_p(20, 1000, 45, 1000) == pytest.approx(2 * sp.norm.sf(z))


def test_psi_of_identical_shares_is_zero_and_grows_with_shift() -> None:
    rng = np.random.default_rng(3)
    ref = np.sort(rng.normal(0, 1, 10_000))
    edges, shares = stats.psi_bins(ref)
    assert len(edges) == 9 and shares == pytest.approx(np.full(10, 0.1), abs=1e-3)
    assert stats.psi(shares, shares) == 0
    near = stats.psi(shares, stats.bin_shares(np.sort(rng.normal(0.05, 1, 5000)), edges))
    far = stats.psi(shares, stats.bin_shares(np.sort(rng.normal(1, 1, 5000)), edges))
    assert near < 0.1 < 0.25 < far


def test_psi_matches_a_hand_computation_and_is_not_kl() -> None:
    """PSI = sum (c - r) ln(c / r). Shares (1/2, 1/2) -> (1/4, 3/4): (1/4) ln 2 + (1/4) ln 1.5
    = (1/4) ln 3; KL either way round is another number. An empty bin counts as ε = 1e-4."""
    r, c = np.array([0.5, 0.5]), np.array([0.25, 0.75])
    assert stats.psi(r, c) == pytest.approx(np.log(3) / 4, rel=1e-12)  # 0.27465
    assert stats.psi(c, r) == pytest.approx(np.log(3) / 4, rel=1e-12)  # symmetric, unlike KL
    kl_cr, kl_rc = 0.25 * np.log(0.5) + 0.75 * np.log(1.5), 0.5 * np.log(4 / 3)  # 0.131, 0.144
    assert min(abs(stats.psi(r, c) - kl) for kl in (kl_cr, kl_rc)) > 0.1
    empty = stats.psi(np.array([0.5, 0.5, 0.0]), np.array([0.5, 0.4, 0.1]))
    assert empty == pytest.approx(0.1 * np.log(1.25) + (0.1 - 1e-4) * np.log(0.1 / 1e-4))


def test_benjamini_hochberg_takes_the_monotone_step() -> None:
    """Sorted p 0.01, 0.02, 0.025, 0.04, 0.9 scale by m/rank to 0.05, 0.05, 0.0417, 0.05, 0.9;
    the step-up minimum from the top brings the two smallest down to 0.0417 (= 0.025 * 5/3).
    Each adjusted value lands at its p-value's place in the input."""
    third = 0.025 * 5 / 3
    ps = [0.04, 0.01, 0.025, 0.02, 0.9]
    assert shared.benjamini_hochberg(ps) == pytest.approx([0.05, third, third, third, 0.9])
    assert shared.benjamini_hochberg([]) == []


def test_streamed_moments_and_reservoir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summarize, "SAMPLE_CAP", 5000)
    acc = summarize._Numeric(seed=0)
    data = np.random.default_rng(1).exponential(3.0, 40_000)
    for part in np.array_split(data, 37):
        acc.add(part)
    result = acc.finish(keep_sample=True)
    assert result is not None and result.sample is not None
    assert result.n == 40_000
    assert result.mean == pytest.approx(data.mean(), rel=1e-12)
    assert result.var == pytest.approx(data.var(ddof=1), rel=1e-9)
    assert len(result.sample) == 5000
    assert np.median(result.sample) == pytest.approx(np.median(data), rel=0.05)  # uniform


def test_small_blocks_and_formats_give_the_same_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = records(1500, 4)
    ref = write_jsonl(tmp_path / "ref.jsonl", rows)
    cur_rows = records(400, 5, "latency", start_day=2)
    cur = write_jsonl(tmp_path / "cur.jsonl", cur_rows)
    whole = run(ref, cur)
    monkeypatch.setattr(logs, "BLOCK_BYTES", 4096)  # ~15 records a block
    blocks = run(ref, cur)
    frame = pd.DataFrame(rows).drop(columns=["retrieved_doc_dates"])
    frame.to_parquet(tmp_path / "ref.parquet")
    frame.to_csv(tmp_path / "ref.csv", index=False)
    as_parquet = run(tmp_path / "ref.parquet", cur)
    as_csv = run(tmp_path / "ref.csv", cur)
    for other in (blocks, as_parquet, as_csv):
        for a, b in zip(whole.signals, other.signals, strict=True):
            if a.name == "retrieved_doc_dates":
                continue
            assert (a.name, a.level) == (b.name, b.level)
            assert a.value == pytest.approx(b.value, rel=1e-9), a.name


# -- windows ---------------------------------------------------------------------------------


def test_time_ranges_over_one_log(tmp_path: Path) -> None:
    log = write_jsonl(
        tmp_path / "all.jsonl", records(2000, 1) + records(500, 2, "errors", start_day=2)
    )
    now = datetime(2026, 11, 3, tzinfo=UTC)
    current = make_window("current", "last:24h", log, now)
    reference = make_window("reference", None, log, now, before=current)
    assert reference.end == current.start and reference.start is None
    report = check(ONCE, current, reference=reference, now=now)
    assert report.current.rows == 500 and report.reference.rows == 2000
    assert flagged(report) == {"error"}
    explicit = make_window("reference", "2026-11-01..2026-11-02", log, now)
    assert check(ONCE, current, reference=explicit, now=now).reference.rows == 2000
    prior = make_window("reference", "prior:12h", log, now, before=current)
    assert (prior.start, prior.end) == (datetime(2026, 11, 1, 12, tzinfo=UTC), current.start)
    with pytest.raises(LlmopsError, match="needs a current window"):
        make_window("reference", "prior:1d", log, now, before=Window("current", log))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yesterday", "neither a log file nor a range"),
        ("2026-11-05..2026-11-01", "ends before it starts"),
        ("2026-13-01..", "not an ISO 8601"),
        ("last:0h", "empty window"),
    ],
)
def test_bad_ranges_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(LlmopsError, match=message):
        parse_range(text, "--current", NOW)


def test_missing_window_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LlmopsError, match="no such file"):
        make_window("current", str(tmp_path / "nope.jsonl"), None, NOW)
    with pytest.raises(LlmopsError, match="--log"):
        make_window("current", "last:24h", None, NOW)


# -- alert state machine ---------------------------------------------------------------------


def _result(level: str) -> SignalFinding:
    return SignalFinding("latency_ms", "numeric", "latency_ms", level, "psi", 0.3, 500, 500)


def test_alert_needs_consecutive_windows_and_clears_after_a_clean_one() -> None:
    state = AlertState()
    sequence = [
        ("w1", ALERT, "pending", 1),
        ("w2", ALERT, "alert", 2),
        ("w2", ALERT, "alert", 2),
        ("w3", "warn", "alert", 2),
        ("w4", OK, OK, 0),
        ("w5", ALERT, "pending", 1),
        ("w6", INSUFFICIENT, INSUFFICIENT, 1),
        ("w7", ALERT, "alert", 2),
    ]
    cleared_at = []
    for window, level, expected, streak in sequence:
        [result], status, cleared = apply([_result(level)], state, window, needed=2)
        assert (result.status, result.streak) == (expected, streak), window
        assert status == expected
        cleared_at += [window] if cleared else []
    assert cleared_at == ["w4"]


def test_state_file_round_trips_and_damage_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    state = AlertState({"x": {"streak": 1, "alerting": False}}, "w1")
    state.save(path)
    assert AlertState.load(path) == state
    path.write_text("{broken")
    with pytest.raises(LlmopsError, match="delete it"):
        AlertState.load(path)


# -- baseline --------------------------------------------------------------------------------


def test_baseline_gives_the_same_verdict_as_the_reference_log(
    reference: Path, tmp_path: Path
) -> None:
    from llmops_cli.drift.run import build_baseline

    current = write_jsonl(tmp_path / "cur.jsonl", records(600, 2, "quality", start_day=2))
    direct = run(reference, current)
    out = tmp_path / "baseline.json"
    build_baseline(ONCE, Window("reference", reference), out, NOW)
    assert "how do I" not in out.read_text()  # queries are kept as hashed tokens only
    via = check(ONCE, Window("current", current), baseline=out, now=NOW)
    for a, b in zip(direct.signals, via.signals, strict=True):
        assert (a.name, a.level) == (b.name, b.level)
        assert a.value == pytest.approx(b.value, rel=1e-6, abs=1e-9), a.name
    other = drift_config({"signals": {"latency_ms": {"type": "numeric"}}})
    with pytest.raises(LlmopsError, match="rebuild it"):
        check(other, Window("current", current), baseline=out, now=NOW)


# -- malformed logs --------------------------------------------------------------------------


def _dirty(tmp_path: Path) -> Path:
    lines = [json.dumps(r) for r in records(400, 9)]
    lines[6] = lines[6].replace('"latency_ms": ', '"latency_ms": "fast", "x": ')
    lines[10] = lines[10][:40]  # truncated
    lines[12] = lines[12].replace('"timestamp": "2026', '"timestamp": "yesterday')
    lines[14] = "[1, 2]"
    lines[16] = lines[16].replace('"2026-03-15"', '"soon"')  # a retrieved document's date
    return write_jsonl_lines(tmp_path / "dirty.jsonl", lines)


def write_jsonl_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bad_records_are_counted_and_skipped(reference: Path, tmp_path: Path) -> None:
    config = ONCE.with_overrides(max_bad_fraction=0.05)
    report = check(
        config,
        Window("current", _dirty(tmp_path), start=datetime(2026, 11, 1, tzinfo=UTC)),
        reference=Window("reference", reference),
        now=NOW,
    )
    bad = report.bad_records
    assert bad.count == 5
    assert any(
        "dirty.jsonl:7: latency_ms: expected a number, got 'fast'" in e for e in bad.examples
    )
    assert any("dirty.jsonl:11: not a JSON object" in e for e in bad.examples)
    assert any(
        "dirty.jsonl:17: retrieved_doc_dates: expected an ISO 8601 timestamp, got 'soon'" in e
        for e in bad.examples
    )
    # each of the five leaves the window whole: the rows with a bad latency or document date
    # count in no signal, so every signal counts the same 395 records (freshness: documents)
    assert report.current.rows == 395
    counts = {s.name: s.n_current for s in report.signals if s.kind != "freshness"}
    assert set(counts.values()) == {395}, counts
    assert {s.n_current for s in report.signals if s.kind == "freshness"} == {2 * 395}


def test_bad_records_stop_the_check_under_the_error_policy(reference: Path, tmp_path: Path) -> None:
    config = ONCE.with_overrides(on_bad_record="error")
    with pytest.raises(LlmopsError, match=r"dirty.jsonl:11: not a JSON object .*skip"):
        run(reference, _dirty(tmp_path), config)
    lines = [json.dumps(r) for r in records(300, 9)]
    lines[4] = lines[4].replace('"completion_tokens": ', '"completion_tokens": true, "x": ')
    typed = write_jsonl_lines(tmp_path / "typed.jsonl", lines)
    with pytest.raises(LlmopsError, match=r"typed.jsonl:5: completion_tokens: expected a number"):
        run(reference, typed, config)


def test_too_many_bad_records_is_an_error(reference: Path, tmp_path: Path) -> None:
    lines = [json.dumps(r) for r in records(300, 9)]
    lines[::5] = ["{truncated"] * len(lines[::5])
    with pytest.raises(LlmopsError, match=r"unusable.*max_bad_fraction"):
        run(reference, write_jsonl_lines(tmp_path / "bad.jsonl", lines))


def test_a_named_signal_whose_field_is_absent_is_an_error(reference: Path, tmp_path: Path) -> None:
    config = drift_config({"signals": {"ttft": {"type": "numeric", "field": "ttft_ms"}}})
    with pytest.raises(LlmopsError, match="'ttft_ms' is in neither window"):
        run(reference, reference, config)


def test_unknown_log_format_and_broken_csv(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(LlmopsError, match="unknown log format"):
        run(tmp_path / "x.txt", tmp_path / "x.txt")
    broken = tmp_path / "b.csv"
    broken.write_text('latency_ms,model\n1,"a\n2,b,c,d\n')
    with pytest.raises(LlmopsError, match="cannot read as CSV"):
        run(broken, broken, ONCE.with_overrides(on_bad_record="error"))


# -- CLI, outputs ----------------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    bodies: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Hook.bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Any:
    _Hook.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/SECRET", _Hook.bodies
    server.shutdown()
    server.server_close()


def test_cli_streak_prometheus_webhook_and_reports(
    cli: Any, project: Path, reference: Path, tmp_path: Path, webhook: Any
) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    url, bodies = webhook
    day_one = records(3000, 1)
    log = write_jsonl(
        tmp_path / "all.jsonl",
        day_one
        + records(600, 2, "errors", start_day=2)
        + records(600, 3, "errors", start_day=3)
        + records(600, 4, start_day=4),
    )
    prom = tmp_path / "textfile" / "llmops.prom"
    args = [
        "drift-check",
        "--log",
        str(log),
        "--reference",
        "2026-11-01..2026-11-02",
        "--current",
        "last:24h",
        "--prometheus",
        str(prom),
        "--webhook",
        url,
        "--name",
        "support",
        "--out",
        str(tmp_path / "out"),
    ]
    first = cli(*args, "--now", "2026-11-03T00:00Z", cwd=project)
    assert first.exit_code == 0, first.output  # pending: one breached window of two
    assert "PENDING" in first.output and not bodies
    result = cli(*args, "--now", "2026-11-04T00:00Z", cwd=project)
    assert result.exit_code == 5, result.output
    assert bodies and "error" in bodies[-1]["text"] and bodies[-1]["blocks"]
    families = {f.name: f for f in text_string_to_metric_families(prom.read_text())}
    status = families["llmops_drift_signal_status"].samples
    assert {s.labels["signal"]: s.value for s in status}["error"] == 3
    assert families["llmops_drift_status"].samples[0].value == 3
    report = json.loads((tmp_path / "out" / "drift.json").read_text())
    assert report["status"] == "alert" and report["schema_version"] == 1
    html = (tmp_path / "out" / "drift.html").read_text()
    assert "<svg" in html and "<script" not in html
    assert "Recommended actions" in (tmp_path / "out" / "drift.md").read_text()
    cleared = cli(*args, "--now", "2026-11-05T00:00Z", cwd=project)
    assert cleared.exit_code == 0, cleared.output
    assert "back within thresholds" in bodies[-1]["blocks"][1]["text"]["text"]


def test_cli_a_pair_of_files_is_judged_alone_without_a_streak(
    cli: Any, project: Path, reference: Path, tmp_path: Path
) -> None:
    slow = [{**r, "latency_ms": r["latency_ms"] * 1.6} for r in records(600, 2, start_day=2)]
    current = write_jsonl(tmp_path / "cur.jsonl", slow)
    args = ["drift-check", "--reference", str(reference), "--current", str(current)]
    result = cli(*args, "--out", str(tmp_path / "out"), cwd=project)
    assert result.exit_code == 5, result.output  # first run: no "pending" for a pair
    assert "ALERT (latency_ms)" in result.output
    assert not (project / ".llmops" / "drift").exists()  # no streak state for a pair
    report = json.loads((tmp_path / "out" / "drift.json").read_text())
    assert report["mode"] == "pair" and report["signals"][0]["streak"] == 1
    assert "one pair" in (tmp_path / "out" / "drift.md").read_text()


def test_cli_uses_the_thresholds_drift_section_and_json_output(
    cli: Any, project: Path, write: Any, reference: Path, tmp_path: Path
) -> None:
    write(
        "manifests/thresholds/watch.yaml",
        "kind: thresholds\nname: watch\nversion: 1.0.0\nmetrics: {latency: {max: 5000}}\n"
        "drift:\n  consecutive: 1\n  signals:\n"
        "    latency: {type: numeric, field: latency_ms, psi_alert: 0.2, direction: up,\n"
        "              quantiles: [0.5, 0.9], ratio_warn: 1.1, ratio_alert: 1.3}\n"
        "    hits: {type: rate, field: cache_hit, direction: down}\n",
    )
    current = write_jsonl(tmp_path / "cur.jsonl", records(600, 2, "latency", start_day=2))
    result = cli(
        "drift-check",
        "--thresholds",
        "watch",
        "--reference",
        str(reference),
        "--current",
        str(current),
        "-f",
        "json",
        cwd=project,
    )
    assert result.exit_code == 5, result.output
    data = json.loads(result.output)
    assert [s["name"] for s in data["signals"]] == ["latency", "hits"]
    assert data["signals"][0]["statistic"] == "psi"  # a 1.8x shift: PSI and ratio alert
    assert set(data["signals"][0]["details"]["quantile_ratios"]) == {"p50", "p90"}
    assert data["signals"][1]["details"]["direction"] == "down"
    assert data["settings"]["source"] == "watch@1.0.0"
    assert data["mode"] == "pair"


def test_cli_baseline_then_check(cli: Any, project: Path, reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    made = cli(
        "drift-check", "baseline", "--reference", str(reference), "--out", str(out), cwd=project
    )
    assert made.exit_code == 0, made.output
    assert "baseline of 3000 rows" in made.output
    again = cli(
        "drift-check", "baseline", "--reference", str(reference), "--out", str(out), "-f", "json",
        cwd=project,
    )  # fmt: skip
    shown = json.loads(again.stdout)
    assert shown["rows"] == 3000 and shown["path"] == str(out) and "latency_ms" in shown["signals"]
    current = write_jsonl(tmp_path / "cur.jsonl", records(600, 2, start_day=2))
    result = cli(
        "drift-check", "--baseline", str(out), "--current", str(current), "--no-state", cwd=project
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--current is required"),
        (["--current", "last:1h"], "--log FILE"),
        (["--current", "nope.jsonl"], "no such file"),
        (["--current", "x", "--reference", "y", "--baseline", "z"], "not both"),
    ],
)
def test_cli_bad_input_exits_1_with_one_line(
    cli: Any, project: Path, args: list[str], message: str
) -> None:
    result = cli("drift-check", *args, cwd=project)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--current", "last:1h", "--log", "LOG", "--now", "2026-11-31"], "--now: '2026-11-31'"),
        (["--current", "2026-13-01..", "--log", "LOG"], "--current: '2026-13-01' is not"),
        (["--current", "last:1h", "--reference", "..soon", "--log", "LOG"], "--reference: "),
        (["--current", "2026-11-05..2026-11-01", "--log", "LOG"], "ends before it starts"),
    ],
)
def test_cli_unparsable_dates_are_usage_errors_exit_2(
    cli: Any, project: Path, reference: Path, args: list[str], message: str
) -> None:
    """DESIGN §10: a malformed option value is a usage error (2), not bad data (1)."""
    args = [str(reference) if a == "LOG" else a for a in args]
    result = cli("drift-check", *args, cwd=project)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on-bad-record", "maybe"], "'maybe' is not one of 'skip', 'error'"),
        (["--timestamp-field"], "requires an argument"),
    ],
)
def test_cli_bad_option_values_are_usage_errors(
    cli: Any, project: Path, args: list[str], message: str
) -> None:
    result = cli("drift-check", "--current", "x", *args, cwd=project)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_invalid_drift_section_is_located(cli: Any, project: Path, write: Any) -> None:
    write(
        "manifests/thresholds/bad.yaml",
        "kind: thresholds\nname: bad\nversion: 1.0.0\nmetrics: {latency: {max: 5}}\n"
        "drift:\n  signals:\n    latency: {type: numerc}\n",
    )
    result = cli("validate", cwd=project)
    assert result.exit_code == 1
    assert "manifests/thresholds/bad.yaml:7: drift.signals.latency.type" in result.output


# -- the typed report and the API -------------------------------------------------------------

DATA = Path(__file__).parent / "data"


def test_a_drift_json_written_before_the_typed_report_loads_and_writes_back_the_same() -> None:
    """tests/data/drift-report-v1.json was written by drift-check before DriftReport was a
    contract: it loads into the typed report and serialises to the same JSON."""
    from llmops_cli.drift.outputs import report_json

    path = DATA / "drift-report-v1.json"
    report = DriftReport.from_json(path.read_text("utf-8"), source=str(path))
    assert isinstance(report.signals[0], SignalFinding) and report.alerting
    assert json.loads(report_json(report)) == json.loads(path.read_text("utf-8"))
    newer = {**json.loads(path.read_text("utf-8")), "schema_version": 2}
    with pytest.raises(LlmopsError, match="schema_version: drift report schema 2 is newer"):
        DriftReport.from_dict(newer, source="drift.json")


def test_api_drift_check_returns_the_report_the_cli_writes(
    project: Path, reference: Path, tmp_path: Path
) -> None:
    from llmops_cli import api

    current = write_jsonl(tmp_path / "cur.jsonl", records(800, 2, "latency", start_day=2))
    report = api.drift_check(
        project, current=current, reference=reference, state=False, now="2026-11-03T00:00Z"
    )
    assert isinstance(report, api.DriftReport) and report.alerting
    assert "latency_ms" in {s.name for s in report.flagged}
    (written,) = (project / "reports" / "drift" / "default").glob("20261103T000000Z-*/drift.json")
    assert DriftReport.from_json(written.read_text("utf-8")) == report
    assert not (project / ".llmops" / "drift").exists()  # state=False keeps no streaks


# -- the time field, skipped records, rates without their field, report folders -------------


def _renamed(rows: list[dict[str, Any]], **fields: str) -> list[dict[str, Any]]:
    """The records with `timestamp` copied to each of `fields` (name -> "" or a day shift
    like "+10D"), the `timestamp` key itself removed."""
    out = []
    for row in rows:
        row = dict(row)
        stamp = pd.Timestamp(row.pop("timestamp"))
        for name, shift in fields.items():
            row[name] = (stamp + pd.Timedelta(shift or "0D")).isoformat()
        out.append(row)
    return out


@pytest.fixture
def ts_log(tmp_path: Path) -> Path:
    """Day 1 and day 2 with the time in `ts`, and a decoy `logged_at` ten days later."""
    rows = records(600, 1) + records(300, 2, start_day=2)
    return write_jsonl(tmp_path / "ts.jsonl", _renamed(rows, ts="", logged_at="+10D"))


def _window_rows(cli: Any, project: Path, log: Path, *extra: str) -> Any:
    args = ["drift-check", "--log", str(log), "--current", "last:24h", "--no-state"]
    return cli(*args, "--now", "2026-11-03T00:00Z", "-f", "json", *extra, cwd=project)


def test_the_time_field_is_found_in_the_log_and_the_output_says_which(
    cli: Any, project: Path, ts_log: Path
) -> None:
    result = _window_rows(cli, project, ts_log, "-f", "text")
    assert result.exit_code == 0, result.output
    assert "Time field: ts (found in the log; --timestamp-field" in result.stdout
    report = json.loads(_window_rows(cli, project, ts_log).stdout)
    assert report["current"]["rows"] == 300 and report["reference"]["rows"] == 600
    assert report["settings"]["timestamp_field"] == "ts"
    assert "ts" not in report["unchecked"]  # the time field is no unchecked column
    # a log with `timestamp` keeps it, whatever else it holds; say nothing then
    both = write_jsonl(ts_log.with_name("both.jsonl"), _renamed(records(300, 2), timestamp=""))
    plain = cli("drift-check", "--reference", str(ts_log), "--current", str(both), cwd=project)
    assert "Time field" not in plain.stdout


def test_the_option_beats_the_manifest_which_beats_detection(
    cli: Any, project: Path, write: Any, ts_log: Path
) -> None:
    write(
        "manifests/thresholds/later.yaml",
        "kind: thresholds\nname: later\nversion: 1.0.0\nmetrics: {latency: {max: 5000}}\n"
        "drift:\n  timestamp_field: logged_at\n",
    )
    manifest = json.loads(_window_rows(cli, project, ts_log, "--thresholds", "later").stdout)
    assert manifest["current"]["rows"] == 0  # logged_at is ten days later: nothing in range
    assert manifest["settings"]["timestamp_from"] == "manifest"
    chosen = _window_rows(cli, project, ts_log, "--thresholds", "later", "--timestamp-field", "ts")
    assert json.loads(chosen.stdout)["current"]["rows"] == 300
    assert json.loads(chosen.stdout)["settings"]["timestamp_from"] == "option"


def test_a_log_with_several_or_no_time_fields_says_how_to_choose(
    cli: Any, project: Path, tmp_path: Path
) -> None:
    several = write_jsonl(tmp_path / "two.jsonl", _renamed(records(300, 1), ts="", time=""))
    result = _window_rows(cli, project, several)
    assert result.exit_code == 1
    assert (
        "no 'timestamp' field" in result.stderr and "it has ts, time: choose one" in result.stderr
    )
    assert "--timestamp-field NAME" in result.stderr
    none = write_jsonl(tmp_path / "none.jsonl", _renamed(records(300, 1), at=""))
    assert (
        "name the log's time field with --timestamp-field"
        in _window_rows(cli, project, none).stderr
    )
    assert _window_rows(cli, project, none, "--timestamp-field", "at").exit_code == 0


def test_skipped_records_are_shown_in_the_terminal(
    cli: Any, project: Path, reference: Path, tmp_path: Path
) -> None:
    lines = [json.dumps(r) for r in records(400, 2, start_day=2)]
    lines.append(json.dumps({"timestamp": "2026-11-02T12:00:00Z", "latency_ms": "fast"}))
    current = write_jsonl_lines(tmp_path / "cur.jsonl", lines)
    args = ["drift-check", "--reference", str(reference), "--current", str(current)]
    result = cli(*args, cwd=project)
    assert result.exit_code == 0, result.output
    line = "1 unusable record skipped (e.g. "
    assert f"{line}{current}:401: latency_ms: expected a number, got 'fast')" in result.stdout
    report = json.loads(cli(*args, "-f", "json", cwd=project).stdout)
    assert report["bad_records"]["count"] == 1
    # the skipped record counts in no signal, not even in `error`, where a record without the
    # key counts as one without an error (trial finding 11: error n 401, the others 400)
    assert report["current"]["rows"] == 400
    counts = {s["name"]: s["n_current"] for s in report["signals"] if s["kind"] != "freshness"}
    assert set(counts.values()) == {400}, counts


@pytest.mark.parametrize("dirty", [False, True])
def test_a_record_without_a_rate_field_counts_as_no_event(
    dirty: bool, reference: Path, tmp_path: Path
) -> None:
    """A logger that writes `error` only on failure: a record with no `error` key is a
    request without an error, as `"error": null` is, and counts in the rate. The fast
    (pyarrow) reader of a clean block and the line-by-line reader of a dirty one agree."""
    rows = records(400, 2, start_day=2)
    for row in rows[:100]:
        del row["error"]
    for row in rows[100:150]:
        row["error"] = None
    errors = sum(r.get("error") is not None for r in rows)
    lines = [json.dumps(r) for r in rows]
    if dirty:  # a wrong-typed value: pyarrow rejects the block, it is read line by line
        lines[200] = lines[200].replace('"latency_ms": ', '"latency_ms": "slow", "x": ')
        errors -= rows[200]["error"] is not None
    current = write_jsonl_lines(tmp_path / "cur.jsonl", lines)
    window = Window("current", current)
    bad = logs.BadRecords()
    summary = summarize.summarize([window], ONCE, bad, 0)["current"].signals
    assert bad.count == dirty
    error = summary["error"]
    assert isinstance(error, CountSummary)
    assert (error.n, error.events) == (400 - dirty, errors)
    assert summary["guardrail_triggered"].n == summary["latency_ms"].n == 400 - dirty


def test_a_window_whose_records_never_hold_a_rate_field_has_no_events(tmp_path: Path) -> None:
    """An hour without failures, from a logger that writes `error` only on failure: no record
    of the window holds the key, and its error rate is 0 over every record (not "insufficient
    data"): a spike after a clean reference alerts."""
    clean = write_jsonl(
        tmp_path / "clean.jsonl",
        [{k: v for k, v in r.items() if k != "error"} for r in records(600, 3)],
    )
    spike = write_jsonl(tmp_path / "spike.jsonl", records(400, 4, shift="errors", start_day=2))
    error = next(s for s in run(clean, spike).signals if s.name == "error")
    assert (error.n_reference, error.n_current, error.level) == (600, 400, ALERT)
    # logs that never write a rate field have no such signal
    assert "error" not in {s.name for s in run(clean, clean).signals}


def test_each_run_gets_its_own_report_folder(
    cli: Any, project: Path, reference: Path, tmp_path: Path
) -> None:
    log = write_jsonl(tmp_path / "all.jsonl", records(2000, 1) + records(600, 2, start_day=2))
    args = ["drift-check", "--log", str(log), "--no-state", "--now", "2026-11-03T00:00Z"]
    for window in ("last:24h", "last:12h", "last:12h"):
        assert cli(*args, "--current", window, cwd=project).exit_code == 0
    folders = sorted(p.name for p in (project / "reports" / "drift" / "default").iterdir())
    assert len(folders) == 3 and all(f.startswith("20261103T000000Z-") for f in folders)
    assert sum(f.endswith("-2") for f in folders) == 1  # the rerun did not overwrite
    sources = {
        json.loads((project / "reports" / "drift" / "default" / f / "drift.json").read_text())[
            "current"
        ]["source"]
        for f in folders
    }
    assert len(sources) == 2

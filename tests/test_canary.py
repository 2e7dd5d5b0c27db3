"""Canary / A-B / shadow analysis: statistics against scipy on fixed data, simulated A/A
(false positives at or under alpha, also under repeated sequential looks), simulated A/B at
the predicted sample size (detected about as often as the power says), and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps

from llmops_cli import stats as shared
from llmops_cli.canary import stats
from llmops_cli.canary.compare import swapped_win_rate
from llmops_cli.canary.config import parse_metric
from llmops_cli.errors import LlmopsError

RNG = np.random.default_rng(20261123)
A = RNG.lognormal(5, 0.6, 300)
B = RNG.lognormal(5.1, 0.6, 280)


def test_welch_matches_scipy() -> None:
    result = stats.welch(A, B)
    ref = sps.ttest_ind(B, A, equal_var=False)
    assert result.p == pytest.approx(ref.pvalue, rel=1e-9)
    ci = ref.confidence_interval(0.95)
    assert result.ci == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_mann_whitney_matches_scipy() -> None:
    rounded_a, rounded_b = np.round(A, -1), np.round(B, -1)  # with ties
    result = stats.mann_whitney(rounded_a, rounded_b)
    ref = sps.mannwhitneyu(rounded_b, rounded_a, alternative="two-sided", method="asymptotic")
    assert result.p == pytest.approx(ref.pvalue, rel=1e-9)
    assert result.ci[0] <= result.effect <= result.ci[1]


def test_two_proportion_matches_the_z_test() -> None:
    result = stats.two_proportion(30, 1000, 52, 1000)
    pooled = 82 / 2000
    z = (0.052 - 0.030) / np.sqrt(pooled * (1 - pooled) * (2 / 1000))
    assert result.p == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-9)
    assert result.effect == pytest.approx(0.022)


def test_paired_tests_and_corrections_match_scipy() -> None:
    d = np.round(RNG.normal(0.2, 1.0, 120), 1)
    ref = sps.wilcoxon(d, zero_method="wilcox", correction=True, method="approx")
    assert shared.wilcoxon_signed_rank(d) == pytest.approx(ref.pvalue, rel=1e-9)
    assert stats.sign_test(31, 17) == pytest.approx(sps.binomtest(31, 48).pvalue, rel=1e-9)
    p = [0.01, 0.04, 0.03, 0.2]
    assert shared.holm(p) == pytest.approx([0.04, 0.09, 0.09, 0.2])
    chi = sps.chisquare([5100, 4900], [5000, 5000])
    assert stats.sample_ratio_p(5100, 4900, 0.5) == pytest.approx(chi.pvalue, rel=1e-9)


def test_holm_and_bh_take_their_monotone_steps_by_hand() -> None:
    """p = 0.03, 0.01, 0.04, 0.3. Holm scales the sorted p by m, m-1, ... to 0.04, 0.09, 0.08,
    0.3 and takes the running maximum (0.08 -> 0.09); BH scales by m/rank to 0.04, 0.06,
    0.0533, 0.3 and takes the running minimum from the top (0.06 -> 0.0533). Holm caps at 1."""
    p = [0.03, 0.01, 0.04, 0.3]
    assert shared.adjust(p, "holm") == pytest.approx([0.09, 0.04, 0.09, 0.3])
    assert shared.adjust(p, "bh") == pytest.approx([0.04 * 4 / 3, 0.04, 0.04 * 4 / 3, 0.3])
    assert shared.holm([0.6, 0.7]) == [1.0, 1.0]
    assert shared.holm([]) == [] == shared.adjust([], "bh")


def test_simulated_aa_false_positive_rate_at_most_alpha() -> None:
    """A/A: the fixed-horizon tests reject about alpha of the time; mSPRT looked at after every
    observation rejects at most alpha; re-running a fixed test at 20 looks would not."""
    rng = np.random.default_rng(7)
    sims, n, alpha = 400, 1000, 0.05
    fixed = sequential = peeking = 0
    looks = np.linspace(50, n, 20).astype(int)
    for _ in range(sims):
        a, b = rng.normal(0, 1, n), rng.normal(0, 1, n)
        fixed += stats.welch(a, b).p < alpha
        sequential += stats.msprt_p(a, b, tau=0.2) < alpha
        peeking += any(stats.welch(a[:k], b[:k]).p < alpha for k in looks)
    assert fixed / sims <= alpha + 0.025  # 2 SE of a binomial(400, 0.05)
    assert sequential / sims <= alpha
    assert peeking / sims > 2 * alpha  # why the sequential option exists


def test_simulated_ab_power_matches_the_sample_size_formula() -> None:
    rng = np.random.default_rng(11)
    effect, sd, sims = 0.25, 1.0, 400
    n = stats.required_per_arm(sd, effect, alpha=0.05, power=0.8)
    assert 240 <= n <= 260  # 2 * ((1.96 + 0.84) / 0.25)^2 = 251
    hits = sum(
        stats.welch(rng.normal(0, sd, n), rng.normal(effect, sd, n)).p < 0.05 for _ in range(sims)
    )
    assert 0.73 <= hits / sims <= 0.87  # 0.80 +- ~3.5 SE
    # rates too: 10% -> 13% needs n per arm; detected ~80% of the time at that n
    p0, p1 = 0.10, 0.13
    n = stats.required_per_arm(np.sqrt((p0 * (1 - p0) + p1 * (1 - p1)) / 2), p1 - p0)
    hits = sum(
        stats.two_proportion(rng.binomial(n, p0), n, rng.binomial(n, p1), n).p < 0.05
        for _ in range(sims)
    )
    assert 0.73 <= hits / sims <= 0.87


def test_exact_bootstrap_median_matches_resampling() -> None:
    """Large samples draw bootstrap medians from their exact distribution: the quantiles
    agree with brute-force resampling to within Monte-Carlo noise."""
    rng = np.random.default_rng(5)
    x = rng.lognormal(6.5, 0.4, 5_001)  # past 2,000: the exact path; odd: one middle value
    exact = shared.resampled_medians(x, 2000, seed=1)
    brute = np.median(x[rng.integers(0, len(x), (2000, len(x)))], axis=1)
    quantiles = [2.5, 25, 50, 75, 97.5]
    spread = np.percentile(brute, 97.5) - np.percentile(brute, 2.5)
    diff = np.abs(np.percentile(exact, quantiles) - np.percentile(brute, quantiles))
    assert diff.max() < 0.1 * spread
    ties = np.repeat([1.0, 2.0, 3.0], [3000, 500, 3000])  # the median sits on a tie
    assert set(np.unique(shared.resampled_medians(ties, 2000, seed=2))) <= {1.0, 2.0, 3.0}


def test_always_valid_interval_covers_the_truth_at_every_look() -> None:
    """A true effect of 0.1: the mSPRT interval, checked at 20 looks, excludes it in at most
    alpha of the simulations; it is wider than the fixed-horizon CI and shrinks with n."""
    rng = np.random.default_rng(11)
    sims, n, alpha, effect = 300, 2000, 0.05, 0.1
    looks = np.linspace(50, n, 20).astype(int)
    missed = 0
    for _ in range(sims):
        a, b = rng.normal(0, 1, n), rng.normal(effect, 1, n)
        intervals = [stats.msprt_interval(a[:k], b[:k], 0.2, alpha) for k in looks]
        missed += any(not low <= effect <= high for low, high in intervals)
    assert missed / sims <= alpha
    low, high = stats.msprt_interval(a, b, 0.2, alpha)
    fixed = stats.welch(a, b).ci
    assert low < fixed[0] and high > fixed[1]
    assert high - low < intervals[0][1] - intervals[0][0]


def test_sequential_detects_a_real_effect() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(0, 1, 2000), rng.normal(0.2, 1, 2000)
    assert stats.msprt_p(a, b, tau=0.2) < 0.01


def test_position_swapped_win_rate_cancels_position_bias() -> None:
    # a judge that always picks whatever it saw first: every verdict pair disagrees
    biased = swapped_win_rate(["control"] * 50, ["treatment"] * 50, "treatment")
    assert biased.win_rate == 0.5 and biased.order_consistency == 0.0
    real = swapped_win_rate(
        ["treatment"] * 30 + ["control"] * 10 + ["tie"] * 10,
        ["treatment"] * 30 + ["control"] * 5 + ["treatment"] * 5 + ["tie"] * 10,
        "treatment",
    )
    assert (real.wins, real.losses, real.ties_or_inconsistent) == (30, 5, 15)
    assert real.win_rate == pytest.approx((30 + 7.5) / 50)


def test_metric_specs() -> None:
    assert parse_metric("latency_ms").kind == "distribution"
    spec = parse_metric("csat:mean:higher@0.1")
    assert (spec.kind, spec.better, spec.mde) == ("mean", "higher", 0.1)
    with pytest.raises(LlmopsError, match="say what it is"):
        parse_metric("csat")
    with pytest.raises(LlmopsError, match="unknown 'sideways'"):
        parse_metric("csat:sideways")


# -- CLI -------------------------------------------------------------------------------------


def write_logs(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def ab_logs(
    n: int, seed: int, error: tuple[float, float], score: tuple[float, float], share: float = 0.5
) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        arm = int(rng.random() < share)
        rows.append(
            {
                "timestamp": f"2026-11-20T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
                "prompt_version": ["1.0.0", "1.1.0"][arm],
                "error": bool(rng.random() < error[arm]),
                "judge_score": float(np.clip(rng.normal(score[arm], 0.15), 0, 1)),
                "latency_ms": float(rng.lognormal(6, 0.4)),
            }
        )
    return rows


ARMS = ["--control", "1.0.0", "--treatment", "1.1.0"]


def test_cli_rolls_back_a_regression_and_writes_evidence(cli: Any, tmp_path: Path) -> None:
    logs = write_logs(tmp_path / "logs.jsonl", ab_logs(4000, 1, (0.02, 0.06), (0.7, 0.7)))
    out = tmp_path / "canary.json"
    result = cli("canary", "analyze", "--logs", str(logs), *ARMS, "--out", str(out))
    assert result.exit_code == 4, result.output
    assert "decision: ROLLBACK" in result.stdout and "error is worse" in result.stdout
    data = json.loads(out.read_text())
    error = next(m for m in data["metrics"] if m["name"] == "error")
    assert error["verdict"] == "worse" and error["ci95"][0] > 0
    assert {m["name"] for m in data["metrics"]} == {"error", "judge_score", "latency_ms"}


def test_cli_promotes_an_improvement_and_holds_when_underpowered(cli: Any, tmp_path: Path) -> None:
    logs = write_logs(tmp_path / "a.jsonl", ab_logs(4000, 2, (0.02, 0.02), (0.70, 0.74)))
    result = cli("canary", "analyze", "--logs", str(logs), *ARMS, "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["decision"] == "promote", data["reasons"]
    small = write_logs(tmp_path / "b.jsonl", ab_logs(200, 3, (0.02, 0.02), (0.70, 0.70)))
    result = cli("canary", "analyze", "--logs", str(small), *ARMS, "--hold-exit", "4")
    assert result.exit_code == 4 and "decision: HOLD" in result.stdout
    assert "needed to detect" in result.stdout


def test_cli_sample_ratio_mismatch_holds(cli: Any, tmp_path: Path) -> None:
    logs = write_logs(tmp_path / "a.jsonl", ab_logs(4000, 4, (0.02, 0.02), (0.7, 0.8), 0.40))
    result = cli("canary", "analyze", "--logs", str(logs), *ARMS, "-f", "json")
    data = json.loads(result.stdout)
    assert data["sample_ratio"]["mismatch"] and data["decision"] == "hold"
    assert "sample ratio mismatch" in data["reasons"][0]
    planned = cli(
        "canary", "analyze", "--logs", str(logs), *ARMS, "--treatment-share", "0.4", "-f", "json"
    )
    assert json.loads(planned.stdout)["decision"] == "promote"


def test_cli_shadow_pairs_and_swapped_judge(cli: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    rows = []
    for i in range(300):
        base = rng.lognormal(6, 0.5)
        winner = "1.1.0" if rng.random() < 0.6 else "1.0.0"
        for arm, latency in (("1.0.0", base), ("1.1.0", base * 0.9)):
            rows.append(
                {
                    "request_id": f"r{i}",
                    "prompt_version": arm,
                    "latency_ms": latency,
                    "winner": winner if arm == "1.1.0" else None,
                    "winner_swapped": winner if arm == "1.1.0" else None,
                }
            )
    logs = write_logs(tmp_path / "shadow.jsonl", rows)
    result = cli(
        "canary", "analyze", "--logs", str(logs), *ARMS, "--pair-field", "request_id",
        "--judge-fields", "winner,winner_swapped", "--metric", "latency_ms", "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    latency = data["metrics"][0]
    assert data["mode"] == "paired" and latency["test"] == "Wilcoxon signed-rank"
    assert latency["verdict"] == "better" and latency["n"] == [300, 300]
    assert data["judge"]["pairs"] == 300 and data["judge"]["win_rate"] > 0.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--treatment", "9.9.9"], "no record has prompt_version='9.9.9'"),
        (["--metric", "csat"], "say what it is"),
        (["--judge-fields", "a,b"], "--judge-fields needs FIRST,SECOND and --pair-field"),
        (["--metric", "judge_score@0"], "a positive number, not 0"),
    ],
)
def test_cli_bad_input_exits_1(cli: Any, tmp_path: Path, args: list[str], message: str) -> None:
    logs = write_logs(tmp_path / "a.jsonl", ab_logs(50, 6, (0.02, 0.02), (0.7, 0.7)))
    base = ["--control", "1.0.0", "--treatment", "1.1.0"]
    if "--treatment" in args:
        base = ["--control", "1.0.0"]
    result = cli("canary", "analyze", "--logs", str(logs), *base, *args)
    assert result.exit_code == 1 and message in result.output


def test_cli_wrong_typed_rows_are_counted_shown_and_stop_the_analysis(
    cli: Any, tmp_path: Path
) -> None:
    """400 slow treatment requests logged as "slow" instead of a number: skipping them
    silently would make the treatment look faster than it is."""
    rows = ab_logs(4000, 8, (0.02, 0.02), (0.7, 0.7))
    treatment = [r for r in rows if r["prompt_version"] == "1.1.0"]
    for r in treatment[:400]:
        r["latency_ms"] = "slow"
    logs = write_logs(tmp_path / "a.jsonl", rows)
    first = rows.index(treatment[0]) + 1
    result = cli("canary", "analyze", "--logs", str(logs), *ARMS)
    assert result.exit_code == 1, result.output
    assert "400 of 4000 records are unusable (0 of 1.0.0, 400 of 1.1.0)" in result.stderr
    assert f"first: {logs}:{first}: latency_ms: expected a number, got 'slow'" in result.stderr
    allowed = cli(
        "canary", "analyze", "--logs", str(logs), *ARMS, "--max-bad-fraction", "0.25", "-f", "json"
    )
    assert allowed.exit_code == 0, allowed.output
    data = json.loads(allowed.stdout)
    assert data["bad_records"]["count"] == 400
    assert data["bad_records"]["by_arm"] == {"1.0.0": 0, "1.1.0": 400}
    latency = next(m for m in data["metrics"] if m["name"] == "latency_ms")
    assert latency["n"][1] == len(treatment) - 400


def test_cli_malformed_lines_below_the_limit_are_shown(cli: Any, tmp_path: Path) -> None:
    logs = tmp_path / "a.jsonl"
    lines = [json.dumps(r) for r in ab_logs(4000, 9, (0.02, 0.02), (0.7, 0.7))]
    lines[10] = lines[10][:25]  # truncated mid-record
    lines[20] = '{"prompt_version": "1.1.0", "latency_ms": {"p50": 3}}'
    logs.write_text("\n".join(lines) + "\n")
    result = cli("canary", "analyze", "--logs", str(logs), *ARMS)
    assert result.exit_code in (0, 4), result.output
    assert "2 of 4000 records unusable and skipped (1 malformed" in result.stdout
    assert f"first: {logs}:11: not a JSON object" in result.stdout
    strict = cli("canary", "analyze", "--logs", str(logs), *ARMS, "--on-bad-record", "error")
    assert strict.exit_code == 1 and f"error: {logs}:11: not a JSON object" in strict.stderr


# -- the typed decision and the API ------------------------------------------------------------


def test_a_decision_file_written_before_the_typed_decision_loads_and_writes_back_the_same() -> None:
    """tests/data/canary-decision-v1.json was written by `canary analyze --sequential --out`
    before CanaryDecision was a contract: it loads typed and serialises to the same JSON
    (absent fields stay absent)."""
    from llmops_cli.canary.api import decision_json
    from llmops_cli.contracts.canary import CanaryDecision, MetricComparison

    path = Path(__file__).parent / "data" / "canary-decision-v1.json"
    decision = CanaryDecision.from_json(path.read_text("utf-8"), source=str(path))
    assert isinstance(decision.metrics[0], MetricComparison) and decision.judge is None
    assert json.loads(decision_json(decision)) == json.loads(path.read_text("utf-8"))
    short = MetricComparison(name="x", kind="rate", better="higher", mde=None, n=(1, 0))
    assert short.to_dict() == {"name": "x", "kind": "rate", "better": "higher", "mde": None,
                               "n": [1, 0]}  # fmt: skip


def test_api_canary_analyze_returns_the_decision_the_cli_prints(cli: Any, tmp_path: Path) -> None:
    from llmops_cli import api

    logs = write_logs(tmp_path / "logs.jsonl", ab_logs(4000, 1, (0.02, 0.06), (0.7, 0.7)))
    decision = api.canary_analyze(
        tmp_path, "logs.jsonl", control="1.0.0", treatment="1.1.0", out="decision.json"
    )
    assert isinstance(decision, api.CanaryDecision) and decision.decision == "rollback"
    worse = {m.name for m in decision.metrics if m.verdict == "worse"}
    assert worse == {"error"}
    written = api.CanaryDecision.from_json((tmp_path / "decision.json").read_text("utf-8"))
    assert written == decision
    result = cli("canary", "analyze", "--logs", str(logs), *ARMS, "-f", "json")
    printed = json.loads(result.output)
    assert {**printed, "generated_at": "", "logs": ""} == {
        **decision.to_dict(),
        "generated_at": "",
        "logs": "",
    }


@pytest.mark.parametrize("code", ["1", "2", "3", "5"])
def test_cli_hold_exit_is_0_or_4_only(cli: Any, tmp_path: Path, code: str) -> None:
    logs = write_logs(tmp_path / "a.jsonl", ab_logs(200, 3, (0.02, 0.02), (0.70, 0.70)))
    result = cli("canary", "analyze", "--logs", str(logs), *ARMS, "--hold-exit", code)
    assert result.exit_code == 2 and f"{code} is not 0 or 4" in result.output


def test_a_metric_that_does_not_vary_gets_no_sample_size(cli: Any, tmp_path: Path) -> None:
    """A fixed price per request: its SD is rounding noise (5e-20), and a sample size
    computed from it (~393 to detect 1e-20) is meaningless: none is given, and it does not
    hold the decision."""
    rows = [{**r, "cost_usd": 0.0021} for r in ab_logs(4000, 2, (0.02, 0.02), (0.70, 0.74))]
    logs = write_logs(tmp_path / "a.jsonl", rows)
    text = cli("canary", "analyze", "--logs", str(logs), *ARMS)
    assert text.exit_code == 0, text.output
    (line,) = [ln for ln in text.stdout.splitlines() if ln.strip().startswith("cost_usd")]
    assert "does not vary (one value per arm): no sample-size estimate" in line
    assert "decision: PROMOTE" in text.stdout
    data = json.loads(cli("canary", "analyze", "--logs", str(logs), *ARMS, "-f", "json").stdout)
    cost = next(m for m in data["metrics"] if m["name"] == "cost_usd")
    assert cost["status"] == "no_variance" and cost["verdict"] == "no difference"
    assert "required_per_arm_for_mde" not in cost and cost["mde"] is None
    same = [{**r, "cost_usd": 0.0021} for r in ab_logs(300, 3, (0.02, 0.02), (0.70, 0.70))]
    small = write_logs(tmp_path / "b.jsonl", same)
    held = cli("canary", "analyze", "--logs", str(small), *ARMS)
    assert "decision: HOLD" in held.stdout and "judge_score: " in held.stdout
    assert "cost_usd:" not in held.stdout and "e-20" not in held.stdout
    # one value per arm, but not the same one: a difference, found at once
    pricier = [{**r, "cost_usd": 0.003 if r["prompt_version"] == "1.1.0" else 0.0021} for r in rows]
    worse = cli(
        "canary", "analyze", "--logs", str(write_logs(tmp_path / "c.jsonl", pricier)), *ARMS
    )
    assert worse.exit_code == 4 and "cost_usd is worse" in worse.stdout


def test_shadow_pairs_that_never_differ_get_no_sample_size(cli: Any, tmp_path: Path) -> None:
    rows = [
        {"request_id": f"r{i}", "prompt_version": arm, "cost_usd": 0.001 * (1 + i % 3)}
        for i in range(100)
        for arm in ("1.0.0", "1.1.0")
    ]
    logs = write_logs(tmp_path / "shadow.jsonl", rows)
    args = ["--pair-field", "request_id", "--metric", "cost_usd", "-f", "json"]
    data = json.loads(cli("canary", "analyze", "--logs", str(logs), *ARMS, *args).stdout)
    (cost,) = data["metrics"]
    assert cost["status"] == "no_variance" and "required_per_arm_for_mde" not in cost


def test_sequential_reads_arrival_order_from_ts_as_from_timestamp(tmp_path: Path) -> None:
    """A log that keeps its time in `ts` is taken in time order, as drift-check finds it,
    not in the order the lines were written."""
    from llmops_cli import api

    rows = ab_logs(600, 8, (0.02, 0.02), (0.70, 0.75))
    shuffled = [rows[i] for i in np.random.default_rng(1).permutation(len(rows))]
    as_ts = [{("ts" if k == "timestamp" else k): v for k, v in r.items()} for r in shuffled]
    p = {}
    for name, data in (("timestamp", shuffled), ("ts", as_ts)):
        logs = write_logs(tmp_path / f"{name}.jsonl", data)
        decision = api.canary_analyze(
            None, logs, control="1.0.0", treatment="1.1.0", metrics=["judge_score"],
            sequential=True,
        )  # fmt: skip
        p[name] = decision.metrics[0].p
    assert p["ts"] == p["timestamp"]

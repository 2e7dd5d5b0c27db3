"""Deterministic traffic assignment: stable, proportional, monotone ramps, independent salts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from llmops_cli.traffic import Rollout, assign, bucket

KEYS = [f"user-{i}" for i in range(100_000)]


def test_assignment_is_deterministic_across_processes() -> None:
    code = "from llmops_cli.traffic import assign; print(assign('user-42', {'a': 1, 'b': 3}, 's'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert other.stdout.strip() == assign("user-42", {"a": 1, "b": 3}, "s")


def test_shares_follow_the_weights() -> None:
    counts = {"a": 0, "b": 0, "c": 0}
    for key in KEYS:
        counts[assign(key, {"a": 0.7, "b": 0.2, "c": 0.1})] += 1
    for arm, share in (("a", 0.7), ("b", 0.2), ("c", 0.1)):
        assert counts[arm] / len(KEYS) == pytest.approx(share, abs=0.005)  # ~3.5 SE


def test_ramping_a_canary_only_moves_keys_onto_the_challenger() -> None:
    small = {k for k in KEYS if Rollout("canary", "1.0", "1.1", 0.05).route(k).serve == "1.1"}
    large = {k for k in KEYS if Rollout("canary", "1.0", "1.1", 0.10).route(k).serve == "1.1"}
    assert small < large and len(large) / len(KEYS) == pytest.approx(0.10, abs=0.004)


def test_salts_split_independently_and_shadow_always_serves_the_champion() -> None:
    first = [bucket(k, "exp-1") < 0.5 for k in KEYS[:20_000]]
    second = [bucket(k, "exp-2") < 0.5 for k in KEYS[:20_000]]
    both = sum(a and b for a, b in zip(first, second, strict=True)) / 20_000
    assert both == pytest.approx(0.25, abs=0.012)
    routes = [Rollout("shadow", "1.0", "1.1", 0.3).route(k) for k in KEYS[:20_000]]
    assert {r.serve for r in routes} == {"1.0"}
    assert sum(r.shadow == "1.1" for r in routes) / 20_000 == pytest.approx(0.3, abs=0.012)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        Rollout("blue-green", "a", "b")
    with pytest.raises(ValueError, match="between 0 and 1"):
        Rollout("canary", "a", "b", 1.5)
    with pytest.raises(ValueError, match="positive sum"):
        assign("k", {"a": 0})

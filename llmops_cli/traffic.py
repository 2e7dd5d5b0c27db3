"""Deterministic traffic assignment for applications: which arm serves a request.

A request or user key is hashed (SHA-256 with a per-experiment salt) to a point in [0, 1);
arms own consecutive slices of that interval in the order given. So the same key always gets
the same arm, different experiments (salts) split independently, and ramping a canary from
5% to 10% only moves keys onto the challenger — nobody flips back and forth.

    from llmops_cli.traffic import Rollout
    rollout = Rollout("canary", champion="1.0.0", challenger="1.1.0", weight=0.05, salt="kb-v2")
    route = rollout.route(user_id)      # route.serve -> "1.0.0" or "1.1.0"; route.shadow
    log({"prompt_version": route.serve, ...})   # what `llmops canary analyze` reads

Modes: `canary` (the challenger serves `weight` of keys), `champion_challenger` (an A/B split,
`weight` on the challenger, 0.5 by default) and `shadow` (the champion always serves; for
`weight` of keys the challenger also answers, off the user's path, for paired analysis).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

MODES = ("canary", "champion_challenger", "shadow")


def bucket(key: str, salt: str = "") -> float:
    """A uniform point in [0, 1) for `key`, stable across processes and machines."""
    digest = hashlib.sha256(f"{salt}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(key: str, weights: Mapping[str, float], salt: str = "") -> str:
    """The arm whose slice holds `key`'s point; weights need not sum to 1 (they are shares)."""
    total = sum(weights.values())
    if not weights or total <= 0 or any(w < 0 for w in weights.values()):
        raise ValueError("weights must be non-negative with a positive sum")
    point, edge = bucket(key, salt) * total, 0.0
    for arm, weight in weights.items():
        edge += weight
        if point < edge:
            return arm
    return next(reversed(list(weights)))  # float rounding at the very top


@dataclass(frozen=True)
class Route:
    serve: str  # the arm whose answer the user gets
    shadow: str | None = None  # an arm that also answers, unseen (shadow mode)


@dataclass(frozen=True)
class Rollout:
    mode: str
    champion: str
    challenger: str
    weight: float = 0.5
    salt: str = ""

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; choose from {', '.join(MODES)}")
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError("weight is the challenger's share, between 0 and 1")

    def route(self, key: str) -> Route:
        on_challenger = bucket(key, self.salt) < self.weight
        if self.mode == "shadow":
            return Route(self.champion, self.challenger if on_challenger else None)
        return Route(self.challenger if on_challenger else self.champion)

"""Seeded synthetic inference logs with known shifts, for the drift-check tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

TOPICS = {
    "notes": ["note", "folder", "tag", "search", "pin", "archive", "title", "edit"],
    "billing": ["invoice", "refund", "charge", "card", "plan", "upgrade", "receipt", "vat"],
}
SHIFTS = {
    "latency": "latency_ms",
    "length": "completion_tokens",
    "quality": "judge_score",
    "topic": "query",
    "guardrail": "guardrail_triggered",
    "errors": "error",
    "cache": "cache_hit",  # a fall: 30% -> 18% of answers from the cache
}


def records(
    n: int, seed: int, shift: str | None = None, start_day: int = 1, slower: float = 1.0
) -> list[dict[str, Any]]:
    """`n` log records; `shift` (a key of SHIFTS) moves exactly one signal; `slower` scales
    every latency (a uniform slowdown: median, p95 and p99 alike)."""
    rng = np.random.default_rng(seed)
    latency = rng.lognormal(6.5, 0.35, n) * (1.8 if shift == "latency" else 1.0) * slower
    completion = rng.poisson(220 if shift == "length" else 120, n)
    judge = np.clip(rng.normal(0.70 if shift == "quality" else 0.80, 0.08, n), 0, 1)
    guard = rng.random(n) < (0.08 if shift == "guardrail" else 0.02)
    error = rng.random(n) < (0.07 if shift == "errors" else 0.01)
    topic = TOPICS["billing" if shift == "topic" else "notes"]
    words = rng.choice(topic, (n, 3))
    prompt = rng.poisson(300, n)
    cost = rng.gamma(2.0, 0.001, n)
    model = rng.choice(["gpt-4o-mini", "gpt-4o"], n, p=[0.8, 0.2])
    version = rng.choice(["1.2.0", "1.3.0"], n)
    seconds = np.sort(rng.integers(0, 86_400, n)).tolist()
    cache_hit = rng.random(n) < (0.18 if shift == "cache" else 0.30)  # drawn last: seeds keep
    # plain Python values first: per-element numpy scalars made this the tests' hot spot
    columns = zip(
        seconds,
        [round(v, 2) for v in latency.tolist()],
        prompt.tolist(),
        completion.tolist(),
        [round(v, 6) for v in cost.tolist()],
        [round(v, 4) for v in judge.tolist()],
        model.tolist(),
        version.tolist(),
        error.tolist(),
        guard.tolist(),
        [" ".join(w) for w in words.tolist()],
        cache_hit.tolist(),
        strict=True,
    )
    return [
        {
            "timestamp": f"2026-11-{start_day:02d}T{sec // 3600:02d}:{sec // 60 % 60:02d}:"
            f"{sec % 60:02d}Z",
            "latency_ms": lat,
            "prompt_tokens": pro,
            "completion_tokens": com,
            "cost_usd": cst,
            "judge_score": jud,
            "model": mod,
            "prompt_version": ver,
            "error": "rate_limit" if err else None,
            "guardrail_triggered": gua,
            "query": f"how do I {query} in quillnote",
            "retrieved_doc_dates": ["2026-06-01", "2026-03-15"],
            "cache_hit": hit,
        }
        for sec, lat, pro, com, cst, jud, mod, ver, err, gua, query, hit in columns
    ]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path

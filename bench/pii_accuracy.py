"""PII detector: precision and recall per entity type on labelled JSONL sets, and throughput
in texts per CPU-second on a generated mixed log (~80% texts without PII), in one run.

Each line of a set: {"id", "text", "entities": [{"type", "value"}]}, `value` an exact
substring of `text`. A finding matches an expected entity when the types are equal and the
spans overlap.

Run: `.venv/bin/python bench/pii_accuracy.py --data bench/data/pii_selftest.jsonl`
(`--data` again for more sets, `--regions US,DE` for national phone formats)."""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from llmops_cli.guardrails.guard import Guard
from llmops_cli.guardrails.pii import DEFAULT_REGIONS, PATTERN_ENTITIES, PiiDetector, detector


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.type == other.type and self.start < other.end and other.start < self.end


def expected_spans(row: dict[str, object]) -> list[Span]:
    """Each labelled value located in the text, repeated values at successive places."""
    text = str(row["text"])
    spans, taken = [], Counter[str]()
    for entity in row["entities"]:  # type: ignore[attr-defined]
        value, start = entity["value"], -1
        for _ in range(taken[entity["value"]] + 1):
            start = text.index(value, start + 1)
        taken[value] += 1
        spans.append(Span(entity["type"], start, start + len(value)))
    return spans


def score(pii: PiiDetector, rows: list[dict[str, object]]) -> dict[str, tuple[int, int, int, int]]:
    """Per type: (findings matched, findings, expected matched, expected)."""
    tally: dict[str, list[int]] = {t: [0, 0, 0, 0] for t in PATTERN_ENTITIES}
    found_all = pii.find_many([str(r["text"]) for r in rows])
    for row, findings in zip(rows, found_all, strict=True):
        expected = expected_spans(row)
        found = [Span(f.entity, f.start, f.end) for f in findings if f.entity in tally]
        for f in found:
            tally[f.type][0] += any(f.overlaps(e) for e in expected)
            tally[f.type][1] += 1
        for e in expected:
            tally[e.type][2] += any(e.overlaps(f) for f in found)
            tally[e.type][3] += 1
    return {t: (a, b, c, d) for t, (a, b, c, d) in tally.items()}


def report(name: str, tally: dict[str, tuple[int, int, int, int]]) -> None:
    print(f"\n{name}")
    print(f"{'type':<14} {'precision':>14} {'recall':>14}")
    for etype, (tp_found, found, tp_expected, expected) in tally.items():
        p = f"{tp_found / found:.3f} ({tp_found}/{found})" if found else "- (0/0)"
        r = f"{tp_expected / expected:.3f} ({tp_expected}/{expected})" if expected else "- (0/0)"
        print(f"{etype:<14} {p:>14} {r:>14}")


# -- the mixed log ---------------------------------------------------------------------------

_PLAIN = [
    "How do I export my notes to PDF?",
    "sync finished in {n} ms for workspace {n}",
    "event user.login.ok count={n}",
    "checkout.payment.failed for order ORD-2026-{n}",
    "upgraded quillnote to v4.{d}.{d} (build {n})",
    "GET /api/v1/notes/{n} 200 {d}{d}ms",
    "Can I share a notebook with my team?",
    "retrying job {n} after 429 (attempt {d} of 5)",
    "ImportError in llmops_cli.guardrails.pii line {n}",
    "temperature=0.{d} top_p=0.9 max_tokens={n}",
    "invoice INV-2026-{n} total ${n}.00 due 2026-12-{d}1",
    "The search results are out of date since yesterday.",
    "connection refused: http://127.0.0.1:8080/v1 (attempt {d})",
]
_PII = [
    "Please reach me at jane.doe{n}@example.com about the refund",
    "card 4111 1111 1111 1111 was charged twice, call +1 415 555 0{d}{d}{d}",
    "refund to DE89 3704 0044 0532 0130 00 please",
    "login from 203.0.113.{d}{d} blocked; docs: https://docs.example.com/security",
    "my number is +49 151 2345{n}",
    "SSN 536-22-{n}, mobile +31 6 1234 {n}",
    "see www.quillnote.app/help/{n} or mail support@quillnote.app",
]


def mixed_log(count: int, seed: int = 6) -> list[str]:
    rng = random.Random(seed)

    def fill(template: str) -> str:
        return template.replace("{n}", str(rng.randint(1000, 9999))).replace(
            "{d}", str(rng.randint(0, 9))
        )

    return [fill(rng.choice(_PII if rng.random() < 0.2 else _PLAIN)) for _ in range(count)]


def cpu_rate(call: Callable[[list[str]], object], texts: list[str]) -> float:
    start = time.process_time()
    call(texts)
    return len(texts) / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", type=Path, required=True)
    parser.add_argument("--regions", default=",".join(DEFAULT_REGIONS))
    parser.add_argument("--log-size", type=int, default=20_000)
    args = parser.parse_args()
    pii = detector(tuple(r.strip().upper() for r in args.regions.split(",") if r.strip()))
    pii.find("warm up jane@example.com 4111 1111 1111 1111 +1 415 555 0132")
    total: dict[str, list[int]] = {t: [0, 0, 0, 0] for t in PATTERN_ENTITIES}
    for path in args.data:
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        tally = score(pii, rows)
        report(f"{path} ({len(rows)} texts, regions {','.join(pii.regions)})", tally)
        for t, counts in tally.items():
            total[t] = [a + b for a, b in zip(total[t], counts, strict=True)]
    if len(args.data) > 1:
        report("all sets", {t: (a, b, c, d) for t, (a, b, c, d) in total.items()})

    texts = mixed_log(args.log_size)
    guard = Guard(("pii",))
    guard.pii = pii
    print(f"\nthroughput, mixed log of {len(texts):,} texts (~80% without PII), CPU time:")
    for label, call in (
        ("detector.find_many (batches of 2,000)", lambda ts: _batched(pii.find_many, ts)),
        ("detector.find, one text at a time", lambda ts: [pii.find(t) for t in ts]),
        ("Guard(pii).check_many, as `guard --file`", lambda ts: _batched(guard.check_many, ts)),
    ):
        rate = cpu_rate(call, texts)
        print(f"  {label:<44} {rate:>9,.0f} texts per CPU-second (target >= 1,000)")


def _batched(call: Callable[[list[str]], object], texts: list[str]) -> None:
    for i in range(0, len(texts), 2000):
        call(texts[i : i + 2000])


if __name__ == "__main__":
    main()

"""PII + injection checks on short texts (the labelled corpus, repeated), texts per second in
one process on this machine, one text at a time; all three checks (with toxicity) over batches
as `llmops guard --file` runs them; plus 1 MB inputs.
Run: `.venv/bin/python bench/guardrails_throughput.py`."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from llmops_cli.guardrails.guard import Guard
from llmops_cli.guardrails.pii import may_hold_pii

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "guardrails_corpus.jsonl"


def main() -> None:
    texts = [json.loads(line)["text"] for line in CORPUS.open(encoding="utf-8")]
    guard = Guard(("pii", "injection"))
    start = time.perf_counter()
    guard.check("warm up 1 @")
    print(f"first check (builds Presidio's analyzer): {time.perf_counter() - start:.2f} s")
    # texts that cannot hold a pattern entity skip Presidio: also time only the ones that can
    dense = [t for t in texts if may_hold_pii(t)]
    for label, sample in (("corpus", texts), ("only texts that reach Presidio", dense)):
        batch = sample * (2400 // len(sample))
        rates = []
        for _ in range(5):
            start = time.perf_counter()
            for text in batch:
                guard.check(text)
            rates.append(len(batch) / (time.perf_counter() - start))
        mean_len = sum(map(len, sample)) / len(sample)
        print(
            f"short texts, {label} ({len(sample)} distinct, mean {mean_len:.0f} chars): "
            f"median {statistics.median(rates):.0f} texts/s (target >= 1,000)"
        )
    everything = Guard()
    batch = texts * (2400 // len(texts))
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for i in range(0, len(batch), 500):
            everything.check_many(batch[i : i + 500])
        rates.append(len(batch) / (time.perf_counter() - start))
    print(
        f"pii + injection + toxicity, corpus in batches of 500: "
        f"median {statistics.median(rates):.0f} texts/s"
    )
    prose = " ".join(texts)
    for label, text in [
        ("1 MB prose, dense PII", (prose * 400)[:1_000_000]),
        ("1 MB prose, no digits", ("How do I sync notes? " * 50_000)[:1_000_000]),
        ("1 MB 'ignore ' repeated", "ignore " * 150_000),
    ]:
        start = time.perf_counter()
        everything.check(text)
        print(f"{label:<26} {time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()

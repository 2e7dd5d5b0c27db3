"""Throughput of `llmops guard --file F.jsonl --field text`: texts per CPU-second of the
whole process (start-up and the imports of Presidio / spaCy included), for all checks,
PII + injection, and each check alone, on a 5,000-record mixed log built from the
repository's labelled texts (the guardrails, PII-dev, injection-dev and toxicity corpora,
cycled). Target: 1,000 texts per CPU-second with all checks (stretch: 2,500 for PII +
injection). The first run warms the toxicity weights cache (not counted).
Run: `.venv/bin/python bench/guardrails_throughput.py [--repeat N]`."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import cpu_seconds

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SOURCES = ("guardrails_corpus", "pii_dev", "injection_dev", "toxicity_corpus")
RECORDS, TARGET = 5_000, 1_000
CONFIGS = (
    ("all checks", "pii,injection,toxicity"),
    ("pii + injection", "pii,injection"),
    ("pii", "pii"),
    ("injection", "injection"),
    ("toxicity", "toxicity"),
)


def _mixed_log(path: Path) -> None:
    texts = [
        json.loads(line)["text"]
        for name in SOURCES
        for line in (DATA / f"{name}.jsonl").open(encoding="utf-8")
    ]
    with path.open("w", encoding="utf-8") as out:
        for i, text in zip(range(RECORDS), itertools.cycle(texts), strict=False):
            out.write(json.dumps({"id": i, "text": text}) + "\n")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1, help="runs per row (median)")
    args = parser.parse_args()
    llmops = shutil.which("llmops") or str(Path(sys.executable).parent / "llmops")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "mixed.jsonl"
        _mixed_log(log)

        def run(checks: str) -> float:
            cmd = [llmops, "guard", "--file", str(log), "--field", "text", "--checks", checks]
            return cpu_seconds(cmd)

        run("toxicity")  # warms the toxicity weights cache
        print(f"{RECORDS} records, {log.stat().st_size // 1000} KB; load average {_load()}")
        print(f"{'checks':<16} {'CPU s':>6} {'texts/CPU-s':>12} {'vs 1,000':>9}")
        for label, checks in CONFIGS:
            cpu = statistics.median(run(checks) for _ in range(args.repeat))
            rate = RECORDS / cpu
            print(f"{label:<16} {cpu:6.2f} {rate:12,.0f} {rate / TARGET:8.2f}x")
        print(f"load average at end {_load()}")


if __name__ == "__main__":
    main()

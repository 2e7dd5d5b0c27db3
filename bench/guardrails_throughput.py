"""Throughput of `llmops guard --file F.jsonl --field text`: texts per CPU-second of the
whole process (start-up and the imports of Presidio / spaCy included), for all checks,
PII + injection, and each check alone, on a 5,000-record mixed log built from the
repository's labelled texts (the guardrails, PII-dev, injection-dev and toxicity corpora,
cycled: 791 distinct texts, each ~6 times, as a log repeats prompts), and on the same log
with every text made distinct (a letters-only suffix per record, so `guard` cannot reuse a
report). Targets: 1,000 texts per CPU-second with all checks, 2,500 for PII + injection
(issue #18). Beside it, Presidio direct: its AnalyzerEngine (predefined recognizers, blank
spaCy pipeline) over the same texts in a fresh process. The first run warms the toxicity
weights cache (not counted).
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
RECORDS, TARGET, PII_INJECTION_TARGET = 5_000, 1_000, 2_500
PRESIDIO_DIRECT = """
import json, sys
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
import spacy
class Blank(SpacyNlpEngine):
    def __init__(self):
        super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])
        self.nlp = {"en": spacy.blank("en")}
    def load(self):
        pass
registry = RecognizerRegistry(supported_languages=["en"])
registry.load_predefined_recognizers(languages=["en"])
engine = AnalyzerEngine(registry=registry, nlp_engine=Blank(), supported_languages=["en"])
for line in open(sys.argv[1], encoding="utf-8"):
    engine.analyze(json.loads(line)["text"], language="en")
"""
CONFIGS = (
    ("all checks", "pii,injection,toxicity"),
    ("pii + injection", "pii,injection"),
    ("pii", "pii"),
    ("injection", "injection"),
    ("toxicity", "toxicity"),
)


def _suffix(i: int) -> str:
    """A letters-only tag per record (digits could make PII the text did not hold)."""
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[r]
        if not i:
            return f" (ref {letters})"


def _mixed_log(path: Path, distinct: bool = False) -> None:
    texts = [
        json.loads(line)["text"]
        for name in SOURCES
        for line in (DATA / f"{name}.jsonl").open(encoding="utf-8")
    ]
    with path.open("w", encoding="utf-8") as out:
        for i, text in zip(range(RECORDS), itertools.cycle(texts), strict=False):
            text = text + _suffix(i) if distinct else text
            out.write(json.dumps({"id": i, "text": text}) + "\n")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1, help="runs per row (median)")
    args = parser.parse_args()
    llmops = shutil.which("llmops") or str(Path(sys.executable).parent / "llmops")
    with tempfile.TemporaryDirectory() as tmp:
        log, distinct = Path(tmp) / "mixed.jsonl", Path(tmp) / "distinct.jsonl"
        _mixed_log(log)
        _mixed_log(distinct, distinct=True)

        def run(checks: str, file: Path = log) -> float:
            cmd = [llmops, "guard", "--file", str(file), "--field", "text", "--checks", checks]
            return statistics.median(cpu_seconds(cmd) for _ in range(args.repeat))

        run("toxicity")  # warms the toxicity weights cache
        print(f"{RECORDS} records, {log.stat().st_size // 1000} KB; load average {_load()}")
        print(f"{'checks':<28} {'CPU s':>6} {'texts/CPU-s':>12} {'vs target':>10}")
        for label, checks in CONFIGS:
            rate = RECORDS / (cpu := run(checks))
            goal = PII_INJECTION_TARGET if checks == "pii,injection" else TARGET
            print(f"{label:<28} {cpu:6.2f} {rate:12,.0f} {rate / goal:9.2f}x of {goal:,}")
        ours = RECORDS / (cpu := run("pii,injection", distinct))
        print(
            f"{'pii + injection, distinct':<28} {cpu:6.2f} {ours:12,.0f} "
            f"{ours / PII_INJECTION_TARGET:9.2f}x of {PII_INJECTION_TARGET:,}"
        )
        for name, file in (("mixed", log), ("distinct", distinct)):
            script = [sys.executable, "-c", PRESIDIO_DIRECT, str(file)]
            presidio = RECORDS / statistics.median(cpu_seconds(script) for _ in range(args.repeat))
            pii = RECORDS / run("pii", file)
            print(
                f"Presidio direct ({name}): {presidio:,.0f} texts/CPU-s; llmops guard --checks "
                f"pii {pii:,.0f} = {pii / presidio:.2f}x Presidio"
            )
        print(f"load average at end {_load()}")


if __name__ == "__main__":
    main()

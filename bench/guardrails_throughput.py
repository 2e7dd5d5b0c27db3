"""Throughput of `llmops guard --file F.jsonl --field text`: texts per CPU-second of the
whole process (start-up and imports included), PII + injection (the shipped classifier
included) being the headline: issue #18's target is 2,500 texts per CPU-second on realistic
mixed text in which every text is distinct (`_mixed_text.py`: 5,000 chat questions, log lines,
e-mails, PII-bearing support messages and attacks from templates with varied fields, so the
per-text verdict cache saves nothing), side by side with Presidio direct (its AnalyzerEngine
with the predefined recognizers on a blank spaCy pipeline, in a fresh process) on the same
file. Then, as before: every check and each alone on a 5,000-record log cycling the
repository's labelled corpora (791 distinct texts, each ~6 times, as a log repeats prompts)
and on that log with a letters-only suffix per record. Targets: 1,000 texts per CPU-second
with all checks, 2,500 for PII + injection. The first run warms the toxicity weights cache.
Run: `.venv/bin/python bench/guardrails_throughput.py [--repeat N]`.
"""

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
from _mixed_text import write_log
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
        templated = Path(tmp) / "templated.jsonl"
        _mixed_log(log)
        _mixed_log(distinct, distinct=True)
        write_log(templated, RECORDS)

        def run(checks: str, file: Path = log) -> float:
            cmd = [llmops, "guard", "--file", str(file), "--field", "text", "--checks", checks]
            return statistics.median(cpu_seconds(cmd) for _ in range(args.repeat))

        def presidio(file: Path) -> float:
            script = [sys.executable, "-c", PRESIDIO_DIRECT, str(file)]
            return RECORDS / statistics.median(cpu_seconds(script) for _ in range(args.repeat))

        run("toxicity")  # warms the toxicity weights cache
        print(f"load average {_load()}")
        print(
            f"PII + injection, {RECORDS} distinct templated texts ({templated.stat().st_size // 1000} KB)"
        )
        ours = RECORDS / (cpu := run("pii,injection", templated))
        peer = presidio(templated)
        print(
            f"  llmops guard --checks pii,injection: {cpu:.2f} CPU-s, {ours:,.0f} texts/CPU-s "
            f"= {ours / PII_INJECTION_TARGET:.2f}x of {PII_INJECTION_TARGET:,}; "
            f"Presidio direct (PII alone) {peer:,.0f} texts/CPU-s; llmops {ours / peer:.2f}x Presidio"
        )
        print(f"corpus log: {RECORDS} records, {log.stat().st_size // 1000} KB")
        print(f"{'checks':<28} {'CPU s':>6} {'texts/CPU-s':>12} {'vs target':>10}")
        for label, checks in CONFIGS:
            rate = RECORDS / (cpu := run(checks))
            goal = PII_INJECTION_TARGET if checks == "pii,injection" else TARGET
            print(f"{label:<28} {cpu:6.2f} {rate:12,.0f} {rate / goal:9.2f}x of {goal:,}")
        ours = RECORDS / (cpu := run("pii,injection", distinct))
        print(
            f"{'pii + injection, suffixed':<28} {cpu:6.2f} {ours:12,.0f} "
            f"{ours / PII_INJECTION_TARGET:9.2f}x of {PII_INJECTION_TARGET:,}"
        )
        for name, file in (("mixed", log), ("suffixed", distinct)):
            peer = presidio(file)
            pii = RECORDS / run("pii", file)
            print(
                f"Presidio direct ({name}): {peer:,.0f} texts/CPU-s; llmops guard --checks "
                f"pii {pii:,.0f} = {pii / peer:.2f}x Presidio"
            )
        print(f"load average at end {_load()}")


if __name__ == "__main__":
    main()

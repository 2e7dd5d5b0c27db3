"""Toxicity cost: CPU and wall seconds of a whole `llmops guard --file F --field text` process on
a small file (11 records of tests/data/toxicity_corpus.jsonl), with --checks toxicity and with
all checks, cold (a fresh $XDG_CACHE_HOME, as for a new user) and warm (the same one again);
then in one process: the first call's cost (loading the model) and texts per CPU-second of
`toxicity.scores` over many texts (every text of tests/data and bench/data, cycled, each made
distinct). Which llmops it measures is the one `python -m llmops_cli` finds (PYTHONPATH).
Run: `.venv/bin/python bench/toxicity_speed.py [--repeat N] [--texts N]`."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "tests" / "data").glob("*.jsonl")) + sorted(
    (ROOT / "bench" / "data").glob("*.jsonl")
)
SCORING = """
import json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from llmops_cli.guardrails.toxicity import scores
scores(["warm up"])
t1, c1 = time.perf_counter(), time.process_time()
texts = json.load(sys.stdin)
found = scores(texts)
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"load_cpu": c1 - c0, "load_wall": t1 - t0, "cpu": c2 - c1, "wall": t2 - t1,
                  "n": len(found), "sklearn": "sklearn" in sys.modules}))
"""


def _texts() -> list[str]:
    texts = []
    for path in SOURCES:
        for line in path.open(encoding="utf-8"):
            text = json.loads(line).get("text")
            if isinstance(text, str):
                texts.append(text)
    return texts


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU, wall) seconds of one run of `cmd`, its children included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, wall


def _guard(small: Path, checks: str, repeat: int, tmp: Path) -> dict[str, tuple[float, float]]:
    cmd = [sys.executable, "-m", "llmops_cli", "guard", "--file", str(small), "--field", "text"]
    cmd += ["--checks", checks]
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    for i in range(repeat):
        cache = tmp / f"cache-{checks}-{i}"
        env = {**os.environ, "XDG_CACHE_HOME": str(cache), "MLFLOW_DISABLE_TELEMETRY": "true"}
        cold.append(_run(cmd, env))
        warm.append(_run(cmd, env))
    return {"cold": _medians(cold), "warm": _medians(warm)}


def _medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _scoring(texts: list[str], cache: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", SCORING],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--texts", type=int, default=20_000)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        small = tmp / "small.jsonl"
        lines = (ROOT / "tests" / "data" / "toxicity_corpus.jsonl").read_text().splitlines()
        small.write_text("\n".join(lines[:11]) + "\n")
        print(f"load average at start: {load:.1f}")
        print("guard --file, 11 records: median of", args.repeat, "(CPU s, wall s)")
        for checks in ("toxicity", "pii,injection,toxicity"):
            for state, (cpu, wall) in _guard(small, checks, args.repeat, tmp).items():
                print(f"  {checks:<24} {state}: CPU {cpu:.2f} s, wall {wall:.2f} s")
        base = _texts()
        texts = [f"{base[i % len(base)]} {i}" for i in range(args.texts)]
        runs = [_scoring(texts, tmp / "cache-toxicity-0") for _ in range(args.repeat)]
        cold = statistics.median(
            _scoring(texts[:1], tmp / f"cache-first-{i}")["load_cpu"] for i in range(args.repeat)
        )
        cpu = statistics.median(r["cpu"] for r in runs)
        load_cpu = statistics.median(r["load_cpu"] for r in runs)
        mean_chars = sum(map(len, texts)) / len(texts)
        print(
            f"scores() on {len(texts):,} texts (mean {mean_chars:.0f} chars), warm cache: "
            f"{len(texts) / cpu:,.0f} texts/CPU-s ({cpu * 1e6 / len(texts):.1f} µs a text); "
            f"import + first call {load_cpu * 1e3:.0f} ms CPU (cold cache {cold * 1e3:.0f} ms); "
            f"sklearn imported: {runs[0]['sklearn']}"
        )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

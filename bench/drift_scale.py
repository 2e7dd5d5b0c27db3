"""drift-check at scale: 1,000,000 reference + 200,000 current rows, 6 numeric + 3 categorical
+ 3 rate signals, as JSONL and Parquet; then 10,000,000 rows streamed from Parquet.

Whole-process wall time and peak RSS (of the llmops process, from wait4's rusage), medians of
alternating runs. Run: `.venv/bin/python bench/drift_scale.py [--runs 3] [--big]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".bench" / "drift"
LLMOPS = str(Path(sys.executable).with_name("llmops"))

THRESHOLDS = """kind: thresholds
name: bench-drift
version: 1.0.0
metrics: {latency: {max: 1000000000}}
drift:
  signals:
    latency_ms: {type: numeric, p99_ratio: 2.0}
    ttft_ms: {type: numeric}
    prompt_tokens: {type: numeric}
    completion_tokens: {type: numeric}
    cost_usd: {type: numeric}
    judge_score: {type: quality}
    model: {type: categorical}
    prompt_version: {type: categorical}
    region: {type: categorical}
    error: {type: rate}
    guardrail_triggered: {type: rate}
    refusal: {type: rate}
"""


def frame(n: int, seed: int, shift: float = 0.0) -> pa.Table:
    """Synthetic inference log; `shift` moves latency, tokens, the model mix and errors."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-11-01T00:00:00", "ms")
    return pa.table(
        {
            "timestamp": start
            + (np.arange(n) * (86_400_000 // max(n // 30, 1))).astype("timedelta64[ms]"),
            "latency_ms": rng.lognormal(6.5 + shift, 0.4, n),
            "ttft_ms": rng.lognormal(5.0, 0.3, n),
            "prompt_tokens": rng.poisson(300 * (1 + shift), n),
            "completion_tokens": rng.poisson(120, n),
            "cost_usd": rng.gamma(2.0, 0.001, n),
            "judge_score": np.clip(rng.normal(0.8 - shift / 5, 0.1, n), 0, 1),
            "model": rng.choice(
                ["gpt-4o-mini", "gpt-4o", "claude-3-5"],
                n,
                p=[0.7 - shift / 2, 0.2 + shift / 2, 0.1],
            ),
            "prompt_version": rng.choice(["1.2.0", "1.3.0"], n, p=[0.5, 0.5]),
            "region": rng.choice(["eu", "us", "ap"], n),
            "error": np.where(rng.random(n) < 0.01 + shift / 10, "rate_limit", None),
            "guardrail_triggered": rng.random(n) < 0.02,
            "refusal": rng.random(n) < 0.03,
        }
    )


def write(table: pa.Table, stem: Path) -> None:
    if not stem.with_suffix(".parquet").exists():
        pq.write_table(table, stem.with_suffix(".parquet"), row_group_size=200_000)
    if not stem.with_suffix(".jsonl").exists() and table.num_rows <= 2_000_000:
        table.to_pandas().to_json(
            stem.with_suffix(".jsonl"), orient="records", lines=True, date_format="iso"
        )


def run(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one process, peak RSS from GNU time
    (a forked child's ru_maxrss would start at this harness's size)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 5):
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return wall, int(proc.stderr.strip().splitlines()[-1]) / 1024, proc.returncode


def project() -> Path:
    folder = DATA / "project"
    (folder / "manifests" / "thresholds").mkdir(parents=True, exist_ok=True)
    (folder / "llmops.yaml").write_text("kind: project\nname: bench\n")
    (folder / "manifests" / "thresholds" / "bench.yaml").write_text(THRESHOLDS)
    return folder


def check(ref: Path, cur: Path, proj: Path) -> list[str]:
    return [
        LLMOPS,
        "drift-check",
        "-C",
        str(proj),
        "--thresholds",
        "bench-drift",
        "--reference",
        str(ref),
        "--current",
        str(cur),
        "--no-state",
        "--out",
        str(DATA / "out"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="also 10M rows from Parquet")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    write(frame(1_000_000, 1), DATA / "ref")
    write(frame(200_000, 2, shift=0.1), DATA / "cur")
    proj = project()
    for fmt in ("parquet", "jsonl"):
        cmd = check(DATA / f"ref.{fmt}", DATA / f"cur.{fmt}", proj)
        results = [run(cmd, proj) for _ in range(args.runs)]
        codes = {r[2] for r in results}
        print(
            f"1M+200k {fmt:<8} wall {statistics.median(r[0] for r in results):6.2f} s  "
            f"peak RSS {max(r[1] for r in results):6.0f} MiB  exit {codes}"
        )
    if args.big:
        big = DATA / "big"
        if not big.with_suffix(".parquet").exists():
            writer = None
            for i in range(10):
                t = frame(1_000_000, 100 + i)
                writer = writer or pq.ParquetWriter(big.with_suffix(".parquet"), t.schema)
                writer.write_table(t, row_group_size=200_000)
            assert writer is not None
            writer.close()
        wall, rss, code = run(check(big.with_suffix(".parquet"), DATA / "cur.parquet", proj), proj)
        print(
            f"10M ref (parquet, streamed) + 200k: wall {wall:6.2f} s  peak RSS {rss:6.0f} MiB  "
            f"exit {code}"
        )


if __name__ == "__main__":
    main()

"""Canary analysis at scale: `llmops canary analyze` wall time on 60k and 600k log records,
and the bootstrap of the median difference (latency, cost) drawn from its exact distribution
vs brute-force resampling. Run: .venv/bin/python bench/canary_scale.py"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _timing import median_seconds

from llmops_cli.canary import stats
from llmops_cli.stats import resampled_medians


def write_logs(path: Path, n: int) -> None:
    rng = np.random.default_rng(1)
    treated = rng.random(n) < 0.5
    columns = {
        "prompt_version": np.where(treated, "1.1.0", "1.0.0"),
        "success": rng.random(n) < np.where(treated, 0.83, 0.80),
        "error": rng.random(n) < 0.01,
        "judge_score": np.clip(rng.normal(np.where(treated, 4.1, 4.0), 0.8), 1, 5),
        "latency_ms": rng.lognormal(np.where(treated, 6.55, 6.5), 0.4),
        "cost_usd": rng.lognormal(-7, 0.3, n),
    }
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({k: v[i].item() for k, v in columns.items()}) + "\n")


def main() -> None:
    llmops = str(Path(sys.executable).with_name("llmops"))
    with tempfile.TemporaryDirectory() as tmp:
        for n in (60_000, 600_000):
            logs = Path(tmp) / f"logs{n}.jsonl"
            write_logs(logs, n)
            for flag in ([], ["--sequential"]):
                cmd = [llmops, "canary", "analyze", "--logs", str(logs), "--control", "1.0.0"]
                cmd += ["--treatment", "1.1.0", "--hold-exit", "0", *flag]
                # exit 4 (rollback) is a decision, not a failure: time through a shell
                seconds = median_seconds(["sh", "-c", " ".join(cmd) + " || true"], runs=3)
                print(f"analyze {n:>7,} records {' '.join(flag) or '(fixed)':<13} {seconds:6.2f} s")
    rng = np.random.default_rng(0)
    resampled_medians(rng.random(5000), stats.BOOTSTRAP, 0)  # import scipy.stats outside the timing
    for n in (5_000, 50_000, 300_000):
        x = rng.lognormal(6.5, 0.4, n)
        start = time.perf_counter()
        resampled_medians(x, stats.BOOTSTRAP, 0)
        exact = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(stats.BOOTSTRAP // 100):  # 100 resamples at a time, bounded memory
            np.median(x[rng.integers(0, n, (100, n))], axis=1)
        brute = time.perf_counter() - start
        print(
            f"bootstrap median n={n:>7,}: exact {exact * 1000:7.1f} ms, resampling "
            f"{brute * 1000:8.1f} ms, {brute / exact:6.0f}x"
        )


if __name__ == "__main__":
    main()

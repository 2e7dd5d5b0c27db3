"""What MLflow tracking costs the user who waits for `llmops eval` (issue 18).

Against tests/fakeserver.py (50 ms latency), `transport: openai-http`, concurrency 64, the
default sqlite store: whole-process wall time of the same eval with tracking on (default:
the background logger), `--no-track`, and `--wait-tracking` (the old synchronous helper),
for 1 case and 1,000 cases (cache off), and a 1,000-case cached rerun (`--cache read-only`).
Between runs the background logger is waited for (untimed), so it never overlaps the next
measurement; its own duration is printed too. Targets: tracking on within +0.5 s of
--no-track at 1,000 cases; 1 case under 1.5 s; cached rerun <= 1.0 s.
Run: .venv/bin/python bench/tracking_overhead.py [--runs N]  (N runs each, median; default 1)
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval_throughput import BIN, LLMOPS, REPO, make_project, start_server

ENV = {
    "BENCH_KEY": "sk-bench-000000000000000000",
    "PATH": str(BIN) + ":/usr/bin:/bin",
    "HOME": tempfile.gettempdir(),
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "PYTHONPATH": str(REPO),  # this checkout, whichever install the llmops script is from
}
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 1


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def eval_wall(root: Path, flags: list[str]) -> tuple[float, float, float]:
    """Wall and CPU seconds of one eval (with the helpers it waits for; not the detached
    logger, which is no longer its child), and how long its background logger then took."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    out = subprocess.run(
        [LLMOPS, "eval", "support-bot", "--format", "json", *flags],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
    )
    wall = time.perf_counter() - start
    cpu = cpu_of_children() - cpu
    assert out.returncode == 0, out.stderr[-2000:]
    outcome = json.loads(out.stdout)["mlflow_outcome"]
    if outcome is None:
        return wall, cpu, 0.0
    deadline = time.monotonic() + 180
    while json.loads((root / outcome).read_text())["state"] == "pending":
        assert time.monotonic() < deadline, "background logger did not finish"
        time.sleep(0.05)
    assert json.loads((root / outcome).read_text())["state"] == "logged"
    return wall, cpu, time.perf_counter() - start - wall


def compare(label: str, root: Path, flags: list[str], sync: bool = False) -> None:
    """`sync`: also time `--wait-tracking` (the old way, for reference; once)."""
    modes = {"--no-track": ["--no-track"], "tracking on": []}
    if sync:
        modes["--wait-tracking"] = ["--wait-tracking"]
    medians = {}
    for name, extra in modes.items():
        repeat = 1 if name == "--wait-tracking" else RUNS
        runs = [eval_wall(root, [*flags, *extra]) for _ in range(repeat)]
        medians[name] = statistics.median(w for w, _, _ in runs)
        cpu = statistics.median(c for _, c, _ in runs)
        logger = statistics.median(b for _, _, b in runs)
        note = f"  (background logger then took {logger:.2f} s)" if logger else ""
        print(f"  {label:<28} {name:<16} {medians[name]:6.2f} s wall {cpu:6.2f} s CPU{note}")
    on, off = medians["tracking on"], medians["--no-track"]
    print(f"  {label:<28} tracking on - off: {on - off:+.2f} s, ratio {on / off:.2f}x")


def main() -> None:
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    server, url = start_server(0.05)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "p"
            make_project(root, url, 1000, 64, "openai-http")
            eval_wall(root, ["--no-track", "--limit", "1"])  # warm the OS file cache
            compare("1 case, cache off", root, ["--limit", "1", "--cache", "off"], sync=True)
            compare("1,000 cases, c=64, cache off", root, ["--cache", "off"])
            eval_wall(root, ["--no-track", "--cache", "read-write"])  # record
            compare("1,000 cases cached replay", root, ["--cache", "read-only"])
    finally:
        server.terminate()
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

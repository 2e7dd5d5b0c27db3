"""drift-check vs Evidently's DataDriftPreset on the same 1M + 200k rows (Parquet), 12 columns.

Each tool runs as its own process (reading the same files), alternating, `--runs` times;
medians of wall time and peak RSS (GNU time), as ratios. Then the statistics both compute:
Jensen-Shannon distance of the categorical columns and PSI of the numeric ones.
Needs Evidently in .bench/evidently (`make bench` installs it; it needs pandas<3):
    python3 -m venv .bench/evidently && .bench/evidently/bin/pip install "evidently>=0.7,<0.8" "pandas<3"
Run: `.venv/bin/python bench/drift_vs_evidently.py [--runs 3]` after `bench/drift_scale.py`.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys

from drift_scale import DATA, ROOT, check, project, run

EVIDENTLY = ROOT / ".bench" / "evidently" / "bin" / "python"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ref, cur = DATA / "ref.parquet", DATA / "cur.parquet"
    if not ref.exists():
        sys.exit("run bench/drift_scale.py first (it writes the data)")
    proj = project()
    ours_cmd = check(ref, cur, proj)
    tools = {
        "llmops drift-check": ours_cmd,
        "evidently (defaults)": [
            str(EVIDENTLY),
            str(ROOT / "bench/_evidently_drift.py"),
            str(ref),
            str(cur),
        ],
        "evidently (PSI + JS)": [
            str(EVIDENTLY),
            str(ROOT / "bench/_evidently_drift.py"),
            str(ref),
            str(cur),
            "--same-tests",
        ],
    }
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in tools}
    for _ in range(args.runs):
        for name, cmd in tools.items():
            wall, rss, _ = run(cmd, proj)
            times[name].append((wall, rss))
    base_wall = statistics.median(w for w, _ in times["llmops drift-check"])
    base_rss = statistics.median(r for _, r in times["llmops drift-check"])
    print(f"{'tool':<24}{'wall s':>9}{'peak MiB':>10}{'time x':>9}{'memory x':>10}")
    for name, samples in times.items():
        wall = statistics.median(w for w, _ in samples)
        rss = statistics.median(r for _, r in samples)
        print(f"{name:<24}{wall:>9.2f}{rss:>10.0f}{wall / base_wall:>9.1f}{rss / base_rss:>10.2f}")
    ours = json.loads((DATA / "out" / "drift.json").read_text())
    theirs = json.loads(
        subprocess.run(
            tools["evidently (PSI + JS)"], capture_output=True, text=True, check=True
        ).stdout
    )
    # Evidently's JS distance uses natural logs (ours base 2, in [0, 1]): scale by sqrt(ln 2).
    # Its PSI bins the combined data into Sturges equal-width bins; ours uses 10 reference
    # deciles (DESIGN §7), so PSI agrees in kind, not to the digit.
    print("\nstatistic agreement (llmops, llmops in Evidently's units, evidently):")
    for s in ours["signals"]:
        if s["name"] in theirs and s["statistic"] in ("psi", "js_distance"):
            scaled = s["value"] * (math.sqrt(math.log(2)) if s["statistic"] == "js_distance" else 1)
            print(
                f"  {s['name']:<20}{s['statistic']:<13}{s['value']:>10.4f}{scaled:>10.4f}"
                f"{theirs[s['name']]['value']:>10.4f}"
            )


if __name__ == "__main__":
    main()

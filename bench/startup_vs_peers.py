"""Start-up side by side (issue 8): `llmops --help` against `promptfoo --help`, `gto --help`
and `mlflow --help` — the price of every command before it does any work.

Whole processes, the four tools alternated round by round so machine noise hits them alike;
medians. promptfoo and GTO come from .bench/ (`make bench` installs them), mlflow from this
venv. A peer that is not installed is skipped, with a note.
Run: .venv/bin/python bench/startup_vs_peers.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import median_seconds

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOOLS = {
    "llmops": str(BIN / "llmops"),
    "promptfoo": str(REPO / ".bench/promptfoo/node_modules/.bin/promptfoo"),
    "gto": str(REPO / ".bench/gto/bin/gto"),
    "mlflow": str(BIN / "mlflow"),
}


def main() -> None:
    rounds, runs = 5, 5
    tools = {name: path for name, path in TOOLS.items() if os.access(path, os.X_OK)}
    for name in TOOLS.keys() - tools.keys():
        print(f"note: {name} not installed at {TOOLS[name]}; skipped (`make bench` installs it)")
    # promptfoo writes its config and database under the home folder on first start
    with tempfile.TemporaryDirectory() as home:
        os.environ.update(
            PROMPTFOO_CONFIG_DIR=home,
            PROMPTFOO_DISABLE_TELEMETRY="1",
            PROMPTFOO_DISABLE_UPDATE="1",
            NO_UPDATE_NOTIFIER="1",
            HTTPS_PROXY="http://127.0.0.1:9",  # nothing but loopback (BENCH-NOTES.md)
            HTTP_PROXY="http://127.0.0.1:9",
            NO_PROXY="127.0.0.1,localhost",
            MLFLOW_DISABLE_TELEMETRY="true",
        )
        times: dict[str, list[float]] = {name: [] for name in tools}
        for _ in range(rounds):
            for name, path in tools.items():
                times[name].append(median_seconds([path, "--help"], runs=runs))
    med = {name: statistics.median(t) for name, t in times.items()}
    ours = med["llmops"]
    print(f"--help, median of {rounds} rounds x {runs} runs:")
    for name, seconds in med.items():
        ratio = "" if name == "llmops" else f"   llmops {seconds / ours:5.1f}x faster"
        print(f"  {name:<10} {seconds:6.3f} s{ratio}")


if __name__ == "__main__":
    main()

"""`llmops --help` cold-start median, and its ratio to `python -c "import typer"`; the fixed
cost of a 1-case eval, and its ratio to `python -c "import typer, yaml"`.

Targets: issue 2, `--help` <= 0.35 s and within 2x of importing typer; issue 18 goal 2, a
1-case `llmops eval support-bot --no-track` of the sample <= 0.5 s wall and <= 5x importing
typer and yaml. On a shared machine CPU time (user + sys) is printed beside wall time: it
varies far less with the load. Run: .venv/bin/python bench/startup.py [--eval-only]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import cpu_seconds, median_seconds

llmops = str(Path(sys.executable).parent / "llmops")
python = sys.executable


def help_startup(runs: int = 21) -> None:
    # Alternate the two so machine noise hits both alike.
    help_t, typer_t, bare_t = [], [], []
    for _ in range(3):
        help_t.append(median_seconds([llmops, "--help"], runs=runs // 3))
        typer_t.append(median_seconds([python, "-c", "import typer"], runs=runs // 3))
        bare_t.append(median_seconds([python, "-c", "pass"], runs=runs // 3))
    h, t, b = sorted(help_t)[1], sorted(typer_t)[1], sorted(bare_t)[1]
    print(f"llmops --help            median {h:.3f} s")
    print(f"python -c 'import typer' median {t:.3f} s")
    print(f"python -c 'pass'         median {b:.3f} s")
    print(f"ratio help / import typer: {h / t:.2f}x  (target <= 2x; absolute target <= 0.35 s)")


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process."""
    import time

    start = time.perf_counter()
    cpu = cpu_seconds(cmd, cwd=cwd, env=os.environ | {"MLFLOW_DISABLE_TELEMETRY": "true"})
    return time.perf_counter() - start, cpu


def eval_fixed_cost(runs: int = 7) -> None:
    """A 1-case eval of a fresh copy of the sample (what `make demo` evaluates), after one
    warm-up run (it seals the manifests and golden set and keeps the BM25 answer)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        subprocess.run([llmops, "init", str(root)], check=True, stdout=subprocess.DEVNULL)
        one = [llmops, "eval", "support-bot", "--no-track", "--limit", "1"]
        first = timed(one, root)
        evals, imports = [], []
        for _ in range(runs):  # alternated, so the load hits both alike
            evals.append(timed(one, root))
            imports.append(timed([python, "-c", "import typer, yaml"]))
    ew, ec = (statistics.median(x) for x in zip(*evals, strict=True))
    iw, ic = (statistics.median(x) for x in zip(*imports, strict=True))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"1-case eval, first run (validates, builds the index): {first[0]:.2f} s wall, {first[1]:.2f} s CPU"
    )
    print(f"1-case eval --no-track     median {ew:.3f} s wall  {ec:.3f} s CPU")
    print(f"import typer, yaml         median {iw:.3f} s wall  {ic:.3f} s CPU")
    print(
        f"ratio eval / import: {ew / iw:.2f}x wall, {ec / ic:.2f}x CPU "
        "(target <= 5x; absolute target <= 0.5 s wall)"
    )


if __name__ == "__main__":
    if "--eval-only" not in sys.argv:
        help_startup()
    eval_fixed_cost()

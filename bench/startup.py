"""`llmops --help` cold-start median, and its ratio to `python -c "import typer"`.

Target (issue 2): <= 0.35 s, and within 2x of importing typer. Run: .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import median_seconds

llmops = str(Path(sys.executable).parent / "llmops")
python = sys.executable
runs = 21
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

"""`llmops validate` over a generated project of 1,000 manifests (200 of each kind).

Target (issue 2): < 2 s whole process. Run: .venv/bin/python bench/validate_scale.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import median_seconds

N = 200


def build(root: Path) -> None:
    subprocess.run(
        [str(Path(sys.executable).parent / "llmops"), "init", str(root)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    m = root / "manifests"
    for i in range(N):
        (m / f"prompts/p{i}.yaml").write_text(
            f"kind: prompt\nname: p{i}\nversion: 1.0.{i}\ntemplate:\n  system: 'Context: {{{{ context }}}}'\n"
            "  user: '{{ question }}'\nvariables: [question]\nparameters: {temperature: 0}\n"
        )
        (m / f"models/m{i}.yaml").write_text(
            f"kind: model\nname: m{i}\nversion: 1.0.0\nprovider: local\nmodel: extractive-baseline\n"
            "limits: {concurrency: 8}\n"
        )
        (m / f"retrieval/r{i}.yaml").write_text(
            f"kind: retrieval\nname: r{i}\nversion: 1.0.0\ncorpus: golden_sets/support/corpus\n"
            f"chunk_size: {60 + i}\nchunk_overlap: 10\ntop_k: 3\n"
        )
        (m / f"thresholds/t{i}.yaml").write_text(
            f"kind: thresholds\nname: t{i}\nversion: 1.0.0\nmetrics:\n  token_f1: {{min: 0.{i % 9 + 1}}}\n"
        )
        (m / f"pipelines/pl{i}.yaml").write_text(
            f"kind: pipeline\nname: pl{i}\nversion: 1.0.0\nprompt: p{i}@1.0.{i}\nmodel: m{i}@1.0.0\n"
            f"retrieval: r{i}@1.0.0\nthresholds: t{i}@1.0.0\ngolden_set: golden_sets/support/cases.jsonl\n"
            "scorers: [{type: token_f1}]\n"
        )


with tempfile.TemporaryDirectory() as tmp:
    root = Path(tmp) / "big"
    build(root)
    count = sum(1 for _ in (root / "manifests").rglob("*.yaml"))
    llmops = str(Path(sys.executable).parent / "llmops")
    out = subprocess.run([llmops, "validate"], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    seconds = median_seconds([llmops, "validate"], runs=5, cwd=root)
    print(
        f"llmops validate, {count} manifests ({N} pipelines): median {seconds:.2f} s (target < 2 s)"
    )
    print(f"ratio to target: {seconds / 2:.2f}x of the 2 s budget")

"""Dump every guard verdict on the repository's corpora (bench/data/*.jsonl, tests/data/*.jsonl)
and the bench's generated mixed log, with the shipped classifier's exact score (repr of the
float) on every view, to compare two trees: a speed change must leave each one identical.
Run: `python bench/guard_verdicts.py OUT.json`, then `python bench/guard_verdicts.py --compare
A.json B.json` (exit 1 and the first differences when they differ)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _mixed_text import mixed_texts

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> dict[str, list[str]]:
    out = {"generated-mixed": mixed_texts(5_000)}
    for path in sorted([*ROOT.glob("bench/data/*.jsonl"), *ROOT.glob("tests/data/*.jsonl")]):
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        out[str(path.relative_to(ROOT))] = [r["text"] for r in rows if "text" in r]
    return out


def dump() -> dict[str, Any]:
    from llmops_cli.guardrails.guard import Guard
    from llmops_cli.guardrails.model import load
    from llmops_cli.guardrails.normalize import views

    model = load()
    out: dict[str, Any] = {}
    for name, texts in _texts().items():
        reports = Guard().check_many(texts)
        out[name] = [
            {
                **r.to_dict(),
                "scores": [repr(model.score(v.text)) for v in views(t).views],
            }
            for t, r in zip(texts, reports, strict=True)
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if not args.compare:
        args.paths[0].write_text(json.dumps(dump(), ensure_ascii=False, indent=0))
        return
    a, b = (json.loads(p.read_text()) for p in args.paths)
    diffs = [
        (name, i)
        for name in sorted(set(a) | set(b))
        for i in range(max(len(a.get(name, [])), len(b.get(name, []))))
        if a.get(name, [])[i : i + 1] != b.get(name, [])[i : i + 1]
    ]
    total = sum(len(v) for v in a.values())
    print(f"{total} verdicts in {len(a)} sets; {len(diffs)} differ")
    for name, i in diffs[:10]:
        print(name, i, a.get(name, [])[i : i + 1], b.get(name, [])[i : i + 1])
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()

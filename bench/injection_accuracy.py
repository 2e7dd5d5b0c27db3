"""Prompt-injection accuracy per layer (rules, every rule counting alone; shipped classifier)
and combined: the shipped decision (`detect`, soft rules gated by the classifier's
`threshold_soft`, what `llmops guard` runs), on labelled JSONL files, and throughput in texts
per CPU-second.

Run: `.venv/bin/python bench/injection_accuracy.py --data FILE [--data FILE ...] [--half dev|check]`
Each line: {"id", "text", "label": "injection"|"benign", "family", "lang", "hard_negative"}.
`--half` keeps one fixed half of the rows (by CRC-32 of the id): tune on `dev`, then read
`check` to see how much of the gain was fitted to the dev half. Figures: bench/RESULTS.md."""

from __future__ import annotations

import argparse
import json
import time
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from llmops_cli.guardrails.injection import (
    MODEL_RULE,
    detect,
    detect_many,
    model_finding,
    rule_findings,
)
from llmops_cli.guardrails.model import load
from llmops_cli.guardrails.normalize import views

HALVES = {"dev": 0, "check": 1}


def _rows(paths: list[Path], half: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        rows += [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    if half is not None:
        rows = [r for r in rows if zlib.crc32(str(r["id"]).encode()) % 2 == HALVES[half]]
    return rows


def _verdicts(rows: list[dict[str, Any]]) -> dict[str, list[bool]]:
    """Per layer, whether each row is flagged; "combined" is `detect`'s verdict (the shipped
    decision), not rules OR classifier: a soft rule counts there only with the classifier."""
    out: dict[str, list[bool]] = {"rules": [], "classifier": []}
    for row in rows:
        normalised = views(row["text"])
        out["rules"].append(bool(rule_findings(normalised)))
        out["classifier"].append(model_finding(normalised) is not None)
    out["combined"] = [bool(found) for found in detect_many([r["text"] for r in rows])]
    return out


def _report(rows: list[dict[str, Any]], flagged: list[bool]) -> dict[str, Any]:
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    neg = hard = neg_fp = hard_fp = 0
    for row, hit in zip(rows, flagged, strict=True):
        if row["label"] == "injection":
            caught[row.get("family", "-")][0] += hit
            caught[row.get("family", "-")][1] += 1
        else:
            neg += 1
            neg_fp += hit
            if row.get("hard_negative"):
                hard += 1
                hard_fp += hit
    positives = sum(t for _, t in caught.values())
    return {
        "families": {f: f"{c}/{t} ({c / t:.2f})" for f, (c, t) in sorted(caught.items())},
        "recall": f"{sum(c for c, _ in caught.values())}/{positives} "
        f"({sum(c for c, _ in caught.values()) / max(positives, 1):.3f})",
        "fpr": f"{neg_fp}/{neg} ({neg_fp / max(neg, 1):.3f})",
        "fpr_hard_negatives": f"{hard_fp}/{hard} ({hard_fp / max(hard, 1):.3f})",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--half", choices=sorted(HALVES), help="one fixed half of the rows")
    parser.add_argument("--show-errors", action="store_true", help="print the misses and FPs")
    args = parser.parse_args()
    start = time.process_time()
    load()
    print(
        f"classifier load: {time.process_time() - start:.3f} s CPU (threshold {load().threshold:.3f}"
        f", alone {load().threshold_alone})"
    )
    rows = _rows(args.data, args.half)
    verdicts = _verdicts(rows)
    for layer, flagged in verdicts.items():
        report = _report(rows, flagged)
        print(
            f"\n== {layer}: recall {report['recall']}, FPR {report['fpr']}, "
            f"FPR on hard negatives {report['fpr_hard_negatives']}"
        )
        for family, figure in report["families"].items():
            print(f"   {family:<14} {figure}")
    if args.show_errors:
        for row, hit in zip(rows, verdicts["combined"], strict=True):
            if hit != (row["label"] == "injection"):
                print(f"{'MISS' if not hit else 'FP  '} {row['id']} {row['text'][:110]!r}")
    texts = [r["text"] for r in rows] * max(1, 2000 // max(len(rows), 1))
    start = time.process_time()
    flagged = sum(bool(detect(t)) for t in texts)
    spent = time.process_time() - start
    print(
        f"\nthroughput (rules + classifier, one text at a time): {len(texts) / spent:,.0f} "
        f"texts per CPU-second over {len(texts)} texts ({flagged} flagged; rule "
        f"{MODEL_RULE!r} is the classifier)"
    )


if __name__ == "__main__":
    main()

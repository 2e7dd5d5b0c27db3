"""Every PII finding on every text the benches read, as JSON lines, so a change meant to make
the detector faster can be checked to find exactly what it found before: run it on the old
code and on the new, and compare the two files byte for byte.

Texts: every `text` of bench/data/pii_*.jsonl and bench/data/injection_*.jsonl, then the
5,000 distinct templated texts of guardrails_throughput.py (`_mixed_text.py`). Each text is
read with the default regions and with several regions at once (national phone formats are
matched per region). One line per text and regions: {"source", "i", "regions", "findings":
[[type, start, end, text], ...]}; then a last line with the counts.

Run: `.venv/bin/python bench/pii_parity.py OUT.jsonl`
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _mixed_text import mixed_texts

from llmops_cli.guardrails.pii import DEFAULT_REGIONS, detector

DATA = Path(__file__).resolve().parent / "data"
REGION_SETS = (DEFAULT_REGIONS, ("US", "DE", "GB", "FR", "ES", "IN", "BR"))


def sources() -> list[tuple[str, list[str]]]:
    out = []
    for pattern in ("pii_*.jsonl", "injection_*.jsonl"):
        for path in sorted(DATA.glob(pattern)):
            lines = path.open(encoding="utf-8")
            out.append((path.name, [json.loads(line)["text"] for line in lines if line.strip()]))
    out.append(("_mixed_text(5000)", mixed_texts(5000)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    with args.out.open("w", encoding="utf-8") as out:
        for regions in REGION_SETS:
            pii = detector(regions)
            for name, texts in sources():
                for i, (text, found) in enumerate(zip(texts, pii.find_many(texts), strict=True)):
                    counts["texts"] += 1
                    counts.update(f.entity for f in found)
                    row = {
                        "source": name,
                        "i": i,
                        "regions": ",".join(regions),
                        "findings": [
                            [f.entity, f.start, f.end, text[f.start : f.end]] for f in found
                        ],
                    }
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.write(json.dumps({"counts": dict(sorted(counts.items()))}) + "\n")
    print(dict(sorted(counts.items())))


if __name__ == "__main__":
    main()

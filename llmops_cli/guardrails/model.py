"""The shipped prompt-injection classifier: a logistic regression over hashed character 3-5-grams
and word 1-2-grams, trained by `tools/train_injection_model.py` (sources, licences, sizes and
metrics in `injection_model.md` beside the weights). Inference is pure Python — no numpy, no
scikit-learn — and the 512 KB of int16 weights are read once, on first use, from the package:
nothing is downloaded, ever.
"""

from __future__ import annotations

import json
import math
import re
import sys
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).parent
WEIGHTS = HERE / "injection_model.i16"
META = HERE / "injection_model.json"
BUCKETS = 1 << 18
MAX_CHARS = 1500  # longer texts are scored on their head and tail windows
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


def _counts(text: str) -> Counter[int]:
    """Bucket -> count of the hashed 3-5-grams of the padded lower-case text's UTF-8 bytes
    and its word 1-2-grams."""
    text = _SPACE.sub(" ", text.lower()).strip()
    padded = f" {text} ".encode()  # n-grams of UTF-8 bytes: slicing bytes is cheap
    crc = zlib.crc32
    mask = BUCKETS - 1
    size = len(padded)
    hashes = [crc(padded[i : i + n]) & mask for n in (3, 4, 5) for i in range(size - n + 1)]
    words = _WORD.findall(text)
    hashes += [crc(b"w " + w.encode()) & mask for w in words]
    hashes += [crc(f"b {a} {b}".encode()) & mask for a, b in pairwise(words)]
    return Counter(hashes)


def features(text: str) -> dict[int, float]:
    """`_counts` with sublinear tf, L2-normalised; the training script calls this function,
    `InjectionModel.score` computes the same in one pass."""
    counts = _counts(text)
    weighted = {k: 1.0 + math.log(v) for k, v in counts.items()}
    norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
    return {k: v / norm for k, v in weighted.items()}


def windows(text: str) -> list[str]:
    """The text itself, or for a long one its first and last MAX_CHARS characters and up to
    six evenly spaced windows between (a planted instruction can sit anywhere)."""
    if len(text) <= MAX_CHARS:
        return [text]
    step = max(MAX_CHARS, (len(text) - MAX_CHARS) // 7)
    starts = [*list(range(0, len(text) - MAX_CHARS, step))[:7], len(text) - MAX_CHARS]
    return [text[s : s + MAX_CHARS] for s in starts]


@dataclass(frozen=True)
class InjectionModel:
    weights: array  # type: ignore[type-arg]  # int16, one per bucket
    scale: float  # weight = int16 * scale
    bias: float
    threshold: float  # the lowest score that can count (with a supporting cue)
    version: str
    # the score that counts on its own; from `threshold_plain` the text must also not be a
    # question, from `threshold` it must also speak to the reader in the second person
    # (leave-one-source-out choice, bench/RESULTS.md); None: `threshold` alone decides
    threshold_alone: float | None = None
    threshold_plain: float | None = None

    def score(self, text: str) -> float:
        """Probability that the text is an injection (the highest over its windows)."""
        best = -math.inf
        w, log = self.weights, math.log
        for window in windows(text):
            dot = norm = 0.0
            for k, c in _counts(window).items():  # features(), without building the dict
                v = 1.0 + log(c) if c > 1 else 1.0
                dot += w[k] * v
                norm += v * v
            best = max(best, dot / (math.sqrt(norm) or 1.0) * self.scale + self.bias)
        return 1.0 / (1.0 + math.exp(-best))


@cache
def load() -> InjectionModel:
    meta = json.loads(META.read_text(encoding="utf-8"))
    weights = array("h")
    weights.frombytes(WEIGHTS.read_bytes())
    if sys.byteorder == "big":  # pragma: no cover - stored little-endian
        weights.byteswap()
    if weights.itemsize != 2 or len(weights) != BUCKETS:  # pragma: no cover - a broken install
        raise RuntimeError(f"{WEIGHTS}: expected {BUCKETS} int16 weights")
    return InjectionModel(
        weights,
        scale=float(meta["scale"]),
        bias=float(meta["bias"]),
        threshold=float(meta["threshold"]),
        version=str(meta["version"]),
        threshold_alone=float(meta["threshold_alone"]) if "threshold_alone" in meta else None,
        threshold_plain=float(meta["threshold_plain"]) if "threshold_plain" in meta else None,
    )

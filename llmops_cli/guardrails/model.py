"""The shipped prompt-injection classifier: a logistic regression over hashed character 3-5-grams
and word 1-2-grams, trained by `tools/train_injection_model.py` (sources, licences, sizes and
metrics in `injection_model.md` beside the weights). Inference is pure Python — no numpy, no
scikit-learn — and the 512 KB of int16 weights are read once, on first use, from the package:
nothing is downloaded, ever. A large batch (`InjectionModel.score_many`, what `llmops guard
--file` runs) hashes its n-grams with numpy, imported only then; every score stays
bit-identical to `score`'s (tests/test_injection.py compares them).
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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

HERE = Path(__file__).parent
WEIGHTS = HERE / "injection_model.i16"
META = HERE / "injection_model.json"
BUCKETS = 1 << 18
MAX_CHARS = 1500  # longer texts are scored on their head and tail windows
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
VECTOR_MIN = 64  # texts from which a batch is hashed with numpy (its import ~0.15 CPU-s)
_CHUNK = 256  # docs hashed at once (< 2**14: a doc and a bucket share 32 bits)
_CELLS = 1 << 16  # matrix cells summed at once (512 KB: memory the allocator reuses)


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


SEGMENT_FROM = 240  # a text longer than this is also scored by its passages
SEGMENT_CHARS = 320  # lines (or sentences of a long line) joined up to this length
MAX_SEGMENTS = 64  # passages scored at most (~20 KB; beyond, evenly spaced, first and last kept)
_LINE_BREAK = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def _passages(text: str) -> list[str]:
    """The text's lines, a long line cut at its sentence ends, joined in order into passages
    of up to SEGMENT_CHARS characters: an instruction planted in a long e-mail, ticket or page
    is scored with its own few neighbours, not diluted by the whole carrier."""
    pieces: list[str] = []
    for line in _LINE_BREAK.split(text):
        if len(line) <= SEGMENT_CHARS:
            pieces.append(line)
        else:
            pieces += [p[:MAX_CHARS] for p in _SENTENCE_END.split(line)]
    out: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > SEGMENT_CHARS:
            out.append(current)
            current = piece
        else:
            current = f"{current}\n{piece}" if current else piece
    if current:
        out.append(current)
    if len(out) > MAX_SEGMENTS:  # bounded cost on a long document
        step = (len(out) - 1) / (MAX_SEGMENTS - 1)
        out = [out[round(k * step)] for k in range(MAX_SEGMENTS)]
    return out if len(out) > 1 else []


def windows(text: str) -> list[str]:
    """The text itself, or for a long one its first and last MAX_CHARS characters and up to
    six evenly spaced windows between (a planted instruction can sit anywhere); from
    SEGMENT_FROM characters, also its passages (`_passages`)."""
    if len(text) <= MAX_CHARS:
        whole = [text]
    else:
        step = max(MAX_CHARS, (len(text) - MAX_CHARS) // 7)
        starts = [*list(range(0, len(text) - MAX_CHARS, step))[:7], len(text) - MAX_CHARS]
        whole = [text[s : s + MAX_CHARS] for s in starts]
    if len(text) <= SEGMENT_FROM:
        return whole
    return whole + _passages(text)


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
    # the score from which a soft rule's finding counts (`injection_rules.SOFT_RULES`); None:
    # soft rules count alone
    threshold_soft: float | None = None

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

    def score_many(self, texts: Sequence[str], vectorise: bool | None = None) -> list[float]:
        """`score` of each text; from `VECTOR_MIN` texts (or with `vectorise`) the character
        n-grams of the whole batch are hashed at once with numpy (CRC-32 by table, five
        vectorised steps), and each window's dot product and norm are summed in `_counts`'
        order, one addition at a time, so every score equals `score`'s exactly."""
        if not (len(texts) >= VECTOR_MIN if vectorise is None else vectorise):
            return [self.score(t) for t in texts]
        owner, docs = [], []
        for i, text in enumerate(texts):
            for window in windows(text):
                owner.append(i)
                docs.append(window)
        best = [-math.inf] * len(texts)
        logits = [
            x for at in range(0, len(docs), _CHUNK) for x in _logits(self, docs[at : at + _CHUNK])
        ]
        for i, logit in zip(owner, logits, strict=True):
            best[i] = max(best[i], logit)
        return [1.0 / (1.0 + math.exp(-b)) for b in best]


@cache
def _crc_table() -> Any:
    """zlib's CRC-32 table (reflected polynomial 0xEDB88320), as numpy uint32."""
    import numpy as np

    table = []
    for byte in range(256):
        c = byte
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return np.array(table, dtype=np.uint32)


def _hashed(docs: Sequence[str]) -> tuple[Any, Any]:
    """Each doc's n-gram buckets in `_counts`' order, and the doc of each."""
    import numpy as np

    table, mask = _crc_table(), BUCKETS - 1
    padded: list[bytes] = []
    extra: list[int] = []
    sizes: list[int] = []  # per doc: padded length, word and bigram hashes
    crc = zlib.crc32
    for doc in docs:
        text = _SPACE.sub(" ", doc.lower()).strip()
        padded.append(raw := f" {text} ".encode())
        words = _WORD.findall(text)
        hashes = [crc(b"w " + w.encode()) for w in words]
        hashes += [crc(f"b {a} {b}".encode()) for a, b in pairwise(words)]
        extra += hashes
        sizes += (len(raw), len(hashes))
    data = np.frombuffer(b"".join(padded), dtype=np.uint8)
    total = len(data)
    # CRC-32 of the 3-, 4- and 5-byte runs starting at every offset of the joined buffer
    # (zlib's table, a byte a step), then the word hashes: one source array
    source = np.empty(3 * total + len(extra), dtype=np.uint32)
    state = np.full(total, 0xFFFFFFFF, dtype=np.uint32)
    byte = np.zeros(total, dtype=np.uint32)
    for k in range(5):
        byte[: total - k] = data[k:]
        byte[total - k :] = 0
        state = table[(state ^ byte) & 0xFF] ^ (state >> 8)
        if k >= 2:
            source[(k - 2) * total : (k - 1) * total] = state ^ 0xFFFFFFFF
    source[3 * total :] = extra
    size, n_words = np.array(sizes, dtype=np.int64).reshape(-1, 2).T
    begin = np.cumsum(size) - size
    # per doc, four runs of the source, in `_counts`' order: its 3-, 4-, 5-grams, its words
    run_start = np.stack(
        [begin, begin + total, begin + 2 * total, np.cumsum(n_words) - n_words + 3 * total], axis=1
    ).ravel()
    run_len = np.stack([size - 2, size - 3, size - 4, n_words], axis=1).clip(0)
    per_doc = run_len.sum(axis=1)
    run_len = run_len.ravel()
    index = np.arange(int(run_len.sum())) + np.repeat(
        run_start - (np.cumsum(run_len) - run_len), run_len
    )
    bucket = source[index] & mask
    owner = np.repeat(np.arange(len(docs), dtype=np.uint32), per_doc)  # < 2**14: see _CHUNK
    return bucket, owner


def _logits(model: InjectionModel, docs: Sequence[str]) -> list[float]:
    """`dot / norm * scale + bias` of each doc (a window), as `score` computes it."""
    import numpy as np

    mask = BUCKETS - 1
    bucket, owner = _hashed(docs)
    # group equal (doc, bucket) pairs, stably: two radix passes of 16-bit keys
    low = np.argsort((bucket & 0xFFFF).astype(np.uint16), kind="stable")
    high = (owner[low] << 2 | bucket[low] >> 16).astype(np.uint16)
    order = low[np.argsort(high, kind="stable")]
    key = (owner << 18 | bucket)[order]  # fits 32 bits: fewer than 2**14 docs
    new = np.empty(len(key), dtype=bool)
    new[:1] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, len(key)))
    group = np.cumsum(new) - 1
    of_element = np.empty(len(key), dtype=np.int64)
    of_element[order] = group
    firsts = np.zeros(len(key), dtype=bool)
    firsts[order[starts]] = True  # stable: a group's first element is its first occurrence
    seen = of_element[np.flatnonzero(firsts)]  # groups in first-seen order (the Counter's)
    counts, unique_bucket = counts[seen], key[starts][seen] & mask
    table_tf = np.zeros(int(counts.max(initial=1)) + 1)
    for c in np.flatnonzero(np.bincount(counts)).tolist():  # the counts present, a log each
        table_tf[c] = 1.0 + math.log(c) if c > 1 else 1.0
    tf = table_tf[counts]
    weights = np.frombuffer(model.weights, dtype=np.int16)
    lengths = np.bincount(owner[order[starts]][seen], minlength=len(docs))
    dot = _sequential_sums(lengths, weights[unique_bucket] * tf)
    norm = _sequential_sums(lengths, tf * tf)
    scale, bias, sqrt = model.scale, model.bias, math.sqrt
    return [d / (sqrt(n) or 1.0) * scale + bias for d, n in zip(dot, norm, strict=True)]


def _sequential_sums(lengths: Any, terms: Any) -> list[float]:
    """Each doc's terms (`lengths` of them per doc, in order) added one at a time from 0.0,
    as `score`'s loop adds them (`np.sum` adds pairwise: its last bits differ): the docs in
    rows of a zero-padded matrix, summed by a running sum along the rows (`accumulate` is
    sequential; adding the padding's zeros changes nothing), a few similar lengths at once."""
    import numpy as np

    docs = len(lengths)
    out = np.zeros(docs)
    starts = np.cumsum(lengths) - lengths
    by_length = np.argsort(lengths, kind="stable")
    i = 0
    while i < docs:
        j = i
        while j < docs and (j - i + 1) * max(int(lengths[by_length[j]]), 1) <= _CELLS:
            j += 1
        j = max(j, i + 1)
        rows = by_length[i:j]
        width = max(int(lengths[rows[-1]]), 1)
        row_len = lengths[rows]
        take = np.arange(int(row_len.sum())) + np.repeat(
            starts[rows] - (np.cumsum(row_len) - row_len), row_len
        )
        matrix = np.zeros((len(rows), width))
        column = np.arange(len(take)) - np.repeat(np.cumsum(row_len) - row_len, row_len)
        matrix[np.repeat(np.arange(len(rows)), row_len), column] = terms[take]
        out[rows] = np.add.accumulate(matrix, axis=1)[:, -1]
        i = j
    return out.tolist()


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
        threshold_soft=float(meta["threshold_soft"]) if "threshold_soft" in meta else None,
    )

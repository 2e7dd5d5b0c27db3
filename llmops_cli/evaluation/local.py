"""Built-in offline models (`provider: local`). They need no key and no network.

`extractive-baseline` is a BASELINE, not a language model: it answers with the sentence of the
retrieved context that best matches the question (BM25-style weights over sentences). It
tells you whether an LLM beats "return the best passage".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from llmops_cli.text import content_tokens, sentences

BASELINE_LABEL = "extractive baseline (not an LLM)"
NO_ANSWER = "I don't know. Please contact support."


def extractive_answer(question: str, passages: Sequence[str], max_sentences: int = 1) -> str:
    candidates = [s for passage in passages for s in sentences(passage)]
    if not candidates:
        return NO_ANSWER
    query = set(content_tokens(question))
    docs = [content_tokens(s) for s in candidates]
    frequency = Counter(t for doc in docs for t in set(doc))
    n = len(docs)
    average = sum(len(d) for d in docs) / n or 1.0
    scored = []
    for position, doc in enumerate(docs):
        counts = Counter(doc)
        score = 0.0
        for term in query & counts.keys():
            idf = math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
            tf = counts[term]
            score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(doc) / average))
        # earlier passages rank higher in retrieval: break ties in their favour
        scored.append((score, -position))
    best = sorted(range(n), key=lambda i: scored[i], reverse=True)[:max_sentences]
    if scored[best[0]][0] <= 0:
        return NO_ANSWER
    return " ".join(candidates[i] for i in sorted(best))

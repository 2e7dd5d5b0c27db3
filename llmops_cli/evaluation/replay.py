"""The finished rows of replayed answers, kept across runs. A case answered from the response
cache (or a cassette) with the same golden case, retrieved chunks, answer, scorers, scrubbing
and code gives the same row, so a cached rerun reads the finished row instead of screening,
scoring and scrubbing the case again. A fresh answer's row is kept in the form its replay
will take (`cached`, no attempts), so the first rerun already reads it.

Kept in the guardrail memo (`.llmops/cache/guardrails.sqlite`), keyed by a salted hash of
everything the row is made of: the pipeline's fingerprint (its manifests, the golden set's
and the corpus's content), the case, the request's cache key, the chunks, the answer, the
scrubbing, and the code (every module of llmops_cli by size and mtime, the guardrails'
files, the packages scorers call). Rows are
stored scrubbed, as the journal and the report hold them. A case with a remote scorer (a
judge, embeddings) is never kept: its scores are calls."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llmops_cli.evaluation.memo import GuardrailMemo, guardrails_tag
from llmops_cli.evaluation.plan import EvalOptions, Item
from llmops_cli.evaluation.scorers import REMOTE
from llmops_cli.evaluation.targets import Completion
from llmops_cli.manifests.resolve import ResolvedPipeline

PACKAGE = Path(__file__).resolve().parents[1]
ROW_KIND = "eval-row"
# what scorers call besides llmops_cli (the guardrails' own packages are in guardrails_tag)
SCORER_PACKAGES = ("jsonschema", "referencing", "jsonschema_specifications")  # json_schema


@functools.cache  # once a process: the code it runs is what it imported at the start
def code_tag() -> str:
    """A hash of the code a row depends on: any edit, upgrade or reinstall changes it."""
    digest = hashlib.sha256(guardrails_tag().encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        stat = path.stat()
        name = path.relative_to(PACKAGE).as_posix()
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    for package in SCORER_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            stat = Path(spec.origin).stat()
            digest.update(f"{package}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


class ReplayRows:
    """`key(item, answer)`: the memo key of the row `item` gets from `answer`, or None when
    its row cannot be kept (a remote scorer)."""

    def __init__(
        self,
        memo: GuardrailMemo,
        resolved: ResolvedPipeline,
        options: EvalOptions,
        regions: Sequence[str],
    ) -> None:
        self.memo = memo
        self.resolved = resolved
        self._prefix = json.dumps(
            {
                "code": code_tag(),
                # the manifests, the golden set's and the corpus's content: each case's vars,
                # expected answer, asserts and tags, the scorers, the output contract
                "fingerprint": resolved.fingerprint,
                "scrub": options.scrub_outputs,
                "regions": list(regions),
            },
            sort_keys=True,
        )
        self._specs = resolved.pipeline.get("scorers", ())

    def key(self, item: Item, answer: Completion) -> str | None:
        case = item.case
        if any(s["type"] in REMOTE for s in (*self._specs, *case.asserts)):
            return None  # (an output contract adds a json_schema check: not remote)
        made_of = [
            item.key,  # the target, the messages, the parameters and the repeat index
            case.id,
            item.repeat,
            [[c.id, c.source, c.text] for c in item.retrieved],  # a team's retriever's too
            [
                answer.text,
                answer.latency_ms,
                answer.prompt_tokens,
                answer.completion_tokens,
                answer.cost_usd,
                answer.model,
            ],
        ]
        return self.memo.key(ROW_KIND, self._prefix + json.dumps(made_of, ensure_ascii=False))

    def recall(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        return self.memo.recall_many(keys)

    def keep(self, key: str, row: Mapping[str, Any], fresh: bool) -> None:
        """Keep a finished (scrubbed) row; a `fresh` one as its replay will be."""
        self.memo.keep(key, {**row, "cached": True, "attempts": 0} if fresh else row)

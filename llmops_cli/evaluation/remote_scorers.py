"""Scorers that call a model: the LLM judge (strict JSON, one re-ask on a parse error) and
embedding similarity. Their calls share the runner's cache, rate limiter and retry policy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llmops_cli.evaluation.cache import ResponseCache, cache_key
from llmops_cli.evaluation.calls import call
from llmops_cli.evaluation.judge import (
    REASK,
    JudgeParseError,
    judge_messages,
    judge_request,
    parse_verdict,
)
from llmops_cli.evaluation.plan import Item
from llmops_cli.evaluation.ratelimit import RateLimiter
from llmops_cli.evaluation.rows import case_specs, set_status
from llmops_cli.evaluation.scorers import REMOTE, Score, combined, finite, judged, metric_name
from llmops_cli.evaluation.targets import Completion, Target, make_target
from llmops_cli.manifests.golden import GoldenCase
from llmops_cli.manifests.resolve import ResolvedPipeline


class RemoteScorers:
    """The remote scorers of one run, with one target per model they name."""

    def __init__(
        self,
        resolved: ResolvedPipeline,
        cache: ResponseCache,
        limiter: RateLimiter,
        timeout_s: float,
        retries: int,
    ) -> None:
        self.resolved = resolved
        self.cache = cache
        self.limiter = limiter
        self.timeout_s = timeout_s
        self.retries = retries
        self.targets: dict[str, Target] = {}

    def _target(self, spec: Mapping[str, Any]) -> Target | None:
        model = self.resolved.model_for(spec.get("model"))
        if model is None:
            return None
        if model.ref not in self.targets:
            self.targets[model.ref] = make_target(model, Path("."))
        return self.targets[model.ref]

    def _specs(self, item: Item) -> list[Mapping[str, Any]]:
        """The case's remote scorers (judges, embedding similarities)."""
        return [s for s in case_specs(self.resolved, item.case) if s["type"] in REMOTE]

    def applies(self, item: Item) -> bool:
        """Whether a remote scorer scores this case (its calls then keep the case's slot)."""
        return bool(self._specs(item))

    async def score(self, item: Item, completion: Completion, row: dict[str, Any]) -> None:
        specs = self._specs(item)
        if not specs:
            return
        seen: dict[str, Score] = {}  # two judges of one name: both must pass (`combined`)
        for spec in specs:
            target = self._target(spec)
            if target is None:
                result = Score(None, None, "no judge model named")
            elif spec["type"] == "judge":
                result = await self._judge(spec, target, item, completion)
            else:
                result = await self._similarity(spec, item, completion)
            name = metric_name(spec)
            result = finite(result, item.case.id, name)
            seen[name] = combined(seen[name], result) if name in seen else result
            row["scores"][name] = seen[name].to_dict()
        set_status(row)

    async def _judge(
        self, spec: Mapping[str, Any], target: Target, item: Item, completion: Completion
    ) -> Score:
        question = str(
            item.request.variables.get("question") or item.request.messages[-1]["content"]
        )
        messages = judge_messages(
            spec,
            question,
            completion.text,
            str(item.request.variables.get("context", "")),
            "" if item.case.expected is None else str(item.case.expected),
        )
        raw_texts = []
        for attempt in range(2):  # the first ask, then one re-ask with the parse error
            request = judge_request(messages, {})
            key = cache_key(target.identity, messages, request.parameters, 0, "judge")
            answer, error, _, _ = await call(
                request, key, target, self.cache, self.limiter, self.timeout_s, self.retries
            )
            if answer is None:
                return Score(None, None, f"judge call failed: {error}")
            raw_texts.append(answer.text)
            try:
                value, reason = parse_verdict(answer.text)
            except JudgeParseError as exc:
                if attempt == 1:
                    return Score(None, None, str(exc), raw="\n---\n".join(raw_texts))
                messages = [
                    *messages,
                    {"role": "assistant", "content": answer.text},
                    {"role": "user", "content": REASK},
                ]
                continue
            result = judged(spec, (value - 1) / 4)
            return Score(
                result.value,
                result.passed,
                reason if result.passed is not False else f"{reason} ({result.reason})",
                raw="\n---\n".join(raw_texts),
            )
        return Score(None, None, "judge gave no verdict")  # pragma: no cover

    async def _similarity(
        self, spec: Mapping[str, Any], item: Item, completion: Completion
    ) -> Score:
        model = self.resolved.model_for(spec.get("model"))
        expected = spec.get("value", item.case.expected)
        if model is None or expected is None:
            return Score(None, None, "needs a `model:` and an expected answer")
        from llmops_cli.evaluation.litellm_target import cosine_similarity

        try:
            value = await cosine_similarity(model, completion.text, str(expected), self.timeout_s)
        except Exception as exc:  # any provider failure leaves the metric unmeasured
            return Score(None, None, f"embedding call failed: {type(exc).__name__}: {exc}")
        return judged(spec, value)


def prepare_remote_scorers(resolved: ResolvedPipeline, cases: Sequence[GoldenCase]) -> None:
    """Import litellm now, never inside a call's timeout, if a judge or embedding needs it."""
    from llmops_cli.evaluation.litellm_target import quiet_litellm
    from llmops_cli.evaluation.targets import transport

    remote = {
        (s["type"], s.get("model"))
        for c in cases
        for s in case_specs(resolved, c)
        if s["type"] in REMOTE
    }
    for kind, ref in remote:
        model = resolved.model_for(ref)
        if (
            model is not None
            and model.provider not in ("local", "python")
            and (kind == "embedding_similarity" or transport(model) == "litellm")
        ):
            quiet_litellm()
            return

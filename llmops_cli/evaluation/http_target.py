"""`transport: openai-http`: the direct OpenAI-compatible client (no litellm)."""

from __future__ import annotations

import os
import time
from typing import Any

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.pricing import cost_usd
from llmops_cli.evaluation.targets import (
    Completion,
    Request,
    TargetError,
    answer_text,
    api_key,
    retry_after_header,
)
from llmops_cli.manifests.model import ModelManifest

OPENAI_BASE = "https://api.openai.com/v1"


class HttpTarget:
    """`transport: openai-http`: POST /chat/completions to an OpenAI-compatible `api_base`
    with one pooled aiohttp session. No litellm import (~5 s) and well under a millisecond of
    client CPU per call; retries, timeouts and caching are the runner's, as for litellm."""

    cacheable = True

    def __init__(self, model: ModelManifest) -> None:
        base = model.get("api_base") or (OPENAI_BASE if model.provider == "openai" else None)
        if not base:
            raise LlmopsError(f"{model.path}: transport openai-http needs `api_base`")
        self.model = model
        self.url = str(base).rstrip("/") + "/chat/completions"
        # as LiteLLMTarget's: cached answers stay valid when only the transport changes
        self.identity = f"{model.litellm_id}@{model.get('api_base', '')}"
        self.api_key = api_key(model) or os.environ.get("OPENAI_API_KEY")
        self._session: Any = None

    def prepare(self) -> None:
        pass

    async def _client(self) -> Any:
        import aiohttp

        if self._session is None:
            headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
            connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(headers=headers, connector=connector)
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def complete(self, request: Request, timeout_s: float) -> Completion:
        import json as _json

        import aiohttp

        session = await self._client()
        body = {"model": self.model.model, "messages": request.messages, **request.parameters}
        start = time.perf_counter()
        try:
            async with session.post(
                self.url, json=body, timeout=aiohttp.ClientTimeout(total=timeout_s)
            ) as response:
                raw = await response.read()
                status, headers = response.status, response.headers
        except TimeoutError as exc:
            raise TargetError(f"timed out after {timeout_s:g} s", retryable=True) from exc
        except aiohttp.ClientError as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}", retryable=True) from exc
        latency = (time.perf_counter() - start) * 1000
        if status != 200:
            retry_after = retry_after_header(headers.get("Retry-After"))
            retryable = status == 429 or status >= 500 or status == 408
            text = raw[:200].decode("utf-8", "replace")
            raise TargetError(
                f"HTTP {status}: {text}", retryable=retryable, retry_after=retry_after
            )
        try:
            data = _json.loads(raw)
            first = (data["choices"] or [{}])[0]
            content = first["message"]["content"] if first else None
            finish = first.get("finish_reason")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise TargetError(f"malformed response: {exc}", retryable=True) from exc
        text = answer_text(bool(first), content, finish)
        usage = data.get("usage") or {}
        prompt_tokens = int(usage.get("prompt_tokens") or 0)
        completion_tokens = int(usage.get("completion_tokens") or 0)
        cost = cost_usd(self.model, prompt_tokens, completion_tokens)
        return Completion(
            text=text,
            latency_ms=latency,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost_usd=cost,
            model=self.model.litellm_id,
        )

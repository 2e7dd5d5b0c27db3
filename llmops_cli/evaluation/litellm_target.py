"""Calls through litellm (every provider but the direct OpenAI client): completions,
embeddings, and litellm's exceptions translated into retryable or final TargetErrors."""

from __future__ import annotations

import time
from typing import Any

from llmops_cli.evaluation.pricing import cost_usd
from llmops_cli.evaluation.targets import (
    Completion,
    Request,
    TargetError,
    answer_text,
    api_key,
    remote_identity,
    retry_after_header,
)
from llmops_cli.manifests.model import ModelManifest


class LiteLLMTarget:
    cacheable = True

    def __init__(self, model: ModelManifest) -> None:
        self.model = model
        self.identity = remote_identity(model)
        self.api_key = api_key(model)

    def prepare(self) -> None:
        quiet_litellm()  # ~2-5 s of imports: never inside a call's timeout

    async def complete(self, request: Request, timeout_s: float) -> Completion:
        litellm = quiet_litellm()
        kwargs: dict[str, Any] = dict(request.parameters)
        if self.model.get("api_base"):
            kwargs["api_base"] = self.model.get("api_base")
        if self.api_key:
            kwargs["api_key"] = self.api_key
        start = time.perf_counter()
        try:
            response = await litellm.acompletion(
                model=self.model.litellm_id,
                messages=request.messages,
                timeout=timeout_s,
                num_retries=0,
                max_retries=0,
                **kwargs,
            )
        except Exception as exc:
            raise _classify(exc) from exc
        latency = (time.perf_counter() - start) * 1000
        choices = getattr(response, "choices", None) or [None]
        message = getattr(choices[0], "message", None)
        text = answer_text(
            choices[0] is not None,
            getattr(message, "content", None),
            getattr(choices[0], "finish_reason", None),
        )
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        return Completion(
            text=text,
            latency_ms=latency,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost_usd=cost_usd(self.model, prompt_tokens, completion_tokens),
            model=self.model.litellm_id,
        )


def quiet_litellm() -> Any:
    """litellm, imported on first use and told not to print help banners on every error."""
    from llmops_cli.extras import needed

    with needed("litellm"):
        import litellm

    litellm.suppress_debug_info = True
    return litellm


_RETRYABLE = (
    "RateLimitError",
    "Timeout",
    "APIConnectionError",
    "InternalServerError",
    "ServiceUnavailableError",
    "APIError",
    "JSONDecodeError",
    "BadGatewayError",
)


def _classify(exc: Exception) -> TargetError:
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    retryable = name in _RETRYABLE or (isinstance(status, int) and (status == 429 or status >= 500))
    if name in (
        "AuthenticationError",
        "PermissionDeniedError",
        "BadRequestError",
        "NotFoundError",
        "ContextWindowExceededError",
        "ContentPolicyViolationError",
    ):
        retryable = False
    message = str(getattr(exc, "message", "") or exc).splitlines()[0][:300]
    return TargetError(f"{name}: {message}", retryable=retryable, retry_after=_retry_after(exc))


def _retry_after(exc: Exception) -> float | None:
    headers: Any = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
    if not headers:
        return None
    return retry_after_header(headers.get("retry-after") or headers.get("Retry-After"))


async def cosine_similarity(model: ModelManifest, a: str, b: str, timeout_s: float) -> float:
    """Cosine similarity of two texts' embeddings, clipped to [0, 1]."""
    import math

    kwargs: dict[str, Any] = {}
    if model.get("api_base"):
        kwargs["api_base"] = model.get("api_base")
    key = api_key(model)
    if key:
        kwargs["api_key"] = key
    response = await quiet_litellm().aembedding(
        model=model.litellm_id, input=[a, b], timeout=timeout_s, **kwargs
    )
    u, v = (item["embedding"] for item in response.data)
    dot = sum(x * y for x, y in zip(u, v, strict=True))
    norm = math.sqrt(sum(x * x for x in u)) * math.sqrt(sum(y * y for y in v))
    return max(0.0, min(1.0, dot / norm)) if norm else 0.0

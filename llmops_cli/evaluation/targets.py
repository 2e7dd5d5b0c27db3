"""What an eval calls for each case: a litellm model, the team's own Python function, or a
built-in local model. Each returns a Completion; failures raise TargetError saying whether a
retry might help."""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.local import extractive_answer
from llmops_cli.manifests.model import ModelManifest

OPENAI_BASE = "https://api.openai.com/v1"

Messages = list[dict[str, str]]


@dataclass(frozen=True)
class Completion:
    text: str
    latency_ms: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    model: str = ""


class TargetError(Exception):
    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class Request:
    """Everything a target needs for one call (also what the response cache keys on)."""

    messages: Messages
    parameters: Mapping[str, Any]
    variables: Mapping[str, Any]
    passages: Sequence[str] = field(default_factory=tuple)


class Target(Protocol):
    identity: str  # what the cache keys on besides the request
    cacheable: bool

    def prepare(self) -> None:
        """Heavy set-up (imports), done before any call's timeout starts ticking."""
        ...

    async def complete(self, request: Request, timeout_s: float) -> Completion: ...


def load_callable(spec: str, root: Path) -> Callable[..., Any]:
    """`python:package.module:function`, imported with the project root on sys.path."""
    try:
        _, module_name, function_name = spec.split(":")
    except ValueError as exc:
        raise LlmopsError(f"{spec!r}: expected python:module:function") from exc
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LlmopsError(f"{spec}: cannot import {module_name!r}: {exc}") from exc
    except Exception as exc:  # a SyntaxError or a crash in the team's module: theirs to fix
        raise LlmopsError(
            f"{spec}: importing {module_name!r} failed: {type(exc).__name__}: {exc}"
        ) from exc
    function = getattr(module, function_name, None)
    if not callable(function):
        raise LlmopsError(f"{spec}: {module_name} has no function {function_name!r}")
    return function  # type: ignore[no-any-return]


class LocalTarget:
    cacheable = False  # its "model" is llmops code and answers in microseconds

    def __init__(self, model: ModelManifest) -> None:
        self.identity = f"local/{model.model}"

    def prepare(self) -> None:
        pass

    async def complete(self, request: Request, timeout_s: float) -> Completion:
        start = time.perf_counter()
        question = str(request.variables.get("question") or request.messages[-1]["content"])
        text = extractive_answer(question, request.passages)
        words = sum(len(m["content"].split()) for m in request.messages)
        return Completion(
            text=text,
            latency_ms=(time.perf_counter() - start) * 1000,
            prompt_tokens=words,
            completion_tokens=len(text.split()),
            cost_usd=0.0,
            model=self.identity,
        )


class PythonTarget:
    """`provider: python`, `model: module:function`. The function receives the case's
    variables, the retrieved passages and the rendered messages; it may be async; it returns
    a string or a mapping with `text` (and optional `prompt_tokens`, `completion_tokens`)."""

    cacheable = True

    def __init__(self, model: ModelManifest, root: Path) -> None:
        self.function = load_callable(f"python:{model.model}", root)
        # key the cache on the code too: editing the function must not replay old answers
        source = inspect.getsourcefile(self.function)
        digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()[:16] if source else ""
        self.identity = f"python/{model.model}@{digest}"

    def prepare(self) -> None:
        pass

    async def complete(self, request: Request, timeout_s: float) -> Completion:
        import asyncio

        start = time.perf_counter()
        kwargs = {
            "variables": dict(request.variables),
            "passages": list(request.passages),
            "messages": request.messages,
        }
        try:
            if inspect.iscoroutinefunction(self.function):
                result = await asyncio.wait_for(self.function(**kwargs), timeout_s)
            else:
                result = await asyncio.wait_for(
                    asyncio.to_thread(self.function, **kwargs), timeout_s
                )
        except TimeoutError as exc:
            raise TargetError(f"timed out after {timeout_s:g} s", retryable=True) from exc
        except Exception as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}", retryable=False) from exc
        latency = (time.perf_counter() - start) * 1000
        if isinstance(result, Mapping):
            return Completion(
                text=answer_text(True, result.get("text"), None, retryable=False),
                latency_ms=latency,
                prompt_tokens=int(result.get("prompt_tokens", 0)),
                completion_tokens=int(result.get("completion_tokens", 0)),
                model=self.identity,
            )
        # never "None" or ""; not retried: the team's function would answer the same again
        text = answer_text(True, result, None, retryable=False)
        return Completion(text=text, latency_ms=latency, model=self.identity)


def api_key(model: ModelManifest) -> str | None:
    """The key from the variable `api_key_env` names; a clear error when it is unset."""
    key_env = model.get("api_key_env")
    if not key_env:
        return None  # litellm then reads the provider's usual variable itself
    key = os.environ.get(key_env)
    if not key:
        raise LlmopsError(
            f"{model.path}: model {model.ref} needs the environment variable {key_env}; "
            "set it, or switch the pipeline to a local model"
        )
    return key


class LiteLLMTarget:
    cacheable = True

    def __init__(self, model: ModelManifest) -> None:
        self.model = model
        self.identity = f"{model.litellm_id}@{model.get('api_base', '')}"
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


def answer_text(
    has_choice: bool, content: Any, finish_reason: Any, *, retryable: bool = True
) -> str:
    """The answer of a well-formed response. No choice, `content: null` or a blank answer is
    a TargetError with the reason, so the case is retried (unless not `retryable`) and then
    `errored`: an empty answer must never be scored (it would pass `not_contains`, refusal and
    safety checks)."""
    if isinstance(content, str) and content.strip():
        return content
    if not has_choice:
        raise TargetError("the model returned no choices", retryable=retryable)
    what = "null content" if content is None else f"an empty answer ({content!r})"
    if not isinstance(content, str | None):
        what = f"content of type {type(content).__name__}, not text"
    why = f" (finish_reason: {finish_reason})" if finish_reason else ""
    # a content filter or an exhausted max_tokens would answer the same way again
    retryable = retryable and finish_reason not in ("content_filter", "length")
    raise TargetError(f"the model returned {what}{why}", retryable=retryable)


def quiet_litellm() -> Any:
    """litellm, imported on first use and told not to print help banners on every error."""
    from llmops_cli.extras import needed

    with needed("litellm"):
        import litellm

    litellm.suppress_debug_info = True
    return litellm


def cost_usd(model: ModelManifest, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Manifest `pricing` wins; otherwise litellm's bundled price map; None when unknown."""
    pricing = model.get("pricing")
    if pricing:
        return (
            float(
                prompt_tokens * pricing.get("input_per_1m_tokens", 0)
                + completion_tokens * pricing.get("output_per_1m_tokens", 0)
            )
            / 1e6
        )
    prices = _price_map()
    entry = prices.get(model.litellm_id) or prices.get(str(model.model))
    if not isinstance(entry, dict) or "input_cost_per_token" not in entry:
        return None
    return float(
        prompt_tokens * entry["input_cost_per_token"]
        + completion_tokens * entry.get("output_cost_per_token", 0.0)
    )


@functools.cache
def _price_map() -> dict[str, Any]:
    """litellm's bundled price map, read as JSON without importing litellm (~5 s)."""
    import importlib.util
    import json

    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations)))
    try:
        data = json.loads((path / "model_prices_and_context_window_backup.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


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
    return _retry_after_header(headers.get("retry-after") or headers.get("Retry-After"))


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


def make_target(model: ModelManifest, root: Path) -> Target:
    if model.provider == "local":
        return LocalTarget(model)
    if model.provider == "python":
        return PythonTarget(model, root)
    if transport(model) == "openai-http":
        return HttpTarget(model)
    return LiteLLMTarget(model)


def transport(model: ModelManifest) -> str:
    """`transport:` as written; by default the direct client for provider openai (OpenAI or
    any OpenAI-compatible `api_base`): one HTTP call, none of litellm's ~5 s import and ~6 ms
    CPU per call; litellm for every other provider, whose APIs it translates."""
    return str(
        model.get("transport") or ("openai-http" if model.provider == "openai" else "litellm")
    )


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
            retry_after = _retry_after_header(headers.get("Retry-After"))
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


def _retry_after_header(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None

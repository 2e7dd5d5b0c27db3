"""`transport: openai-http`: the direct OpenAI-compatible client (no litellm)."""

from __future__ import annotations

import base64
import os
import time
from typing import Any

from llmops_cli import __version__
from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.http_client import Endpoint, HttpPool, ProtocolError
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

OPENAI_BASE = "https://api.openai.com/v1"


def proxied(url: str) -> bool:
    """Whether the environment (HTTPS_PROXY / HTTP_PROXY, less NO_PROXY) sends `url` through
    a proxy: the lean client speaks no CONNECT, so such hosts go over aiohttp."""
    if not any(name.lower().endswith("_proxy") for name in os.environ):
        return False  # the common case, without importing urllib.request
    import urllib.request
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    if not proxies.get(parts.scheme):
        return False
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    return not bypass(parts.hostname or "", proxies)


class HttpTarget:
    """`transport: openai-http`: POST /chat/completions to an OpenAI-compatible `api_base`
    over llmops' own keep-alive HTTP/1.1 pool (`http_client`), or a pooled aiohttp session
    where a proxy is configured. No litellm import (~5 s) and ~0.1 ms of client CPU per call;
    retries, timeouts and caching are the runner's, as for litellm."""

    cacheable = True

    def __init__(self, model: ModelManifest) -> None:
        base = model.get("api_base") or (OPENAI_BASE if model.provider == "openai" else None)
        if not base:
            raise LlmopsError(f"{model.path}: transport openai-http needs `api_base`")
        self.model = model
        self.url = str(base).rstrip("/") + "/chat/completions"
        # as LiteLLMTarget's: cached answers stay valid when only the transport changes
        self.identity = remote_identity(model)
        self.api_key = api_key(model) or os.environ.get("OPENAI_API_KEY")
        if self.api_key and ("\r" in self.api_key or "\n" in self.api_key):
            raise LlmopsError(  # it would end the header early; the key itself is not shown
                f"{model.path}: model {model.ref}: the API key contains a line break"
            )
        if self.api_key and not (self.api_key.isascii() and self.api_key.isprintable()):
            raise LlmopsError(  # a pasted zero-width space or en dash; the key is not shown
                f"{model.path}: model {model.ref}: the API key contains a character that is "
                "not printable ASCII (a pasted zero-width space, dash or quote?)"
            )
        self.headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": f"llmops/{__version__}",
        }
        try:
            self.endpoint = Endpoint.parse(self.url)
        except ValueError as exc:
            raise LlmopsError(f"{model.path}: api_base: {exc}") from exc
        endpoint = self.endpoint  # the URL without credentials: aiohttp gets them as a header
        self.url = f"{endpoint.scheme}://{endpoint.host_header}{endpoint.target}"
        if self.endpoint.credentials is not None:  # user:pass@host, as aiohttp sent them
            token = base64.b64encode(":".join(self.endpoint.credentials).encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"
        elif self.api_key:
            self.headers["Authorization"] = f"Bearer {self.api_key}"
        self.via_aiohttp = proxied(self.url)
        # made here, closed by aclose and kept: a call still in flight (or a late one) then
        # closes its connection instead of filling a new pool that nobody closes
        self._pool = HttpPool()
        self._session: Any = None
        self._closed = False

    def prepare(self) -> None:
        pass

    async def _client(self) -> Any:
        import aiohttp

        if self._session is None:
            connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                headers=self.headers, connector=connector, trust_env=True
            )
        return self._session

    async def aclose(self) -> None:
        self._closed = True
        await self._pool.aclose()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _post_aiohttp(self, body: bytes, timeout_s: float) -> tuple[int, str | None, bytes]:
        import aiohttp

        if self._closed:
            raise TargetError("the target is closed", retryable=False)
        session = await self._client()
        try:
            async with session.post(
                self.url, data=body, timeout=aiohttp.ClientTimeout(total=timeout_s)
            ) as response:
                return response.status, response.headers.get("Retry-After"), await response.read()
        except aiohttp.ClientError as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}", retryable=True) from exc

    async def _post(self, body: bytes, timeout_s: float) -> tuple[int, str | None, bytes]:
        """Status, Retry-After and body of one POST; TimeoutError past `timeout_s`."""
        if self.via_aiohttp:
            return await self._post_aiohttp(body, timeout_s)
        try:
            response = await self._pool.request(
                "POST", self.endpoint, self.headers, body, timeout_s
            )
        except ProtocolError as exc:  # unparsable answers (ValueError included) are these
            raise TargetError(f"malformed response: {exc}", retryable=True) from exc
        except ValueError as exc:  # UnicodeEncodeError: a header that HTTP cannot carry
            raise TargetError(f"the request cannot be sent: {exc}", retryable=False) from exc
        except TimeoutError:  # an OSError too: complete() words it
            raise
        except OSError as exc:  # refused, reset, closed, TLS (certificate) failures
            where = f"{self.endpoint.host}:{self.endpoint.port}"  # as aiohttp's errors named it
            raise TargetError(f"{type(exc).__name__} ({where}): {exc}", retryable=True) from exc
        return response.status, response.headers.get("retry-after"), response.body

    async def complete(self, request: Request, timeout_s: float) -> Completion:
        import json as _json

        body = {"model": self.model.model, "messages": request.messages, **request.parameters}
        start = time.perf_counter()
        try:
            status, retry_after, raw = await self._post(_json.dumps(body).encode(), timeout_s)
        except TimeoutError as exc:
            raise TargetError(f"timed out after {timeout_s:g} s", retryable=True) from exc
        latency = (time.perf_counter() - start) * 1000
        if status != 200:
            retryable = status == 429 or status >= 500 or status == 408
            text = raw[:200].decode("utf-8", "replace")
            raise TargetError(
                f"HTTP {status}: {text}",
                retryable=retryable,
                retry_after=retry_after_header(retry_after),
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

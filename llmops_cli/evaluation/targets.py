"""What an eval calls for each case: a litellm model, the team's own Python function, or a
built-in local model. Each returns a Completion; failures raise TargetError saying whether a
retry might help."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.local import extractive_answer
from llmops_cli.manifests.model import ModelManifest

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


# "https://user:secret@host/v1": the part before the host, dropped from what is recorded
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")


def remote_identity(model: ModelManifest) -> str:
    """What the cache keys on and the report names as the target of a remote model: the
    model and its `api_base`, without credentials written into the URL (they would reach the
    report, the journal and the cache's keys)."""
    return f"{model.litellm_id}@{_USERINFO.sub('', str(model.get('api_base', '')))}"


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


def make_target(model: ModelManifest, root: Path) -> Target:
    if model.provider == "local":
        return LocalTarget(model)
    if model.provider == "python":
        return PythonTarget(model, root)
    if transport(model) == "openai-http":
        from llmops_cli.evaluation.http_target import HttpTarget  # asyncio's HTTP, no aiohttp

        return HttpTarget(model)
    from llmops_cli.evaluation.litellm_target import LiteLLMTarget

    return LiteLLMTarget(model)


def transport(model: ModelManifest) -> str:
    """`transport:` as written; by default the direct client for provider openai (OpenAI or
    any OpenAI-compatible `api_base`): one HTTP call, none of litellm's ~5 s import and ~6 ms
    CPU per call; litellm for every other provider, whose APIs it translates."""
    return str(
        model.get("transport") or ("openai-http" if model.provider == "openai" else "litellm")
    )


def retry_after_header(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None

"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

It answers POST /v1/chat/completions. Behaviour is scripted per request: `script` is a list
of modes consumed in order ("ok", "429", "500", "timeout", "reset", "malformed",
"truncated", "null_content", "no_choices"); afterwards every request gets `default`. The answer text comes from
`responder(messages)`. It counts requests and the most requests in flight at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any, Protocol

from aiohttp import web


def echo(messages: list[dict[str, str]]) -> str:
    return f"echo: {messages[-1]['content']}"


class StartServer(Protocol):
    """The `fake_openai` fixture (conftest): starts a server, stopped when the test ends."""

    def __call__(
        self, latency_s: float = 0.0, responder: Callable[[Any], str] = ...
    ) -> FakeOpenAI: ...


class FakeOpenAI:
    def __init__(self, latency_s: float = 0.0, responder: Callable[[Any], str] = echo) -> None:
        self.latency_s = latency_s
        self.stall_s = 2.0  # how long "timeout" requests hang (beyond the client's timeout)
        self.responder = responder
        self.script: list[str] = []
        self.default = "ok"
        self.retry_after: str | None = "0.05"  # the Retry-After header of a "429" (None: none)
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.bodies: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAI:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._stopping = asyncio.Event()
            app = web.Application()
            app.router.add_post("/v1/chat/completions", self._handle)
            app.router.add_post("/chat/completions", self._handle)
            app.router.add_post("/v1/embeddings", self._embeddings)
            app.router.add_post("/embeddings", self._embeddings)
            self._runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self.port = int(self._runner.addresses[0][1])
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            if self._stopping is not None:
                self._stopping.set()  # "timeout" requests stop stalling: no wait on teardown
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None  # stopped: a second stop() is a no-op

    def _next_mode(self) -> str:
        with self._lock:
            self.requests += 1
            return self.script.pop(0) if self.script else self.default

    async def _embeddings(self, request: web.Request) -> web.Response:
        """Hashed bag-of-words vectors: texts sharing words get similar embeddings."""
        body = await request.json()
        with self._lock:
            self.requests += 1
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = []
        for index, text in enumerate(inputs):
            vector = [0.0] * 64
            for word in str(text).lower().split():
                # crc32, not hash(): str hashes change per process, and so did the test's recall
                vector[zlib.crc32(word.strip(".,?!").encode()) % 64] += 1.0
            data.append({"object": "embedding", "index": index, "embedding": vector})
        return web.json_response(
            {
                "object": "list",
                "data": data,
                "model": body.get("model"),
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        mode = self._next_mode()
        body = await request.json()
        self.bodies.append(body)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            if mode == "429":
                return web.json_response(
                    {"error": {"message": "slow down", "type": "rate_limit"}},
                    status=429,
                    headers={"Retry-After": self.retry_after} if self.retry_after else {},
                )
            if mode == "500":
                return web.json_response(
                    {"error": {"message": "boom", "type": "server"}}, status=500
                )
            if mode == "timeout" and self._stopping is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.stall_s)
            if mode == "reset":
                assert request.transport is not None
                request.transport.abort()
                await asyncio.sleep(0.01)
                return web.Response(status=500)
            if mode == "malformed":
                return web.Response(text="{not json", content_type="application/json")
            text = self.responder(body["messages"])
            payload = {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "test"),
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": text},
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }
            if mode == "null_content":  # a well-formed 200 without an answer
                payload["choices"][0]["message"]["content"] = None
            if mode == "no_choices":
                payload["choices"] = []
            raw = json.dumps(payload)
            if mode == "truncated":
                raw = raw[: len(raw) // 2]
            return web.Response(text=raw, content_type="application/json")
        finally:
            self.in_flight -= 1


if __name__ == "__main__":  # a standalone server for benchmarks: python tests/fakeserver.py 0.05
    import sys

    server = FakeOpenAI(latency_s=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0).start()
    print(server.url, flush=True)
    threading.Event().wait()

"""llmops' own HTTP/1.1 client (`transport: openai-http`) against raw servers on 127.0.0.1:
framing, keep-alive, a connection the server closed, deadlines, malformed answers, TLS
verification, and the proxy fallback to aiohttp."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gzip
import ipaddress
import json
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from llmops_cli.errors import LlmopsError
from llmops_cli.evaluation.http_client import Endpoint, HttpPool, ProtocolError
from llmops_cli.evaluation.http_target import HttpTarget, proxied
from llmops_cli.evaluation.targets import Request, TargetError
from llmops_cli.manifests.catalog import load_manifest
from llmops_cli.manifests.model import ModelManifest

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]
ANSWER = json.dumps(
    {
        "choices": [{"finish_reason": "stop", "message": {"content": "hello"}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1},
    }
).encode()


def ok(body: bytes = ANSWER, extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """One request (head and its Content-Length body); b"" at the connection's end."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return b""
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    return head + await reader.readexactly(length)


class Server:
    """A raw TCP (or TLS) server: `handler(reader, writer, n)` serves its n-th connection."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.connections = 0
        self.requests: list[bytes] = []
        self.port = 0

    async def __aenter__(self) -> Server:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            try:
                await self.handler(reader, writer, self.connections)
            except asyncio.CancelledError:
                pass  # a stalling handler, at the loop's end
            finally:
                writer.close()

        self.server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()

    def endpoint(self, scheme: str = "http") -> Endpoint:
        return Endpoint.parse(f"{scheme}://127.0.0.1:{self.port}/v1/chat/completions")

    async def read(self, reader: asyncio.StreamReader) -> bytes:
        request = await read_request(reader)
        if request:
            self.requests.append(request)
        return request


async def post(pool: HttpPool, endpoint: Endpoint, timeout_s: float = 5.0) -> Any:
    return await pool.request(
        "POST", endpoint, {"Content-Type": "application/json"}, b"{}", timeout_s
    )


def run(coro: Awaitable[Any]) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(20):  # a hang fails the test instead of blocking the run
            return await coro

    return asyncio.run(bounded())


def posts(server: Server, count: int) -> list[Any]:
    """`count` requests one after another through one pool, with `server` up."""

    async def main() -> list[Any]:
        pool = HttpPool()
        async with server:
            answers = [await post(pool, server.endpoint()) for _ in range(count)]
            await pool.aclose()
        return answers

    return list(run(main()))


def test_keep_alive_reuses_one_connection_and_sends_content_length() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(ok())

    server = Server(handler)
    answers = posts(server, 3)
    assert [a.status for a in answers] == [200] * 3 and answers[0].body == ANSWER
    assert server.connections == 1 and len(server.requests) == 3
    head = server.requests[0].decode()
    assert head.startswith("POST /v1/chat/completions HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{server.port}\r\n" in head and "Content-Length: 2\r\n" in head
    assert head.endswith("\r\n\r\n{}")


def test_a_chunked_body_is_joined_and_the_connection_kept() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for part in (ANSWER[:10], ANSWER[10:]):
                writer.write(f"{len(part):x};ext=1\r\n".encode() + part + b"\r\n")
            writer.write(b"0\r\nX-Trailer: yes\r\n\r\n")

    server = Server(handler)
    answers = posts(server, 2)
    assert [a.body for a in answers] == [ANSWER, ANSWER]
    assert server.connections == 1


@pytest.mark.parametrize(
    ("answer", "connections"),
    [
        (b"HTTP/1.0 200 OK\r\n\r\n" + ANSWER, 2),  # no length: the body runs to the end
        (ok(gzip.compress(ANSWER), "Content-Encoding: gzip\r\n"), 1),
        (b"HTTP/1.1 100 Continue\r\n\r\n" + ok(), 1),
    ],
)
def test_other_framings(answer: bytes, connections: int) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(answer)
            if answer.startswith(b"HTTP/1.0"):
                return

    server = Server(handler)
    assert [a.body for a in posts(server, 2)] == [ANSWER, ANSWER]
    assert server.connections == connections


def test_connection_close_is_not_pooled() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        writer.write(ok(extra="Connection: close\r\n"))
        await writer.drain()
        with contextlib.suppress(TimeoutError):  # open a while: nothing more must come
            async with asyncio.timeout(0.5):
                await server.read(reader)

    server = Server(handler)
    assert [a.body for a in posts(server, 2)] == [ANSWER, ANSWER]
    assert server.connections == 2 and len(server.requests) == 2


def test_a_pooled_connection_the_server_dropped_is_retried_once_on_a_fresh_one() -> None:
    """The server takes the second request on the kept connection and closes it unanswered
    (as a server timing out an idle connection does the moment the request arrives): nothing
    was received, so the request goes once more, on a new connection."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        writer.write(ok())
        if n == 1:
            await server.read(reader)  # read, never answered: closed

    server = Server(handler)
    assert [a.body for a in posts(server, 2)] == [ANSWER, ANSWER]
    assert server.connections == 2 and len(server.requests) == 3


def raises(server: Server, error: type[BaseException], timeout_s: float = 5.0) -> HttpPool:
    """One request through a new pool fails with `error`; the pool, for a look inside."""

    async def main() -> HttpPool:
        pool = HttpPool()
        async with server:
            with pytest.raises(error):
                await post(pool, server.endpoint(), timeout_s)
        return pool

    return run(main())  # type: ignore[no-any-return]


def test_a_fresh_connection_closed_unanswered_is_an_error_not_a_retry() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)

    server = Server(handler)
    raises(server, ConnectionError)
    assert server.connections == 1  # the runner's retries decide, not the client


def test_a_server_stalling_mid_body_hits_the_deadline() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        writer.write(ok()[:-10])  # all but the last 10 bytes of the body
        await writer.drain()
        await asyncio.sleep(30)

    server = Server(handler)
    pool = raises(server, TimeoutError, timeout_s=0.2)
    assert not pool._idle.get(("http", "127.0.0.1", server.port))  # spent, not pooled


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 2OO OK\r\n\r\n",
        b"SPDY/3 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        # RFC 9112 6.3: differing Content-Lengths, or one beside chunked, frame no body safely
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 4\r\n\r\n{}{}",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n"
        b"2\r\n{}\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n",
    ],
)
def test_a_malformed_response_is_a_protocol_error(answer: bytes) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        writer.write(answer)
        await writer.drain()

    server = Server(handler)
    raises(server, ProtocolError)


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_https_verifies_the_certificate(tmp_path: Path) -> None:
    """A self-signed certificate is refused by default (the system's trust store); trusted
    explicitly, the same server answers: the refusal is the verification, not a broken TLS."""
    cert, key = self_signed(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(ok())

    async def main() -> None:
        async with server:
            with pytest.raises(ssl.SSLCertVerificationError):
                await post(HttpPool(), server.endpoint("https"))
            trusting = HttpPool(ssl.create_default_context(cafile=str(cert)))
            assert (await post(trusting, server.endpoint("https"))).body == ANSWER
            await trusting.aclose()

    server = Server(handler, tls)
    run(main())
    assert len(server.requests) == 1


def model(tmp_path: Path, url: str) -> ModelManifest:
    path = tmp_path / "m.yaml"
    path.write_text(
        "kind: model\nname: m\nversion: 1.0.0\nprovider: openai\n"
        f"model: gpt-4o-mini-2024-07-18\napi_base: {url}\n"
    )
    manifest = load_manifest(path, "m.yaml")
    assert isinstance(manifest, ModelManifest)
    return manifest


REQUEST = Request(messages=[{"role": "user", "content": "hi"}], parameters={}, variables={})


@pytest.mark.parametrize(
    ("answer", "message", "retry_after"),
    [
        (
            b"HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nslow",
            "HTTP 429: slow",
            7.0,
        ),
        (b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n", "HTTP 503: ", None),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{not ", "malformed response", None),
        (b"HTTP/1.1 2OO OK\r\n\r\n", "malformed response: bad status line", None),
        # "²".isdigit() but int("²") raises: one failed case, not a crashed run
        (
            "HTTP/1.1 200 OK\r\nContent-Length: ²\r\n\r\n{}".encode("latin-1"),
            "malformed response: bad Content-Length",
            None,
        ),
    ],
)
def test_the_target_maps_answers_to_retryable_errors(
    tmp_path: Path, answer: bytes, message: str, retry_after: float | None
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        writer.write(answer)
        await writer.drain()

    async def main() -> TargetError:
        async with server:
            target = HttpTarget(model(tmp_path, f"http://127.0.0.1:{server.port}/v1"))
            try:
                with pytest.raises(TargetError) as error:
                    await target.complete(REQUEST, 5.0)
            finally:
                await target.aclose()
            return error.value

    server = Server(handler)
    error = run(main())
    assert str(error).startswith(message) and error.retryable
    assert error.retry_after == retry_after


def test_the_target_times_out_and_answers(tmp_path: Path) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        if n == 1:
            await asyncio.sleep(30)
        writer.write(ok())

    async def main() -> tuple[TargetError, str]:
        async with server:
            target = HttpTarget(model(tmp_path, f"http://127.0.0.1:{server.port}/v1"))
            with pytest.raises(TargetError) as error:
                await target.complete(REQUEST, 0.2)
            completion = await target.complete(REQUEST, 5.0)
            await target.aclose()
            return error.value, completion.text

    server = Server(handler)
    error, text = run(main())
    assert str(error) == "timed out after 0.2 s" and error.retryable and text == "hello"
    assert json.loads(server.requests[0].split(b"\r\n\r\n", 1)[1])["messages"] == REQUEST.messages


def test_a_proxied_host_goes_over_aiohttp_through_the_proxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY names our server: the request reaches it in proxy form (absolute URL);
    NO_PROXY exempts a host."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        writer.write(ok())
        await writer.drain()

    async def main() -> str:
        async with server:
            monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
            target = HttpTarget(model(tmp_path, "http://models.example.invalid/v1"))
            assert target.via_aiohttp
            completion = await target.complete(REQUEST, 5.0)
            await target.aclose()
            return completion.text

    server = Server(handler)
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert run(main()) == "hello"
    assert server.requests[0].startswith(b"POST http://models.example.invalid/v1/chat/completions ")
    monkeypatch.setenv("NO_PROXY", "models.example.invalid")
    assert not proxied("http://models.example.invalid/v1/chat/completions")
    assert not proxied("https://models.example.invalid/v1/chat/completions")  # no HTTPS_PROXY


def test_an_api_key_with_a_line_break_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key pasted with its newline would end the Authorization header early."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-0000\n")
    with pytest.raises(LlmopsError, match="the API key contains a line break") as error:
        HttpTarget(model(tmp_path, "http://127.0.0.1:1/v1"))
    assert "sk-test" not in str(error.value)


@pytest.mark.parametrize(
    "key", ["sk-test-secret\u200b0000", "sk-test\u2013secret", "sk-test\x7fsecret"]
)
def test_an_api_key_that_is_not_printable_ascii_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    """A pasted zero-width space or en dash cannot go into a header (latin-1) or would be
    sent as a wrong key: refused once, at the start, without showing the key."""
    monkeypatch.setenv("OPENAI_API_KEY", key)
    with pytest.raises(LlmopsError, match=r"m\.yaml.*not printable ASCII") as error:
        HttpTarget(model(tmp_path, "http://127.0.0.1:1/v1"))
    assert "sk-test" not in str(error.value)


def test_a_repeated_equal_content_length_is_accepted() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(ok(extra=f"Content-Length: {len(ANSWER)}\r\n"))

    server = Server(handler)
    assert [a.body for a in posts(server, 2)] == [ANSWER, ANSWER]
    assert server.connections == 1


def test_bytes_after_a_framed_body_are_not_read_by_the_next_request() -> None:
    """The first answer comes with a second one nobody asked for, in the same write: the
    connection is not pooled, so the next request gets its own answer, not b"stale"."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(ok() + b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale")

    async def main() -> list[Any]:
        pool = HttpPool()
        async with server:
            first = await post(pool, server.endpoint())
            assert not any(pool._idle.values())  # not pooled at all
            second = await post(pool, server.endpoint())
            await pool.aclose()
        return [first.body, second.body]

    server = Server(handler)
    assert run(main()) == [ANSWER, ANSWER]
    assert server.connections == 2


def test_a_pooled_connection_with_an_unsolicited_response_is_not_used() -> None:
    """A server that answers an idle connection (408, then keeps it open a while): the next
    request takes a fresh connection instead of reading the 408 as its answer."""
    answered, sent = asyncio.Event(), asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        writer.write(ok())
        if n == 1:
            await answered.wait()  # the connection is back in the pool, its buffer empty
            writer.write(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            sent.set()
            await asyncio.sleep(30)

    async def main() -> list[Any]:
        pool = HttpPool()
        async with server:
            first = await post(pool, server.endpoint())
            answered.set()
            await sent.wait()
            await asyncio.sleep(0.2)  # the 408 reaches the client's buffer
            second = await post(pool, server.endpoint())
            await pool.aclose()
        return [first, second]

    server = Server(handler)
    answers = run(main())
    assert [a.status for a in answers] == [200, 200] and answers[1].body == ANSWER
    assert server.connections == 2


def deflate_raw(data: bytes) -> bytes:
    import zlib

    compressor = zlib.compressobj(wbits=-15)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (gzip.compress(ANSWER[:10]) + gzip.compress(ANSWER[10:]), "gzip"),  # two members
        (deflate_raw(ANSWER), "deflate"),  # raw deflate, as some servers send it
    ],
)
def test_gzip_members_and_raw_deflate_are_decoded(body: bytes, encoding: str) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(ok(body, f"Content-Encoding: {encoding}\r\n"))

    server = Server(handler)
    assert [a.body for a in posts(server, 2)] == [ANSWER, ANSWER]


def chunked(parts: list[bytes]) -> bytes:
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    for part in parts:
        answer += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return answer + b"0\r\n\r\n"


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n" + b"x" * 1001,
        chunked([b"x" * 400] * 3),
        b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 1001,  # to the connection's end
        ok(gzip.compress(b"x" * 1001), "Content-Encoding: gzip\r\n"),
    ],
)
def test_a_body_over_the_maximum_is_a_protocol_error(answer: bytes) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        writer.write(answer)
        await writer.drain()

    async def main() -> str:
        pool = HttpPool(max_body=1000)
        async with server:
            with pytest.raises(ProtocolError) as error:
                await post(pool, server.endpoint())
        await pool.aclose()
        return str(error.value)

    server = Server(handler)
    assert "larger than 1000 bytes" in run(main())


def test_a_request_in_flight_at_aclose_leaves_no_connection_open() -> None:
    """`aclose` while a request waits for its answer: the answer still arrives, but its
    connection is closed, not put into the closed pool's idle list."""
    arrived = asyncio.Event()
    closed = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await server.read(reader)
        arrived.set()
        await closed.wait()
        writer.write(ok())
        await writer.drain()
        assert not await reader.read()  # the client closes its end

    async def main() -> tuple[HttpPool, Any]:
        pool = HttpPool()
        async with server:
            pending = asyncio.ensure_future(post(pool, server.endpoint()))
            await arrived.wait()
            await pool.aclose()
            closed.set()
            answer = await pending
        return pool, answer

    server = Server(handler)
    pool, answer = run(main())
    assert answer.body == ANSWER and not any(pool._idle.values())


def test_a_call_after_the_targets_aclose_pools_nothing(tmp_path: Path) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(ok())

    async def main() -> tuple[HttpTarget, str]:
        async with server:
            target = HttpTarget(model(tmp_path, f"http://127.0.0.1:{server.port}/v1"))
            await target.complete(REQUEST, 5.0)
            await target.aclose()
            late = await target.complete(REQUEST, 5.0)
        return target, late.text

    server = Server(handler)
    target, text = run(main())
    assert text == "hello" and server.connections == 2
    assert target._pool is not None and not any(target._pool._idle.values())


def test_the_path_is_percent_encoded() -> None:
    endpoint = Endpoint.parse("http://h.example/v1 x/é%2F:@/chat?q=a b&r=é")
    assert endpoint.target == "/v1%20x/%C3%A9%2F:@/chat?q=a%20b&r=%C3%A9"


def test_credentials_in_api_base_are_sent_as_basic_auth_with_a_user_agent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    from llmops_cli import __version__

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while await server.read(reader):
            writer.write(ok())

    async def main() -> None:
        async with server:
            url = f"http://us%65r:p%40ss@127.0.0.1:{server.port}/v1"
            target = HttpTarget(model(tmp_path, url))
            await target.complete(REQUEST, 5.0)
            await target.aclose()

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server = Server(handler)
    run(main())
    head = server.requests[0].decode()
    assert f"Authorization: Basic {base64.b64encode(b'user:p@ss').decode()}\r\n" in head
    assert f"Host: 127.0.0.1:{server.port}\r\n" in head and "p%40ss" not in head
    assert f"User-Agent: llmops/{__version__}\r\n" in head
    # what the report, the journal and the cache keys record names no credential
    identity = HttpTarget(model(tmp_path, "https://bob:s3cret@api.example/v1")).identity
    assert identity.endswith("@https://api.example/v1") and "s3cret" not in identity


def test_a_header_http_cannot_carry_fails_the_case_not_the_run(tmp_path: Path) -> None:
    """Whatever slips past the key check (here a header set by hand) is a TargetError, not
    retried: the same request would fail the same way."""
    target = HttpTarget(model(tmp_path, "http://127.0.0.1:1/v1"))
    target.headers["X-Team"] = "a\u2013b"
    with pytest.raises(TargetError, match="the request cannot be sent") as error:
        run(target.complete(REQUEST, 5.0))
    assert not error.value.retryable


def test_a_call_over_aiohttp_after_aclose_opens_no_new_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")
    target = HttpTarget(model(tmp_path, "http://models.example.invalid/v1"))
    assert target.via_aiohttp
    run(target.aclose())
    with pytest.raises(TargetError, match="the target is closed"):
        run(target.complete(REQUEST, 5.0))
    assert target._session is None

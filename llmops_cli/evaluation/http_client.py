"""A lean asyncio HTTP/1.1 client for `transport: openai-http`: keep-alive connections pooled
per host, one request at a time on each. It does what an OpenAI-compatible API needs and no
more (no redirects, no cookies, no proxies: `HttpTarget` hands proxied hosts to aiohttp), at a
third of aiohttp's CPU per request.

Framing: `Content-Length` or `chunked` bodies, else the body runs to the connection's end.
A connection goes back to the pool only after a fully framed response without
`Connection: close`. A pooled connection the server has closed meanwhile is skipped; one that
fails before a single byte of the answer arrives is retried once on a fresh connection (the
server closed it as the request went out). That retry can send a POST twice: the server may
have received the first copy (and acted on it) before closing without a byte of answer. It is
kept because an idle keep-alive connection closed by the server is common and a
chat-completions POST is safe to repeat; it never happens once any answer has arrived.
Every wait is under the caller's deadline.

A connection is not pooled when bytes beyond the framed body are already buffered (the next
request would read them as its answer), nor taken from the pool when the server sent
something while it was idle (an unsolicited 408, say); after `aclose` no connection is
pooled. Every body (Content-Length, chunk total, to-the-end, decompressed) is bounded by
`max_body` (64 MiB): more is a ProtocolError.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import zlib
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

MAX_HEAD = 64 * 1024  # status line + headers
MAX_BODY = 64 * 1024 * 1024  # any response body, before and after decompression
# RFC 3986 pchar (and "%" so existing escapes stay), plus "/" in paths and "?" in queries
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class ProtocolError(Exception):
    """The server's answer is not well-formed HTTP/1.1."""


class ServerDisconnected(ConnectionError):
    """The connection ended before the first byte of the response."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # names lower-cased; a repeated header keeps its last value
    body: bytes


@dataclass(frozen=True)
class Endpoint:
    """Where a URL's requests go and the start of their head (request line and Host)."""

    scheme: str
    host: str
    port: int
    target: str  # path and query, percent-encoded
    credentials: tuple[str, str] | None = None  # user and password from the URL, unquoted

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL")  # the URL may hold credentials: not shown
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = quote(parts.path or "/", safe=PATH_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=PATH_SAFE + "?")
        credentials = None
        if parts.username is not None or parts.password is not None:
            credentials = (unquote(parts.username or ""), unquote(parts.password or ""))
        return cls(parts.scheme, parts.hostname, port, target, credentials)

    def __repr__(self) -> str:  # never the credentials
        return f"Endpoint({self.scheme}://{self.host_header}{self.target})"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


class HttpPool:
    """Keep-alive connections per (scheme, host, port); `request` is safe to call from many
    tasks of one event loop at once (each takes its own connection)."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None, max_body: int = MAX_BODY) -> None:
        self._idle: dict[tuple[str, str, int], list[Connection]] = {}
        self._closed = False  # after aclose: every connection is closed after its request
        self.max_body = max_body
        self._ssl = ssl_context  # None: the system's trust store, made on the first https call

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context()  # verifies certificates and host names
        return self._ssl

    async def _connect(self, endpoint: Endpoint) -> Connection:
        if endpoint.scheme == "https":
            return await asyncio.open_connection(
                endpoint.host,
                endpoint.port,
                ssl=self._ssl_context(),
                server_hostname=endpoint.host,
                limit=MAX_HEAD,
            )
        return await asyncio.open_connection(endpoint.host, endpoint.port, limit=MAX_HEAD)

    def _pooled(self, key: tuple[str, str, int]) -> Connection | None:
        idle = self._idle.get(key)
        while idle:
            reader, writer = idle.pop()
            if reader.at_eof() or writer.is_closing() or _buffered(reader) != 0:
                writer.close()  # closed by the server while idle, or it sent unasked
                continue
            return reader, writer
        return None

    async def request(
        self,
        method: str,
        endpoint: Endpoint,
        headers: dict[str, str],
        body: bytes,
        timeout_s: float,
    ) -> Response:
        """One request and its whole response, within `timeout_s` (TimeoutError beyond it).
        Raises OSError (ConnectionError included) for a failed connection, ProtocolError for
        an answer that is not HTTP (or a body over `max_body`), UnicodeEncodeError for a
        header that is not latin-1."""
        lines = [f"{method} {endpoint.target} HTTP/1.1", f"Host: {endpoint.host_header}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        key = (endpoint.scheme, endpoint.host, endpoint.port)
        async with asyncio.timeout(timeout_s):
            connection = self._pooled(key)
            if connection is not None:
                try:
                    return await self._exchange(key, connection, head + body)
                except ServerDisconnected:
                    pass  # the server closed it as the request went out: once more, fresh
            connection = await self._connect(endpoint)
            return await self._exchange(key, connection, head + body)

    async def _exchange(
        self, key: tuple[str, str, int], connection: Connection, data: bytes
    ) -> Response:
        reader, writer = connection
        reusable = False
        try:
            try:
                writer.write(data)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if exc.partial:
                    raise ProtocolError(f"truncated response head {exc.partial[:40]!r}") from exc
                raise ServerDisconnected("the server closed the connection") from exc
            except (ConnectionResetError, BrokenPipeError) as exc:
                raise ServerDisconnected(str(exc) or type(exc).__name__) from exc
            status, keep_alive, headers = _head(head)
            while status < 200:  # 100 Continue and the like: the answer follows
                status, keep_alive, headers = _head(await reader.readuntil(b"\r\n\r\n"))
            body, framed = await _body(reader, status, headers, self.max_body)
            encoding = headers.get("content-encoding", "identity").lower()
            if encoding in ("gzip", "deflate"):
                body = _decompress(body, encoding, self.max_body)
            connection_header = headers.get("connection", "").lower()
            reusable = (
                framed
                and not self._closed
                and _buffered(reader) == 0  # more than was asked for: the next answer is off
                and (
                    "keep-alive" in connection_header
                    if not keep_alive
                    else "close" not in connection_header
                )
            )
            return Response(status, headers, body)
        except ValueError as exc:  # UnicodeError too: a header or number that does not parse
            raise ProtocolError(f"unreadable response: {exc}") from exc
        except asyncio.IncompleteReadError as exc:
            raise ProtocolError(
                f"the connection closed mid-response ({len(exc.partial)} bytes of "
                f"{exc.expected or 'more'})"
            ) from exc
        except asyncio.LimitOverrunError as exc:
            raise ProtocolError("response head longer than 64 KiB") from exc
        finally:  # on any error, timeout or cancellation too, the connection is spent
            if reusable:
                self._idle.setdefault(key, []).append(connection)
            else:
                writer.close()

    async def aclose(self) -> None:
        self._closed = True  # requests still in flight close their connections
        idle, self._idle = self._idle, {}
        writers = [writer for connections in idle.values() for _, writer in connections]
        for writer in writers:
            writer.close()
        # a TLS peer that never answers close_notify must not hold up the end of a run
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)


def _buffered(reader: asyncio.StreamReader) -> int | None:
    """Bytes the reader holds unread. StreamReader has no public call for it: its `_buffer`
    (a bytearray in every CPython since 3.4) is read when present, and None (never pooled)
    otherwise, so a future asyncio without it costs keep-alive, not correctness. A
    zero-timeout read would consume the bytes and depend on scheduling instead."""
    buffer = getattr(reader, "_buffer", None)
    return len(buffer) if isinstance(buffer, bytearray | bytes) else None


def _decompress(body: bytes, encoding: str, max_body: int) -> bytes:
    """A gzip (every member) or deflate body (zlib-wrapped, else raw as some servers send
    it), at most `max_body` bytes once decoded."""
    try:
        return _inflate(body, 47, encoding == "gzip", max_body)  # gzip or zlib header
    except zlib.error as exc:
        error = exc
    if encoding == "deflate":
        try:
            return _inflate(body, -15, False, max_body)
        except zlib.error as exc:
            error = exc
    raise ProtocolError(f"bad {encoding} body: {error}") from error


def _inflate(data: bytes, wbits: int, members: bool, max_body: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        decoder = zlib.decompressobj(wbits)
        while True:  # at most max_body + 1 bytes out, whatever the ratio
            part = decoder.decompress(data, max_body + 1 - size)
            size += len(part)
            if size > max_body:
                raise ProtocolError(f"decoded body larger than {max_body} bytes")
            parts.append(part)
            data = decoder.unconsumed_tail
            if decoder.eof or not data:
                break
        if not decoder.eof:
            raise zlib.error("incomplete or truncated stream")
        data = decoder.unused_data
        if not members or not data.strip(b"\0"):  # gzip may pad its end with zeros
            return b"".join(parts)


def _head(head: bytes) -> tuple[int, bool, dict[str, str]]:
    """Status code, whether the version keeps connections alive by default (HTTP/1.1), and
    the headers of a response head (`HTTP/1.x NNN reason` CRLF, header lines, CRLF CRLF)."""
    status_line, *lines = head[:-4].split(b"\r\n")
    version, _, rest = status_line.partition(b" ")
    code = rest[:3]
    if (
        version not in (b"HTTP/1.1", b"HTTP/1.0")
        or not code.isdigit()
        or rest[3:4]
        not in (
            b" ",
            b"",
        )
    ):
        raise ProtocolError(f"bad status line {status_line[:60]!r}")
    headers: dict[str, str] = {}
    for raw in lines:
        name, colon, value = raw.partition(b":")
        if not colon or not name or name != name.strip():
            raise ProtocolError(f"bad header line {raw[:60]!r}")
        key, text = name.decode("latin-1").lower(), value.strip().decode("latin-1")
        if key == "content-length":  # RFC 9112 6.3: differing lengths frame nothing safely
            values = {part.strip() for part in text.split(",")}
            if key in headers:
                values.add(headers[key])
            if len(values) != 1:
                raise ProtocolError(f"differing Content-Length headers {sorted(values)!r:.60}")
            text = values.pop()
        headers[key] = text
    return int(code), version == b"HTTP/1.1", headers


async def _body(
    reader: asyncio.StreamReader, status: int, headers: dict[str, str], max_body: int
) -> tuple[bytes, bool]:
    """The body and whether its end was framed (the connection can carry another request)."""
    if status in (204, 304):
        return b"", True
    length = headers.get("content-length")
    if "chunked" in headers.get("transfer-encoding", "").lower():
        if length is not None:  # RFC 9112 6.3: a request-smuggling shape, not a body
            raise ProtocolError("both Content-Length and Transfer-Encoding: chunked")
        return await _chunked(reader, max_body), True
    if length is not None:
        if not (length.isascii() and length.isdigit()):
            raise ProtocolError(f"bad Content-Length {length[:40]!r}")
        if int(length) > max_body:
            raise ProtocolError(f"body larger than {max_body} bytes (Content-Length {length})")
        return await reader.readexactly(int(length)), True
    parts: list[bytes] = []  # to the connection's end
    size = 0
    while part := await reader.read(65536):
        size += len(part)
        if size > max_body:
            raise ProtocolError(f"body larger than {max_body} bytes")
        parts.append(part)
    return b"".join(parts), False


async def _chunked(reader: asyncio.StreamReader, max_body: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size_text = size_line.split(b";", 1)[0].strip()
        if not size_text or size_text.strip(b"0123456789abcdefABCDEF"):  # no "0x", "_", "+"
            raise ProtocolError(f"bad chunk size {size_line[:40]!r}")
        size = int(size_text, 16)
        total += size
        if total > max_body:
            raise ProtocolError(f"body larger than {max_body} bytes (chunked)")
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, ignored
                pass
            return b"".join(parts)
        chunk = await reader.readexactly(size + 2)
        if chunk[-2:] != b"\r\n":
            raise ProtocolError("chunk without its CRLF")
        parts.append(chunk[:-2])

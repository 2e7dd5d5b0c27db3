"""A lean asyncio HTTP/1.1 client for `transport: openai-http`: keep-alive connections pooled
per host, one request at a time on each. It does what an OpenAI-compatible API needs and no
more (no redirects, no cookies, no proxies: `HttpTarget` hands proxied hosts to aiohttp), at a
third of aiohttp's CPU per request.

Framing: `Content-Length` or `chunked` bodies, else the body runs to the connection's end.
A connection goes back to the pool only after a fully framed response without
`Connection: close`. A pooled connection the server has closed meanwhile is skipped; one that
fails before a single byte of the answer arrives is retried once on a fresh connection (the
server closed it as the request went out). Every wait is under the caller's deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_HEAD = 64 * 1024  # status line + headers
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
    target: str  # path and query

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(parts.scheme, parts.hostname, port, target)

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


class HttpPool:
    """Keep-alive connections per (scheme, host, port); `request` is safe to call from many
    tasks of one event loop at once (each takes its own connection)."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._idle: dict[tuple[str, str, int], list[Connection]] = {}
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
            if reader.at_eof() or writer.is_closing():
                writer.close()  # closed by the server while idle
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
        an answer that is not HTTP."""
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
            body, framed = await _body(reader, status, headers)
            encoding = headers.get("content-encoding", "identity").lower()
            if encoding in ("gzip", "deflate"):
                try:
                    body = zlib.decompress(body, 47)  # gzip or zlib header, detected
                except zlib.error as exc:
                    raise ProtocolError(f"bad {encoding} body: {exc}") from exc
            connection_header = headers.get("connection", "").lower()
            reusable = framed and (
                "keep-alive" in connection_header
                if not keep_alive
                else "close" not in connection_header
            )
            return Response(status, headers, body)
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
        idle, self._idle = self._idle, {}
        writers = [writer for connections in idle.values() for _, writer in connections]
        for writer in writers:
            writer.close()
        # a TLS peer that never answers close_notify must not hold up the end of a run
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)


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
        headers[name.decode("latin-1").lower()] = value.strip().decode("latin-1")
    return int(code), version == b"HTTP/1.1", headers


async def _body(
    reader: asyncio.StreamReader, status: int, headers: dict[str, str]
) -> tuple[bytes, bool]:
    """The body and whether its end was framed (the connection can carry another request)."""
    if status in (204, 304):
        return b"", True
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _chunked(reader), True
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ProtocolError(f"bad Content-Length {length[:40]!r}")
        return await reader.readexactly(int(length)), True
    return await reader.read(), False  # to the connection's end


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size_text = size_line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as exc:
            raise ProtocolError(f"bad chunk size {size_line[:40]!r}") from exc
        if size < 0:
            raise ProtocolError(f"bad chunk size {size_line[:40]!r}")
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, ignored
                pass
            return b"".join(parts)
        chunk = await reader.readexactly(size + 2)
        if chunk[-2:] != b"\r\n":
            raise ProtocolError("chunk without its CRLF")
        parts.append(chunk[:-2])

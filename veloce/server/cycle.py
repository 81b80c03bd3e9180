"""One request/response exchange: the ASGI ``receive`` and ``send`` of a single request.

Why a class and not closures: ``receive`` and ``send`` are bound methods of one
``__slots__`` object per request, so nothing else is allocated per request. The
protocol feeds body bytes in (``body``, ``more_body``, ``message_event``) and the cycle
writes the response straight to the transport, framing it by Content-Length, chunked
transfer coding, or (HTTP/1.0 clients only) by closing the connection.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

from veloce.server.logging import ACCESS_LOGGER, access_line
from veloce.server.status import status_line

if TYPE_CHECKING:
    from veloce._types import ASGIApp, Message, Scope
    from veloce.core.response import Response
    from veloce.server.flow_control import FlowControl
    from veloce.server.protocol import HttpProtocol

__all__ = ["RequestResponseCycle"]

logger = logging.getLogger("veloce.server")
access_logger = logging.getLogger(ACCESS_LOGGER)

_INVALID_NAME = re.compile(b'[\x00-\x1f\x7f()<>@,;:\\[\\]={} \t\\\\"]')
_INVALID_VALUE = re.compile(b"[\x00-\x08\x0a-\x1f\x7f]")
# Header names known to be valid tokens, already lower-case: no check needed.
_SAFE_NAMES: dict[bytes, bytes] = {
    name: name
    for name in (
        b"content-type content-length location set-cookie cache-control etag vary"
        b" last-modified expires date content-encoding content-disposition"
        b" access-control-allow-origin x-content-type-options x-frame-options"
    ).split()
}
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_CLOSE_LINE = b"connection: close\r\n"
_KEEP_ALIVE_LINE = b"connection: keep-alive\r\n"
_CHUNKED_LINE = b"transfer-encoding: chunked\r\n"
_LAST_CHUNK = b"0\r\n\r\n"
_DISCONNECT: dict[str, str] = {"type": "http.disconnect"}
_ERROR_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 21\r\n"
    b"connection: close\r\n\r\n"
    b"Internal Server Error"
)

# Response framing modes.
_LENGTH = 0
_CHUNKED = 1
_UNTIL_CLOSE = 2
_NO_BODY = 3


class RequestResponseCycle:
    """ASGI receive/send for one request on one connection."""

    __slots__ = (
        "body",
        "disconnected",
        "flow",
        "framing",
        "head",
        "is_head",
        "keep_alive",
        "message_event",
        "more_body",
        "protocol",
        "remaining",
        "response_complete",
        "response_started",
        "scope",
        "transport",
        "waiting_for_100_continue",
    )

    def __init__(
        self,
        scope: Scope,
        protocol: HttpProtocol,
        transport: asyncio.Transport,
        flow: FlowControl,
        *,
        expect_100_continue: bool,
        keep_alive: bool,
    ) -> None:
        self.scope = scope
        self.protocol = protocol
        self.transport = transport
        self.flow = flow
        self.message_event = asyncio.Event()
        # Connection state as seen by this request.
        self.disconnected = False
        self.keep_alive = keep_alive
        self.waiting_for_100_continue = expect_100_continue
        # Request body: filled by the protocol's parser callbacks, drained by receive().
        self.body = bytearray()
        self.more_body = True
        # Response state.
        self.is_head = scope["method"] == "HEAD"
        self.response_started = False
        self.response_complete = False
        self.framing = _LENGTH
        self.remaining = 0
        self.head = b""  # encoded response head not yet written

    async def run_asgi(self, app: ASGIApp) -> None:
        """Run ``app`` for this request; errors become a 500 or a closed connection."""
        try:
            result = await app(self.scope, self.receive, self.send)
        except BaseException:
            logger.exception("Exception in ASGI application")
            self._abort()
        else:
            if result is not None:
                logger.error("ASGI callable returned %r instead of None", result)
                self._abort()
            elif not self.response_complete and not self.disconnected:
                logger.error("ASGI callable returned without completing the response")
                self._abort()
        finally:
            self.protocol = None  # type: ignore[assignment]
            extensions = self.scope.get("extensions")
            if extensions:
                # Its bound method refers back to this cycle, which refers to the scope:
                # drop it so the request is freed by refcounting, not the cyclic GC.
                extensions.pop("veloce.http.response", None)

    def _abort(self) -> None:
        if self.disconnected or self.response_complete:
            return
        if not self.response_started:
            self.transport.write(_ERROR_500)
        else:
            self._flush_head()  # what the app had sent, as a streamed response would be
        self.response_complete = True
        self.transport.close()

    async def receive(self) -> Message:
        """ASGI receive: the next piece of request body, or ``http.disconnect``."""
        if self.waiting_for_100_continue and not self.transport.is_closing():
            self.transport.write(_CONTINUE)
            self.waiting_for_100_continue = False
        if not self.disconnected and not self.response_complete:
            # Set by the parser on body bytes and on message end, and on disconnect;
            # after the last body message it stays clear until the connection ends.
            if not self.message_event.is_set():
                self.flow.resume_reading()
                await self.message_event.wait()
            self.message_event.clear()
        if self.disconnected or self.response_complete:
            return dict(_DISCONNECT)
        body = bytes(self.body)
        self.body.clear()
        if self.flow.read_paused and self.more_body:
            self.flow.resume_reading()
        return {"type": "http.request", "body": body, "more_body": self.more_body}

    async def send(self, message: Message) -> None:
        """ASGI send: the response head, then body parts, framed for the connection."""
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        if self.disconnected:
            return
        kind = message["type"]
        if not self.response_started:
            if kind != "http.response.start":
                raise RuntimeError(f"Expected 'http.response.start', got {kind!r}.")
            self._start(message["status"], message.get("headers", ()))
        elif not self.response_complete:
            if kind != "http.response.body":
                raise RuntimeError(f"Expected 'http.response.body', got {kind!r}.")
            self._body(message.get("body", b""), message.get("more_body", False))
        else:
            raise RuntimeError(f"Unexpected ASGI message {kind!r} after the response completed.")

    def send_response(self, response: Response) -> bool:
        """Write a buffered Veloce response in one ``transport.write``, skipping ASGI.

        Offered to Veloce's own app as the ``veloce.http.response`` scope extension
        (see :mod:`veloce.server.protocol`). Returns False, having written nothing, when
        the response must be streamed or the connection is gone; the app then sends it
        through ASGI as usual.
        """
        if self.response_started or self.disconnected or self.flow.write_paused:
            return False
        code = response._status_code
        no_body = self.is_head or code < 200 or code == 204 or code == 304
        data = response._buffered_bytes(no_body)
        if data is None:
            return False
        self._start(code, response._wire_headers())
        self._body(data, False)
        return True

    def _start(self, status: int, headers: object) -> None:
        """Encode the head; it is written together with the first body part."""
        self.response_started = True
        if self.more_body:
            # Answering before the request body has arrived (e.g. a 413): close after
            # the response rather than read and discard an arbitrary amount of upload.
            self.keep_alive = False
        self.waiting_for_100_continue = False
        protocol = self.protocol
        config = protocol.config
        if config.access_log:
            access_logger.info(access_line(self.scope, status))
        http_10 = self.scope["http_version"] == "1.0"
        parts = [status_line(status), config.default_head]
        framing = -1
        connection_sent = False
        for name, value in headers:  # type: ignore[attr-defined]
            lname = _SAFE_NAMES.get(name)
            if lname is None:
                if _INVALID_NAME.search(name):
                    raise RuntimeError(f"Invalid HTTP header name {name!r}.")
                lname = name.lower()
            if _INVALID_VALUE.search(value):
                raise RuntimeError(f"Invalid HTTP header value {value!r}.")
            if lname == b"content-length" and framing == -1:
                self.remaining = int(value)
                framing = _LENGTH
            elif lname == b"transfer-encoding" and value.lower() == b"chunked":
                if http_10:
                    continue  # HTTP/1.0 has no chunked coding: delimit by close.
                framing = _CHUNKED
            elif lname == b"connection":
                connection_sent = True
                if b"close" in value.lower():
                    self.keep_alive = False
            parts += (lname, b": ", value, b"\r\n")
        if self.is_head or status in (204, 304) or status < 200:
            framing = _NO_BODY
        elif framing == -1:
            if http_10:
                framing = _UNTIL_CLOSE
                self.keep_alive = False
            else:
                framing = _CHUNKED
                parts.append(_CHUNKED_LINE)
        if not connection_sent:
            if not self.keep_alive:
                parts.append(_CLOSE_LINE)
            elif http_10:
                # An HTTP/1.0 client asked to keep the connection: confirm it (RFC 9112 §C.2.2).
                parts.append(_KEEP_ALIVE_LINE)
        parts.append(b"\r\n")
        self.framing = framing
        self.head = b"".join(parts)
        # Flush the head on the next loop turn in case the app awaits before its first
        # body part (e.g. server-sent events); usually the body comes first and joins it.
        protocol.loop.call_soon(self._flush_head)

    def _flush_head(self) -> None:
        head = self.head
        if head and not self.disconnected and not self.transport.is_closing():
            self.head = b""
            self.transport.write(head)

    def _body(self, body: bytes, more_body: bool) -> None:
        framing = self.framing
        out = self.head
        if out:
            self.head = b""
        if framing == _CHUNKED:
            if body:
                out += b"%x\r\n%b\r\n" % (len(body), body)
            if not more_body:
                out += _LAST_CHUNK
        elif framing == _LENGTH:
            if len(body) > self.remaining:
                raise RuntimeError("Response content longer than Content-Length.")
            self.remaining -= len(body)
            if not more_body and self.remaining:
                raise RuntimeError("Response content shorter than Content-Length.")
            if body:
                out = out + body if out else body
        elif framing == _UNTIL_CLOSE and body:
            out = out + body if out else body
        if out:
            self.transport.write(out)
        if not more_body:
            self.response_complete = True
            self.message_event.set()
            if not self.keep_alive:
                self.transport.close()
            self.protocol.on_response_complete(self)

"""The built-in HTTP/1.1 protocol: asyncio + httptools, speaking ASGI 3 to any app.

Factory signature (stable; ``serve.py`` builds one per accepted connection)::

    HttpProtocol(config: ServerConfig, app: ASGIApp, server_state: ServerState,
                 loop: asyncio.AbstractEventLoop | None = None)

Why this shape: httptools parses in C and calls back per URL piece, header and body
chunk; this class turns those callbacks into an ASGI ``http`` scope and hands each
request to a :class:`~veloce.server.cycle.RequestResponseCycle`. Pipelined requests are
queued and answered strictly in order. Malformed input never reaches the app: a parser
error is answered with 400 and the connection is closed; an over-long request target
gets 414 and an oversized header block (bytes or field count) gets 431, both with
``connection: close`` (RFC 9110 §15.5.15 / RFC 6585 §5 rather than h11's generic 400).
A ``GET`` with ``Upgrade: websocket`` on an idle connection is handed over to
:mod:`veloce.server.ws_protocol` when wsproto is installed; otherwise (and for other
upgrades) it reaches the app as a plain ``http`` request.
"""

from __future__ import annotations

import asyncio
import socket
import urllib.parse
from collections import deque
from typing import TYPE_CHECKING, Any

import httptools

from veloce.server import ws_protocol
from veloce.server.cycle import RequestResponseCycle
from veloce.server.flow_control import READ_HIGH_WATER, FlowControl
from veloce.server.status import status_line

if TYPE_CHECKING:
    from veloce._types import ASGIApp, Scope
    from veloce.server.config import ServerConfig, ServerState

__all__ = ["HttpProtocol", "error_response"]

_ASGI = {"version": "3.0", "spec_version": "2.3"}


def error_response(status: int, reason: str) -> bytes:
    """Encode a complete plain-text error response that closes the connection.

    Args:
        status: the status code; the line comes from the pre-encoded table.
        reason: the short plain-text body.

    Returns:
        The response bytes, with ``connection: close``.
    """
    body = reason.encode("ascii")
    return (
        b"%bcontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
        b"connection: close\r\n\r\n%b" % (status_line(status), len(body), body)
    )


_400 = error_response(400, "Invalid HTTP request received.")
_408 = error_response(408, "Request head not received in time.")
_413 = error_response(413, "Request body too large.")
_414 = error_response(414, "Request target too long.")
_431 = error_response(431, "Request header fields too large.")
_503 = error_response(503, "Too many connections.")


class _Reject(Exception):
    """Raised inside a parser callback to stop parsing and answer with ``response``."""

    def __init__(self, response: bytes) -> None:
        super().__init__()
        self.response = response


def _disable_nagle(transport: asyncio.BaseTransport) -> None:
    """Send each response at once: Nagle's algorithm plus the client's delayed ACK
    would hold a small second write (the body after the head) for ~40 ms."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


class HttpProtocol(asyncio.Protocol):
    """One client connection of the built-in server."""

    def __init__(
        self,
        config: ServerConfig,
        app: ASGIApp,
        server_state: ServerState,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        # Global state (shared by all connections of the server).
        self.config = config
        self.app = app
        self.server_state = server_state
        self.loop = loop or asyncio.get_running_loop()
        self.parser = httptools.HttpRequestParser(self)
        self.parser.set_dangerous_leniencies(lenient_data_after_close=True)

        # Per-connection state.
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.flow: FlowControl = None  # type: ignore[assignment]
        self.server: tuple[str, int] | None = None
        self.client: tuple[str, int] | None = None
        self.scheme = "http"
        self.pipeline: deque[RequestResponseCycle] = deque()
        self.closed = False
        # One lazily re-armed timer for the header and keep-alive timeouts: each request
        # just moves ``deadline``; the handle is replaced only when it would fire late.
        self.timer: asyncio.TimerHandle | None = None
        self.timer_when = 0.0
        self.deadline = 0.0
        self.on_deadline: Any = None
        self.head_deadline: float | None = None  # header timeout of the head being read
        # Veloce's own app may hand back its response objects to be written directly.
        self.direct = bool(getattr(app, "accepts_direct_response", False))

        # Per-request state (the request being parsed, not necessarily the one answered).
        self.url = b""
        self.scope: Scope = None  # type: ignore[assignment]
        self.headers: list[tuple[bytes, bytes]] = []
        self.header_bytes = 0
        self.expect_100_continue = False
        self.content_length: int | None = None
        self.body_size = 0
        self.ws_upgrade = False  # the head just parsed is a WebSocket handshake to hand over
        self.cycle: RequestResponseCycle | None = None  # last request parsed
        self.active: RequestResponseCycle | None = None  # request being answered

    # asyncio.Protocol interface -----------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # noqa: D102
        self.transport = transport  # type: ignore[assignment]
        connections = self.server_state.connections
        limit = self.config.max_connections
        if limit is not None and len(connections) >= limit:
            self.closed = True
            self.transport.write(_503)
            self.transport.close()
            return
        connections.add(self)
        _disable_nagle(transport)
        self.flow = FlowControl(self.transport)
        self.transport.set_write_buffer_limits(high=self.config.write_high_water)
        self.server = _address(transport.get_extra_info("sockname"))
        self.client = _address(transport.get_extra_info("peername"))
        if transport.get_extra_info("sslcontext") is not None:
            self.scheme = "https"
        self.head_deadline = self.loop.time() + self.config.header_timeout
        self._arm(self.head_deadline, self._on_header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: D102
        self.closed = True
        self.server_state.connections.discard(self)
        self._disarm()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        for cycle in (self.active, *self.pipeline):
            if cycle is not None and not cycle.response_complete:
                cycle.disconnected = True
                cycle.message_event.set()
        self.pipeline.clear()
        if self.flow is not None:
            self.flow.resume_writing()

    def eof_received(self) -> bool | None:  # noqa: D102
        return None

    def data_received(self, data: bytes) -> None:  # noqa: D102
        if self.closed:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as exc:
            if self.ws_upgrade:
                # Hand the transport and the bytes after the head to the WebSocket side.
                self.closed = True
                ws_protocol.upgrade(self, data[exc.args[0] :])
            # Other upgrades (h2c, or websocket without wsproto installed) are not served
            # here: the request was dispatched as plain http (an ordinary http scope).
            return
        except httptools.HttpParserError as exc:
            # A callback's exception reaches us as the context of a callback error.
            context = exc.__context__
            self._reject(context.response if isinstance(context, _Reject) else _400)

    def pause_writing(self) -> None:  # noqa: D102
        self.flow.pause_writing()

    def resume_writing(self) -> None:  # noqa: D102
        self.flow.resume_writing()

    # httptools callbacks -----------------------------------------------------------

    def on_message_begin(self) -> None:  # noqa: D102
        # The head of each request gets header_timeout from its first byte; behind a
        # pipelined request still being answered, the clock starts when that finishes
        # (see on_response_complete), since nothing is read for it meanwhile.
        self.head_deadline = self.loop.time() + self.config.header_timeout
        if self.active is None:
            self._arm(self.head_deadline, self._on_header_timeout)
        self.url = b""
        self.headers = []
        self.header_bytes = 0
        self.expect_100_continue = False
        self.content_length = None
        self.body_size = 0
        self.scope = {
            "type": "http",
            "asgi": _ASGI,
            "http_version": "1.1",
            "server": self.server,
            "client": self.client,
            "scheme": self.scheme,
            "root_path": self.config.root_path,
            "headers": self.headers,
            "state": self.server_state.app_state.copy(),
        }

    def on_url(self, url: bytes) -> None:  # noqa: D102
        self.url += url
        if len(self.url) > self.config.max_request_line:
            raise _Reject(_414)

    def on_header(self, name: bytes, value: bytes) -> None:  # noqa: D102
        config = self.config
        self.header_bytes += len(name) + len(value)
        if self.header_bytes > config.max_header_size:
            raise _Reject(_431)
        if len(self.headers) >= config.max_header_count:
            raise _Reject(_431)
        name = name.lower()
        if name == b"expect" and value.lower() == b"100-continue":
            self.expect_100_continue = True
        elif name == b"content-length":
            self.content_length = int(value)
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:  # noqa: D102
        self.head_deadline = None
        parser = self.parser
        scope = self.scope
        http_version = parser.get_http_version()
        scope["method"] = parser.get_method().decode("ascii")
        if http_version != "1.1":
            scope["http_version"] = http_version
        try:
            parsed = httptools.parse_url(self.url)
        except httptools.HttpParserInvalidURLError:
            raise _Reject(_400) from None
        raw_path = parsed.path
        try:
            path = raw_path.decode("ascii")
        except UnicodeDecodeError:
            raise _Reject(_400) from None
        if "%" in path:
            path = urllib.parse.unquote(path)
        root_path = self.config.root_path
        scope["path"] = root_path + path if root_path else path
        scope["raw_path"] = root_path.encode("ascii") + raw_path if root_path else raw_path
        scope["query_string"] = parsed.query or b""
        if (
            self.active is None
            and scope["method"] == "GET"
            and parser.should_upgrade()
            and ws_protocol.is_websocket_upgrade(self.headers)
            and ws_protocol.available()
        ):
            # Served by ws_protocol.WSProtocol once the parser stops at the upgrade.
            self.ws_upgrade = True
            self.cycle = None
            self._disarm()
            return
        limit = self.config.max_body_size
        if limit is not None and self.content_length is not None and self.content_length > limit:
            raise _Reject(_413)

        cycle = RequestResponseCycle(
            scope,
            self,
            self.transport,
            self.flow,
            expect_100_continue=self.expect_100_continue,
            keep_alive=parser.should_keep_alive(),
        )
        if self.direct:
            scope["extensions"] = {"veloce.http.response": cycle.send_response}
        self.cycle = cycle
        if self.active is None:
            self._disarm()
            self._start(cycle)
        else:
            # Pipelined: answer in order; stop reading until the queue drains.
            self.flow.pause_reading()
            self.pipeline.append(cycle)

    def on_body(self, body: bytes) -> None:  # noqa: D102
        cycle = self.cycle
        if cycle is None or cycle.response_complete or cycle.disconnected:
            return
        self.body_size += len(body)
        limit = self.config.max_body_size
        if limit is not None and self.body_size > limit:
            raise _Reject(_413)
        cycle.body += body
        if len(cycle.body) > READ_HIGH_WATER:
            self.flow.pause_reading()
        cycle.message_event.set()

    def on_message_complete(self) -> None:  # noqa: D102
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            return
        cycle.more_body = False
        cycle.message_event.set()

    # Request scheduling -----------------------------------------------------------

    def _start(self, cycle: RequestResponseCycle) -> None:
        self.active = cycle
        task = self.loop.create_task(cycle.run_asgi(self.app))
        tasks = self.server_state.tasks
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def on_response_complete(self, cycle: RequestResponseCycle) -> None:
        """Called by the cycle once its response is fully written."""
        self.server_state.total_requests += 1
        if cycle is self.active:
            self.active = None
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            self._start(self.pipeline.popleft())
        elif self.head_deadline is not None:
            # The next head is partly read: it gets its full header timeout from now.
            self.head_deadline = max(
                self.head_deadline, self.loop.time() + self.config.header_timeout
            )
            self._arm(self.head_deadline, self._on_header_timeout)
        else:
            idle_until = self.loop.time() + self.config.keep_alive_timeout
            self._arm(idle_until, self._on_keep_alive_timeout)

    def shutdown(self) -> None:
        """Graceful shutdown: close now if idle, else after the current response."""
        active = self.active
        if active is None or active.response_complete:
            self.transport.close()
        else:
            active.keep_alive = False
            self.pipeline.clear()

    # Errors and timers ---------------------------------------------------------

    def _reject(self, response: bytes) -> None:
        """Answer malformed or over-limit input and close, without involving the app."""
        self.closed = True
        self._disarm()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if cycle.response_started:
                cycle.disconnected = True
                cycle.message_event.set()
                self.transport.close()
                return
            cycle.disconnected = True
            cycle.message_event.set()
        if self.active is not None and self.active is not cycle and self.active.response_started:
            # An earlier pipelined response is mid-flight: don't interleave bytes.
            self.transport.close()
            return
        self.transport.write(response)
        self.transport.close()

    def _arm(self, deadline: float, callback: Any) -> None:
        """Call ``callback`` at loop time ``deadline`` unless re-armed or disarmed first.

        Why not ``call_later`` per request: creating and cancelling two timer handles
        per request shows up in profiles; moving a float does not. The live handle is
        replaced only when the new deadline is earlier than the time it fires.
        """
        self.deadline = deadline
        self.on_deadline = callback
        timer = self.timer
        if timer is None or self.timer_when > deadline:
            if timer is not None:
                timer.cancel()
            self.timer_when = deadline
            self.timer = self.loop.call_at(deadline, self._on_timer)

    def _disarm(self) -> None:
        self.on_deadline = None

    def _on_timer(self) -> None:
        self.timer = None
        callback = self.on_deadline
        if callback is None or self.closed:
            return
        if self.loop.time() < self.deadline:
            self.timer_when = self.deadline
            self.timer = self.loop.call_at(self.deadline, self._on_timer)
            return
        self.on_deadline = None
        callback()

    def _on_header_timeout(self) -> None:
        if self.transport.is_closing():
            return
        self.closed = True
        if self.url or self.headers:
            self.transport.write(_408)
        self.transport.close()

    def _on_keep_alive_timeout(self) -> None:
        if not self.transport.is_closing():
            self.closed = True
            self.transport.close()


def _address(value: Any) -> tuple[str, int] | None:
    if isinstance(value, tuple) and len(value) >= 2:
        return (str(value[0]), int(value[1]))
    return None

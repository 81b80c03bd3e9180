"""WebSocket connections (RFC 6455) of the built-in server, speaking the ASGI websocket scope.

Why this shape: framing, masking, UTF-8 validation, fragmentation and the opening/closing
handshakes are delegated to `wsproto <https://python-hyper.org/projects/wsproto/>`_, a
sans-IO library (the optional ``veloce[websockets]`` extra), so this module only moves
bytes between the transport and wsproto and events between wsproto and the app.

:class:`~veloce.server.protocol.HttpProtocol` parses the request head with httptools.
When the head asks for ``Upgrade: websocket`` and wsproto is importable it calls
:func:`upgrade`, which builds a :class:`WSProtocol`, hands it the transport with
``transport.set_protocol`` and replays the head (plus any bytes that followed it) into
wsproto. Without wsproto the upgrade request reaches the app as a plain ``http`` request,
as it did before WebSocket support existed (a Veloce app then answers it like any other
GET).

Behaviour, matching uvicorn's ``ws="wsproto"`` where the ASGI spec leaves room:

* ``websocket.close`` before ``websocket.accept`` rejects the handshake with HTTP 403;
  an app that fails (or returns) before accepting gets HTTP 500.
* The ``websocket.http.response`` extension is advertised: before accepting, the app
  may answer the handshake with a full HTTP response
  (``websocket.http.response.start`` / ``.body``, as for ``http.response.*``); the
  connection closes after its last body message.
* Pings are answered with pongs by the server; the app never sees them.
* Fragmented messages are reassembled; a message above ``ServerConfig.ws_max_size``
  closes the connection with 1009 and the app receives ``websocket.disconnect`` 1009.
* A client close is echoed and the app receives ``websocket.disconnect`` with the
  client's code; a lost transport gives 1006. An app failing after accept closes 1011;
  an app returning without closing closes 1000. Server shutdown closes 1012.
* permessage-deflate is not negotiated (no decompression-bomb surface).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from veloce.server._ws_handshake import WSHandshake
from veloce.server.flow_control import FlowControl
from veloce.server.logging import ERROR_LOGGER

if TYPE_CHECKING:
    from veloce._types import ASGIApp, Message, Scope
    from veloce.server.config import ServerConfig, ServerState
    from veloce.server.protocol import HttpProtocol

__all__ = ["WSProtocol", "WebSocketDisconnected", "available", "is_websocket_upgrade", "upgrade"]

logger = logging.getLogger(ERROR_LOGGER)

#: Seconds to wait for the client's close frame after the server sent its own.
CLOSE_TIMEOUT = 5.0

#: Bytes of early frames (sent before the app accepts) before the server stops reading.
_EARLY_HIGH_WATER = 65536

#: Received messages the app has not read yet before the server stops reading.
_QUEUE_HIGH_WATER = 16

_available: bool | None = None


def available() -> bool:
    """True when wsproto can be imported (checked once; the import is deferred)."""
    global _available
    if _available is None:
        try:
            import wsproto  # noqa: F401
        except ImportError:
            _available = False
        else:
            _available = True
    return _available


def is_websocket_upgrade(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether lower-cased request headers ask to upgrade to the websocket protocol."""
    upgrade = connection = False
    for name, value in headers:
        if name == b"upgrade":
            upgrade = value.strip().lower() == b"websocket"
        elif name == b"connection":
            connection = b"upgrade" in [token.strip() for token in value.lower().split(b",")]
    return upgrade and connection


def upgrade(http: HttpProtocol, rest: bytes) -> WSProtocol:
    """Move ``http``'s connection to a new :class:`WSProtocol`.

    Args:
        http: the HTTP protocol that parsed the upgrade request head (its ``scope``,
            ``url`` and ``transport`` describe the request).
        rest: bytes received after the request head (early frames from the client).

    Returns:
        The protocol now attached to the transport.
    """
    scope = http.scope
    head = [scope["method"].encode("ascii"), b" ", http.url, b" HTTP/1.1\r\n"]
    for name, value in scope["headers"]:
        head += (name, b": ", value, b"\r\n")
    head.append(b"\r\n")
    http.server_state.connections.discard(http)
    protocol = WSProtocol(http.config, http.app, http.server_state, scope, http.loop)
    transport = http.transport
    protocol.connection_made(transport)
    transport.set_protocol(protocol)
    protocol.data_received(b"".join(head))
    # wsproto's server handshake drops bytes that follow the head, so frames sent before
    # the app accepts are held back and replayed after the 101.
    protocol.data_received(rest)
    return protocol


class WebSocketDisconnected(OSError):
    """Raised by ``send`` once the connection is closed (ASGI: sends after close fail)."""


class WSProtocol(WSHandshake, asyncio.Protocol):
    """One WebSocket connection, from the handshake to the closed transport.

    Args:
        config: the server limits (``ws_max_size``, ``default_headers``, ``root_path``).
        app: the ASGI app, called once with a ``websocket`` scope.
        server_state: shared state (connections, tasks).
        http_scope: the ``http`` scope HttpProtocol built for the upgrade request; its
            path, query string, headers, addresses and state are carried over.
        loop: the event loop (defaults to the running loop).
    """

    def __init__(
        self,
        config: ServerConfig,
        app: ASGIApp,
        server_state: ServerState,
        http_scope: Scope,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        from wsproto import ConnectionType, WSConnection

        self.config = config
        self.app = app
        self.server_state = server_state
        self.http_scope = http_scope
        self.loop = loop or asyncio.get_running_loop()
        self.conn = WSConnection(ConnectionType.SERVER)
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.flow: FlowControl = None  # type: ignore[assignment]
        self.queue: asyncio.Queue[Message] = asyncio.Queue()
        self.handshake_seen = False  # wsproto has parsed the opening handshake
        self.early = bytearray()  # frames received before the app accepted
        self.accepted = False  # handshake answered with 101
        self.rejected = False  # handshake answered with an HTTP error
        self.response_started = False  # the app is sending its own denial response
        self.close_sent = False
        self.closed = False  # transport lost or closing
        self.disconnect_code: int | None = None
        self.disconnect_reason = ""
        self.parts: list[Any] = []  # fragments of the message being received
        self.size = 0
        self.timer: asyncio.TimerHandle | None = None

    # asyncio.Protocol interface -----------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # noqa: D102
        self.transport = transport  # type: ignore[assignment]
        self.flow = FlowControl(self.transport)
        self.server_state.connections.add(self)  # type: ignore[arg-type]

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: D102
        self.closed = True
        self.server_state.connections.discard(self)  # type: ignore[arg-type]
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self._disconnect(1006)
        self.flow.resume_writing()

    def eof_received(self) -> bool | None:  # noqa: D102
        return None

    def data_received(self, data: bytes) -> None:  # noqa: D102
        from wsproto.utilities import LocalProtocolError, RemoteProtocolError

        if self.closed or not data:
            return
        if self.handshake_seen and not self.accepted:
            self.early += data
            if len(self.early) > _EARLY_HIGH_WATER:
                self.flow.pause_reading()
            return
        try:
            self.conn.receive_data(data)
        except RemoteProtocolError as exc:
            # A bad handshake: wsproto suggests the HTTP answer (400, or 426 + version).
            self._reject_handshake(exc.event_hint)
            return
        except LocalProtocolError:
            # Bytes after the close handshake finished.
            self._close_transport()
            return
        self._handle_events()

    def pause_writing(self) -> None:  # noqa: D102
        self.flow.pause_writing()

    def resume_writing(self) -> None:  # noqa: D102
        self.flow.resume_writing()

    def shutdown(self) -> None:
        """Graceful server shutdown: close with 1012 (service restart)."""
        if self.accepted and not self.close_sent and not self.closed:
            self._send_close(1012, "")
            self._disconnect(1012)
        elif not self.accepted:
            self._close_transport()

    # wsproto events -------------------------------------------------------------

    def _handle_events(self) -> None:
        from wsproto import events

        for event in self.conn.events():
            if isinstance(event, events.Request):
                self._start(event)
            elif isinstance(event, events.Message):
                if not self.close_sent:
                    self._on_message(event)
            elif isinstance(event, events.Ping):
                if not self.close_sent:
                    self._write(self.conn.send(event.response()))
            elif isinstance(event, events.CloseConnection):
                self._on_close(event)
            if self.closed:
                return

    def _on_message(self, event: Any) -> None:
        data = event.data
        # ws_max_size is a byte budget, so text counts in UTF-8 bytes.
        self.size += len(data) if not isinstance(data, str) else len(data.encode("utf-8"))
        if self.size > self.config.ws_max_size:
            self.parts.clear()
            self._send_close(1009, "Message too big")
            self._disconnect(1009)
            return
        self.parts.append(event.data)
        if not event.message_finished:
            return
        from wsproto.events import TextMessage

        if isinstance(event, TextMessage):
            message = {"type": "websocket.receive", "text": "".join(self.parts)}
        else:
            message = {"type": "websocket.receive", "bytes": b"".join(self.parts)}
        self.parts.clear()
        self.size = 0
        self.queue.put_nowait(message)
        if self.queue.qsize() >= _QUEUE_HIGH_WATER:
            self.flow.pause_reading()

    def _on_close(self, event: Any) -> None:
        from wsproto import ConnectionState
        from wsproto.events import CloseConnection

        state = self.conn.state
        if state is ConnectionState.REMOTE_CLOSING:
            # The client started the close: echo it, then the handshake is complete.
            self._write(self.conn.send(event.response()))
        elif state is ConnectionState.OPEN:
            # wsproto reports a protocol violation (bad frame, bad UTF-8) this way.
            self._write(self.conn.send(CloseConnection(event.code, event.reason or "")))
        self._disconnect(event.code, event.reason or "")
        self._close_transport()

    # ASGI interface -------------------------------------------------------------

    async def _run_asgi(self, scope: Scope) -> None:
        try:
            await self.app(scope, self.receive, self.send)
        except BaseException as exc:
            logger.error("Exception in ASGI websocket application", exc_info=exc)
            if self.response_started:
                self._close_transport()  # the denial response is cut short
            elif not self.accepted and not self.rejected:
                self._reject(500)
            elif not self.close_sent and not self.closed:
                self._send_close(1011, "")
            if not isinstance(exc, Exception):
                raise
        else:
            if self.response_started and not self.rejected:
                logger.error("ASGI websocket application returned mid denial response")
                self._close_transport()
            elif not self.accepted and not self.rejected:
                logger.error("ASGI websocket application returned without accepting")
                self._reject(500)
            elif not self.close_sent and not self.closed:
                self._send_close(1000, "")

    async def receive(self) -> Message:
        """The next ASGI event: connect, then receive..., then disconnect (repeated)."""
        if self.queue.empty() and self.disconnect_code is not None:
            return self._disconnect_message()
        message = await self.queue.get()
        if self.flow.read_paused and self.queue.qsize() < _QUEUE_HIGH_WATER // 2:
            self.flow.resume_reading()
        return message

    async def send(self, message: Message) -> None:
        """Apply one ASGI message: accept, send, or close.

        Raises:
            WebSocketDisconnected: the connection is already closed.
            RuntimeError: a message that is not valid at this point of the exchange.
        """
        from wsproto.events import AcceptConnection, BytesMessage, TextMessage

        await self.flow.drain()
        kind = message["type"]
        if self.closed or self.close_sent or self.rejected:
            raise WebSocketDisconnected(f"Cannot send {kind!r}: the websocket is closed.")
        if not self.accepted:
            if kind == "websocket.accept":
                headers = [*self.config.default_headers, *message.get("headers", ())]
                self.accepted = True
                self._write(
                    self.conn.send(
                        AcceptConnection(
                            subprotocol=message.get("subprotocol"), extra_headers=headers
                        )
                    )
                )
                if self.early:
                    early = bytes(self.early)
                    self.early.clear()
                    self.flow.resume_reading()
                    self.data_received(early)
            elif kind == "websocket.close" and not self.response_started:
                self._reject(403)
            elif kind.startswith("websocket.http.response."):
                self._send_denial(message)
            else:
                raise RuntimeError(
                    "Expected 'websocket.accept', 'websocket.close' or"
                    f" 'websocket.http.response.start', got {kind!r}."
                )
            return
        if kind == "websocket.send":
            text = message.get("text")
            if text is not None:
                self._write(self.conn.send(TextMessage(data=text)))
            else:
                self._write(self.conn.send(BytesMessage(data=message.get("bytes") or b"")))
        elif kind == "websocket.close":
            code = message.get("code") or 1000
            reason = message.get("reason") or ""
            self._send_close(code, reason)
            self._disconnect(code, reason)
        else:
            raise RuntimeError(f"Expected 'websocket.send' or 'websocket.close', got {kind!r}.")

    # Helpers --------------------------------------------------------------------

    def _disconnect_message(self) -> Message:
        return {
            "type": "websocket.disconnect",
            "code": self.disconnect_code,
            "reason": self.disconnect_reason,
        }

    def _disconnect(self, code: int, reason: str = "") -> None:
        """Record the close once and wake a waiting ``receive`` with it."""
        if self.disconnect_code is None:
            self.disconnect_code = code
            self.disconnect_reason = reason
            self.queue.put_nowait(self._disconnect_message())

    def _write(self, data: bytes) -> None:
        if data and not self.closed:
            self.transport.write(data)

    def _send_close(self, code: int, reason: str) -> None:
        """Send a close frame and give the client CLOSE_TIMEOUT to answer it."""
        from wsproto.events import CloseConnection

        self.close_sent = True
        self._write(self.conn.send(CloseConnection(code=code, reason=reason)))
        if not self.closed:
            self.timer = self.loop.call_later(CLOSE_TIMEOUT, self._close_transport)

    def _close_transport(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if not self.closed:
            self.closed = True
            self.transport.close()

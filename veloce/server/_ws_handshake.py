"""The opening handshake of a built-in-server WebSocket: the scope, and every refusal.

:class:`WSHandshake` is a mixin of :class:`~veloce.server.ws_protocol.WSProtocol`
holding what happens before the connection is open: building the ASGI ``websocket``
scope from the upgrade request, rejecting a bad handshake (400/426), refusing one the
app closed (403) or failed (500), and writing the app's own HTTP denial response (the
``websocket.http.response`` extension). Framing, flow control and the close handshake
stay in ``ws_protocol.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

    from veloce._types import Message, Scope
    from veloce.server.config import ServerConfig, ServerState

__all__ = ["WSHandshake"]

_ASGI = {"version": "3.0", "spec_version": "2.4"}

#: ASGI extensions of a websocket scope: the HTTP denial response.
_EXTENSIONS: dict[str, dict[str, Any]] = {"websocket.http.response": {}}


class WSHandshake:
    """Handshake and denial methods of :class:`~veloce.server.ws_protocol.WSProtocol`."""

    config: ServerConfig
    server_state: ServerState
    http_scope: Scope
    loop: asyncio.AbstractEventLoop
    conn: Any
    queue: asyncio.Queue[Message]
    handshake_seen: bool
    rejected: bool
    response_started: bool

    if TYPE_CHECKING:

        async def _run_asgi(self, scope: Scope) -> None: ...

        def _write(self, data: bytes) -> None: ...

        def _disconnect(self, code: int, reason: str = "") -> None: ...

        def _close_transport(self) -> None: ...

    def _start(self, event: Any) -> None:
        http = self.http_scope
        scope = {
            "type": "websocket",
            "asgi": _ASGI,
            "http_version": http.get("http_version", "1.1"),
            "scheme": "wss" if http["scheme"] == "https" else "ws",
            "server": http["server"],
            "client": http["client"],
            "root_path": http["root_path"],
            "path": http["path"],
            "raw_path": http["raw_path"],
            "query_string": http["query_string"],
            "headers": http["headers"],
            "subprotocols": list(event.subprotocols),
            "state": http["state"],
            "extensions": {name: dict(value) for name, value in _EXTENSIONS.items()},
        }
        self.handshake_seen = True
        self.queue.put_nowait({"type": "websocket.connect"})
        task = self.loop.create_task(self._run_asgi(scope))
        tasks = self.server_state.tasks
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def _reject(self, status: int) -> None:
        """Refuse the handshake with an empty HTTP response and close."""
        from wsproto.events import RejectConnection

        self.rejected = True
        headers = [*self.config.default_headers, (b"content-length", b"0")]
        self._write(self.conn.send(RejectConnection(status_code=status, headers=headers)))
        self._disconnect(1006)
        self._close_transport()

    def _send_denial(self, message: Message) -> None:
        """Write one message of the app's HTTP denial response (through wsproto/h11)."""
        from wsproto.events import RejectConnection, RejectData
        from wsproto.utilities import LocalProtocolError

        kind = message["type"]
        if kind == "websocket.http.response.start" and not self.response_started:
            self.response_started = True
            headers = [*self.config.default_headers, *message.get("headers", ())]
            event: Any = RejectConnection(
                status_code=message["status"], headers=headers, has_body=True
            )
        elif kind == "websocket.http.response.body" and self.response_started:
            finished = not message.get("more_body", False)
            event = RejectData(data=message.get("body", b""), body_finished=finished)
        else:
            expected = "body" if self.response_started else "start"
            raise RuntimeError(
                f"Expected 'websocket.http.response.{expected}', got {kind!r}."
            )
        try:
            data = self.conn.send(event)
        except LocalProtocolError as exc:
            # h11 refused the response (a 1xx status, a bad header): drop the connection.
            self.rejected = True
            self._disconnect(1006)
            self._close_transport()
            raise RuntimeError(f"Invalid websocket denial response: {exc}") from exc
        self._write(data)
        if isinstance(event, RejectData) and event.body_finished:
            self.rejected = True
            self._disconnect(1006)
            self._close_transport()

    def _reject_handshake(self, hint: Any) -> None:
        from wsproto.events import RejectConnection
        from wsproto.utilities import LocalProtocolError

        self.rejected = True
        if not isinstance(hint, RejectConnection):
            hint = RejectConnection(status_code=400)
        headers = [*hint.headers, (b"content-length", b"0"), (b"connection", b"close")]
        try:
            data = self.conn.send(RejectConnection(status_code=hint.status_code, headers=headers))
        except LocalProtocolError:
            data = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        self._write(data)
        self._close_transport()

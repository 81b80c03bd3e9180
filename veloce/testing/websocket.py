"""``TestClient.websocket_connect``: an in-memory WebSocket session against an ASGI app.

The app runs as a task on the client's event loop and talks to the session through
two asyncio queues (client → app, app → client). Each sync call of the session runs a
short coroutine on that loop, which also lets the app task make progress, so a test
reads like a conversation: ``send_text`` then ``receive_text``.
"""

from __future__ import annotations

import asyncio
import json
import typing as t
from types import TracebackType

from veloce.core.exceptions import WebSocketDisconnect

if t.TYPE_CHECKING:
    from veloce.testing.transport import LoopRunner

__all__ = ["WebSocketTestSession"]

_APP_DONE = "veloce.testing.app_done"


class WebSocketTestSession:
    """A client-side WebSocket to an app; use it as a context manager.

    Entering performs the handshake: it returns once the app accepted (with
    :attr:`accepted_subprotocol` and :attr:`accepted_headers` set) and raises
    :class:`~veloce.core.exceptions.WebSocketDisconnect` if the app closed instead.
    Leaving disconnects (code 1000) unless the app already closed, waits for the app,
    and re-raises an exception the app ended with.
    """

    def __init__(self, app: t.Any, scope: dict[str, t.Any], runner: LoopRunner) -> None:
        self.app = app
        self.scope = scope
        self._runner = runner
        self._to_app: asyncio.Queue[dict[str, t.Any]] | None = None
        self._to_client: asyncio.Queue[dict[str, t.Any]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._app_error: BaseException | None = None
        self._error_raised = False
        self.accepted_subprotocol: str | None = None
        self.accepted_headers: list[tuple[bytes, bytes]] = []

    # -- the app side ----------------------------------------------------------------

    async def _app_receive(self) -> dict[str, t.Any]:
        assert self._to_app is not None
        return await self._to_app.get()

    async def _app_send(self, message: t.Mapping[str, t.Any]) -> None:
        assert self._to_client is not None
        await self._to_client.put(dict(message))

    async def _run_app(self) -> None:
        assert self._to_client is not None
        try:
            await self.app(self.scope, self._app_receive, self._app_send)
        except BaseException as e:  # noqa: BLE001 - handed to the test on the next call
            self._app_error = e
        finally:
            await self._to_client.put({"type": _APP_DONE})

    async def _start(self) -> dict[str, t.Any]:
        self._to_app = asyncio.Queue()
        self._to_client = asyncio.Queue()
        await self._to_app.put({"type": "websocket.connect"})
        self._task = asyncio.get_running_loop().create_task(self._run_app())
        return await self._to_client.get()

    # -- context manager -------------------------------------------------------------

    def __enter__(self) -> WebSocketTestSession:
        message = self._runner.run(self._start())
        kind = message["type"]
        if kind == "websocket.accept":
            self.accepted_subprotocol = message.get("subprotocol")
            self.accepted_headers = list(message.get("headers") or [])
            return self
        self._closed = True
        self._finish()
        # An app that failed before accepting closed with 1011: its error is the news.
        self._raise_app_error()
        if kind == "websocket.close":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        raise WebSocketDisconnect(1006, f"handshake ended with {kind!r}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._closed:
            self.close(1000)
        self._finish()
        if exc_type is None:
            self._raise_app_error()

    def _finish(self) -> None:
        task = self._task
        if task is not None and not task.done():
            self._runner.run(self._wait_task(task))

    @staticmethod
    async def _wait_task(task: asyncio.Task[None]) -> None:
        await task

    def _raise_app_error(self) -> None:
        error = self._app_error
        if error is not None and not self._error_raised:
            self._error_raised = True
            raise error

    # -- client → app ----------------------------------------------------------------

    def _put(self, message: dict[str, t.Any]) -> None:
        assert self._to_app is not None
        self._runner.run(self._to_app.put(message))

    def send(self, message: dict[str, t.Any]) -> None:
        """Deliver a raw ASGI message to the app."""
        self._put(message)

    def send_text(self, data: str) -> None:
        """Send a text frame."""
        self._put({"type": "websocket.receive", "text": data})

    def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        self._put({"type": "websocket.receive", "bytes": bytes(data)})

    def send_json(self, data: t.Any, mode: str = "text") -> None:
        """Send ``data`` as JSON in a text (default) or binary frame."""
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if mode == "binary":
            self.send_bytes(text.encode("utf-8"))
        else:
            self.send_text(text)

    def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Disconnect from the client side."""
        if self._closed:
            return
        self._closed = True
        self._put({"type": "websocket.disconnect", "code": code, "reason": reason or ""})

    # -- app → client ----------------------------------------------------------------

    def receive(self) -> dict[str, t.Any]:
        """The next ``websocket.send`` message from the app.

        Raises:
            WebSocketDisconnect: the app closed the connection (or returned).
            Exception: the one the app ended with.
        """
        assert self._to_client is not None
        message = self._runner.run(self._to_client.get())
        kind = message["type"]
        if kind == "websocket.send":
            return message
        self._closed = True
        if kind == _APP_DONE:
            self._raise_app_error()
            raise WebSocketDisconnect(1000)
        if kind == "websocket.close":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        raise RuntimeError(f"unexpected message from the app: {kind!r}")

    def receive_text(self) -> str:
        """The next text frame."""
        message = self.receive()
        text = message.get("text")
        if text is None:
            raise TypeError("expected a text frame, got a binary one")
        return t.cast("str", text)

    def receive_bytes(self) -> bytes:
        """The next binary frame."""
        message = self.receive()
        data = message.get("bytes")
        if data is None:
            raise TypeError("expected a binary frame, got a text one")
        return t.cast("bytes", data)

    def receive_json(self, mode: str = "text") -> t.Any:
        """The next frame decoded as JSON (text by default, or binary)."""
        message = self.receive()
        payload = message.get("text") if mode == "text" else message.get("bytes")
        if payload is None:
            payload = message.get("bytes") if mode == "text" else message.get("text")
        return json.loads(payload)


def websocket_scope(
    http_scope: t.Mapping[str, t.Any],
    subprotocols: t.Sequence[str] | None,
    cookie: str | None,
) -> dict[str, t.Any]:
    """Turn a built HTTP request scope into the ASGI ``websocket`` handshake scope.

    ``cookie`` (from the client's jar) replaces any ``Cookie`` header, as for HTTP
    requests; the offered subprotocols go both in the scope and in
    ``Sec-WebSocket-Protocol``, as a server would present them.
    """
    skip = {b"content-length", b"content-type", b"sec-websocket-protocol"}
    if cookie is not None:
        skip.add(b"cookie")
    headers = [(k, v) for k, v in http_scope["headers"] if k not in skip]
    if cookie:
        headers.append((b"cookie", cookie.encode("latin-1")))
    headers += [
        (b"connection", b"upgrade"),
        (b"upgrade", b"websocket"),
        (b"sec-websocket-version", b"13"),
        (b"sec-websocket-key", b"dGhlIHNhbXBsZSBub25jZQ=="),
    ]
    offered = list(subprotocols or ())
    if offered:
        headers.append((b"sec-websocket-protocol", ", ".join(offered).encode("latin-1")))
    scheme = "wss" if http_scope.get("scheme") == "https" else "ws"
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": http_scope.get("http_version", "1.1"),
        "scheme": scheme,
        "server": http_scope.get("server"),
        "client": http_scope.get("client"),
        "root_path": http_scope.get("root_path", ""),
        "path": http_scope["path"],
        "raw_path": http_scope.get("raw_path"),
        "query_string": http_scope.get("query_string", b""),
        "headers": headers,
        "subprotocols": offered,
        "state": {},
        "extensions": {},
    }

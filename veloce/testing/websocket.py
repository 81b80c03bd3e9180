"""``websocket_connect`` of the test clients: an in-memory WebSocket against an ASGI app.

The app runs as a task and talks to the session through two asyncio queues (client →
app, app → client). :class:`AsyncWebSocketTestSession` is the session itself, awaited
on the caller's running loop (``AsyncTestClient``). :class:`WebSocketTestSession` is
the sync client's face of it: each call runs the async method on the client's private
loop, which also lets the app task make progress, so a test reads like a
conversation: ``send_text`` then ``receive_text``.

The scope advertises the ``websocket.http.response`` extension, as the built-in server
and uvicorn do, so a handshake the app answers with an HTTP response raises
:class:`WebSocketDenialResponse` carrying it.
"""

from __future__ import annotations

import asyncio
import json
import typing as t
from types import TracebackType

from veloce.core.exceptions import WebSocketDisconnect
from veloce.testing.base import _hostname
from veloce.testing.wrappers import TestRequest, TestResponse, response_headers

if t.TYPE_CHECKING:
    from veloce.testing.base import ClientBase
    from veloce.testing.transport import LoopRunner

__all__ = [
    "AsyncWebSocketTestSession",
    "WebSocketDenialResponse",
    "WebSocketTestSession",
    "client_websocket_scope",
    "websocket_scope",
]

_APP_DONE = "veloce.testing.app_done"
_DENIAL_START = "websocket.http.response.start"
_DENIAL_BODY = "websocket.http.response.body"


class WebSocketDenialResponse(Exception):  # noqa: N818 - Starlette's name
    """The app refused the handshake with an HTTP response instead of accepting.

    Raised when entering ``websocket_connect``. ``response`` is a
    :class:`~veloce.testing.wrappers.TestResponse` (``status_code``, ``headers``,
    ``data``, ``get_json()``...); ``status_code``, ``headers`` and ``data`` are
    repeated on the exception for short assertions.
    """

    def __init__(self, response: TestResponse) -> None:
        super().__init__(f"WebSocket handshake denied with HTTP {response.status_code}")
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.data: bytes = response.data


class AsyncWebSocketTestSession:
    """A client-side WebSocket to an app on the running loop; use ``async with``.

    Entering performs the handshake: it returns once the app accepted (with
    :attr:`accepted_subprotocol` and :attr:`accepted_headers` set), raises
    :class:`~veloce.core.exceptions.WebSocketDisconnect` if the app closed instead and
    :class:`WebSocketDenialResponse` if it answered with an HTTP response. Leaving
    disconnects (code 1000) unless the app already closed, waits for the app, and
    re-raises an exception the app ended with.
    """

    def __init__(self, app: t.Any, scope: dict[str, t.Any]) -> None:
        self.app = app
        self.scope = scope
        self._to_app: asyncio.Queue[dict[str, t.Any]] = asyncio.Queue()
        self._to_client: asyncio.Queue[dict[str, t.Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._app_error: BaseException | None = None
        self._error_raised = False
        self.accepted_subprotocol: str | None = None
        self.accepted_headers: list[tuple[bytes, bytes]] = []

    # -- the app side ----------------------------------------------------------------

    async def _app_receive(self) -> dict[str, t.Any]:
        return await self._to_app.get()

    async def _app_send(self, message: t.Mapping[str, t.Any]) -> None:
        await self._to_client.put(dict(message))

    async def _run_app(self) -> None:
        try:
            await self.app(self.scope, self._app_receive, self._app_send)
        except BaseException as e:  # noqa: BLE001 - handed to the test on the next call
            self._app_error = e
        finally:
            await self._to_client.put({"type": _APP_DONE})

    # -- context manager -------------------------------------------------------------

    async def __aenter__(self) -> AsyncWebSocketTestSession:
        await self._to_app.put({"type": "websocket.connect"})
        self._task = asyncio.get_running_loop().create_task(self._run_app())
        message = await self._to_client.get()
        kind = message["type"]
        if kind == "websocket.accept":
            self.accepted_subprotocol = message.get("subprotocol")
            self.accepted_headers = list(message.get("headers") or [])
            return self
        self._closed = True
        if kind == _DENIAL_START:
            denial = await self._read_denial(message)
            await self._finish()
            self._raise_app_error()
            raise denial
        await self._finish()
        # An app that failed before accepting closed with 1011: its error is the news.
        self._raise_app_error()
        if kind == "websocket.close":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        raise WebSocketDisconnect(1006, f"handshake ended with {kind!r}")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._closed:
            await self.close(1000)
        await self._finish()
        if exc_type is None:
            self._raise_app_error()

    async def _read_denial(self, start: dict[str, t.Any]) -> WebSocketDenialResponse:
        chunks: list[bytes] = []
        while True:
            message = await self._to_client.get()
            kind = message["type"]
            if kind != _DENIAL_BODY:
                if kind == _APP_DONE:
                    await self._to_client.put(message)
                    break
                raise RuntimeError(f"expected {_DENIAL_BODY!r} from the app, got {kind!r}")
            chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                break
        response = TestResponse(
            int(start["status"]),
            response_headers(start.get("headers") or ()),
            chunks,
            TestRequest({**self.scope, "method": "GET"}),
        )
        return WebSocketDenialResponse(response)

    async def _finish(self) -> None:
        task = self._task
        if task is not None and not task.done():
            await task

    def _raise_app_error(self) -> None:
        error = self._app_error
        if error is not None and not self._error_raised:
            self._error_raised = True
            raise error

    # -- client → app ----------------------------------------------------------------

    async def send(self, message: dict[str, t.Any]) -> None:
        """Deliver a raw ASGI message to the app."""
        await self._to_app.put(message)

    async def send_text(self, data: str) -> None:
        """Send a text frame."""
        await self.send({"type": "websocket.receive", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        await self.send({"type": "websocket.receive", "bytes": bytes(data)})

    async def send_json(self, data: t.Any, mode: str = "text") -> None:
        """Send ``data`` as JSON in a text (default) or binary frame."""
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if mode == "binary":
            await self.send_bytes(text.encode("utf-8"))
        else:
            await self.send_text(text)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Disconnect from the client side."""
        if self._closed:
            return
        self._closed = True
        await self.send({"type": "websocket.disconnect", "code": code, "reason": reason or ""})

    # -- app → client ----------------------------------------------------------------

    async def receive(self) -> dict[str, t.Any]:
        """The next ``websocket.send`` message from the app.

        Raises:
            WebSocketDisconnect: the app closed the connection (or returned).
            Exception: the one the app ended with.
        """
        message = await self._to_client.get()
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

    async def receive_text(self) -> str:
        """The next text frame."""
        message = await self.receive()
        text = message.get("text")
        if text is None:
            raise TypeError("expected a text frame, got a binary one")
        return t.cast("str", text)

    async def receive_bytes(self) -> bytes:
        """The next binary frame."""
        message = await self.receive()
        data = message.get("bytes")
        if data is None:
            raise TypeError("expected a binary frame, got a text one")
        return t.cast("bytes", data)

    async def receive_json(self, mode: str = "text") -> t.Any:
        """The next frame decoded as JSON (text by default, or binary)."""
        message = await self.receive()
        payload = message.get("text") if mode == "text" else message.get("bytes")
        if payload is None:
            payload = message.get("bytes") if mode == "text" else message.get("text")
        return json.loads(payload)


class WebSocketTestSession:
    """The sync client's WebSocket session; use it as a context manager.

    The same behaviour and methods as :class:`AsyncWebSocketTestSession`, called
    without ``await``: each runs on the client's event loop.
    """

    def __init__(self, app: t.Any, scope: dict[str, t.Any], runner: LoopRunner) -> None:
        self._runner = runner
        self._session: AsyncWebSocketTestSession | None = None
        self.app = app
        self.scope = scope

    @property
    def _async(self) -> AsyncWebSocketTestSession:
        if self._session is None:
            raise RuntimeError("use the session in a 'with' block")
        return self._session

    @property
    def accepted_subprotocol(self) -> str | None:
        """The subprotocol the app accepted with."""
        return self._async.accepted_subprotocol

    @property
    def accepted_headers(self) -> list[tuple[bytes, bytes]]:
        """The extra headers the app accepted with."""
        return self._async.accepted_headers

    async def _open(self) -> AsyncWebSocketTestSession:
        # The queues belong to the loop that runs the app: build them there.
        self._session = AsyncWebSocketTestSession(self.app, self.scope)
        return await self._session.__aenter__()

    def __enter__(self) -> WebSocketTestSession:
        self._runner.run(self._open())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._runner.run(self._async.__aexit__(exc_type, exc_value, tb))

    def send(self, message: dict[str, t.Any]) -> None:
        """Deliver a raw ASGI message to the app."""
        self._runner.run(self._async.send(message))

    def send_text(self, data: str) -> None:
        """Send a text frame."""
        self._runner.run(self._async.send_text(data))

    def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        self._runner.run(self._async.send_bytes(data))

    def send_json(self, data: t.Any, mode: str = "text") -> None:
        """Send ``data`` as JSON in a text (default) or binary frame."""
        self._runner.run(self._async.send_json(data, mode))

    def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Disconnect from the client side."""
        self._runner.run(self._async.close(code, reason))

    def receive(self) -> dict[str, t.Any]:
        """The next ``websocket.send`` message from the app (see the async session)."""
        return self._runner.run(self._async.receive())

    def receive_text(self) -> str:
        """The next text frame."""
        return self._runner.run(self._async.receive_text())

    def receive_bytes(self) -> bytes:
        """The next binary frame."""
        return self._runner.run(self._async.receive_bytes())

    def receive_json(self, mode: str = "text") -> t.Any:
        """The next frame decoded as JSON (text by default, or binary)."""
        return self._runner.run(self._async.receive_json(mode))


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
        "asgi": {"version": "3.0", "spec_version": "2.4"},
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
        "extensions": {"websocket.http.response": {}},
    }


def client_websocket_scope(
    client: ClientBase,
    path: str,
    subprotocols: list[str] | None,
    headers: dict[str, str] | None,
) -> dict[str, t.Any]:
    """The handshake scope of a test client: its base URL, headers and jar cookies."""
    request = client._prepare(path, "GET", {"headers": headers})
    cookie = None
    if client._jar is not None:
        cookie = client._jar.request_header(
            _hostname(request.host), request.scope["raw_path"].decode("latin-1")
        )
    return websocket_scope(request.scope, subprotocols, cookie)

"""The app-side WebSocket: one connection over an ASGI ``websocket`` scope.

A handler receives a :class:`WebSocket`, completes the handshake with
:meth:`WebSocket.accept` (or refuses it with :meth:`WebSocket.close`), then exchanges
messages. The object enforces the handshake state machine so that misuse fails loudly
instead of corrupting the ASGI message stream: receiving before ``accept()`` would
swallow the ``websocket.connect`` envelope, and sending after ``close()`` is a
protocol error the server would otherwise report far from its cause.
"""

from __future__ import annotations

import asyncio
import json
import typing as t

import orjson

from veloce.core._headerparse import parse_cookie_pairs
from veloce.core._json import loads as json_loads
from veloce.core._urls import ERRORS_URL_QUOTE, parse_query
from veloce.core._ws_handshake import (
    MAX_CLOSE_REASON_BYTES,
    WebSocketHandshake,
    WebSocketState,
    truncate_close_reason,
)
from veloce.core.datastructures import Address, State
from veloce.core.exceptions import WebSocketDisconnect
from veloce.core.headers import RequestHeaders
from veloce.core.structures import ImmutableMultiDict

__all__ = ["MAX_CLOSE_REASON_BYTES", "WebSocket", "WebSocketState", "truncate_close_reason"]

_Receive = t.Callable[[], t.Awaitable[t.MutableMapping[str, t.Any]]]
_Send = t.Callable[[t.MutableMapping[str, t.Any]], t.Awaitable[None]]
_sentinel: t.Any = object()


class WebSocket(WebSocketHandshake):
    """A WebSocket connection handler over an ASGI ``websocket`` scope.

    Build it with :meth:`from_asgi`. ``application_state`` tracks what the app sent
    (``accept``/``close``), ``client_state`` what the peer did (``connect`` consumed,
    ``disconnect`` seen).
    """

    __slots__ = (
        "scope",
        "_receive",
        "_send",
        "application_state",
        "client_state",
        "accepted_subprotocol",
        "path_params",
        "_headers",
        "_query_params",
        "_cookies",
        "_state",
    )

    def __init__(self, scope: t.MutableMapping[str, t.Any], receive: _Receive, send: _Send) -> None:
        if scope.get("type") != "websocket":
            raise ValueError(f"expected a 'websocket' scope, got {scope.get('type')!r}")
        self.scope = scope
        self._receive = receive
        self._send = send
        self.application_state = WebSocketState.CONNECTING
        self.client_state = WebSocketState.CONNECTING
        #: The subprotocol passed to :meth:`accept`, once accepted.
        self.accepted_subprotocol: str | None = None
        #: The converted URL variables of the matched route.
        self.path_params: dict[str, t.Any] = {}
        self._headers: t.Any = _sentinel
        self._query_params: t.Any = _sentinel
        self._cookies: t.Any = _sentinel
        self._state: t.Any = _sentinel

    @classmethod
    def from_asgi(
        cls, scope: t.MutableMapping[str, t.Any], receive: t.Any, send: t.Any
    ) -> WebSocket:
        """Construct a WebSocket driven through the ASGI ``receive``/``send`` callables."""
        return cls(scope, receive, send)

    # -- handshake data --------------------------------------------------------------

    @property
    def headers(self) -> RequestHeaders:
        """The handshake headers (read-only, case-insensitive)."""
        headers = self._headers
        if headers is _sentinel:
            headers = self._headers = RequestHeaders(self.scope.get("headers") or ())
        return headers  # type: ignore[no-any-return]

    @property
    def path(self) -> str:
        """The decoded handshake path."""
        return self.scope.get("path", "/")  # type: ignore[no-any-return]

    @property
    def query_string(self) -> bytes:
        """The raw query string of the handshake URL."""
        return self.scope.get("query_string", b"")  # type: ignore[no-any-return]

    @property
    def query_params(self) -> ImmutableMultiDict[str, str]:
        """Parsed query string of the handshake URL (multi-value, ``getlist``-aware)."""
        params = self._query_params
        if params is _sentinel:
            text = self.query_string.decode("utf-8", ERRORS_URL_QUOTE)
            params = self._query_params = ImmutableMultiDict(parse_query(text))
        return params  # type: ignore[no-any-return]

    @property
    def url(self) -> str:
        """The handshake path plus ``?query`` when a query string is present."""
        query = self.query_string
        if query:
            return f"{self.path}?{query.decode('latin-1')}"
        return self.path

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies sent with the handshake as ``{name: value}`` (first value wins)."""
        cookies = self._cookies
        if cookies is _sentinel:
            cookies = {}
            for name, value in parse_cookie_pairs(self.headers.get("Cookie")):
                cookies.setdefault(name, value)
            self._cookies = cookies
        return cookies  # type: ignore[no-any-return]

    @property
    def client(self) -> Address | None:
        """The connecting peer as ``Address(host, port)``, or None when unknown."""
        client = self.scope.get("client")
        if not client:
            return None
        return Address(client[0], client[1])

    @property
    def state(self) -> State:
        """Per-connection scratch namespace (attribute and item access)."""
        state = self._state
        if state is _sentinel:
            state = self._state = State(self.scope.setdefault("state", {}))
        return state  # type: ignore[no-any-return]

    # -- raw messages ----------------------------------------------------------------

    async def receive(self) -> t.MutableMapping[str, t.Any]:
        """Receive a raw ``websocket.receive`` message.

        Raises:
            RuntimeError: the handshake is not complete, or the connection is closed.
            WebSocketDisconnect: the peer closed the connection.
        """
        if self.application_state is WebSocketState.CONNECTING:
            raise RuntimeError('WebSocket is not connected. Need to call "accept" first.')
        if self.application_state is WebSocketState.DISCONNECTED:
            raise RuntimeError('Cannot call "receive" once the connection is closed.')
        if self.client_state is WebSocketState.DISCONNECTED:
            raise RuntimeError('Cannot call "receive" once a disconnect message was received.')
        message = await self._receive()
        kind = message["type"]
        if kind == "websocket.disconnect":
            self.client_state = WebSocketState.DISCONNECTED
            self.application_state = WebSocketState.DISCONNECTED
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        if kind != "websocket.receive":
            raise RuntimeError(f'Expected "websocket.receive", got {kind!r}.')
        return message

    async def send(self, message: t.MutableMapping[str, t.Any]) -> None:
        """Send a raw ASGI message (``websocket.send`` or ``websocket.close``).

        Raises:
            RuntimeError: not accepted yet, or already closed.
        """
        kind = message.get("type")
        if kind == "websocket.accept":
            await self.accept(message.get("subprotocol"), message.get("headers"))
            return
        if kind == "websocket.close":
            await self.close(message.get("code", 1000), message.get("reason"))
            return
        if self.application_state is WebSocketState.CONNECTING:
            raise RuntimeError('WebSocket is not connected. Need to call "accept" first.')
        if self.application_state is WebSocketState.DISCONNECTED:
            raise RuntimeError('Cannot call "send" once the connection is closed.')
        if kind != "websocket.send":
            raise RuntimeError(f'Expected "websocket.send", got {kind!r}.')
        await self._send(message)

    # -- typed receive ---------------------------------------------------------------

    async def _receive_timed(self, timeout: float | None) -> t.MutableMapping[str, t.Any]:
        if timeout is None:
            return await self.receive()
        return await asyncio.wait_for(self.receive(), timeout)

    async def receive_text(self, timeout: float | None = None) -> str:
        """Receive a text message; ``asyncio.TimeoutError`` after ``timeout`` seconds."""
        message = await self._receive_timed(timeout)
        text = message.get("text")
        if text is None:
            raise RuntimeError("Expected a text message, got a binary one.")
        return text  # type: ignore[no-any-return]

    async def receive_bytes(self, timeout: float | None = None) -> bytes:
        """Receive a binary message; ``asyncio.TimeoutError`` after ``timeout`` seconds."""
        message = await self._receive_timed(timeout)
        data = message.get("bytes")
        if data is None:
            raise RuntimeError("Expected a binary message, got a text one.")
        return data  # type: ignore[no-any-return]

    async def receive_json(self, mode: str = "text", timeout: float | None = None) -> t.Any:
        """Receive a JSON message carried in a text (default) or binary frame."""
        if mode not in ("text", "binary"):
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        message = await self._receive_timed(timeout)
        payload = message.get("text") if mode == "text" else message.get("bytes")
        if payload is None:
            payload = message.get("bytes") if mode == "text" else message.get("text")
        if payload is None:
            raise RuntimeError("Expected a JSON message, got an empty one.")
        return json_loads(payload)

    async def iter_text(self) -> t.AsyncIterator[str]:
        """Yield text messages until the peer closes."""
        try:
            while True:
                yield await self.receive_text()
        except WebSocketDisconnect:
            return

    async def iter_bytes(self) -> t.AsyncIterator[bytes]:
        """Yield binary messages until the peer closes."""
        try:
            while True:
                yield await self.receive_bytes()
        except WebSocketDisconnect:
            return

    async def iter_json(self) -> t.AsyncIterator[t.Any]:
        """Yield JSON-decoded messages until the peer closes."""
        try:
            while True:
                yield await self.receive_json()
        except WebSocketDisconnect:
            return

    # -- typed send ------------------------------------------------------------------

    async def send_text(self, data: str) -> None:
        """Send a text frame."""
        await self.send({"type": "websocket.send", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        await self.send({"type": "websocket.send", "bytes": bytes(data)})

    async def send_json(self, data: t.Any, mode: str = "text") -> None:
        """Send ``data`` as JSON in a text frame (``mode="text"``) or binary frame."""
        if mode not in ("text", "binary"):
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        try:
            encoded = orjson.dumps(data)
        except TypeError:
            encoded = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        if mode == "text":
            await self.send({"type": "websocket.send", "text": encoded.decode("utf-8")})
        else:
            await self.send({"type": "websocket.send", "bytes": encoded})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url!r} [{self.application_state.name}]>"


# Defined in ``core/_ws_handshake.py``; this module is their public home.
WebSocketState.__module__ = truncate_close_reason.__module__ = __name__

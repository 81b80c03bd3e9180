"""The handshake half of the app-side WebSocket: origin, subprotocols, accept, refuse.

:class:`WebSocketHandshake` is the base of :class:`~veloce.core.websockets.WebSocket`
holding everything that happens before (or instead of) the connection being open:
checking ``Origin``, negotiating a subprotocol, ``accept()``, ``close()`` before
accepting, and the HTTP denial response. The message exchange after the handshake is
in :mod:`veloce.core.websockets`, the public home of every name here.
"""

from __future__ import annotations

import enum
import typing as t

from veloce.core.exceptions import WebSocketDisconnect

if t.TYPE_CHECKING:
    from veloce.core.headers import RequestHeaders

__all__ = [
    "MAX_CLOSE_REASON_BYTES",
    "WebSocketHandshake",
    "WebSocketState",
    "truncate_close_reason",
]

#: RFC 6455 §5.5: a control frame carries at most 125 bytes; the close code takes 2.
MAX_CLOSE_REASON_BYTES = 123


class WebSocketState(enum.Enum):
    """The phase of one side of the connection."""

    CONNECTING = 0
    CONNECTED = 1
    DISCONNECTED = 2


def truncate_close_reason(reason: str | None) -> str | None:
    """Cut ``reason`` to 123 UTF-8 bytes without splitting a character.

    The close frame's payload is limited to 125 bytes; a longer reason would make the
    server drop the frame (or the connection) instead of delivering the code.
    """
    if reason is None:
        return None
    encoded = reason.encode("utf-8")
    if len(encoded) <= MAX_CLOSE_REASON_BYTES:
        return reason
    return encoded[:MAX_CLOSE_REASON_BYTES].decode("utf-8", "ignore")


def _normalise_origin(origin: str) -> str:
    return origin.strip().lower().rstrip("/")


class WebSocketHandshake:
    """Handshake methods of :class:`~veloce.core.websockets.WebSocket` (no state of its own)."""

    __slots__ = ()

    if t.TYPE_CHECKING:
        scope: t.MutableMapping[str, t.Any]
        _receive: t.Callable[[], t.Awaitable[t.MutableMapping[str, t.Any]]]
        _send: t.Callable[[t.MutableMapping[str, t.Any]], t.Awaitable[None]]
        application_state: WebSocketState
        client_state: WebSocketState
        accepted_subprotocol: str | None
        headers: RequestHeaders

    @property
    def origin(self) -> str | None:
        """The handshake ``Origin`` header, or None if absent."""
        return self.headers.get("Origin")  # type: ignore[no-any-return]

    @property
    def requested_subprotocols(self) -> list[str]:
        """Subprotocols the client offered, in its preference order."""
        offered = self.scope.get("subprotocols")
        if offered is not None:
            return [p.strip() for p in offered if p.strip()]
        header = self.headers.get("Sec-WebSocket-Protocol")
        if not header:
            return []
        return [p.strip() for p in header.split(",") if p.strip()]

    def negotiate_subprotocol(self, supported: t.Iterable[str]) -> str | None:
        """The first client-offered subprotocol the server supports (case-sensitive)."""
        allowed = set(supported)
        for protocol in self.requested_subprotocols:
            if protocol in allowed:
                return protocol
        return None

    def check_origin(self, allowed: str | t.Iterable[str]) -> bool:
        """Whether the handshake ``Origin`` is in ``allowed``.

        Both sides are lower-cased and lose a trailing slash; ``"*"`` allows any
        present origin. A missing ``Origin`` (or the literal ``null``) never matches:
        the check exists to stop cross-site hijacking, so absence is not consent.
        """
        origin = self.origin
        if origin is None or origin.strip().lower() == "null":
            return False
        candidates = [allowed] if isinstance(allowed, str) else list(allowed)
        if "*" in candidates:
            return True
        normalised = _normalise_origin(origin)
        return any(_normalise_origin(candidate) == normalised for candidate in candidates)

    # -- handshake -------------------------------------------------------------------

    async def accept(
        self,
        subprotocol: str | None = None,
        headers: t.Iterable[tuple[str | bytes, str | bytes]] | t.Mapping[str, str] | None = None,
    ) -> None:
        """Complete the handshake, optionally choosing a subprotocol and extra headers.

        Raises:
            RuntimeError: the connection was already accepted or closed.
        """
        if self.application_state is not WebSocketState.CONNECTING:
            raise RuntimeError(
                'Cannot call "accept" once the connection is '
                f"{self.application_state.name.lower()}."
            )
        if self.client_state is WebSocketState.CONNECTING:
            # The connect envelope comes first; consume it before answering.
            message = await self._receive()
            if message["type"] == "websocket.disconnect":
                self.client_state = WebSocketState.DISCONNECTED
                raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
            if message["type"] != "websocket.connect":
                raise RuntimeError(
                    f'Expected "websocket.connect", got {message["type"]!r}.'
                )
            self.client_state = WebSocketState.CONNECTED
        raw_headers: list[tuple[bytes, bytes]] = []
        if headers is not None:
            items = headers.items() if isinstance(headers, t.Mapping) else headers
            for name, value in items:
                raw_headers.append((_to_bytes(name).lower(), _to_bytes(value)))
        await self._send(
            {"type": "websocket.accept", "subprotocol": subprotocol, "headers": raw_headers}
        )
        self.application_state = WebSocketState.CONNECTED
        self.accepted_subprotocol = subprotocol

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Send a close frame; ``reason`` is cut to 123 UTF-8 bytes (RFC 6455 §5.5.1).

        Closing before ``accept()`` refuses the handshake.

        Raises:
            RuntimeError: the connection is already closed.
        """
        if self.application_state is WebSocketState.DISCONNECTED:
            raise RuntimeError('Cannot call "close" once the connection is closed.')
        message: dict[str, t.Any] = {"type": "websocket.close", "code": code}
        reason = truncate_close_reason(reason)
        if reason:
            message["reason"] = reason
        self.application_state = WebSocketState.DISCONNECTED
        await self._send(message)

    @property
    def can_deny(self) -> bool:
        """Whether the server lets the app answer the handshake with an HTTP response.

        True when the scope advertises the ASGI ``websocket.http.response`` extension
        (the built-in server, uvicorn, and the test clients do).
        """
        return "websocket.http.response" in (self.scope.get("extensions") or ())

    async def send_denial_response(self, response: t.Any) -> None:
        """Refuse the handshake with a full HTTP response (status, headers, body).

        ``response`` is any ASGI response callable (a
        :class:`~veloce.core.response.Response`); it is sent through the
        ``websocket.http.response`` extension, so a client sees e.g. a ``401`` with
        its ``WWW-Authenticate`` header instead of a bare refusal. Without the
        extension (an ASGI server that lacks it) the handshake is refused with a
        ``close(1008)`` instead, which servers answer with ``403``.

        Raises:
            RuntimeError: the handshake was already accepted or refused.
        """
        if self.application_state is not WebSocketState.CONNECTING:
            raise RuntimeError(
                'Cannot call "send_denial_response" once the connection is '
                f"{self.application_state.name.lower()}."
            )
        if not self.can_deny:
            await self.close(1008)
            return
        self.application_state = WebSocketState.DISCONNECTED
        send = self._send

        async def send_http(message: t.MutableMapping[str, t.Any]) -> None:
            kind = message["type"]
            if kind not in ("http.response.start", "http.response.body"):
                raise RuntimeError(f"A denial response cannot send {kind!r}.")
            await send({**message, "type": f"websocket.{kind}"})

        await response(self.scope, self._receive, send_http)


def _to_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")

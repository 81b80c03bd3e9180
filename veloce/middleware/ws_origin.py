"""``WebSocketOriginMiddleware``: refuse cross-site WebSocket handshakes (CSWSH).

A WebSocket handshake is not subject to the Same-Origin Policy and CORS never applies
to it, so any page a user visits can open a socket to the app *with the user's
cookies* unless the server checks the handshake's ``Origin``. This middleware is that
check, registered once for every WebSocket route.

It joins the app like any :class:`~veloce.middleware.base.Middleware`, but a handshake
never runs ``process_request``: the app's WebSocket dispatcher calls
:meth:`WebSocketOriginMiddleware.is_websocket_origin_allowed` before routing, and a
refused handshake is closed with code 1008 before ``accept`` (servers answer HTTP 403).
Plain HTTP requests pass straight through at no cost: the middleware does not override
``process_request``, so the HTTP pipeline skips it.
"""

from __future__ import annotations

import typing as t

from veloce.middleware.base import Middleware

__all__ = ["WebSocketOriginMiddleware"]


def _normalise(origin: str) -> str:
    # The same normalisation as ``WebSocket.check_origin``, so allow-lists carry over.
    return origin.strip().lower().rstrip("/")


class WebSocketOriginMiddleware(Middleware):
    """Reject WebSocket handshakes whose ``Origin`` is not in ``allowed_origins``.

    Args:
        allowed_origins: The origins the app's own front-end is served from, e.g.
            ``["https://app.example.com"]`` (scheme, host and non-default port, as
            browsers send them). Compared case-insensitively, ignoring a trailing
            slash. ``"*"`` allows every origin (the "I check elsewhere" escape hatch).
        allow_missing: Whether a handshake with no ``Origin`` header may proceed.
            Browsers always send one (RFC 6455 §4.1), so the default ``True`` still
            stops every browser-driven hijack while letting non-browser clients
            (mobile apps, services), which legitimately omit it, connect. ``False``
            refuses them too.

    A literal ``Origin: null`` (a sandboxed iframe, a ``file://`` page) counts as a
    present, unlisted origin and is refused unless ``"*"`` is allowed: treating it as
    missing would let an attacker's sandboxed iframe through.

    Example::

        app.add_middleware(WebSocketOriginMiddleware,
                           allowed_origins=["https://app.example.com"])

    Raises:
        TypeError: ``allowed_origins`` is a single string (pass a list).
    """

    def __init__(self, allowed_origins: t.Iterable[str], allow_missing: bool = True) -> None:
        if isinstance(allowed_origins, (str, bytes)):
            raise TypeError(
                "allowed_origins must be a list of origins, e.g."
                f" [{allowed_origins!r}], not a single string"
            )
        origins = [_normalise(origin) for origin in allowed_origins]
        self.allow_any = "*" in origins
        self.allowed_origins = frozenset(origins)
        self.allow_missing = allow_missing

    def is_websocket_origin_allowed(self, origin: str | None) -> bool:
        """Whether a handshake carrying ``origin`` (``None``: no header) may proceed."""
        if origin is None:
            return self.allow_missing
        return self.allow_any or _normalise(origin) in self.allowed_origins

    def __repr__(self) -> str:
        allowed = sorted(self.allowed_origins)
        return (
            f"{type(self).__name__}(allowed_origins={allowed!r},"
            f" allow_missing={self.allow_missing})"
        )

"""In-memory test clients for ASGI apps (``TestClient``, ``AsyncTestClient``).

Layout: ``builder`` (arguments -> ASGI scope + body), ``encoding`` (forms, multipart, query),
``wrappers`` (``TestRequest``/``TestResponse``), ``cookies`` (the jar), ``websocket``
(``websocket_connect`` sessions),
``transport`` (one ASGI exchange; the sync client's private loop), ``base`` (what
both clients share: cookies, redirects, preserved contexts), ``_session_transaction``
(``session_transaction()`` for Veloce apps) and ``client``.
"""

from __future__ import annotations

from .base import PRESERVE_CONTEXT_KEY as PRESERVE_CONTEXT_KEY
from .base import ClientRedirectError as ClientRedirectError
from .builder import build_request as build_request
from .client import AsyncTestClient as AsyncTestClient
from .client import TestClient as TestClient
from .cookies import Cookie as Cookie
from .cookies import CookieJar as CookieJar
from .encoding import encode_multipart as encode_multipart
from .websocket import AsyncWebSocketTestSession as AsyncWebSocketTestSession
from .websocket import WebSocketDenialResponse as WebSocketDenialResponse
from .websocket import WebSocketTestSession as WebSocketTestSession
from .wrappers import TestRequest as TestRequest
from .wrappers import TestResponse as TestResponse

__all__ = [
    "PRESERVE_CONTEXT_KEY",
    "AsyncTestClient",
    "AsyncWebSocketTestSession",
    "ClientRedirectError",
    "Cookie",
    "CookieJar",
    "TestClient",
    "TestRequest",
    "TestResponse",
    "WebSocketDenialResponse",
    "WebSocketTestSession",
    "build_request",
    "encode_multipart",
]

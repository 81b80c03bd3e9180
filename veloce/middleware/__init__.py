"""Middleware: the request/response pipeline shapes and the bundled middleware.

``app.add_middleware`` accepts a :class:`Middleware` subclass or instance (the fast
request/response pipeline), a :class:`BaseHTTPMiddleware` (``call_next`` style) or any
ASGI middleware class (``cls(app, **options)``, wrapping the whole application).
"""

from .base import BaseHTTPMiddleware as BaseHTTPMiddleware
from .base import Middleware as Middleware
from .proxy_fix import ProxyFix as ProxyFix
from .sessions import ServerSession as ServerSession
from .sessions import ServerSessionMiddleware as ServerSessionMiddleware
from .sessions import SessionMiddleware as SessionMiddleware
from .ws_origin import WebSocketOriginMiddleware as WebSocketOriginMiddleware

__all__ = [
    "BaseHTTPMiddleware",
    "Middleware",
    "ProxyFix",
    "ServerSession",
    "ServerSessionMiddleware",
    "SessionMiddleware",
    "WebSocketOriginMiddleware",
]

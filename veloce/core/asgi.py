"""Reading what the app needs straight off an ASGI scope, before any Request exists.

The app matches the route and checks the body limit from the raw scope, so a 404 or a
413 costs no Request construction and no header parsing beyond one scan.
"""

from __future__ import annotations

import typing as t

__all__ = ["content_length", "reject_websocket", "route_path"]


def route_path(scope: t.Mapping[str, t.Any]) -> str:
    """The request path below the ASGI ``root_path`` (the mount prefix).

    ASGI servers (uvicorn with ``--root-path``) include ``root_path`` in ``path``;
    routing happens on the part below it, as WSGI's ``PATH_INFO`` excludes
    ``SCRIPT_NAME``.
    """
    path: str = scope["path"]
    root = scope.get("root_path")
    if root:
        root = root.rstrip("/")
        if path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
            path = path[len(root) :] or "/"
    return path


def content_length(scope: t.Mapping[str, t.Any]) -> int | None:
    """The declared ``Content-Length``, or None when absent or not a number."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def reject_websocket(send: t.Callable[[dict[str, t.Any]], t.Awaitable[None]]) -> None:
    """Refuse a WebSocket handshake (the app has no WebSocket routes)."""
    await send({"type": "websocket.close", "code": 1000})

"""The floor: a bare ASGI callable with no framework at all.

It does the least work that still answers the three routes correctly (one dict
lookup, an ``int()`` for the user id, precomputed header lists), so its time is
mostly the harness's own per-request cost. Every other target is reported as a
multiple of it, measured in the same run.
"""

from __future__ import annotations

from typing import Any

__all__ = ["app"]

_TEXT_HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"13")]
_JSON = b'{"message":"Hello, World!"}'
_STATIC = {
    "/": (_TEXT_HEADERS, b"Hello, World!"),
    "/json": (
        [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(_JSON))],
        _JSON,
    ),
}
_NOT_FOUND = ([(b"content-type", b"text/plain"), (b"content-length", b"9")], b"Not Found")
_USERS_PREFIX = "/users/"


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer the three benchmark routes; any other scope type is ignored."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    status = 200
    found = _STATIC.get(path)
    if found is not None:
        headers, body = found
    elif path.startswith(_USERS_PREFIX) and path[7:].isdigit():
        body = b'{"id":%d}' % int(path[7:])
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    else:
        status = 404
        headers, body = _NOT_FOUND
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

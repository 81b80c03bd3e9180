"""The floor: a bare ASGI callable with no framework at all.

It does the least work that still answers every route correctly: one dict lookup for
the static routes, an ``int()`` and a query-string parse for the user, a
pre-compiled Jinja template, a hand-written "hook" for ``/ctx``, and the body read
from ``receive`` for the form. Its time is mostly the harness's own per-request cost
plus the unavoidable work (parsing, rendering, encoding). Every other target is
reported as a multiple of it, measured in the same run.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import jinja2

from bench.apps.common import CTX_USER, ITEMS, TEMPLATE, TEMPLATE_DIR, TITLE

__all__ = ["app"]

_TEXT = b"text/plain; charset=utf-8"
_JSON_TYPE = b"application/json"
_HTML = b"text/html; charset=utf-8"
_JSON = b'{"message":"Hello, World!"}'
_STATIC = {
    "/": (_TEXT, b"Hello, World!"),
    "/json": (_JSON_TYPE, _JSON),
}
_USERS_PREFIX = "/users/"
_TEMPLATE = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True
).get_template(TEMPLATE)


def _args(scope: dict[str, Any]) -> dict[str, str]:
    return dict(parse_qsl(scope["query_string"].decode("latin-1")))


async def _body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answer(scope: dict[str, Any], receive: Any) -> tuple[int, bytes, bytes]:
    path = scope["path"]
    found = _STATIC.get(path)
    if found is not None:
        return 200, *found
    if path.startswith(_USERS_PREFIX) and path[7:].isdigit():
        value = {"id": int(path[7:]), "q": _args(scope).get("q")}
        return 200, _JSON_TYPE, json.dumps(value).encode()
    if path == "/ctx":
        g = {"user": CTX_USER}  # what the blueprint hook does elsewhere
        return 200, _TEXT, (g["user"] + _args(scope)["a"]).encode()
    if path == "/template":
        return 200, _HTML, _TEMPLATE.render(title=TITLE, items=ITEMS).encode()
    if path == "/form" and scope["method"] == "POST":
        form = dict(parse_qsl((await _body(receive)).decode("latin-1")))
        value = {"name": form["name"], "email": form["email"]}
        return 200, _JSON_TYPE, json.dumps(value).encode()
    return 404, _TEXT, b"Not Found"


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer the benchmark routes; any other scope type is ignored."""
    if scope["type"] != "http":
        return
    status, content_type, body = await _answer(scope, receive)
    headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

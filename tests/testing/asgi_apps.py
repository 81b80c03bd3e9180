"""Raw ASGI apps (and WSGI twins for Werkzeug comparisons) for the test-client tests.

Imported by the tests as ``asgi_apps`` (pytest puts this directory on ``sys.path``).
"""

from __future__ import annotations

import json
import typing as t
from urllib.parse import parse_qsl


def _scope_as_json(scope: dict[str, t.Any], body: bytes) -> bytes:
    out: dict[str, t.Any] = {}
    for key, value in scope.items():
        if key == "headers":
            out[key] = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in value]
        elif key == "extensions":
            out[key] = sorted(value)
        elif isinstance(value, bytes):
            out[key] = value.decode("latin-1")
        elif isinstance(value, (str, int, float, list, tuple, dict)) or value is None:
            out[key] = value
    out["body"] = body.decode("latin-1")
    return json.dumps(out).encode()


async def _read_body(receive: t.Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        assert message["type"] == "http.request"
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def echo_app(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
    """Answer with the scope, headers and body it received, as JSON."""
    body = await _read_body(receive)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": _scope_as_json(scope, body)})


def _query(scope: dict[str, t.Any]) -> dict[str, str]:
    return dict(parse_qsl(scope["query_string"].decode()))


async def redirect_app(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
    """``/r?to=<location>&code=<status>`` redirects; any other path echoes."""
    if scope["path"].endswith("/r"):
        await _read_body(receive)
        query = _query(scope)
        await send(
            {
                "type": "http.response.start",
                "status": int(query.get("code", "302")),
                "headers": [(b"location", query["to"].encode())],
            }
        )
        await send({"type": "http.response.body", "body": b""})
        return
    await echo_app(scope, receive, send)


def redirect_wsgi(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
    """The WSGI twin of :func:`redirect_app` for werkzeug.test.Client."""
    from werkzeug.wrappers import Request

    request = Request(environ)
    if request.path.endswith("/r"):
        request.get_data()
        start_response(f"{request.args.get('code', '302')} X", [("Location", request.args["to"])])
        return [b""]
    body = request.get_data()
    payload = {
        "method": request.method,
        "path": request.path,
        "root_path": request.root_path,
        "query_string": request.query_string.decode("latin-1"),
        "host": request.host,
        "scheme": request.scheme,
        "body": body.decode("latin-1"),
        "content_type": request.content_type,
        "cookie": request.headers.get("Cookie"),
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(payload).encode()]


def _set_cookies_from(headers: t.Iterable[tuple[str, str]]) -> list[str]:
    for name, value in headers:
        if name.lower() == "x-set-cookie":
            return t.cast("list[str]", json.loads(value))
    return []


async def cookie_app(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
    """Sets the cookies listed (JSON) in ``X-Set-Cookie``; echoes the Cookie header."""
    await _read_body(receive)
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    received = "; ".join(v for k, v in headers if k == "cookie")
    out = [(b"set-cookie", c.encode("latin-1")) for c in _set_cookies_from(headers)]
    await send({"type": "http.response.start", "status": 200, "headers": out})
    await send({"type": "http.response.body", "body": received.encode("latin-1")})


def cookie_wsgi(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
    """The WSGI twin of :func:`cookie_app`."""
    raw = environ.get("HTTP_X_SET_COOKIE")
    cookies = json.loads(raw) if raw else []
    start_response("200 OK", [("Set-Cookie", c) for c in cookies])
    return [environ.get("HTTP_COOKIE", "").encode("latin-1")]


async def streaming_app(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
    """Three body chunks, then waits for the disconnect the client sends afterwards."""
    await _read_body(receive)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for chunk in (b"a", b"", b"b", b"c"):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    message = await receive()
    assert message == {"type": "http.disconnect"}


class AppError(Exception):
    """Raised by :func:`raising_app`."""


async def raising_app(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
    """Fails before answering."""
    raise AppError("boom")


def fixed_app(
    status: int = 200,
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
) -> t.Callable[..., t.Awaitable[None]]:
    """An app that always sends the same response."""

    async def app(scope: dict[str, t.Any], receive: t.Any, send: t.Any) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers or []})
        await send({"type": "http.response.body", "body": body})

    return app


def scope_to_environ(scope: dict[str, t.Any], body: bytes) -> dict[str, t.Any]:
    """A WSGI environ equivalent to an ASGI scope + body (for Werkzeug's parsers)."""
    import io

    root = scope["root_path"]
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode().decode("latin-1"),
        "PATH_INFO": scope["path"][len(root) :].encode().decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": scope["server"][0],
        "SERVER_PORT": str(scope["server"][1]),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "wsgi.url_scheme": scope["scheme"],
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for key, value in scope["headers"]:
        name = key.decode("latin-1").upper().replace("-", "_")
        if name not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = f"HTTP_{name}"
        text = value.decode("latin-1")
        environ[name] = f"{environ[name]}, {text}" if name in environ else text
    return environ

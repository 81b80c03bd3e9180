"""A WSGI environ turned into the ASGI request the test client sends.

Flask's test client accepts a prebuilt environ (or a ``werkzeug.test.EnvironBuilder``,
which makes one) as the first argument of ``open()``. Veloce drives apps over ASGI,
so the environ is read back into a scope and a body: the reverse of
:func:`veloce.wsgi.build_environ`. The body is read from ``wsgi.input`` up to
``CONTENT_LENGTH``, as a WSGI server would let the app read it.
"""

from __future__ import annotations

import typing as t
from urllib.parse import quote

from veloce.testing.builder import DEFAULT_CLIENT, assemble_scope
from veloce.testing.wrappers import TestRequest

if t.TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["is_environ", "request_from_environ"]

# WHATWG path-segment safe set plus "%", as the builder uses for raw_path.
_PATH_SAFE = "%!$&'()*+,/:;=@"

# CGI keys the scope carries in its own fields; every other non-``wsgi.`` key is
# copied into the scope, where the native ``request.environ`` (the scope) shows it.
_CGI_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "REMOTE_PORT",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "REQUEST_URI",
        "RAW_URI",
    }
)


def is_environ(value: object) -> bool:
    """Whether ``value`` looks like a WSGI environ (a dict with ``REQUEST_METHOD``)."""
    return isinstance(value, dict) and "REQUEST_METHOD" in value


def _unwsgi(value: str) -> str:
    # PEP 3333 carries bytes as latin-1 text; the bytes are UTF-8.
    return value.encode("latin-1").decode("utf-8", "replace")


def _content_length(environ: Mapping[str, t.Any]) -> int | None:
    value = str(environ.get("CONTENT_LENGTH") or "").strip()
    return int(value) if value.isdigit() else None


def _read_body(environ: Mapping[str, t.Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = _content_length(environ)
    if length is not None:
        return bytes(stream.read(length))
    if environ.get("wsgi.input_terminated"):
        return bytes(stream.read())
    return b""


def _headers(environ: Mapping[str, t.Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            pairs.append((key[5:].replace("_", "-"), str(value)))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value not in (None, ""):
            pairs.append((key.replace("_", "-"), str(value)))
    return pairs


def _host(environ: Mapping[str, t.Any], scheme: str) -> str:
    host = environ.get("HTTP_HOST")
    if host:
        return str(host)
    name = str(environ.get("SERVER_NAME") or "localhost")
    port = str(environ.get("SERVER_PORT") or "")
    if port and (scheme, port) not in (("http", "80"), ("https", "443")):
        return f"{name}:{port}"
    return name


def request_from_environ(
    environ: Mapping[str, t.Any], defaults: Mapping[str, t.Any] | None = None
) -> TestRequest:
    """The ASGI scope and body equivalent to a WSGI ``environ``.

    Args:
        environ: A PEP 3333 environ (``wsgi.input`` is read, not rewound).
        defaults: Environ keys used where ``environ`` has none (the client's
            ``environ_base``: ``REMOTE_ADDR``, ``HTTP_USER_AGENT``...).

    Flask parity: what ``FlaskClient.open(environ)`` sends. The connection's
    ``server`` is ``SERVER_NAME``/``SERVER_PORT``, the ``Host`` header is
    ``HTTP_HOST`` (else built from them), ``client`` is ``REMOTE_ADDR``/
    ``REMOTE_PORT`` (``None`` without ``REMOTE_ADDR``; the client's usual port
    without ``REMOTE_PORT``).
    """
    if defaults:
        environ = {**defaults, **environ}
    scheme = str(environ.get("wsgi.url_scheme") or "http")
    root = _unwsgi(str(environ.get("SCRIPT_NAME") or "")).rstrip("/")
    path = _unwsgi(str(environ.get("PATH_INFO") or "")) or "/"
    remote = environ.get("REMOTE_ADDR")
    port = environ.get("REMOTE_PORT") or DEFAULT_CLIENT[1]
    client = (str(remote), int(port)) if remote else None
    scope = assemble_scope(
        method=str(environ.get("REQUEST_METHOD") or "GET").upper(),
        scheme=scheme,
        host=_host(environ, scheme),
        root_path=root,
        raw_path=quote(path, safe=_PATH_SAFE),
        query_string=str(environ.get("QUERY_STRING") or "").encode("latin-1"),
        headers=_headers(environ),
        client=client,
    )
    port = str(environ.get("SERVER_PORT") or "")
    if environ.get("SERVER_NAME") and port.isdigit():
        scope["server"] = (str(environ["SERVER_NAME"]), int(port))
    protocol = str(environ.get("SERVER_PROTOCOL") or "")
    if protocol.startswith("HTTP/"):
        scope["http_version"] = protocol[5:]
    for key, value in environ.items():
        if key not in _CGI_KEYS and not key.startswith(("HTTP_", "wsgi.")):
            scope[key] = value
    return TestRequest(scope, _read_body(environ))

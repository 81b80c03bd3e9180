"""A WSGI environ built from an ASGI scope, for code that reads ``request.environ``.

Flask code and extensions read WSGI keys (``REMOTE_ADDR``, ``PATH_INFO``,
``HTTP_<HEADER>``, ``wsgi.url_scheme``). The dict is built on first access and kept
in the scope, so writes persist for the rest of the request.
"""

from __future__ import annotations

import sys
import typing as t

__all__ = ["wsgi_environ"]

_CACHE_KEY = "veloce.wsgi_environ"


def wsgi_environ(scope: t.MutableMapping[str, t.Any]) -> dict[str, t.Any]:
    """The request's WSGI-style environ (PEP 3333 keys plus ``asgi.scope``)."""
    environ = scope.get(_CACHE_KEY)
    if environ is not None:
        return environ  # type: ignore[no-any-return]
    root = (scope.get("root_path") or "").rstrip("/")
    path = scope.get("path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    environ = {
        "REQUEST_METHOD": scope.get("method", "GET"),
        "SCRIPT_NAME": root.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]) if server[1] is not None else "",
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.version": (1, 0),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "asgi.scope": scope,
    }
    if client:
        environ["REMOTE_ADDR"] = client[0]
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"
        if key in environ and key.startswith("HTTP_"):
            environ[key] = f"{environ[key]},{value}"
        else:
            environ[key] = value
    scope[_CACHE_KEY] = environ
    return environ

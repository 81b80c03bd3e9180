"""Dispatching requests under a path prefix to another application, at the ASGI layer.

Used by ``app.mount(prefix, other_app)`` and by the ``DispatcherMiddleware`` compat
shim. Matching follows Werkzeug's ``DispatcherMiddleware``: a prefix matches the path
itself and anything below it at a segment boundary (``/legacy`` matches ``/legacy``
and ``/legacy/x``, not ``/legacyx``), and the longest matching prefix wins. The
mounted app sees the prefix moved onto ``root_path`` (the ASGI analogue of
``SCRIPT_NAME``); ``path`` keeps the full path, as ASGI servers send it.
"""

from __future__ import annotations

import typing as t

from veloce.core.asgi import route_path
from veloce.core.plan import is_async_callable
from veloce.wsgi import WSGIMiddleware

__all__ = ["MountDispatcher", "as_asgi", "normalize_prefix"]

#: Scope key of the ASGI-stack marker (see ``app_middleware``); a mounted app is
#: another application and must enter its own stack, so the key is not passed on.
_STACK_KEY = "veloce.asgi_stack"


def normalize_prefix(prefix: str) -> str:
    """``prefix`` without its trailing slash; raises ``ValueError`` if it is unusable."""
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        raise ValueError(f"a mount prefix must be a path starting with '/', not {prefix!r}")
    normalized = prefix.rstrip("/")
    if not normalized:
        raise ValueError("cannot mount at '/': the mounted app would shadow the whole app")
    if "?" in normalized or "#" in normalized:
        raise ValueError(f"a mount prefix is a path, without query or fragment: {prefix!r}")
    return normalized


def as_asgi(
    target: t.Any,
    wsgi: bool | None = None,
    *,
    workers: int = 40,
    max_content_length: t.Any = None,
) -> t.Any:
    """``target`` as an ASGI application, wrapping a WSGI one in :class:`WSGIMiddleware`.

    ``wsgi=None`` decides by the callable: an ``async def`` function or an object
    with an ``async def __call__`` (a Veloce app, a Starlette app) is ASGI, anything
    else (a ``flask.Flask`` app, a WSGI function) is WSGI. Pass ``wsgi=True/False``
    for callables that hide their kind (e.g. a sync function returning a coroutine).
    """
    if not callable(target):
        raise TypeError(f"cannot mount {target!r}: it is not a WSGI or ASGI callable")
    if wsgi is None:
        wsgi = not is_async_callable(target)
    if wsgi:
        return WSGIMiddleware(target, workers=workers, max_content_length=max_content_length)
    return target


class MountDispatcher:
    """ASGI app: requests under a mounted prefix go to its app, the rest to ``app``.

    Args:
        app: the application for every path no mount matches.
        mounts: ``{prefix: asgi_app}``; prefixes as :func:`normalize_prefix` returns
            them. Nested prefixes are allowed here (the longest match wins).

    ``http`` and ``websocket`` scopes are dispatched; ``lifespan`` goes to ``app``
    only (the mounting app owns the lifespan; mounted apps are not started).
    """

    def __init__(self, app: t.Any, mounts: t.Mapping[str, t.Any]) -> None:
        self.app = app
        self.mounts = dict(mounts)
        # Longest first, so that the first match is the most specific one.
        self._order = tuple(
            (prefix, len(prefix), self.mounts[prefix])
            for prefix in sorted(self.mounts, key=len, reverse=True)
        )

    def match(self, path: str) -> tuple[str, t.Any] | None:
        """``(prefix, app)`` of the mount ``path`` falls under, or ``None``."""
        for prefix, size, app in self._order:
            if path.startswith(prefix) and (len(path) == size or path[size] == "/"):
                return prefix, app
        return None

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        if scope["type"] != "lifespan":
            found = self.match(route_path(scope))
            if found is not None:
                prefix, app = found
                root = scope.get("root_path", "").rstrip("/")
                path = scope["path"]
                if not (root and path.startswith(root)):
                    # A server that left root_path out of path (older ASGI reading).
                    path = root + path
                child = {k: v for k, v in scope.items() if k != _STACK_KEY}
                child["root_path"] = root + prefix
                child["path"] = path
                await app(child, receive, send)
                return
        await self.app(scope, receive, send)

"""``app.mount``: serve another application (a legacy Flask app) under a path prefix.

The mount is dispatched at the ASGI layer, before routing, as the innermost layer of
the app's ASGI stack (``app_middleware``), so an app without mounts pays nothing.
"""

from __future__ import annotations

import typing as t

from veloce.mounts import as_asgi, normalize_prefix
from veloce.scaffold import setupmethod

__all__ = ["MountRegistry"]


class MountRegistry:
    """The app's ``mount`` method and its registry of mounted applications."""

    # Provided by the app (annotations only).
    config: t.Any
    _user_middleware: tuple[tuple[str, t.Any], ...]
    _register: t.Callable[[str, t.Any], None]
    _asgi_composed: bool

    @setupmethod
    def mount(self, prefix: str, app: t.Any, *, wsgi: bool | None = None) -> None:
        """Mount a sub-application at a path prefix.

        Requests for ``prefix`` and any path below it (``/legacy`` and
        ``/legacy/...``, not ``/legacyx``) go to ``app`` before this app's routing
        sees them; the prefix moves onto the ASGI ``root_path`` (``SCRIPT_NAME`` for a
        WSGI app), so the mounted app routes and builds URLs as if it were at its own
        root. ``url_for`` of this app is unaffected.

        ``app`` may be:

        * a WSGI application (a ``flask.Flask`` app, any ``app(environ,
          start_response)``): it runs on a bounded thread pool of
          ``WORKER_THREADS`` threads, with the request body limited by this app's
          ``MAX_CONTENT_LENGTH`` (413 beyond). WebSocket requests are refused.
        * an ASGI application (a Veloce app, a Starlette app, ASGI middleware): it
          receives ``http`` and ``websocket`` scopes. A Veloce sub-app runs its own
          hooks, error handlers and in-app middleware; this app's ASGI middleware
          wraps it.

        ``wsgi=None`` tells them apart by the callable: an ``async def __call__`` (or
        ``async def`` function) is ASGI, anything else WSGI. The mounted app gets no
        lifespan events: this app owns startup and shutdown.

        Args:
            prefix: ``/name`` (a trailing slash is ignored).
            app: the application to serve under ``prefix``.
            wsgi: force the interface instead of detecting it.

        Raises:
            ValueError: the prefix is not a path below ``/``, or it equals, contains
                or lies under the prefix of an existing mount.
            RuntimeError: the app already started serving.
        """
        normalized = normalize_prefix(prefix)
        if self._asgi_composed:
            raise RuntimeError(
                f"cannot mount at {prefix!r}: the app has started serving"
                " (its ASGI stack is already built)"
            )
        for kind, entry in self._user_middleware:
            other = entry[0] if kind == "mount" else None
            if other is not None and (
                normalized == other
                or normalized.startswith(other + "/")
                or other.startswith(normalized + "/")
            ):
                raise ValueError(
                    f"cannot mount at {prefix!r}: it overlaps the mount at {other!r}"
                )
        asgi_app = as_asgi(
            app,
            wsgi,
            workers=int(self.config["WORKER_THREADS"]),
            max_content_length=self._mount_body_limit,
        )
        self._register("mount", (normalized, asgi_app))

    def _mount_body_limit(self) -> int | None:
        # Read per request: config may change after mount() (app.config.from_...).
        return self.config["MAX_CONTENT_LENGTH"]  # type: ignore[no-any-return]

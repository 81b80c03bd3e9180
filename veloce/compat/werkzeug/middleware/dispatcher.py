"""``werkzeug.middleware.dispatcher.DispatcherMiddleware`` on Veloce's mount dispatcher."""

from __future__ import annotations

import typing as t

from veloce.mounts import MountDispatcher, as_asgi, normalize_prefix

__all__ = ["DispatcherMiddleware"]


class DispatcherMiddleware(MountDispatcher):
    """Combine applications by path prefix: ``DispatcherMiddleware(app, {"/api": api})``.

    ``app`` serves every path no mount matches; each mount serves its prefix and the
    paths below it, seeing the prefix in ``root_path`` (``SCRIPT_NAME``), the longest
    prefix winning, as in Werkzeug. Veloce apps (and other ASGI apps) and WSGI apps
    (a real ``flask.Flask``) can be mixed; a WSGI one runs on a thread pool.

    The result is an ASGI application: serve it with an ASGI server, or assign it
    Flask-style with ``app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {...})``.

    Flask parity: as Werkzeug's, except that prefixes are normalised (a trailing
    slash is dropped; ``"/"`` and prefixes without a leading slash raise
    ``ValueError``) and that a mounted app gets no lifespan events.
    """

    def __init__(self, app: t.Any, mounts: t.Mapping[str, t.Any] | None = None) -> None:
        normalized: dict[str, t.Any] = {}
        for prefix, mounted in (mounts or {}).items():
            normalized[normalize_prefix(prefix)] = as_asgi(mounted)
        super().__init__(as_asgi(app), normalized)

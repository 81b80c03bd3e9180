"""``werkzeug.wrappers``: Request and Response with Werkzeug's own defaults.

Werkzeug's Response defaults to ``text/plain`` and sets no SameSite attribute on
cookies; Flask's subclass (``flask.Response``) switches the mimetype to ``text/html``.
Werkzeug's Request exposes ``json`` as a property (Veloce's native one is async).
"""

from __future__ import annotations

import typing as t

from veloce.compat.werkzeug._environ import wsgi_environ
from veloce.core.request import Request as _VeloceRequest
from veloce.core.response import Response as _VeloceResponse
from veloce.core.response import ResponseStream as ResponseStream

__all__ = ["Request", "Response", "ResponseStream"]


class Request(_VeloceRequest):
    """Werkzeug/Flask request shape: ``request.json`` is a property and
    ``request.environ`` a WSGI environ (built from the ASGI scope on first use)."""

    __slots__ = ()

    @property
    def environ(self) -> dict[str, t.Any]:  # type: ignore[override]
        """WSGI keys (``REMOTE_ADDR``, ``PATH_INFO``, ``HTTP_*``...) plus ``asgi.scope``."""
        return wsgi_environ(self.scope)

    @property  # type: ignore[override]
    def json(self) -> t.Any:
        """The parsed JSON body, like ``get_json()`` (415/400 on bad input)."""
        return self.get_json()


class Response(_VeloceResponse):
    """Werkzeug's response: ``text/plain``, no SameSite on cookies by default."""

    default_mimetype = "text/plain"
    default_cookie_samesite = None

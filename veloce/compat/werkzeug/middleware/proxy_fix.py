"""``werkzeug.middleware.proxy_fix.ProxyFix`` on Veloce's ASGI ProxyFix."""

from __future__ import annotations

import typing as t

from veloce.middleware.proxy_fix import ProxyFix as _NativeProxyFix
from veloce.mounts import as_asgi

__all__ = ["ProxyFix"]


class ProxyFix(_NativeProxyFix):
    """Werkzeug's ``ProxyFix(app, x_for=1, x_proto=1, x_host=0, x_port=0, x_prefix=0)``.

    Flask parity: the same trusted values as Werkzeug's (the RFC 7239 ``Forwarded``
    header is ignored, as there). ``app`` is usually ``app.wsgi_app`` (an ASGI
    callable on Veloce); a WSGI application is run through Veloce's WSGI adapter. The
    original values are in ``request.environ["veloce.proxy_fix.orig"]`` (``client``,
    ``scheme``, ``host``, ``server``, ``root_path``), not Werkzeug's
    ``werkzeug.proxy_fix.orig`` keys.
    """

    def __init__(
        self,
        app: t.Any,
        x_for: int = 1,
        x_proto: int = 1,
        x_host: int = 0,
        x_port: int = 0,
        x_prefix: int = 0,
    ) -> None:
        super().__init__(
            as_asgi(app) if app is not None else None,
            x_for,
            x_proto,
            x_host,
            x_port,
            x_prefix,
            trust_forwarded=False,
        )

    def bind(self, app: t.Any) -> ProxyFix:
        """A copy of this middleware wrapping ``app``."""
        return type(self)(app, self.x_for, self.x_proto, self.x_host, self.x_port, self.x_prefix)

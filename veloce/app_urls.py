"""URL building for the app: ``url_for`` with Flask's rules on top of the router.

The router builds the path of a rule from values; this layer adds what depends on
the request or the config: relative ``.endpoint`` names, ``url_defaults`` callbacks,
the script root, external URLs (scheme and host), anchors, and the
``url_build_error_handlers`` fallback.
"""

from __future__ import annotations

import sys
import typing as t
from urllib.parse import quote

from veloce.core.context import _cv_ctx
from veloce.core.exceptions import BuildError

__all__ = ["URLBuilding"]

_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


class URLBuilding:
    """``url_for`` and its hooks, as methods of the app."""

    config: dict[str, t.Any]
    url_map: t.Any
    url_default_functions: dict[str | None, list[t.Callable[..., t.Any]]]
    url_build_error_handlers: list[t.Callable[..., t.Any]]

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Build the URL of ``endpoint`` with ``values`` (Flask's rules).

        Inside a request: relative to the request's root, ``.name`` resolves in the
        current blueprint. Outside: needs ``SERVER_NAME`` and builds external URLs.
        Unknown values become the query string.
        """
        ctx = _cv_ctx.get(None)
        request = ctx.request if ctx is not None else None
        if request is not None:
            if endpoint[:1] == ".":
                blueprint = request.blueprint
                endpoint = f"{blueprint}{endpoint}" if blueprint is not None else endpoint[1:]
            if _external is None:
                _external = _scheme is not None
            scheme = request.scheme
            host = request.host
            script_root = request.root_path
        else:
            server_name = self.config["SERVER_NAME"]
            if server_name is None:
                raise RuntimeError(
                    "Unable to build URLs outside an active request"
                    " without 'SERVER_NAME' configured. Also configure"
                    " 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as"
                    " needed."
                )
            if _external is None:
                _external = True
            scheme = self.config["PREFERRED_URL_SCHEME"]
            host = server_name
            script_root = (self.config["APPLICATION_ROOT"] or "/").rstrip("/")
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")
        self.inject_url_defaults(endpoint, values)
        try:
            path = self.url_map.build(endpoint, values, method=_method)
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
        rv = f"{script_root}{path}"
        if _external:
            rv = f"{_scheme or scheme}://{host}{rv}"
        if _anchor is not None:
            rv = f"{rv}#{quote(_anchor, safe=_ANCHOR_SAFE)}"
        return rv

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Run the url_defaults callbacks for ``endpoint`` (app, then its blueprints)."""
        names: list[str | None] = [None]
        if "." in endpoint:
            parts = endpoint.split(".")[:-1]
            names.extend(".".join(parts[: i + 1]) for i in range(len(parts)))
        for name in names:
            for fn in self.url_default_functions.get(name, ()):
                fn(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Ask ``url_build_error_handlers`` for a URL; re-raise if none gives one."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return t.cast(str, rv)
        if error is sys.exc_info()[1]:
            raise
        raise error


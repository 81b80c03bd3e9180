"""URL matching and building for the app: Flask's rules on top of the router.

The router matches and builds paths; this layer binds it to where the app is served
(``veloce.core.hosts``): the request host or ``SERVER_NAME``, the subdomain with
``subdomain_matching``, the full host with ``host_matching``, the script root and the
scheme. On top of that ``url_for`` adds relative ``.endpoint`` names, the
``url_defaults`` callbacks, anchors and the ``url_build_error_handlers`` fallback.

Flask parity: ``create_url_adapter`` and ``url_for`` follow Flask 3.1: inside a
request URLs are relative to the request's root (absolute for another subdomain or
host, or with ``_external``); outside one ``SERVER_NAME`` is required and URLs are
external, under ``APPLICATION_ROOT`` with ``PREFERRED_URL_SCHEME``. ``TRUSTED_HOSTS``
is checked when a request is routed. With ``subdomain_matching=False`` the subdomain
is ignored when matching (unless ``host_matching``), and ``SERVER_NAME`` does not
restrict which hosts are served.
"""

from __future__ import annotations

import sys
import typing as t
from urllib.parse import quote

from veloce.core.asgi import route_path
from veloce.core.context import _cv_ctx
from veloce.core.exceptions import BuildError, RequestRedirect
from veloce.core.hosts import MapAdapter, bind, bind_to_scope, scope_host

if t.TYPE_CHECKING:
    from veloce.core.request import Request
    from veloce.core.router import Map
    from veloce.core.rules import Rule

__all__ = ["URLBuilding"]

_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


class URLBuilding:
    """Request routing against hosts, ``url_for`` and its hooks, as methods of the app."""

    config: dict[str, t.Any]
    url_map: Map
    subdomain_matching: bool
    url_default_functions: dict[str | None, list[t.Callable[..., t.Any]]]
    url_build_error_handlers: list[t.Callable[..., t.Any]]

    # -- binding the map -------------------------------------------------------------

    def _server_binding(self) -> tuple[str | None, str | None]:
        """``(server_name, subdomain)`` to bind a request with (Flask 3.1's choice).

        Host matching routes on the request host itself, so ``SERVER_NAME`` is not
        used; without subdomain matching the subdomain is pinned to the default.
        """
        url_map = self.url_map
        if url_map.host_matching:
            return None, None
        if not self.subdomain_matching:
            return self.config["SERVER_NAME"], url_map.default_subdomain or ""
        return self.config["SERVER_NAME"], None

    def _bind_request(self, request: Request, *, warn: bool) -> MapAdapter:
        server_name, subdomain = self._server_binding()
        return bind_to_scope(
            self.url_map,
            request.scope,
            server_name,
            subdomain,
            host=request.host,
            path_info=request.path,
            warn=warn,
        )

    def _request_adapter(self, request: Request) -> MapAdapter:
        """The request's adapter for building, bound once per request (as in Flask)."""
        cache = request._cache
        if cache is None:
            cache = request._cache = {}
        adapter: MapAdapter | None = cache.get("url_adapter")
        if adapter is None or adapter.map is not self.url_map:
            adapter = cache["url_adapter"] = self._bind_request(request, warn=False)
        return adapter

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """The URL map bound to ``request``, or to ``SERVER_NAME`` outside a request.

        For a request, ``TRUSTED_HOSTS`` is applied to it first. Outside a request,
        ``None`` unless ``SERVER_NAME`` is set (then ``APPLICATION_ROOT`` and
        ``PREFERRED_URL_SCHEME`` complete the binding).

        Raises:
            SecurityError: The request's host is not in ``TRUSTED_HOSTS``.
            BadHost: The server name is not a valid host name.

        Flask parity: Flask 3.1's ``create_url_adapter``, including the warning
        (and a 404) when ``subdomain_matching`` is on and the host is outside
        ``SERVER_NAME``.
        """
        config = self.config
        if request is not None:
            trusted_hosts = config["TRUSTED_HOSTS"]
            if trusted_hosts is not None:
                request.trusted_hosts = trusted_hosts
            return self._bind_request(request, warn=True)
        server_name = config["SERVER_NAME"]
        if server_name is None:
            return None
        return bind(
            self.url_map,
            server_name,
            script_name=config["APPLICATION_ROOT"],
            url_scheme=config["PREFERRED_URL_SCHEME"],
        )

    def _match_scope(self, scope: t.Mapping[str, t.Any]) -> tuple[Rule, dict[str, t.Any]]:
        """Route an ASGI request before its Request exists.

        Plain apps match the path alone; host or subdomain matching, trusted hosts
        and redirects (whose targets are absolute) go through a bound adapter.

        Raises:
            HTTPException: 404, 405, a redirect, or 400 for an untrusted host.
        """
        url_map = self.url_map
        trusted_hosts = self.config["TRUSTED_HOSTS"]
        if trusted_hosts is None and not (url_map.host_matching or self.subdomain_matching):
            try:
                return url_map.match(route_path(scope), scope["method"], scope["query_string"])
            except RequestRedirect:
                pass  # matched again below, for the absolute target
        host = scope_host(scope, trusted_hosts)
        server_name, subdomain = self._server_binding()
        adapter = bind_to_scope(url_map, scope, server_name, subdomain, host=host)
        return adapter.match(return_rule=True)

    # -- building --------------------------------------------------------------------

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
        """Build the URL of ``endpoint`` with ``values``.

        Args:
            endpoint: The endpoint name; ``.name`` is relative to the current
                request's blueprint.
            _anchor: Appended as ``#anchor`` (quoted).
            _method: Build the rule of the endpoint that allows this method.
            _scheme: The scheme of an external URL (requires ``_external``).
            _external: Force an absolute (True) or a relative (False) URL. Inside a
                request URLs are relative by default, outside they are absolute.
            **values: The rule's variables; the others become the query string
                (lists repeat the key, ``None`` values are dropped).

        Raises:
            RuntimeError: Outside a request without ``SERVER_NAME``.
            ValueError: ``_scheme`` with ``_external=False``.
            BuildError: No rule fits and no ``url_build_error_handlers`` gave a URL.

        Flask parity: ``Flask.url_for`` of Flask 3.1, with Werkzeug's building.
        """
        ctx = _cv_ctx.get(None)
        request = ctx.request if ctx is not None else None
        adapter: MapAdapter | None
        if request is not None:
            adapter = self._request_adapter(request)
            if endpoint[:1] == ".":
                blueprint = request.blueprint
                endpoint = f"{blueprint}{endpoint}" if blueprint is not None else endpoint[1:]
            if _external is None:
                _external = _scheme is not None
        else:
            adapter = self.create_url_adapter(None)
            if adapter is None:
                raise RuntimeError(
                    "Unable to build URLs outside an active request"
                    " without 'SERVER_NAME' configured. Also configure"
                    " 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as"
                    " needed."
                )
            if _external is None:
                _external = True
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")
        self.inject_url_defaults(endpoint, values)
        try:
            rv = adapter.build(
                endpoint, values, method=_method, url_scheme=_scheme, force_external=_external
            )
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
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

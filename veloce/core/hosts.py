"""Binding the URL map to a server: the host, subdomain, script root and scheme.

:class:`~veloce.core.router.Map` matches and builds *paths*. Which host a request
routes under, and what an absolute URL looks like, depends on where the map is
served: the server name, the current subdomain (or full host with
``host_matching``), the script root and the URL scheme. A :class:`MapAdapter` holds
those, as Werkzeug's does, and turns the map's path-level results into URLs:
relative paths for the current host, absolute ones for other (sub)domains or when
asked, and absolute redirect targets.

Flask parity: :func:`bind` and :func:`bind_to_scope` are Werkzeug 3.1's
``Map.bind`` and ``Map.bind_to_environ`` (an ASGI scope instead of a WSGI environ):
server names are lower-cased and IDNA-encoded, default ports are dropped from a
server name compared with the request host, and a request host outside the server
name warns and routes under the ``"<invalid>"`` subdomain (so nothing matches).
"""

from __future__ import annotations

import typing as t
import warnings
from urllib.parse import urljoin

from veloce.core._urls import get_host
from veloce.core.asgi import route_path
from veloce.core.exceptions import BadHost, HTTPException, RequestRedirect
from veloce.core.rules import encode_query

if t.TYPE_CHECKING:
    from veloce.core.router import Map
    from veloce.core.rules import Rule

__all__ = ["INVALID_SUBDOMAIN", "MapAdapter", "bind", "bind_to_scope", "scope_host"]

#: The subdomain a request routes under when its host is outside the server name.
INVALID_SUBDOMAIN = "<invalid>"

_SECURE_SCHEMES = ("https", "wss")


def _idna_server_name(server_name: str) -> str:
    """``name[:port]`` with the name IDNA-encoded (the port is not part of IDNA).

    An ASCII name is only checked (labels of 1 to 63 characters, the last may be
    empty), which is all the ``idna`` codec does with one, without the codec lookup.
    """
    name, sep, port = server_name.partition(":")
    if name.isascii():
        labels = name.split(".")
        if len(labels[-1]) < 64 and all(0 < len(label) < 64 for label in labels[:-1]):
            return server_name
        raise BadHost()
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError as e:
        raise BadHost() from e
    return f"{name}{sep}{port}"


def _query_text(query_args: t.Mapping[str, t.Any] | str | bytes | None) -> str:
    if not query_args:
        return ""
    if isinstance(query_args, bytes):
        return query_args.decode("utf-8", "replace")
    if isinstance(query_args, str):
        return query_args
    items = getattr(query_args, "items", None)
    if callable(getattr(query_args, "lists", None)):
        pairs = [(k, v) for k, vs in query_args.lists() for v in vs]  # type: ignore[attr-defined]
    else:
        pairs = list(items())  # type: ignore[misc]
    return encode_query(pairs)


class MapAdapter:
    """A map bound to a server name, subdomain, script root and scheme.

    Made by :func:`bind` / :func:`bind_to_scope` (or ``Map.bind`` and
    ``app.create_url_adapter``); not usually constructed directly.

    Flask parity: Werkzeug's ``MapAdapter`` attributes and its ``match``, ``test``,
    ``allowed_methods``, ``get_host``, ``make_redirect_url`` and ``build``, with the
    same results.
    """

    __slots__ = (
        "default_method",
        "map",
        "path_info",
        "query_args",
        "script_name",
        "server_name",
        "subdomain",
        "url_scheme",
        "websocket",
    )

    def __init__(
        self,
        map: Map,  # noqa: A002
        server_name: str,
        script_name: str,
        subdomain: str | None,
        url_scheme: str,
        path_info: str,
        default_method: str,
        query_args: t.Mapping[str, t.Any] | str | bytes | None = None,
    ) -> None:
        self.map = map
        self.server_name = server_name
        if not script_name.endswith("/"):
            script_name += "/"
        self.script_name = script_name
        self.subdomain = subdomain
        self.url_scheme = url_scheme
        self.path_info = path_info
        self.default_method = default_method
        self.query_args = query_args
        self.websocket = url_scheme in ("ws", "wss")

    # -- hosts and redirect targets --------------------------------------------------

    def get_host(self, domain_part: str | None) -> str:
        """The host for a rule's domain part: a full host, or a subdomain of the server."""
        if self.map.host_matching:
            return self.server_name if domain_part is None else domain_part
        subdomain = self.subdomain if domain_part is None else domain_part
        return f"{subdomain}.{self.server_name}" if subdomain else self.server_name

    def make_redirect_url(
        self,
        path_info: str,
        query_args: t.Mapping[str, t.Any] | str | bytes | None = None,
        domain_part: str | None = None,
    ) -> str:
        """The absolute URL of ``path_info`` (already quoted) under the script root."""
        query = _query_text(self.query_args if query_args is None else query_args)
        root = self.script_name.strip("/")
        path = f"/{root}/{path_info.lstrip('/')}" if root else f"/{path_info.lstrip('/')}"
        url = f"{self.url_scheme or 'http'}://{self.get_host(domain_part)}{path}"
        return f"{url}?{query}" if query else url

    def redirect_to_url(self, target: str) -> str:
        """Resolve a rule's ``redirect_to`` target against the current URL root."""
        netloc = f"{self.subdomain}.{self.server_name}" if self.subdomain else self.server_name
        return urljoin(f"{self.url_scheme or 'http'}://{netloc}{self.script_name}", target)

    # -- matching --------------------------------------------------------------------

    def _domain(self) -> tuple[str | None, str | None]:
        if self.map.host_matching:
            return self.server_name, None
        return None, self.subdomain

    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: bool = False,
        query_args: t.Mapping[str, t.Any] | str | bytes | None = None,
        websocket: bool | None = None,
    ) -> tuple[t.Any, dict[str, t.Any]]:
        """Match a path under this binding; ``(endpoint or rule, arguments)``.

        Raises:
            NotFound, MethodNotAllowed, WebsocketMismatch: As ``Map.match``.
            RequestRedirect: With an absolute ``new_url`` (scheme, host, script root).
        """
        path = self.path_info if path_info is None else path_info
        query = self.query_args if query_args is None else query_args
        host, subdomain = self._domain()
        rule, values = self.map.match(
            path,
            (method or self.default_method).upper(),
            _query_text(query),
            host,
            subdomain=subdomain,
            websocket=self.websocket if websocket is None else websocket,
            adapter=self,
        )
        return (rule if return_rule else rule.endpoint), values

    def test(self, path_info: str | None = None, method: str | None = None) -> bool:
        """Whether the path matches (a redirect counts as a match)."""
        try:
            self.match(path_info, method)
        except RequestRedirect:
            return True
        except HTTPException:
            return False
        return True

    def allowed_methods(self, path_info: str | None = None) -> list[str]:
        """Sorted methods the path accepts; ``[]`` when any method (or none) does."""
        host, subdomain = self._domain()
        path = self.path_info if path_info is None else path_info
        return self.map.allowed_methods(path, host, subdomain=subdomain)

    # -- building --------------------------------------------------------------------

    def build(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any] | None = None,
        method: str | None = None,
        force_external: bool = False,
        append_unknown: bool = True,
        url_scheme: str | None = None,
    ) -> str:
        """Build the URL of ``endpoint``: a path on the current host, else absolute.

        A rule on another subdomain (or host) gives an absolute URL, as does
        ``force_external``. WebSocket rules always build absolute ``ws``/``wss``
        URLs; an HTTP rule's scheme is ``https`` when ``url_scheme`` is ``https`` or
        ``wss`` and ``http`` for any other non-empty scheme; an empty scheme gives a
        protocol-relative ``//host/...`` URL. Without ``method``, rules of the bound
        request's method are preferred.

        Raises:
            BuildError: No rule of the endpoint can be built from ``values``.
        """
        host_matching = self.map.host_matching
        rule, domain_part, path = self.map.build_target(
            endpoint,
            values,
            method,
            append_unknown,
            host=self.server_name if host_matching else None,
            default_method=self.default_method,
        )
        return self._url(rule, domain_part, path, force_external, url_scheme)

    def _url(
        self,
        rule: Rule,
        domain_part: str,
        path: str,
        force_external: bool,
        url_scheme: str | None,
    ) -> str:
        host = self.get_host(domain_part)
        if url_scheme is None:
            url_scheme = self.url_scheme
        secure = url_scheme in _SECURE_SCHEMES
        if rule.websocket:
            force_external = True
            url_scheme = "wss" if secure else "ws"
        elif url_scheme:
            url_scheme = "https" if secure else "http"
        path = path.lstrip("/")
        if not force_external and (
            host == self.server_name
            if self.map.host_matching
            else domain_part == self.subdomain
        ):
            return f"{self.script_name.rstrip('/')}/{path}"
        scheme = f"{url_scheme}:" if url_scheme else ""
        return f"{scheme}//{host}{self.script_name[:-1]}/{path}"

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.url_scheme}://{self.server_name}"
            f"{self.script_name} subdomain={self.subdomain!r}>"
        )


def bind(
    map: Map,  # noqa: A002
    server_name: str,
    script_name: str | None = None,
    subdomain: str | None = None,
    url_scheme: str = "http",
    default_method: str = "GET",
    path_info: str | None = None,
    query_args: t.Mapping[str, t.Any] | str | bytes | None = None,
) -> MapAdapter:
    """Bind ``map`` to a server name, e.g. to build external URLs outside a request.

    Raises:
        RuntimeError: ``subdomain`` given for a map with ``host_matching``.
        BadHost: The server name is not a valid IDNA name.
    """
    server_name = server_name.lower()
    if map.host_matching:
        if subdomain is not None:
            raise RuntimeError("host matching enabled and a subdomain was provided")
    elif subdomain is None:
        subdomain = map.default_subdomain
    return MapAdapter(
        map,
        _idna_server_name(server_name),
        "/" if script_name is None else script_name,
        subdomain,
        url_scheme,
        "/" if path_info is None else path_info,
        default_method,
        query_args,
    )


def scope_host(scope: t.Mapping[str, t.Any], trusted_hosts: t.Collection[str] | None = None) -> str:
    """A scope's ``host[:port]`` as ``request.host`` computes it.

    Raises:
        SecurityError: ``trusted_hosts`` is set and the host is not in it.
    """
    header = None
    for name, value in scope.get("headers", ()):
        if name == b"host":
            text = value.decode("latin-1")
            header = text if header is None else f"{header}, {text}"
    return get_host(scope.get("scheme", "http"), header, scope.get("server"), trusted_hosts)


def bind_to_scope(
    map: Map,  # noqa: A002
    scope: t.Mapping[str, t.Any],
    server_name: str | None = None,
    subdomain: str | None = None,
    *,
    host: str | None = None,
    path_info: str | None = None,
    warn: bool = True,
) -> MapAdapter:
    """Bind ``map`` to the server an ASGI request came to.

    Args:
        map: The URL map.
        scope: The request's ASGI scope (scheme, host, ``root_path``, method, path,
            query string).
        server_name: The configured server name; ``None`` uses the request host.
        subdomain: The current subdomain; ``None`` computes it from the request host
            relative to ``server_name`` (unless the map uses host matching).
        host: The request's ``host[:port]`` if already known (``request.host``).
        path_info: The routing path if already known (``request.path``).
        warn: Warn when the request host is outside ``server_name``.
    """
    if host is None:
        host = scope_host(scope)
    request_host = host.lower()
    scheme = scope.get("scheme", "http")
    if scope.get("type") == "websocket" and scheme in ("http", "https"):
        scheme = "wss" if scheme == "https" else "ws"
    if server_name is None:
        server_name = request_host
    else:
        server_name = server_name.lower()
        if scheme in ("http", "ws"):
            server_name = server_name.removesuffix(":80")
        elif scheme in _SECURE_SCHEMES:
            server_name = server_name.removesuffix(":443")
    if subdomain is None and not map.host_matching:
        current = request_host.split(".")
        configured = server_name.split(".")
        offset = -len(configured)
        if current[offset:] != configured:
            if warn:
                warnings.warn(
                    f"Current server name {request_host!r} doesn't match configured"
                    f" server name {server_name!r}",
                    stacklevel=2,
                )
            subdomain = INVALID_SUBDOMAIN
        else:
            subdomain = ".".join(filter(None, current[:offset]))
    return bind(
        map,
        server_name,
        scope.get("root_path", ""),
        subdomain,
        scheme,
        scope.get("method", "GET"),
        route_path(scope) if path_info is None else path_info,
        scope.get("query_string", b""),
    )

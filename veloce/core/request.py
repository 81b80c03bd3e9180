"""The request object: lazy, cached views over an ASGI scope and a pre-read body.

Construction stores the scope, the body and the app and marks each cached attribute
with a sentinel: nothing is parsed until it is read, and each parse happens once.
The hot attributes (path, args, headers, form, files, JSON, content type, host) live
in slots; the long tail (Accept-*, conditionals, URLs, cookies...) in one ``_cache``
dict allocated on first use.

Values equal Werkzeug 3.1's ``Request`` for the equivalent WSGI environ: same
``path``/``url``/``host`` rules, same query and form decoding, X-Forwarded-* not
trusted (that is ProxyFix's job). ``get_json`` follows Flask 3.1 (415 / 400).
"""

from __future__ import annotations

import typing as t

from veloce.core._headerparse import parse_cookie_pairs, parse_list_header, parse_options_header
from veloce.core._request_body import (
    FORM_MULTIPART,
    FORM_URLENCODED,
    NO_JSON,
    SENTINEL,
    RequestBody,
    RequestStream,
    RequestValues,
)
from veloce.core._request_headers import RequestHeaderAttributes, cached_on_request
from veloce.core._urls import ERRORS_URL_QUOTE, get_current_url, get_host, parse_query
from veloce.core.datastructures import URL, Address, State
from veloce.core.headers import RequestHeaders
from veloce.core.structures import ImmutableList, ImmutableMultiDict, MultiDict

__all__ = ["Request", "RequestStream", "RequestValues"]

_sentinel = SENTINEL


def _split_blueprint_path(name: str) -> list[str]:
    parts = [name]
    while "." in name:
        name = name.rpartition(".")[0]
        parts.append(name)
    return parts


class Request(RequestBody, RequestHeaderAttributes):
    """An incoming HTTP request, with every expensive attribute parsed on first access.

    Args:
        scope: The ASGI HTTP scope (available as :attr:`scope` and :attr:`environ`).
        body: The complete body, already read (see :func:`veloce.core.body.read_body`).
        app: The application, used for config limits, JSON and ``url_for``.

    The dispatcher sets :attr:`url_rule`, :attr:`view_args` and
    :attr:`routing_exception` after routing.

    Flask parity: attribute names and values of ``flask.Request`` (Werkzeug 3.1).
    Native shapes from the spec also work: ``await request.json()``,
    ``await request.form()``, ``await request.values()``, ``request.query_params``,
    ``request.path_params``, ``request.client``, ``request.state``. A Flask-shaped
    subclass only needs ``json = property(lambda self: self.get_json())``.
    """

    __slots__ = (
        "scope",
        "app",
        "url_rule",
        "view_args",
        "routing_exception",
        "_path",
        "_headers",
        "_args",
        "_ct",
        "_host",
        "__weakref__",
        # Flask code sets its own attributes on the request (``request.user = ...``);
        # the instance dict is only allocated when that happens.
        "__dict__",
    )

    parameter_storage_class: type[MultiDict[str, t.Any]] = ImmutableMultiDict
    dict_storage_class: type[MultiDict[str, t.Any]] = ImmutableMultiDict
    list_storage_class: type[list[t.Any]] = ImmutableList

    def __init__(
        self, scope: t.MutableMapping[str, t.Any], body: bytes = b"", app: t.Any = None
    ) -> None:
        self.scope = scope
        self._body = body
        self.app = app
        self.url_rule: t.Any = None
        self.view_args: dict[str, t.Any] | None = None
        self.routing_exception: Exception | None = None
        self._path = self._headers = self._args = self._form = self._files = _sentinel
        self._ct = self._host = _sentinel
        self._json = NO_JSON
        self._cache: dict[str, t.Any] | None = None

    def __repr__(self) -> str:
        try:
            url = str(self.url)
        except Exception as exc:  # noqa: BLE001 - repr must not fail
            url = f"(invalid URL: {exc})"
        return f"<{type(self).__name__} {url!r} [{self.method}]>"

    # -- request line -----------------------------------------------------------------

    @property
    def environ(self) -> t.MutableMapping[str, t.Any]:
        """The ASGI scope (the WSGI environ's analogue; the live dict)."""
        return self.scope

    @property
    def method(self) -> str:
        """The request method, upper-case (``GET``)."""
        return self.scope.get("method", "GET")  # type: ignore[no-any-return]

    @property
    def scheme(self) -> str:
        """The URL scheme from the scope (``http``/``https``); proxies are not trusted."""
        return self.scope.get("scheme", "http")  # type: ignore[no-any-return]

    @property
    def is_secure(self) -> bool:
        """True for ``https`` (and ``wss``)."""
        return self.scheme in ("https", "wss")

    @property
    def server(self) -> tuple[str, int | None] | None:
        """The server address ``(host, port)`` from the scope, if known."""
        server = self.scope.get("server")
        return None if server is None else (server[0], server[1])

    @property
    def root_path(self) -> str:
        """The prefix the app is mounted under, without trailing slash (``""`` at root).

        A trusted ProxyFix-style middleware may override it by setting
        ``scope["state"]["proxy_fix_prefix"]``.
        """
        state = self.scope.get("state")
        if state and "proxy_fix_prefix" in state:
            return str(state["proxy_fix_prefix"]).rstrip("/")
        return self.scope.get("root_path", "").rstrip("/")  # type: ignore[no-any-return]

    script_root = root_path

    @property
    def path(self) -> str:
        """The decoded path below :attr:`root_path`, always starting with ``/``."""
        path = self._path
        if path is _sentinel:
            scope = self.scope
            path = scope.get("path", "")
            root = scope.get("root_path")
            if root:
                # ASGI servers put the mount prefix in both root_path and path.
                root = root.rstrip("/")
                if path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
                    path = path[len(root) :]
            if path[:1] != "/" or path[1:2] == "/":
                path = "/" + path.lstrip("/")
            self._path = path
        return path  # type: ignore[no-any-return]

    @property
    def query_string(self) -> bytes:
        """The raw query string (bytes, without ``?``)."""
        return self.scope.get("query_string", b"")  # type: ignore[no-any-return]

    @property
    def full_path(self) -> str:
        """:attr:`path` + ``?`` + query string (the ``?`` is always present)."""
        return f"{self.path}?{self.query_string.decode('utf-8', ERRORS_URL_QUOTE)}"

    @property
    def args(self) -> MultiDict[str, str]:
        """The query parameters; repeated keys keep every value, blanks are kept.

        Undecodable percent-escapes stay percent-encoded, like Werkzeug.
        """
        args = self._args
        if args is _sentinel:
            text = self.query_string.decode("utf-8", ERRORS_URL_QUOTE)
            args = self._args = self.parameter_storage_class(parse_query(text))
        return args  # type: ignore[no-any-return]

    query_params = args

    @property
    def path_params(self) -> dict[str, t.Any]:
        """The converted URL variables of the matched route (:attr:`view_args`)."""
        return self.view_args if self.view_args is not None else {}

    @path_params.setter
    def path_params(self, value: dict[str, t.Any] | None) -> None:
        self.view_args = value

    # -- host and URLs ----------------------------------------------------------------

    @property
    def trusted_hosts(self) -> list[str] | None:
        """Host names :attr:`host` must match (``None``: any valid host)."""
        cache = self._cache
        return None if cache is None else cache.get("trusted_hosts")

    @trusted_hosts.setter
    def trusted_hosts(self, value: list[str] | None) -> None:
        cache = self._cache
        if cache is None:
            cache = self._cache = {}
        cache["trusted_hosts"] = value
        self._host = _sentinel

    @property
    def host(self) -> str:
        """``host[:port]`` from the Host header (or the server address), default port removed.

        ``""`` when missing or invalid. Raises ``SecurityError`` (400) if
        :attr:`trusted_hosts` is set and does not match.
        """
        host = self._host
        if host is _sentinel:
            host = self._host = get_host(
                self.scheme, self._header(b"host"), self.scope.get("server"), self.trusted_hosts
            )
        return host  # type: ignore[no-any-return]

    @host.setter
    def host(self, value: str) -> None:
        self._host = value

    @cached_on_request
    def url(self) -> URL:
        """The full URL as an IRI (a ``str`` with URL components)."""
        return URL(
            get_current_url(self.scheme, self.host, self.root_path, self.path, self.query_string)
        )

    @cached_on_request
    def base_url(self) -> URL:
        """:attr:`url` without the query string."""
        return URL(get_current_url(self.scheme, self.host, self.root_path, self.path))

    @cached_on_request
    def root_url(self) -> URL:
        """Scheme, host and root path, with a trailing slash."""
        return URL(get_current_url(self.scheme, self.host, self.root_path))

    @property
    def url_root(self) -> URL:
        """Alias of :attr:`root_url`."""
        return self.root_url

    @cached_on_request
    def host_url(self) -> URL:
        """Scheme and host, with a trailing slash."""
        return URL(get_current_url(self.scheme, self.host))

    @property
    def subdomain(self) -> str:
        """The host's subdomain relative to ``app.config["SERVER_NAME"]``.

        Without SERVER_NAME it is the leftmost label of a dotted host; ``""`` for the
        apex, for hosts without dots and for hosts outside SERVER_NAME.
        """
        host = self.host.rpartition(":")[0] if self.host.count(":") == 1 else self.host
        host = host.lower()
        config = getattr(self.app, "config", None)
        server_name = config.get("SERVER_NAME") if config is not None else None
        if server_name:
            server_name = server_name.lower().partition(":")[0]
            if host.endswith("." + server_name):
                return host[: -len(server_name) - 1]
            return ""
        return host.partition(".")[0] if "." in host else ""

    # -- peer -------------------------------------------------------------------------

    @property
    def client(self) -> Address | None:
        """The peer as ``Address(host, port)``, ``None`` when unknown.

        A ProxyFix-set ``scope["state"]["proxy_fix_client"]`` replaces the host.
        """
        scope = self.scope
        client = scope.get("client")
        state = scope.get("state")
        if state and "proxy_fix_client" in state:
            return Address(state["proxy_fix_client"], None if client is None else client[1])
        return None if client is None else Address(client[0], client[1])

    @property
    def remote_addr(self) -> str | None:
        """The peer's address (a ProxyFix-set ``state["proxy_fix_client"]`` wins)."""
        scope = self.scope
        state = scope.get("state")
        if state and "proxy_fix_client" in state:
            return state["proxy_fix_client"]  # type: ignore[no-any-return]
        client = scope.get("client")
        return None if client is None else client[0]

    @cached_on_request
    def access_route(self) -> list[str]:
        """The X-Forwarded-For chain (client first), else ``[remote_addr]``.

        Flask parity: the peer is *not* appended when X-Forwarded-For is present.
        """
        forwarded = self._header(b"x-forwarded-for")
        if forwarded is not None:
            return self.list_storage_class(parse_list_header(forwarded))
        addr = self.remote_addr
        return self.list_storage_class([addr] if addr is not None else [])

    # -- headers ----------------------------------------------------------------------

    @property
    def headers(self) -> RequestHeaders:
        """The request headers, read-only and case-insensitive (built on first access)."""
        headers = self._headers
        if headers is _sentinel:
            headers = self._headers = RequestHeaders(self.scope.get("headers", ()))
        return headers  # type: ignore[no-any-return]

    def _header(self, name: bytes) -> str | None:
        """One header by lower-case name, repeated fields joined; no Headers object needed."""
        headers = self._headers
        if headers is not _sentinel:
            return headers._index.get(name.decode("latin-1"))  # type: ignore[no-any-return]
        value: str | None = None
        for key, raw in self.scope.get("headers", ()):
            if key == name:
                text = raw.decode("latin-1")
                if value is None:
                    value = text
                else:
                    value += ("; " if name == b"cookie" else ", ") + text
        return value

    @cached_on_request
    def cookies(self) -> MultiDict[str, str]:
        """The cookies sent by the client; repeated names keep every value."""
        return self.dict_storage_class(parse_cookie_pairs(self._header(b"cookie")))

    @property
    def content_type(self) -> str | None:
        """The raw Content-Type header."""
        return self._header(b"content-type")

    def _content_type(self) -> tuple[str, dict[str, str]]:
        parsed = self._ct
        if parsed is _sentinel:
            mimetype, options = parse_options_header(self._header(b"content-type") or "")
            parsed = self._ct = (mimetype.lower(), options)
        return parsed  # type: ignore[no-any-return]

    @property
    def mimetype(self) -> str:
        """The Content-Type without parameters, lower-cased (``""`` when absent)."""
        return self._content_type()[0]

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The Content-Type parameters (``{"charset": "utf-8"}``)."""
        return self._content_type()[1]

    @property
    def charset(self) -> str:
        """The Content-Type charset, ``utf-8`` when none is declared."""
        return self._content_type()[1].get("charset", "utf-8")

    @property
    def is_json(self) -> bool:
        """True for ``application/json`` and ``application/*+json``."""
        mimetype = self._content_type()[0]
        return mimetype == "application/json" or (
            mimetype.startswith("application/") and mimetype.endswith("+json")
        )

    @property
    def is_form(self) -> bool:
        """True for urlencoded and multipart form bodies."""
        return self._content_type()[0] in (FORM_URLENCODED, FORM_MULTIPART)

    # -- app-derived attributes -------------------------------------------------------

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule, ``None`` before or without a match."""
        rule = self.url_rule
        return None if rule is None else rule.endpoint

    @property
    def blueprint(self) -> str | None:
        """The (dotted) blueprint name of the endpoint, ``None`` for app routes."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The blueprint and its parents, innermost first (``["a.b", "a"]``)."""
        name = self.blueprint
        return [] if name is None else _split_blueprint_path(name)

    @cached_on_request
    def state(self) -> State:
        """Per-request scratch space, shared with ASGI middleware via ``scope["state"]``."""
        return State(self.scope.setdefault("state", {}))

    @property
    def session(self) -> t.Any:
        """The session a session middleware stored in ``scope["state"]["session"]``.

        Raises:
            RuntimeError: no session middleware ran for this request.
        """
        state = self.scope.get("state")
        if not state or "session" not in state:
            raise RuntimeError("No session: add SessionMiddleware to use request.session.")
        return state["session"]

    def url_for(self, name: str, /, **values: t.Any) -> str:
        """Build a URL for ``name`` with the bound app's ``url_for``.

        Raises:
            RuntimeError: the request has no app bound.
        """
        if self.app is None:
            raise RuntimeError("request.url_for() needs a request bound to an app.")
        return self.app.url_for(name, **values)  # type: ignore[no-any-return]

    async def is_disconnected(self) -> bool:
        """Always False: the body is fully buffered before the view runs."""
        return False

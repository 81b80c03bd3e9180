"""Trust the ``X-Forwarded-*`` (and RFC 7239 ``Forwarded``) headers of reverse proxies.

Behind a proxy the ASGI server sees the proxy as the client, and ``http`` even when
the visitor used ``https``. The proxy reports the original values in headers, but any
client can send those headers too, so only the values added by the proxies you run
are trusted: ``x_for=1`` means "one proxy appends to X-Forwarded-For", and the value
taken is the one that proxy appended (the last one), never a client-supplied one
further left.

The middleware rewrites the ASGI scope *before* routing, so host matching,
redirects, ``request.url``, ``url_for(_external=True)`` and everything else see the
corrected values: ``client`` (``request.remote_addr``), ``scheme``, the ``host``
header and ``server`` (``request.host``), and ``root_path`` (``request.script_root``).
The original values are kept in ``scope["veloce.proxy_fix.orig"]``.
"""

from __future__ import annotations

import typing as t

from veloce.core._headerparse import parse_list_header
from veloce.middleware.base import Middleware

__all__ = ["ProxyFix"]

_HEADERS = {
    b"x-forwarded-for": "for",
    b"x-forwarded-proto": "proto",
    b"x-forwarded-host": "host",
    b"x-forwarded-port": "port",
    b"x-forwarded-prefix": "prefix",
    b"forwarded": "forwarded",
}
_WS_SCHEMES = {"https": "wss", "http": "ws"}


def _nth_from_right(trusted: int, value: str | None) -> str | None:
    # The value the outermost trusted proxy saw; None if fewer proxies than trusted.
    if not (trusted and value):
        return None
    values = parse_list_header(value)
    return values[-trusted] if len(values) >= trusted else None


def _forwarded_elements(value: str) -> list[dict[str, str]]:
    """RFC 7239 ``Forwarded``: one ``{param: value}`` dict per hop, client first."""
    elements = []
    for element in parse_list_header(value):
        pairs: dict[str, str] = {}
        for pair in element.split(";"):
            name, sep, item = pair.partition("=")
            if sep:
                item = item.strip()
                if len(item) >= 2 and item[0] == item[-1] == '"':
                    item = item[1:-1].replace('\\"', '"')
                pairs[name.strip().lower()] = item
        elements.append(pairs)
    return elements


def _node_address(node: str) -> str | None:
    # A Forwarded "for" node: "[v6]:port", "v4:port", "v4"; unknown/obfuscated -> None.
    if not node or node == "unknown" or node.startswith("_"):
        return None
    if node.startswith("["):
        return node[1 : node.find("]")] if "]" in node else None
    return node.split(":", 1)[0] if node.count(":") == 1 else node


def _split_port(host: str) -> tuple[str, str | None]:
    # "]" marks an IPv6 literal without port.
    if ":" in host and not host.endswith("]"):
        name, port = host.rsplit(":", 1)
        return name, port
    return host, None


class ProxyFix(Middleware):
    """Reverse-proxy header trust middleware.

    Args:
        app: the ASGI app to wrap. Leave it out with ``app.add_middleware(ProxyFix,
            x_for=1, ...)``, which wraps the application itself.
        x_for: trust this many hops in ``X-Forwarded-For`` (sets the client address).
        x_proto: same for ``X-Forwarded-Proto`` (sets the scheme).
        x_host: same for ``X-Forwarded-Host`` (sets the Host header and server name).
        x_port: same for ``X-Forwarded-Port`` (sets the port of the host and server).
        x_prefix: same for ``X-Forwarded-Prefix`` (sets ``root_path``, i.e.
            ``request.script_root``).
        trust_forwarded: if True, parse RFC 7239 ``Forwarded``: when present, its
            ``for``, ``proto`` and ``host`` parameters replace the three
            ``X-Forwarded-*`` counterparts, counted by hop the same way.

    Setting any field to 0 disables it. Negative values raise at construction.

    Flask parity: with ``trust_forwarded=False`` this is Werkzeug's ``ProxyFix``
    (same defaults, same choice of value); ``veloce.compat`` provides it under
    Werkzeug's import path and signature.
    """

    #: ``app.add_middleware`` wraps the app with it (it must act before routing).
    asgi_middleware = True

    def __init__(
        self,
        app: t.Any = None,
        x_for: int = 1,
        x_proto: int = 1,
        x_host: int = 0,
        x_port: int = 0,
        x_prefix: int = 0,
        trust_forwarded: bool = True,
    ) -> None:
        for name, value in (
            ("x_for", x_for),
            ("x_proto", x_proto),
            ("x_host", x_host),
            ("x_port", x_port),
            ("x_prefix", x_prefix),
        ):
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"ProxyFix {name} must be a non-negative int, not {value!r}")
        self.app = app
        self.x_for = x_for
        self.x_proto = x_proto
        self.x_host = x_host
        self.x_port = x_port
        self.x_prefix = x_prefix
        self.trust_forwarded = trust_forwarded

    def bind(self, app: t.Any) -> ProxyFix:
        """A copy of this middleware wrapping ``app`` (``add_middleware(instance)``)."""
        return type(self)(
            app,
            self.x_for,
            self.x_proto,
            self.x_host,
            self.x_port,
            self.x_prefix,
            self.trust_forwarded,
        )

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        if self.app is None:
            raise RuntimeError("ProxyFix() was built without the app to wrap")
        if scope["type"] in ("http", "websocket"):
            self.fix_scope(scope)
        await self.app(scope, receive, send)

    def trusted_values(self, headers: t.Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
        """The trusted ``for``/``proto``/``host``/``port``/``prefix`` values of a request."""
        raw: dict[str, str] = {}
        for name, value in headers:
            key = _HEADERS.get(name.lower())
            if key is not None:
                text = value.decode("latin-1")
                raw[key] = f"{raw[key]},{text}" if key in raw else text
        found: dict[str, str] = {}
        forwarded = raw.get("forwarded") if self.trust_forwarded else None
        if forwarded is not None:
            elements = _forwarded_elements(forwarded)
            for key, trusted in (("for", self.x_for), ("proto", self.x_proto),
                                 ("host", self.x_host)):
                if trusted and len(elements) >= trusted:
                    item = elements[-trusted].get(key)
                    if key == "for" and item is not None:
                        item = _node_address(item)
                    if item:
                        found[key] = item
        else:
            for key, trusted in (("for", self.x_for), ("proto", self.x_proto),
                                 ("host", self.x_host)):
                item = _nth_from_right(trusted, raw.get(key))
                if item:
                    found[key] = item
        for key, trusted in (("port", self.x_port), ("prefix", self.x_prefix)):
            item = _nth_from_right(trusted, raw.get(key))
            if item:
                found[key] = item
        return found

    def fix_scope(self, scope: t.MutableMapping[str, t.Any]) -> None:
        """Apply the trusted values to ``scope`` in place (the original values are kept)."""
        headers = scope.get("headers") or []
        found = self.trusted_values(headers)
        host_header = None
        for name, value in headers:
            if name == b"host":
                host_header = value.decode("latin-1")
                break
        scope["veloce.proxy_fix.orig"] = {
            "client": scope.get("client"),
            "scheme": scope.get("scheme"),
            "host": host_header,
            "server": scope.get("server"),
            "root_path": scope.get("root_path", ""),
        }
        if not found:
            return
        addr = found.get("for")
        if addr is not None:
            client = scope.get("client")
            scope["client"] = (addr, client[1] if client else 0)
        proto = found.get("proto")
        if proto is not None:
            if scope["type"] == "websocket":
                proto = _WS_SCHEMES.get(proto, proto)
            scope["scheme"] = proto
        server = scope.get("server") or (None, None)
        new_host = host_header
        host = found.get("host")
        if host is not None:
            new_host = host
            name, port = _split_port(host)
            server = (name, int(port) if port is not None and port.isdigit() else server[1])
        port = found.get("port")
        if port is not None:
            if new_host:
                new_host = f"{_split_port(new_host)[0]}:{port}"
            server = (server[0], int(port) if port.isdigit() else server[1])
        if new_host != host_header:
            encoded = new_host.encode("latin-1") if new_host is not None else b""
            scope["headers"] = [(n, v) for n, v in headers if n != b"host"]
            scope["headers"].append((b"host", encoded))
        if server != (None, None):
            scope["server"] = server
        prefix = found.get("prefix")
        if prefix is not None:
            root = scope.get("root_path", "").rstrip("/")
            path = scope.get("path", "")
            if root and path.startswith(root):
                path = path[len(root) :]
            scope["root_path"] = prefix
            scope["path"] = prefix.rstrip("/") + path

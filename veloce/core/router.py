"""The URL map: a segment tree that matches paths and builds URLs for endpoints.

Rules are inserted into a tree of :class:`_Node` s at :meth:`Map.add` time. Each node
has a dict of static children, a list of dynamic children already sorted by Werkzeug's
weights, and the rules that end there. Matching walks one node per path segment —
static child first, then the dynamic ones in order, backtracking on failure — so the
cost depends on the path's depth, not on how many rules exist. Paths made only of
static segments are also indexed by their full text, so the common case is a single
dict lookup. The tree and its search are in ``core/_route_tree.py``; building, which
never touches the tree, is the :class:`~veloce.core._building.MapBuilding` mixin.

Flask parity: results (winner, arguments, 404/405/308, trailing-slash and
merge-slashes redirects, ``redirect_defaults``, building, escaping, ``BuildError``
text) are those of Werkzeug 3.1's ``Map``/``MapAdapter``. ``Map.match`` takes the
method and host explicitly; without an adapter its redirect targets are relative
(path + query) and a callable ``redirect_to`` receives the map. ``Map.bind`` (or
``veloce.core.hosts.bind_to_scope``) gives a Werkzeug-shaped ``MapAdapter`` whose
redirects and URLs are absolute where Werkzeug's are.
"""

from __future__ import annotations

import bisect
import re
import typing as t
from pprint import pformat
from urllib.parse import quote, urljoin

from veloce.core._building import MapBuilding
from veloce.core._route_tree import _WEBSOCKET_MISMATCH, _edge_weight, _Node, _SlashRequired, _walk
from veloce.core.converters import DEFAULT_CONVERTERS, PATH_SAFE, ValidationError
from veloce.core.exceptions import (
    BadRequest,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestRedirect,
)
from veloce.core.hosts import MapAdapter, bind
from veloce.core.rules import Rule, parse_rule_template

if t.TYPE_CHECKING:
    from veloce.core.converters import BaseConverter

__all__ = ["Map", "WebsocketMismatch"]

_MULTI_SLASH_RE = re.compile("/{2,}")
_PLACEHOLDER_RE = re.compile(r"<([^>]+)>")
_COMMON_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT")
)
# Redirect targets are joined against this base, then made relative again.
_BASE = "http://veloce.invalid"


class WebsocketMismatch(BadRequest):
    """400: the only matching rule is for WebSocket and the request is HTTP, or vice versa."""


def _redirect_target(path: str, query_string: bytes | str, adapter: MapAdapter | None) -> str:
    """Redirect URL: the percent-encoded path plus the request's query.

    Relative without an adapter, else absolute under the adapter's host and script root.
    """
    url = "/" + quote(path, safe=PATH_SAFE).lstrip("/")
    if adapter is not None:
        return adapter.make_redirect_url(url, query_string)
    return _with_query(url, query_string)


def _with_query(url: str, query_string: bytes | str) -> str:
    if not query_string:
        return url
    if isinstance(query_string, bytes):
        query_string = query_string.decode("utf-8", "replace")
    return f"{url}?{query_string}"


class Map(MapBuilding):
    """All URL rules of an application, plus the settings shared by them.

    Args:
        rules: Rules (or rule factories with ``get_rules(map)``) to add.
        converters: Extra converter classes by name, added to the defaults.
        strict_slashes: Default for rules: redirect ``/a`` to ``/a/`` for branch rules.
        merge_slashes: Default for rules: ``/a//b`` redirects to ``/a/b``.
        redirect_defaults: Redirect to the rule that provides defaults for the
            matched one (canonical URLs), and follow ``alias`` rules.
        host_matching: Match :attr:`Rule.host` against the request host.
        default_subdomain: Subdomain of rules that do not set one.
        sort_parameters: Sort query arguments when building.
        sort_key: Sort key for ``sort_parameters``.
    """

    default_converters: t.Mapping[str, type[BaseConverter]] = DEFAULT_CONVERTERS

    def __init__(
        self,
        rules: t.Iterable[t.Any] | None = None,
        *,
        converters: t.Mapping[str, type[BaseConverter]] | None = None,
        strict_slashes: bool = True,
        merge_slashes: bool = True,
        redirect_defaults: bool = True,
        host_matching: bool = False,
        default_subdomain: str = "",
        sort_parameters: bool = False,
        sort_key: t.Callable[[t.Any], t.Any] | None = None,
    ) -> None:
        self.converters: dict[str, type[BaseConverter]] = dict(self.default_converters)
        if converters:
            self.converters.update(converters)
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.redirect_defaults = redirect_defaults
        self.host_matching = host_matching
        self.default_subdomain = default_subdomain
        self.sort_parameters = sort_parameters
        self.sort_key = sort_key
        self._rules: list[Rule] = []
        self._rules_by_endpoint: dict[t.Any, list[Rule]] = {}
        self._root = _Node()
        # Fast path: domain -> full static path -> method -> the rule a tree walk would
        # return without any further work (first acceptable, HTTP, plain). Anything
        # else (other methods, WebSocket, redirects, defaults) takes the tree walk.
        self._static_index: dict[str, dict[str, dict[str, Rule]]] = {}
        self._static_nodes: dict[tuple[str, str], _Node] = {}
        for rule in rules or ():
            self.add(rule)

    # -- registration --------------------------------------------------------------------

    def add(self, rulefactory: t.Any) -> None:
        """Bind and insert a rule (or every rule of a factory); O(rule depth)."""
        for rule in rulefactory.get_rules(self):
            rule.bind(self)
            if not rule.build_only:
                self._insert(rule)
            self._rules.append(rule)
            siblings = self._rules_by_endpoint.setdefault(rule.endpoint, [])
            siblings.append(rule)
            siblings.sort(key=Rule.build_compare_key)
            self._link_defaults(siblings)
            for sibling in siblings:
                if sibling._static_key is not None:
                    self._index_static(sibling._static_key)

    def _insert(self, rule: Rule) -> None:
        node = self._root
        static = True
        for part in rule._parts:
            if part.static:
                child = node.static.get(part.content)
                if child is None:
                    child = node.static[part.content] = _Node()
            else:
                static = False
                for existing, child in node.dynamic:  # noqa: B007 - child is read after the break
                    if existing.key == part.key:
                        break
                else:
                    child = _Node()
                    bisect.insort(node.dynamic, (part, child), key=_edge_weight)
            node = child
        node.rules.append(rule)
        rule._static_key = None
        if static and rule._trace_split <= 1:
            path = "/".join(part.content for part in rule._parts[1:])
            if not path.startswith("//"):  # such paths are never looked up verbatim
                rule._static_key = (rule._parts[0].content, path)
                self._static_nodes[rule._static_key] = node

    def _index_static(self, key: tuple[str, str]) -> None:
        rules = self._static_nodes[key].rules
        methods = set(_COMMON_METHODS)
        for rule in rules:
            methods.update(rule.methods or ())
        by_method = {}
        for method in methods:
            for rule in rules:
                if (rule.methods is None or method in rule.methods) and not rule.websocket:
                    if rule._simple:
                        by_method[method] = rule
                    break
        self._static_index.setdefault(key[0], {})[key[1]] = by_method

    @staticmethod
    def _link_defaults(siblings: list[Rule]) -> None:
        # For each rule, the higher-priority rules of its endpoint that are its
        # canonical (defaulted) form; matching it redirects there.
        for position, rule in enumerate(siblings):
            rule._default_redirects = tuple(
                other for other in siblings[:position] if other.provides_defaults_for(rule)
            )
            rule._simple = not (
                rule.defaults or rule.alias or rule.redirect_to is not None
                or rule._default_redirects
            )

    # -- introspection -------------------------------------------------------------------

    def iter_rules(self, endpoint: t.Any | None = None) -> t.Iterator[Rule]:
        """Rules grouped by endpoint in build order (Werkzeug's order), or one endpoint's."""
        if endpoint is not None:
            return iter(self._rules_by_endpoint[endpoint])
        return (rule for rules in self._rules_by_endpoint.values() for rule in rules)

    def __iter__(self) -> t.Iterator[Rule]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, endpoint: t.Any) -> list[Rule]:
        return list(self._rules_by_endpoint[endpoint])

    def __contains__(self, endpoint: object) -> bool:
        return endpoint in self._rules_by_endpoint

    def is_endpoint_expecting(self, endpoint: t.Any, *arguments: str) -> bool:
        """Whether any rule of ``endpoint`` takes all of ``arguments``."""
        wanted = set(arguments)
        return any(wanted.issubset(rule.arguments) for rule in self._rules_by_endpoint[endpoint])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({pformat(list(self.iter_rules()))})"

    # -- binding ---------------------------------------------------------------------------

    def bind(
        self,
        server_name: str,
        script_name: str | None = None,
        subdomain: str | None = None,
        url_scheme: str = "http",
        default_method: str = "GET",
        path_info: str | None = None,
        query_args: t.Mapping[str, t.Any] | str | None = None,
    ) -> MapAdapter:
        """A :class:`~veloce.core.hosts.MapAdapter` for this map on ``server_name``.

        Flask parity: Werkzeug's ``Map.bind``; the adapter matches and builds
        absolute URLs (external URLs, other subdomains, redirect targets).
        """
        return bind(
            self, server_name, script_name, subdomain, url_scheme, default_method,
            path_info, query_args,
        )

    # -- matching ------------------------------------------------------------------------

    def match(
        self,
        path: str,
        method: str,
        query_string: bytes | str = b"",
        host: str | None = None,
        *,
        subdomain: str | None = None,
        websocket: bool = False,
        adapter: MapAdapter | None = None,
    ) -> tuple[Rule, dict[str, t.Any]]:
        """Find the rule for a decoded request path and return it with its arguments.

        Args:
            path: The percent-decoded path (ASGI ``scope["path"]``).
            method: The request method.
            query_string: Raw query, appended to redirect targets.
            host: Request host (with port if non-default); used with ``host_matching``.
            subdomain: Current subdomain when subdomain matching is used; defaults to
                the map's ``default_subdomain``.
            websocket: Match WebSocket rules instead of HTTP ones.
            adapter: The binding (host, script root, scheme) redirect targets are made
                absolute with; a callable ``redirect_to`` receives it.

        Raises:
            NotFound: No rule matches.
            MethodNotAllowed: Rules match the path but not the method; ``valid_methods``
                is sorted.
            RequestRedirect: The canonical URL differs (trailing slash, merged
                slashes, defaults, alias, ``redirect_to``); ``new_url`` is relative
                unless an ``adapter`` is given.
            WebsocketMismatch: Only a rule of the other kind (HTTP/WebSocket) matches.
        """
        if self.host_matching:
            domain = host.lower() if host else ""
        else:
            domain = self.default_subdomain if subdomain is None else subdomain
        if not websocket:
            # Index keys never start with "//", so a hit needs no path normalization.
            index = self._static_index.get(domain)
            if index is not None:
                by_method = index.get(path)
                if by_method is not None:
                    rule = by_method.get(method)
                    if rule is not None:
                        return rule, {}
        return self._match_tree(path, method.upper(), query_string, domain, websocket, adapter)

    def _match_tree(
        self,
        path: str,
        method: str,
        query_string: bytes | str,
        domain: str,
        websocket: bool,
        adapter: MapAdapter | None,
    ) -> tuple[Rule, dict[str, t.Any]]:
        parts = path.split("/")
        if parts[0] or (len(parts) > 2 and not parts[1]):
            # Werkzeug matches "/" + path.lstrip("/"): no, or several, leading slashes.
            path = "/" + path.lstrip("/")
            parts = path.split("/")
        parts.insert(0, domain)
        miss: set[str] = set()
        values: list[str] = []
        try:
            rule = _walk(self._root, parts, 0, values, method, websocket, miss)
        except _SlashRequired:
            raise RequestRedirect(_redirect_target(path + "/", query_string, adapter)) from None
        if rule is None:
            if self.merge_slashes and "//" in path:
                merged = _MULTI_SLASH_RE.sub("/", path)
                parts = [domain, *merged.split("/")]
                try:
                    rule = _walk(self._root, parts, 0, [], method, websocket, miss)
                except _SlashRequired:
                    raise RequestRedirect(
                        _redirect_target(merged + "/", query_string, adapter)
                    ) from None
                if rule is not None and rule.merge_slashes is not False:
                    raise RequestRedirect(_redirect_target(merged, query_string, adapter))
            raise self._no_match(miss)
        # As in Werkzeug, a converter rejecting its value ends the match: no other
        # rule is tried.
        result: dict[str, t.Any] = {}
        for (name, converter), text in zip(rule._conv_items, values, strict=False):
            try:
                result[name] = converter.to_python(text)
            except ValidationError:
                raise self._no_match(miss) from None
        if rule._simple:
            return rule, result
        return self._finish(rule, result, method, query_string, adapter)

    @staticmethod
    def _no_match(miss: set[str]) -> HTTPException:
        if _WEBSOCKET_MISMATCH in miss:
            if len(miss) == 1:
                return WebsocketMismatch()
            miss = miss - {_WEBSOCKET_MISMATCH}
        if miss:
            return MethodNotAllowed(valid_methods=sorted(miss))
        return NotFound()

    def _finish(
        self,
        rule: Rule,
        result: dict[str, t.Any],
        method: str,
        query_string: bytes | str,
        adapter: MapAdapter | None,
    ) -> tuple[Rule, dict[str, t.Any]]:
        """Apply defaults, then the redirects a matched rule can ask for."""
        if rule.defaults:
            result.update(rule.defaults)
        if self.redirect_defaults:
            if rule.alias:
                if adapter is None:
                    url = self.build(rule.endpoint, result, method, append_unknown=False)
                else:
                    url = adapter.build(
                        rule.endpoint, result, method, append_unknown=False, force_external=True
                    )
                raise RequestRedirect(_with_query(url, query_string))
            for other in rule._default_redirects:
                if other.suitable_for(result, method):
                    result.update(other.defaults)  # type: ignore[arg-type]
                    built = other.build(result)
                    if built is not None:
                        if adapter is not None:
                            url = adapter.make_redirect_url(built[1], query_string, built[0])
                        else:
                            url = _with_query("/" + built[1].lstrip("/"), query_string)
                        raise RequestRedirect(url)
        if rule.redirect_to is not None:
            raise RequestRedirect(self._redirect_to(rule, result, adapter))
        return rule, result

    def _redirect_to(
        self, rule: Rule, values: dict[str, t.Any], adapter: MapAdapter | None
    ) -> str:
        target = rule.redirect_to
        if isinstance(target, str):
            pieces = _PLACEHOLDER_RE.split(parse_rule_template(target))
            for k in range(1, len(pieces), 2):
                pieces[k] = rule._converters[pieces[k]].to_url(values[pieces[k]])
            url = "".join(pieces)
        else:
            url = target(self if adapter is None else adapter, **values)  # type: ignore[misc]
        if adapter is not None:
            return adapter.redirect_to_url(url)
        joined = urljoin(_BASE + "/", url)
        return joined[len(_BASE) :] if joined.startswith(_BASE + "/") else joined

    def allowed_methods(
        self, path: str, host: str | None = None, *, subdomain: str | None = None
    ) -> list[str]:
        """Sorted methods the path accepts (for OPTIONS and ``Allow``); ``[]`` if any/none."""
        try:
            self.match(path, "--", host=host, subdomain=subdomain)
        except MethodNotAllowed as exc:
            return list(exc.valid_methods or ())
        except HTTPException:
            pass
        return []

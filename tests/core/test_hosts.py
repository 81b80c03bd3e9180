"""MapAdapter binds, matches and builds exactly like Werkzeug 3.1's MapAdapter.

The same rules go into a Veloce Map and a Werkzeug Map; both are bound the same way
(``bind`` with the same arguments, or ``bind_to_scope`` against ``bind_to_environ``
with an equivalent WSGI environ) and the outcomes are compared: the winning rule and
arguments, 404/405, absolute redirect targets, built URLs, warnings and errors.
"""

from __future__ import annotations

import typing as t
import warnings
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug import exceptions as wex
from werkzeug import routing as wr

from veloce.core.exceptions import (
    BadHost,
    BuildError,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestRedirect,
)
from veloce.core.hosts import MapAdapter, bind, bind_to_scope, scope_host
from veloce.core.router import Map, WebsocketMismatch
from veloce.core.rules import Rule

Spec = tuple[str, dict[str, t.Any]]


class Pair:
    """One rule set in a Veloce Map and a Werkzeug Map."""

    def __init__(self, specs: list[Spec], **map_kwargs: t.Any) -> None:
        self.ours = [Rule(s, **k) for s, k in specs]
        self.theirs = [wr.Rule(s, **k) for s, k in specs]
        self.map = Map(self.ours, **map_kwargs)
        self.wmap = wr.Map(self.theirs, **map_kwargs)

    def position(self, rule: t.Any) -> int:
        rules = self.ours if isinstance(rule, Rule) else self.theirs
        return next(i for i, r in enumerate(rules) if r is rule)


def outcome(adapter: t.Any, pair: Pair, path: str | None = None, method: str | None = None,
            **kwargs: t.Any) -> tuple[t.Any, ...]:
    """What matching did, in terms both libraries share."""
    try:
        rule, args = adapter.match(path, method, return_rule=True, **kwargs)
    except (RequestRedirect, wr.RequestRedirect) as exc:
        return ("redirect", exc.new_url)
    except (MethodNotAllowed, wex.MethodNotAllowed) as exc:
        return ("405", sorted(exc.valid_methods))
    except (WebsocketMismatch, wr.WebsocketMismatch):
        return ("websocket",)
    except (NotFound, wex.NotFound):
        return ("404",)
    return ("match", pair.position(rule), args)


def built(build: t.Callable[[], str]) -> tuple[str, str]:
    try:
        return ("ok", build())
    except (BuildError, wr.BuildError) as exc:
        return ("build-error", str(exc))
    except (ValueError, TypeError, RuntimeError) as exc:
        return (type(exc).__name__, str(exc))


def environ_for(scope: dict[str, t.Any]) -> dict[str, t.Any]:
    """The WSGI environ a WSGI server would build for ``scope``."""
    root = scope.get("root_path", "")
    path = scope["path"][len(root):]
    environ = {
        "wsgi.url_scheme": scope["scheme"],
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode().decode("latin-1"),
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": scope["server"][0],
        "SERVER_PORT": str(scope["server"][1]),
    }
    for name, value in scope["headers"]:
        environ["HTTP_" + name.decode().upper().replace("-", "_")] = value.decode("latin-1")
    return environ


def make_scope(host: str | None, path: str = "/", *, scheme: str = "http", root: str = "",
               method: str = "GET", query: bytes = b"") -> dict[str, t.Any]:
    headers = [] if host is None else [(b"host", host.encode())]
    return {"type": "http", "scheme": scheme, "method": method, "path": root + path,
            "root_path": root, "query_string": query, "headers": headers,
            "server": ("127.0.0.1", 443 if scheme == "https" else 80)}


# -- bind ----------------------------------------------------------------------------------


@pytest.mark.parametrize("server_name", ["example.com", "EXAMPLE.com:8080", "bücher.example",
                                         "[::1]:5000", "a..b", "x" * 64 + ".com", ""])
@pytest.mark.parametrize("host_matching", [False, True])
def test_bind_normalizes_server_name_like_werkzeug(server_name, host_matching):
    pair = Pair([("/", {"endpoint": "i"})], host_matching=host_matching)

    def attrs(adapter_factory):
        try:
            adapter = adapter_factory()
        except (BadHost, wex.BadHost) as exc:
            return ("bad-host", exc.code)
        return (adapter.server_name, adapter.script_name, adapter.subdomain,
                adapter.url_scheme, adapter.path_info, adapter.default_method)

    assert attrs(lambda: pair.map.bind(server_name)) == attrs(lambda: pair.wmap.bind(server_name))


def test_bind_rejects_subdomain_with_host_matching():
    with pytest.raises(RuntimeError, match="host matching enabled and a subdomain"):
        bind(Map(host_matching=True), "example.com", subdomain="api")


def test_bind_defaults_subdomain_to_map_default():
    adapter = Map(default_subdomain="www").bind("example.com", script_name="/app")
    assert (adapter.subdomain, adapter.script_name) == ("www", "/app/")
    assert isinstance(adapter, MapAdapter)
    assert repr(adapter) == "<MapAdapter http://example.com/app/ subdomain='www'>"


# -- bind_to_scope -------------------------------------------------------------------------

SCOPE_HOSTS = ["example.com", "api.example.com", "a.b.example.com", "other.test",
               "EXAMPLE.COM", "example.com:8080", "example.com:80", "localhost", None,
               "bad host", "[::1]:8080"]


@pytest.mark.parametrize("host", SCOPE_HOSTS)
@pytest.mark.parametrize("server_name", [None, "example.com", "Example.com:80",
                                         "example.com:443", "example.com:8080"])
@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("subdomain", [None, ""])
def test_bind_to_scope_matches_bind_to_environ(host, server_name, scheme, subdomain):
    pair = Pair([("/", {"endpoint": "i"})])
    scope = make_scope(host, "/x/y", scheme=scheme, root="/app", method="POST", query=b"a=1")

    def attrs(bind_it):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            adapter = bind_it()
        return (adapter.server_name, adapter.script_name, adapter.subdomain,
                adapter.url_scheme, adapter.path_info, adapter.default_method,
                [str(w.message) for w in caught])

    ours = attrs(lambda: bind_to_scope(pair.map, scope, server_name, subdomain))
    theirs = attrs(lambda: pair.wmap.bind_to_environ(environ_for(scope), server_name, subdomain))
    assert ours[:6] == theirs[:6]
    assert ours[6] == theirs[6]


def test_bind_to_scope_can_skip_the_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        adapter = bind_to_scope(Map(), make_scope("other.test"), "example.com", warn=False)
    assert adapter.subdomain == "<invalid>"


def test_bind_to_scope_uses_given_host_and_path():
    adapter = bind_to_scope(Map(), make_scope("ignored.test", "/a"), host="given.test",
                            path_info="/b")
    assert (adapter.server_name, adapter.path_info) == ("given.test", "/b")


def test_bind_to_scope_websocket_scope_uses_ws_scheme():
    scope = make_scope("example.com", scheme="https")
    scope["type"] = "websocket"
    del scope["method"]
    adapter = bind_to_scope(Map(), scope)
    assert (adapter.url_scheme, adapter.websocket, adapter.default_method) == ("wss", True, "GET")


def test_scope_host_applies_trusted_hosts():
    from veloce.core.exceptions import SecurityError

    assert scope_host(make_scope("Example.com:80")) == "Example.com"
    assert scope_host(make_scope("a.example.com"), [".example.com"]) == "a.example.com"
    with pytest.raises(SecurityError, match="Host 'evil.test' is not trusted."):
        scope_host(make_scope("evil.test"), ["example.com"])
    assert scope_host(make_scope(None)) == "127.0.0.1"


# -- matching -------------------------------------------------------------------------------

MATCH_RULES: list[Spec] = [
    ("/", {"endpoint": "index"}),
    ("/dir/", {"endpoint": "dir"}),
    ("/a/b", {"endpoint": "ab"}),
    ("/", {"endpoint": "api", "subdomain": "api"}),
    ("/dir/", {"endpoint": "api_dir", "subdomain": "api"}),
    ("/", {"endpoint": "user", "subdomain": "<user>"}),
    ("/page/", {"endpoint": "page", "defaults": {"n": 1}}),
    ("/page/<int:n>", {"endpoint": "page"}),
    ("/api-page/", {"endpoint": "api_page", "defaults": {"n": 1}, "subdomain": "api"}),
    ("/api-page/<int:n>", {"endpoint": "api_page"}),
    ("/old/<int:n>", {"endpoint": "old", "redirect_to": "/page/<n>"}),
    ("/rel/<name>", {"endpoint": "rel", "redirect_to": "target/<name>"}),
    ("/ext", {"endpoint": "ext", "redirect_to": "https://other.test/x"}),
    ("/proto", {"endpoint": "proto", "redirect_to": "//other.test/y"}),
    ("/call/<int:n>", {"endpoint": "call",
                       "redirect_to": lambda adapter, n: adapter.build("page", {"n": n + 1})}),
    ("/callx/<int:n>", {"endpoint": "callx", "redirect_to":
                        lambda adapter, n: adapter.build("page", {"n": n}, force_external=True)}),
    ("/alias", {"endpoint": "dir", "alias": True}),
    ("/ws", {"endpoint": "ws", "websocket": True}),
    ("/post", {"endpoint": "post", "methods": ["POST"]}),
]
MATCH_PATHS = ["/", "/dir", "/dir/", "/a//b", "//a/b", "/page/1", "/page/", "/page/2",
               "/api-page/1", "/old/3", "/rel/x", "/ext", "/proto", "/call/4", "/callx/5",
               "/alias", "/ws", "/post", "/missing", "/ü/x y"]


@pytest.mark.parametrize("path", MATCH_PATHS)
@pytest.mark.parametrize("subdomain", ["", "api", "bob"])
@pytest.mark.parametrize("script_name", [None, "/app", "/app/"])
@pytest.mark.parametrize("url_scheme", ["http", "https", ""])
def test_match_redirects_and_results_match_werkzeug(path, subdomain, script_name, url_scheme):
    pair = Pair(MATCH_RULES)
    args = ("example.com:8080", script_name, subdomain, url_scheme, "GET", None, "q=%C3%BC")
    ours = outcome(pair.map.bind(*args), pair, path)
    theirs = outcome(pair.wmap.bind(*args), pair, path)
    assert ours == theirs


@pytest.mark.parametrize("path", ["/", "/x", "/x/", "/dir"])
@pytest.mark.parametrize("host", ["a.test", "b.test", "t1.tenant.test", "A.TEST:8080", ""])
def test_host_matching_match_matches_werkzeug(path, host):
    specs: list[Spec] = [
        ("/", {"endpoint": "a", "host": "a.test"}),
        ("/x", {"endpoint": "ax", "host": "a.test"}),
        ("/x", {"endpoint": "ax8080", "host": "a.test:8080"}),
        ("/", {"endpoint": "tenant", "host": "<t>.tenant.test"}),
        ("/dir/", {"endpoint": "dir", "host": "b.test"}),
        ("/", {"endpoint": "nohost"}),
    ]
    pair = Pair(specs, host_matching=True)
    ours = outcome(pair.map.bind(host or "localhost"), pair, path)
    theirs = outcome(pair.wmap.bind(host or "localhost"), pair, path)
    assert ours == theirs


def test_match_returns_endpoint_by_default_and_uses_bound_path():
    pair = Pair([("/x/<int:n>", {"endpoint": "x"})])
    adapter = pair.map.bind("example.com", path_info="/x/3", default_method="POST")
    werkzeug_adapter = pair.wmap.bind("example.com", path_info="/x/3", default_method="POST")
    assert adapter.match() == werkzeug_adapter.match() == ("x", {"n": 3})


def test_match_query_args_mapping_and_override():
    pair = Pair([("/dir/", {"endpoint": "dir"})])
    for query in ({"a": "1", "b": ["x", "y"]}, "raw=1", b"q=%C3%BC"):
        ours = outcome(pair.map.bind("h.test", query_args=query), pair, "/dir")
        theirs = outcome(pair.wmap.bind("h.test", query_args=(
            query.decode() if isinstance(query, bytes) else query)), pair, "/dir")
        assert ours == theirs
    ours = outcome(pair.map.bind("h.test", query_args="a=1"), pair, "/dir", query_args="b=2")
    assert ours == ("redirect", "http://h.test/dir/?b=2")


def test_match_websocket_flag_follows_scheme_and_override():
    pair = Pair([("/ws", {"endpoint": "ws", "websocket": True}), ("/h", {"endpoint": "h"})])
    for scheme in ("ws", "wss", "http"):
        for path in ("/ws", "/h"):
            ours = outcome(pair.map.bind("h.test", url_scheme=scheme), pair, path)
            theirs = outcome(pair.wmap.bind("h.test", url_scheme=scheme), pair, path)
            assert ours == theirs
    assert outcome(pair.map.bind("h.test"), pair, "/ws", websocket=True)[0] == "match"


def test_test_and_allowed_methods_match_werkzeug():
    pair = Pair([("/x", {"endpoint": "x", "methods": ["POST"]}), ("/d/", {"endpoint": "d"}),
                 ("/s", {"endpoint": "s", "methods": ["PUT"], "subdomain": "api"})])
    for subdomain in ("", "api"):
        ours = pair.map.bind("h.test", subdomain=subdomain)
        theirs = pair.wmap.bind("h.test", subdomain=subdomain)
        for path in ("/x", "/d", "/d/", "/nope", "/s"):
            assert ours.test(path) == theirs.test(path), path
            assert ours.test(path, "POST") == theirs.test(path, "POST"), path
            assert sorted(ours.allowed_methods(path)) == sorted(theirs.allowed_methods(path))
    assert pair.map.bind("h.test", path_info="/x").allowed_methods() == ["POST"]


# -- building ------------------------------------------------------------------------------

BUILD_RULES: list[Spec] = [
    ("/", {"endpoint": "index"}),
    ("/", {"endpoint": "api", "subdomain": "api"}),
    ("/u/<name>", {"endpoint": "user", "subdomain": "<sub>"}),
    ("/deep/<path:p>", {"endpoint": "deep", "subdomain": "a.b"}),
    ("/ws", {"endpoint": "ws", "websocket": True}),
    ("/p/<path:p>", {"endpoint": "p"}),
    ("/<path:p>", {"endpoint": "lead"}),
    ("/m", {"endpoint": "m", "methods": ["GET"]}),
    ("/m-post", {"endpoint": "m", "methods": ["POST"]}),
]
BUILD_CALLS: list[tuple[str, dict[str, t.Any], str | None]] = [
    ("index", {}, None), ("index", {"q": ["a", "b"], "n": None}, None), ("api", {}, None),
    ("user", {"sub": "bob", "name": "x y"}, None), ("deep", {"p": "a/b"}, None),
    ("ws", {}, None), ("p", {"p": "/x"}, None), ("lead", {"p": "/abs"}, None),
    ("m", {}, None), ("m", {}, "POST"), ("m", {}, "PUT"), ("nope", {"a": 1}, None),
    ("user", {"name": "x"}, None),
]


@pytest.mark.parametrize("call", BUILD_CALLS, ids=lambda c: f"{c[0]}-{sorted(c[1])}-{c[2]}")
@pytest.mark.parametrize("subdomain", ["", "api", "bob"])
@pytest.mark.parametrize("script_name", [None, "/app"])
@pytest.mark.parametrize("url_scheme", ["http", "https", "ws", "wss", "ftp", ""])
@pytest.mark.parametrize("force_external", [False, True])
def test_build_matches_werkzeug(call, subdomain, script_name, url_scheme, force_external):
    pair = Pair(BUILD_RULES)
    endpoint, values, method = call
    args = ("Example.com:8080", script_name, subdomain, url_scheme)
    ours = pair.map.bind(*args)
    theirs = pair.wmap.bind(*args)
    expected = built(lambda: theirs.build(endpoint, values, method, force_external))
    assert built(lambda: ours.build(endpoint, values, method, force_external)) == expected
    expected = built(lambda: theirs.build(endpoint, values, method, url_scheme="https"))
    assert built(lambda: ours.build(endpoint, values, method, url_scheme="https")) == expected


@pytest.mark.parametrize("default_method", ["GET", "POST", "PUT"])
def test_build_prefers_the_bound_method(default_method):
    pair = Pair(BUILD_RULES)
    ours = pair.map.bind("h.test", default_method=default_method)
    theirs = pair.wmap.bind("h.test", default_method=default_method)
    assert ours.build("m") == theirs.build("m")


@pytest.mark.parametrize("server_name", ["a.test", "b.test", "t1.tenant.test", "other.test"])
@pytest.mark.parametrize("force_external", [False, True])
def test_host_matching_build_matches_werkzeug(server_name, force_external):
    specs: list[Spec] = [
        ("/", {"endpoint": "a", "host": "a.test"}),
        ("/x", {"endpoint": "x", "host": "a.test"}),
        ("/x", {"endpoint": "x", "host": "b.test"}),
        ("/", {"endpoint": "tenant", "host": "<t>.tenant.test"}),
        ("/n", {"endpoint": "nohost"}),
    ]
    pair = Pair(specs, host_matching=True)
    ours = pair.map.bind(server_name)
    theirs = pair.wmap.bind(server_name)
    for endpoint, values in (("a", {}), ("x", {}), ("tenant", {"t": "t1"}), ("nohost", {})):
        assert built(partial(ours.build, endpoint, values, force_external=force_external)) == \
            built(partial(theirs.build, endpoint, values, force_external=force_external))


def test_build_values_multidict_and_append_unknown():
    from werkzeug.datastructures import MultiDict as WMultiDict

    from veloce.core.datastructures import MultiDict

    pair = Pair(BUILD_RULES)
    ours = pair.map.bind("h.test")
    theirs = pair.wmap.bind("h.test")
    assert ours.build("index", MultiDict([("a", "1"), ("a", "2"), ("b", "3")])) == \
        theirs.build("index", WMultiDict([("a", "1"), ("a", "2"), ("b", "3")]))
    assert ours.build("index", {"a": 1}, append_unknown=False) == \
        theirs.build("index", {"a": 1}, append_unknown=False)


# -- property tests -------------------------------------------------------------------------

SUBDOMAINS = ["", "api", "<sub>", "a.b", "<x>.b"]
SEGMENTS = ["a", "b", "<v{i}>", "<int:n{i}>", "<path:p{i}>"]
HOSTS = ["example.test", "api.example.test", "bob.example.test", "a.b.example.test",
         "x.b.example.test", "other.test", "EXAMPLE.TEST", "example.test:8080"]

rule_strategy = st.tuples(
    st.sampled_from(SUBDOMAINS),
    st.lists(st.sampled_from(SEGMENTS), max_size=2),
    st.booleans(),
    st.sampled_from([None, ("GET",), ("POST",)]),
)


def _rule_string(segments: list[str], trailing: bool) -> str:
    body = "/".join(segment.format(i=i) for i, segment in enumerate(segments))
    return "/" + body + ("/" if trailing and body else "")


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.lists(rule_strategy, min_size=1, max_size=6),
    host=st.sampled_from(HOSTS),
    server_name=st.sampled_from([None, "example.test", "example.test:8080"]),
    pinned=st.booleans(),
    paths=st.lists(st.tuples(st.lists(st.sampled_from(["a", "b", "1", "x"]), max_size=3),
                             st.booleans()), min_size=1, max_size=4),
    method=st.sampled_from(["GET", "POST"]),
    root=st.sampled_from(["", "/app"]),
)
def test_random_subdomain_routing_matches_werkzeug(rules, host, server_name, pinned, paths,
                                                   method, root):
    seen: set[str] = set()
    specs: list[Spec] = []
    for i, (subdomain, segments, trailing, methods) in enumerate(rules):
        string = _rule_string(segments, trailing)
        if string.count("<path:") > 1 or (subdomain, string) in seen:
            continue
        seen.add((subdomain, string))  # type: ignore[arg-type]
        specs.append((string, {"endpoint": f"e{i}", "subdomain": subdomain,
                               "methods": methods}))
    if not specs:
        return
    pair = Pair(specs)
    subdomain = "" if pinned else None
    for segments, trailing in paths:
        path = _rule_string(segments, trailing)
        scope = make_scope(host, path, root=root, method=method, query=b"k=v")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = bind_to_scope(pair.map, scope, server_name, subdomain)
            theirs = pair.wmap.bind_to_environ(environ_for(scope), server_name, subdomain)
        assert outcome(ours, pair) == outcome(theirs, pair), (path, host, server_name)
        for i, (_, kwargs) in enumerate(specs):
            values = {"v0": "x y", "v1": "ü", "n0": 3, "n1": 4, "p0": "q/r", "p1": "s",
                      "sub": "s", "x": "y"}
            endpoint = kwargs["endpoint"]
            assert built(partial(ours.build, endpoint, values)) == \
                built(partial(theirs.build, endpoint, values)), (endpoint, i)


def test_match_errors_are_http_exceptions():
    adapter = Map([Rule("/x", endpoint="x")]).bind("h.test")
    with pytest.raises(HTTPException):
        adapter.match("/nope")

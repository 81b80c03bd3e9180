"""The Map matches and builds exactly like Werkzeug 3.1's Map / MapAdapter.

Every test builds the same rules in both implementations and compares outcomes:
the winning rule (by position) and its converted arguments, 404, 405 (valid methods
as a set), 308 redirects (path + query of Werkzeug's absolute ``new_url``), and
built URLs / BuildError messages.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug import routing as wr
from werkzeug.datastructures import MultiDict as WMultiDict
from werkzeug.exceptions import MethodNotAllowed as WMethodNotAllowed
from werkzeug.exceptions import NotFound as WNotFound

from veloce.core import converters as vc
from veloce.core.exceptions import BuildError, MethodNotAllowed, NotFound, RequestRedirect
from veloce.core.router import Map, WebsocketMismatch
from veloce.core.rules import Rule, parse_rule_template

Spec = tuple[str, dict[str, t.Any]]


def _custom_converters(base: t.Any) -> dict[str, type]:
    """The same custom converters written against either library's base classes."""

    class ListConverter(base.BaseConverter):
        regex = r"\w+(?:,\w+)*"

        def to_python(self, value):
            return value.split(",")

        def to_url(self, value):
            return ",".join(super(ListConverter, self).to_url(v) for v in value)

    class EvenConverter(base.IntegerConverter):
        def to_python(self, value):
            number = super().to_python(value)
            if number % 2:
                raise base.ValidationError()
            return number

    class SlashyConverter(base.BaseConverter):
        regex = "[a-z]+/[a-z]+"

    class GroupConverter(base.BaseConverter):
        regex = "(a|b)(c|d)"
        weight = 10

    class HexConverter(base.BaseConverter):
        regex = "[0-9a-f]+"
        weight = 60

        def __init__(self, map, prefix=""):
            super().__init__(map)
            self.prefix = prefix

        def to_python(self, value):
            return self.prefix + value

    return {"list": ListConverter, "even": EvenConverter, "slashy": SlashyConverter,
            "grp": GroupConverter, "hex": HexConverter}


OUR_CONVERTERS = _custom_converters(vc)
THEIR_CONVERTERS = _custom_converters(wr.converters)


class Pair:
    """One rule set registered in a Veloce Map and a Werkzeug Map."""

    def __init__(self, specs: list[Spec], **map_kwargs: t.Any) -> None:
        self.ours = [Rule(s, **k) for s, k in specs]
        # Werkzeug has no "{name:conv}" syntax; give it the equivalent "<conv:name>".
        self.theirs = [wr.Rule(parse_rule_template(s), **k) for s, k in specs]
        self.map = Map(self.ours, converters=OUR_CONVERTERS, **map_kwargs)
        self.wmap = wr.Map(self.theirs, converters=THEIR_CONVERTERS, **map_kwargs)

    @staticmethod
    def _position(rules: list, rule: t.Any) -> int:
        return next(i for i, r in enumerate(rules) if r is rule)

    def werkzeug(self, path, method="GET", query="", host="localhost", subdomain=None,
                 websocket=False):
        server = host or "localhost"
        adapter = self.wmap.bind(server, subdomain=subdomain, query_args=query)
        try:
            rule, args = adapter.match(path, method, return_rule=True, websocket=websocket)
        except wr.RequestRedirect as exc:
            url = urlsplit(exc.new_url)
            if url.netloc != server.lower():
                return ("redirect", exc.new_url)
            return ("redirect", url.path + (f"?{url.query}" if url.query else ""))
        except WMethodNotAllowed as exc:
            return ("405", set(exc.valid_methods))
        except wr.WebsocketMismatch:
            return ("websocket",)
        except WNotFound:
            return ("404",)
        return ("match", self._position(self.theirs, rule), args)

    def veloce(self, path, method="GET", query="", host="localhost", subdomain=None,
               websocket=False):
        try:
            rule, args = self.map.match(path, method, query.encode(), host=host,
                                        subdomain=subdomain, websocket=websocket)
        except RequestRedirect as exc:
            assert exc.code == 308
            return ("redirect", exc.new_url)
        except MethodNotAllowed as exc:
            assert exc.valid_methods == sorted(exc.valid_methods)
            return ("405", set(exc.valid_methods))
        except WebsocketMismatch:
            return ("websocket",)
        except NotFound:
            return ("404",)
        return ("match", self._position(self.ours, rule), args)

    def check(self, path, method="GET", **kwargs):
        expected = self.werkzeug(path, method, **kwargs)
        assert self.veloce(path, method, **kwargs) == expected, (path, method, kwargs)
        return expected


def _specs(*strings: str, **kwargs: t.Any) -> list[Spec]:
    return [(s, {"endpoint": f"e{i}", **kwargs}) for i, s in enumerate(strings)]


PRIORITY_RULES = _specs(
    "/", "/a", "/a/", "/<x>", "/<int:x>", "/<float:x>", "/<path:x>", "/a/<x>", "/a/<int:x>",
    "/a/b", "/<x>/b", "/<a>.<b>", "/<a>.json", "/f-<int:id>.txt", "/<path:p>/edit",
    "/<path:p>/", "/static/<path:filename>", "/<string(length=2):lang>/<path:p>",
    "/<any(x, y, 'q.r'):k>/z", "/u/<uuid:id>", "/n/<int(signed=True):n>",
    "/n/<int(min=3, max=9):m>/m", "/z/<int(fixed_digits=3):n>", "/l/<list:items>",
    "/e/<even:n>", "/s/<slashy:s>/end", "/g/<grp:g>", "/g/<x>", "/h/<hex(prefix='0x'):h>",
    "/h/<int:i>", "/<x>/<y>/<z>", "/a/<x>/<y>", "/a/<path:p>/<int:n>", "/d-<x>-<y>/",
    "/users/{id:int}/posts/{slug}",
)
PRIORITY_PATHS = [
    "/", "/a", "/a/", "/b", "/1", "/1.5", "/-1", "/a/b", "/a/1", "/a/c", "/x/b", "/1/b",
    "/a.b", "/a.json", "/x.y.json", "/f-12.txt", "/f-x.txt", "/x/y/edit", "/x/edit", "/edit",
    "/x/y/", "/x/", "/static/css/site.css", "/static/", "/en/about/team", "/eng/about",
    "/x/z", "/q.r/z", "/w/z", "/u/12345678-1234-1234-1234-123456789abc", "/u/nope",
    "/n/-5", "/n/5/m", "/n/10/m", "/n/2/m", "/z/007", "/z/7", "/z/0070", "/l/a,b,c",
    "/l/a,,b", "/e/4", "/e/3", "/s/ab/cd/end", "/s/ab/end", "/g/ac", "/g/bd", "/g/ae",
    "/h/ff", "/h/12", "/h/zz", "/p/q/r", "/p/q/r/", "/a/x/y", "/a/x/y/7", "/a/x/y/z",
    "/d-1-2", "/d-1-2/", "/d-1-2-3/", "/users/3/posts/hello", "/users/x/posts/hello",
    "/ü/€", "/a b/c d", "/%", "/a?b", "/x/y/z/w", "/a\nb", "",
]


@pytest.mark.parametrize("path", PRIORITY_PATHS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_priority_matches_werkzeug(path, method):
    Pair(PRIORITY_RULES).check(path, method)


METHOD_RULES = [
    ("/m", {"endpoint": "mg", "methods": ["GET"]}),
    ("/m", {"endpoint": "mp", "methods": ["POST"]}),
    ("/n", {"endpoint": "n", "methods": ["PUT"]}),
    ("/o", {"endpoint": "o"}),
    ("/p/<x>", {"endpoint": "px", "methods": ["POST"]}),
    ("/p/<int:x>", {"endpoint": "pi", "methods": ["GET"]}),
    ("/p/1", {"endpoint": "p1", "methods": ["DELETE"]}),
    ("/q/", {"endpoint": "q", "methods": ["GET"]}),
    ("/q", {"endpoint": "qp", "methods": ["POST"]}),
    ("/r/", {"endpoint": "r", "methods": ["PATCH"]}),
    ("/v/<int(max=5):n>", {"endpoint": "v", "methods": ["GET"]}),
    ("/v/<int:n>", {"endpoint": "vp", "methods": ["POST"]}),
]


@pytest.mark.parametrize(
    "path", ["/m", "/n", "/o", "/p/x", "/p/1", "/p/2", "/q", "/q/", "/r", "/r/", "/v/3", "/v/9"]
)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "get"])
def test_methods_match_werkzeug(path, method):
    Pair(METHOD_RULES).check(path, method)


@pytest.mark.parametrize("path", ["/m", "/n", "/o", "/p/1", "/p/x", "/q", "/v/9", "/missing"])
def test_allowed_methods_matches_werkzeug(path):
    pair = Pair(METHOD_RULES)
    expected = sorted(pair.wmap.bind("localhost").allowed_methods(path))
    assert pair.map.allowed_methods(path) == expected


SLASH_RULES = [
    ("/a/", {"endpoint": "a"}),
    ("/b", {"endpoint": "b"}),
    ("/c/", {"endpoint": "c", "strict_slashes": False}),
    ("/d", {"endpoint": "d", "strict_slashes": False}),
    ("/e/<x>/", {"endpoint": "e"}),
    ("/f/<path:p>/", {"endpoint": "f"}),
    ("/g/<path:p>/", {"endpoint": "g", "strict_slashes": False}),
    ("/h//i", {"endpoint": "h"}),
    ("/j//k", {"endpoint": "j", "merge_slashes": False}),
    ("/l/<x>", {"endpoint": "l", "merge_slashes": False}),
    ("/", {"endpoint": "root"}),
]
SLASH_PATHS = [
    "/a", "/a/", "/a//", "//a", "/b", "/b/", "/c", "/c/", "/d", "/d/", "/e/1", "/e/1/",
    "/f/x/y", "/f/x/y/", "/f/x//y", "/g/x/y", "/g/x/y/", "/h/i", "/h//i", "/h///i", "/j//k",
    "/j/k", "//j//k", "/l/x", "/l//x", "/a//b", "/", "//", "", "/ä", "/c//", "/e//1/",
]


@pytest.mark.parametrize("map_kwargs", [{}, {"strict_slashes": False}, {"merge_slashes": False}])
@pytest.mark.parametrize("path", SLASH_PATHS)
def test_slashes_match_werkzeug(map_kwargs, path):
    Pair(SLASH_RULES, **map_kwargs).check(path, "GET", query="x=1&y=%20")


@pytest.mark.parametrize("path", ["/dï", "/a b", "/%25", "/q?x", "/€/"])
def test_redirect_quotes_path_and_keeps_query(path):
    pair = Pair([("/dï/", {}), ("/a b/", {}), ("/%25/", {}), ("/q?x/", {}), ("/€/", {})])
    for query in ("", "a=1&b=ü", "k"):
        pair.check(path, query=query)


def test_query_bytes_are_decoded_as_utf8_in_redirects():
    url_map = Map([Rule("/a/")])
    with pytest.raises(RequestRedirect) as exc:
        url_map.match("/a", "GET", "q=\u00fc".encode())
    assert exc.value.new_url == "/a/?q=ü"


DEFAULT_RULES = [
    ("/all/", {"endpoint": "all", "defaults": {"page": 1}}),
    ("/all/page/<int:page>", {"endpoint": "all"}),
    ("/u/", {"endpoint": "u", "defaults": {"page": 1}, "methods": ["GET"]}),
    ("/u/<int:page>", {"endpoint": "u", "methods": ["GET", "POST"]}),
    ("/lang/<x>", {"endpoint": "lang", "defaults": {"lang": "en"}}),
    ("/<lang>/<x>", {"endpoint": "lang"}),
    ("/old/<int:id>", {"endpoint": "new", "alias": True}),
    ("/new/<int:id>", {"endpoint": "new"}),
    ("/r/<slug>", {"endpoint": "r", "redirect_to": "target/<slug>"}),
    ("/r2/<int:id>", {"endpoint": "r2", "redirect_to": "/abs/<id>?x=1"}),
    ("/r3/", {"endpoint": "r3", "redirect_to": "https://example.org/x"}),
    ("/r4/<a>", {"endpoint": "r4", "redirect_to": "../<a>"}),
    ("/r5/<int:n>", {"endpoint": "r5", "redirect_to": lambda _, n: f"/n/{n * 2}"}),
]
DEFAULT_PATHS = [
    "/all/", "/all/page/1", "/all/page/2", "/u/", "/u/1", "/u/2", "/lang/a", "/en/a",
    "/de/a", "/old/3", "/new/3", "/r/hello", "/r/a b", "/r2/5", "/r3/", "/r4/zz", "/r5/4",
]


@pytest.mark.parametrize("redirect_defaults", [True, False])
@pytest.mark.parametrize("path", DEFAULT_PATHS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_defaults_and_redirects_match_werkzeug(redirect_defaults, path, method):
    pair = Pair(DEFAULT_RULES, redirect_defaults=redirect_defaults)
    pair.check(path, method, query="z=9")


def test_callable_redirect_to_receives_the_map():
    seen = []
    url_map = Map([Rule("/x/<int:n>", redirect_to=lambda m, n: seen.append(m) or f"y/{n}")])
    with pytest.raises(RequestRedirect) as exc:
        url_map.match("/x/3", "GET")
    assert exc.value.new_url == "/y/3"
    assert seen == [url_map]


def test_template_placeholders_in_redirect_to():
    url_map = Map([Rule("/x/{n:int}", redirect_to="/y/{n}")])
    with pytest.raises(RequestRedirect) as exc:
        url_map.match("/x/3", "GET")
    assert exc.value.new_url == "/y/3"


HOST_RULES = [
    ("/", {"endpoint": "www", "host": "www.example.com"}),
    ("/", {"endpoint": "sub", "host": "<sub>.example.com"}),
    ("/a/<int:n>", {"endpoint": "api", "host": "api.example.com"}),
    ("/a/<x>", {"endpoint": "sub-a", "host": "<sub>.example.com"}),
    ("/b", {"endpoint": "nohost"}),
    ("/c", {"endpoint": "port", "host": "example.com:8080"}),
]


@pytest.mark.parametrize(
    "host", ["www.example.com", "api.example.com", "x.example.com", "example.com",
             "example.com:8080", "WWW.Example.com"]
)
@pytest.mark.parametrize("path", ["/", "/a/1", "/a/b", "/b", "/c", "/a"])
def test_host_matching_matches_werkzeug(host, path):
    Pair(HOST_RULES, host_matching=True).check(path, host=host)


SUBDOMAIN_RULES = [
    ("/", {"endpoint": "root"}),
    ("/", {"endpoint": "api", "subdomain": "api"}),
    ("/p", {"endpoint": "user", "subdomain": "<user>"}),
]


@pytest.mark.parametrize("subdomain", ["", "api", "bob"])
@pytest.mark.parametrize("path", ["/", "/p"])
def test_subdomain_matches_werkzeug(subdomain, path):
    Pair(SUBDOMAIN_RULES).check(path, subdomain=subdomain)


def test_default_subdomain_is_used_without_subdomain_argument():
    pair = Pair(SUBDOMAIN_RULES, default_subdomain="api")
    for path in ("/", "/p"):
        pair.check(path, subdomain=None)


WS_RULES = [
    ("/ws", {"endpoint": "ws", "websocket": True}),
    ("/http", {"endpoint": "http"}),
    ("/both", {"endpoint": "both-ws", "websocket": True}),
    ("/both", {"endpoint": "both-http"}),
    ("/wsdir/", {"endpoint": "wsdir", "websocket": True}),
]


@pytest.mark.parametrize("websocket", [True, False])
@pytest.mark.parametrize("path", ["/ws", "/http", "/both", "/wsdir", "/nope"])
def test_websocket_matching_matches_werkzeug(websocket, path):
    Pair(WS_RULES).check(path, websocket=websocket)


def test_fast_path_falls_back_when_static_rule_rejects_method():
    pair = Pair([("/a/b", {"methods": ["POST"]}), ("/a/<x>", {"methods": ["GET"]})])
    assert pair.check("/a/b", "GET")[0] == "match"
    assert pair.check("/a/b", "get")[0] == "match"
    assert pair.check("/a/b", "PUT") == ("405", {"GET", "HEAD", "POST"})


def test_rejected_conversion_reports_methods_seen_before_the_winner():
    # Werkzeug records POST before returning the GET rule; its to_python then fails.
    pair = Pair([("/x/<int:n>", {"methods": ["POST"]}),
                 ("/x/<int(max=5):n>", {"methods": ["GET"]})])
    assert pair.check("/x/9", "GET") == ("405", {"POST"})
    assert pair.check("/x/3", "GET")[0] == "match"


def test_match_returns_fresh_argument_dicts():
    url_map = Map([Rule("/", endpoint="i", defaults={"a": 1})])
    first = url_map.match("/", "GET")[1]
    first["b"] = 2
    assert url_map.match("/", "GET")[1] == {"a": 1}
    assert Map([Rule("/s")]).match("/s", "GET")[1] is not Map([Rule("/s")]).match("/s", "GET")[1]


def test_build_only_rules_never_match_but_build():
    url_map = Map([Rule("/static/<path:f>", endpoint="static", build_only=True)])
    with pytest.raises(NotFound):
        url_map.match("/static/x.css", "GET")
    assert url_map.build("static", {"f": "x.css"}) == "/static/x.css"


BUILD_RULES = [
    ("/", {"endpoint": "index"}),
    ("/u/<int:id>", {"endpoint": "user", "methods": ["GET"]}),
    ("/u/<int:id>/edit", {"endpoint": "user", "methods": ["POST"]}),
    ("/all/", {"endpoint": "all", "defaults": {"page": 1}}),
    ("/all/page/<int:page>", {"endpoint": "all"}),
    ("/f/<path:p>", {"endpoint": "file"}),
    ("/a/<any(x, y):k>", {"endpoint": "any"}),
    ("/ü/<x>", {"endpoint": "uni"}),
    ("/l/<list:items>", {"endpoint": "list"}),
    ("/d/<x>", {"endpoint": "d", "defaults": {"y": 2}}),
    ("/d/<x>/<int:y>", {"endpoint": "d"}),
    ("/m", {"endpoint": "multi", "methods": ["POST"]}),
    ("/m2", {"endpoint": "multi", "methods": ["PUT"]}),
    ("/alias/<int:id>", {"endpoint": "user", "alias": True, "methods": ["GET"]}),
    ("/t/{slug}/{n:int}", {"endpoint": "tpl"}),
]
BUILD_CASES = [
    ("index", {}, None),
    ("index", {"q": "a b", "r": [1, 2], "n": None}, None),
    ("user", {"id": 3}, None),
    ("user", {"id": 3}, "POST"),
    ("user", {"id": 3}, "HEAD"),
    ("user", {"id": 3}, "DELETE"),
    ("user", {}, None),
    ("user", {"id": None}, None),
    ("all", {}, None),
    ("all", {"page": 1}, None),
    ("all", {"page": 2}, None),
    ("file", {"p": "a b/c?d#e"}, None),
    ("any", {"k": "x"}, None),
    ("uni", {"x": "€ /"}, None),
    ("list", {"items": ["a", "b c"]}, None),
    ("d", {"x": "a"}, None),
    ("d", {"x": "a", "y": 2}, None),
    ("d", {"x": "a", "y": 3}, None),
    ("multi", {}, None),
    ("multi", {}, "PUT"),
    ("multi", {}, "GET"),
    ("missing", {}, None),
    ("usr", {"id": 1}, None),
    ("tpl", {"slug": "hi", "n": 4}, None),
]


@pytest.mark.parametrize(("endpoint", "values", "method"), BUILD_CASES)
@pytest.mark.parametrize("append_unknown", [True, False])
def test_build_matches_werkzeug(endpoint, values, method, append_unknown):
    pair = Pair(BUILD_RULES)
    adapter = pair.wmap.bind("localhost")
    try:
        expected = adapter.build(endpoint, values, method, append_unknown=append_unknown)
    except wr.BuildError as exc:
        with pytest.raises(BuildError) as ours:
            pair.map.build(endpoint, values, method, append_unknown)
        assert str(ours.value) == str(exc)
        assert ours.value.values == exc.values
    else:
        assert pair.map.build(endpoint, values, method, append_unknown) == expected


def test_build_accepts_multidict_like_werkzeug():
    pair = Pair(BUILD_RULES)
    values = WMultiDict([("id", 3), ("tag", "a"), ("tag", "b")])
    expected = pair.wmap.bind("localhost").build("user", values)
    assert pair.map.build("user", values) == expected == "/u/3?tag=a&tag=b"


def test_build_any_with_invalid_value_raises_value_error():
    with pytest.raises(ValueError, match="is not one of"):
        Pair(BUILD_RULES).map.build("any", {"k": "z"})


def test_build_target_prefers_rule_on_requested_host():
    specs = [("/", {"endpoint": "i", "host": "a.example.com"}),
             ("/", {"endpoint": "i", "host": "b.example.com"})]
    url_map = Pair(specs, host_matching=True).map
    assert url_map.build_target("i", host="b.example.com")[1:] == ("b.example.com", "/")
    assert url_map.build_target("i", host="c.example.com")[1:] == ("a.example.com", "/")
    assert url_map.build_target("i")[1:] == ("a.example.com", "/")


def test_introspection_matches_werkzeug():
    pair = Pair(BUILD_RULES)
    assert [parse_rule_template(r.rule) for r in pair.map.iter_rules()] == [
        r.rule for r in pair.wmap.iter_rules()
    ]
    assert [r.rule for r in pair.map.iter_rules("user")] == [
        r.rule for r in pair.wmap.iter_rules("user")
    ]
    assert list(pair.map) == pair.ours
    assert len(pair.map) == len(BUILD_RULES)
    assert pair.map["user"] == list(pair.map.iter_rules("user"))
    assert "user" in pair.map
    assert "nope" not in pair.map
    with pytest.raises(KeyError):
        pair.map["nope"]
    for endpoint, args in [("user", ("id",)), ("all", ("page",)), ("d", ("x", "y")),
                           ("index", ("x",)), ("index", ())]:
        assert pair.map.is_endpoint_expecting(endpoint, *args) == (
            pair.wmap.is_endpoint_expecting(endpoint, *args)
        )
    with pytest.raises(KeyError):
        pair.map.is_endpoint_expecting("nope", "x")
    assert repr(pair.map).startswith("Map([<Rule '/' -> index>")


def test_map_converters_are_a_copy_with_extras():
    url_map = Map(converters={"list": OUR_CONVERTERS["list"]})
    assert set(url_map.converters) == set(vc.DEFAULT_CONVERTERS) | {"list"}
    url_map.converters["even"] = OUR_CONVERTERS["even"]
    url_map.add(Rule("/<even:n>", endpoint="e"))
    assert url_map.match("/4", "GET")[1] == {"n": 4}
    assert "even" not in Map().converters


# -- property test -----------------------------------------------------------------------

SEGMENT_KINDS = ["a", "b", "ab", "<string:{v}>", "<int:{v}>", "<path:{v}>", "<any(a, ab):{v}>",
                 "x<int:{v}>", "<{v}>.json", "<string(length=2):{v}>", "<float:{v}>", "<even:{v}>"]
PATH_SEGMENTS = ["a", "b", "ab", "1", "12", "-1", "1.5", "x1", "ab.json", "", "zz", "4"]

rule_strategy = st.tuples(
    st.lists(st.sampled_from(SEGMENT_KINDS), max_size=3),
    st.booleans(),
    st.sampled_from([None, ("GET",), ("POST",), ("GET", "POST")]),
    st.sampled_from([None, False]),
)
path_strategy = st.tuples(st.lists(st.sampled_from(PATH_SEGMENTS), max_size=4), st.booleans())


def _rule_string(segments: list[str], trailing: bool) -> str:
    body = "/".join(seg.format(v=f"v{i}") for i, seg in enumerate(segments))
    return "/" + body + ("/" if trailing and body else "")


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.lists(rule_strategy, min_size=1, max_size=8),
    paths=st.lists(path_strategy, min_size=1, max_size=8),
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT"]),
    map_flags=st.tuples(st.booleans(), st.booleans()),
)
def test_random_rule_sets_match_werkzeug(rules, paths, method, map_flags):
    specs = [
        (_rule_string(segments, trailing),
         {"endpoint": f"e{i}", "methods": methods, "strict_slashes": strict})
        for i, (segments, trailing, methods, strict) in enumerate(rules)
    ]
    pair = Pair(specs, strict_slashes=map_flags[0], merge_slashes=map_flags[1])
    for segments, trailing in paths:
        pair.check(_rule_string(segments, trailing), method, query="q=1")


VALUE_POOL = ["a", "1", "a b", "ü", "x/y", "?", "%", "ab", 7, -2, 1.5, ["a", "b"], None]


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.lists(rule_strategy, min_size=1, max_size=4),
    values=st.dictionaries(st.sampled_from(["v0", "v1", "v2", "extra"]),
                           st.sampled_from(VALUE_POOL), max_size=4),
    endpoint=st.sampled_from(["e", "f"]),
    method=st.sampled_from([None, "GET", "POST"]),
)
def test_random_builds_match_werkzeug(rules, values, endpoint, method):
    specs = [
        (_rule_string(segments, trailing), {"endpoint": "e" if i % 2 == 0 else "f",
                                            "methods": methods})
        for i, (segments, trailing, methods, _) in enumerate(rules)
    ]
    pair = Pair(specs)

    def outcome(build):
        try:
            return ("ok", build())
        except (wr.BuildError, BuildError) as exc:
            return ("build-error", str(exc))
        except (ValueError, TypeError) as exc:
            return (type(exc).__name__, str(exc))

    adapter = pair.wmap.bind("localhost")
    expected = outcome(lambda: adapter.build(endpoint, values, method))
    assert outcome(lambda: pair.map.build(endpoint, values, method)) == expected


# Segments that overlap in many ways: several converters in one segment, static text
# around converters, converters with arguments. Werkzeug orders them by static parts,
# then converter weights, then registration; the winner must be the same.
OVERLAP_KINDS = [
    "a", "a-b", "<{v}>", "<{v}>-<{v}x>", "a-<{v}>", "<{v}>-b", "<int:{v}>",
    "<int(signed=True):{v}>", "<int:{v}>-<int:{v}x>", "<uuid:{v}>", "<path:{v}>", "x<{v}>y",
    "<float:{v}>", "<any(a, 'a-b'):{v}>", "<{v}>.<{v}x>", "<string(minlength=3):{v}>",
]
OVERLAP_SEGMENTS = [
    "a", "b", "a-b", "1-2", "-1", "1", "xay", "x1y", "1.5", "a.b", "abc", "", "a-b-c",
    "12345678-1234-5678-1234-567812345678",
]


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.lists(st.tuples(st.lists(st.sampled_from(OVERLAP_KINDS), min_size=1, max_size=3),
                             st.booleans()), min_size=2, max_size=10),
    paths=st.lists(st.tuples(st.lists(st.sampled_from(OVERLAP_SEGMENTS), min_size=1,
                                      max_size=4), st.booleans()), min_size=1, max_size=10),
)
def test_random_overlapping_rules_pick_werkzeugs_winner(rules, paths):
    specs = [
        (_rule_string(segments, trailing), {"endpoint": f"e{i}"})
        for i, (segments, trailing) in enumerate(rules)
    ]
    pair = Pair(specs)
    for segments, trailing in paths:
        pair.check(_rule_string(segments, trailing), "GET")

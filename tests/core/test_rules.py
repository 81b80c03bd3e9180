"""Rules parse, weigh and build exactly like Werkzeug 3.1's ``Rule``."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import iter_multi_items
from werkzeug.routing import Map as WMap
from werkzeug.routing import Rule as WRule
from werkzeug.urls import _urlencode

from veloce.core.router import Map
from veloce.core.rules import Rule, encode_query, parse_rule_template

RULES = [
    "/",
    "/a",
    "/a/",
    "/a/b/c",
    "/<x>",
    "/<x>/",
    "/a/<int:id>",
    "/a/<int(fixed_digits=3):id>/edit",
    "/<string(length=2):lang>/<path:page>",
    "/<path:page>/",
    "/<path:page>/edit",
    "/files/<path:p>.txt",
    "/f-<int:id>.txt",
    "/<a>.<b>",
    "/<a>-<b>/<c>",
    "/x<float:f>y/z",
    "/<any(about, help, 'a,b'):page>",
    "/<uuid:u>/<int(signed=True, min=4):n>",
    "/ü/a b/<x>/%/?/#",
    "/a//b/<x>",
    "/a.b+c",
]


def _bound(string: str, map_kwargs: dict | None = None, **kwargs) -> tuple[Rule, WRule]:
    ours, theirs = Rule(string, **kwargs), WRule(string, **kwargs)
    Map(**(map_kwargs or {})).add(ours)
    WMap(**(map_kwargs or {})).add(theirs)
    return ours, theirs


def _weight(part) -> tuple:
    w = part.weight
    return (w[0], tuple(w[1]), w[2], tuple(w[3]))


@pytest.mark.parametrize("string", RULES)
def test_parts_match_werkzeug(string):
    ours, theirs = _bound(string)
    assert len(ours._parts) == len(theirs._parts)
    for mine, their in zip(ours._parts, theirs._parts, strict=True):
        flags = (mine.static, mine.final, mine.suffixed)
        assert flags == (their.static, their.final, their.suffixed)
        if mine.static:
            assert mine.content == their.content
        else:
            assert mine.weight == _weight(their)
    assert ours._trace == theirs._trace
    assert ours.arguments == theirs.arguments


@pytest.mark.parametrize("string", RULES)
def test_repr_and_attributes_match_werkzeug(string):
    ours, theirs = _bound(string, methods=["post"], endpoint="ep")
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs) == string
    assert (ours.is_leaf, ours.is_branch) == (theirs.is_leaf, theirs.is_branch)
    assert ours.methods == theirs.methods == {"POST"}
    assert isinstance(ours.methods, frozenset)


def test_methods_are_upper_cased_and_head_added():
    assert Rule("/", methods=["get", "Post"]).methods == WRule("/", methods=["get", "Post"]).methods
    assert Rule("/").methods is None


def test_methods_as_string_is_rejected():
    with pytest.raises(TypeError, match="list of strings"):
        Rule("/", methods="GET")  # type: ignore[arg-type]


def test_websocket_rule_rejects_other_methods_like_werkzeug():
    with pytest.raises(ValueError) as theirs:
        WRule("/ws", methods=["POST"], websocket=True)
    with pytest.raises(ValueError) as ours:
        Rule("/ws", methods=["POST"], websocket=True)
    assert str(ours.value) == str(theirs.value)


def test_rule_must_start_with_slash():
    with pytest.raises(ValueError) as theirs:
        WRule("a")
    with pytest.raises(ValueError) as ours:
        Rule("a")
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("string", ["/<foo", "/<int:>", "/<1x>"])
def test_malformed_rule_message_matches_werkzeug(string):
    with pytest.raises(ValueError) as theirs:
        WMap([WRule(string)])
    with pytest.raises(ValueError) as ours:
        Map([Rule(string)])
    assert str(ours.value) == str(theirs.value)


def test_unknown_converter_is_lookup_error():
    with pytest.raises(LookupError) as theirs:
        WMap([WRule("/<nope:x>")])
    with pytest.raises(LookupError) as ours:
        Map([Rule("/<nope:x>")])
    assert str(ours.value) == str(theirs.value)


def test_duplicate_variable_is_rejected():
    # Werkzeug fails too (with a SyntaxError from its generated builder).
    with pytest.raises(SyntaxError):
        WMap([WRule("/<a>/<a>")])
    with pytest.raises(ValueError, match="appears twice"):
        Map([Rule("/<a>/<a>")])


@pytest.mark.parametrize(
    ("template", "werkzeug"),
    [
        ("/users/{id}", "/users/<id>"),
        ("/users/{id:int}/posts/{slug:string}", "/users/<int:id>/posts/<string:slug>"),
        ("/f/{rest:path}", "/f/<path:rest>"),
        ("/n/{n:int(min=1, max=9)}", "/n/<int(min=1, max=9):n>"),
        ("/mixed/{a}.<b>", "/mixed/<a>.<b>"),
        ("/literal/{not valid}", "/literal/{not valid}"),
    ],
)
def test_template_syntax_is_werkzeug_syntax(template, werkzeug):
    assert parse_rule_template(template) == werkzeug
    ours, theirs = Rule(template), WRule(werkzeug)
    Map().add(ours)
    WMap().add(theirs)
    assert ours.rule == template
    assert ours._trace == theirs._trace


def test_bind_inherits_map_settings_and_rejects_rebinding():
    rule = Rule("/a/")
    url_map = Map(strict_slashes=False, merge_slashes=False)
    url_map.add(rule)
    assert rule.map is url_map
    assert rule.strict_slashes is False
    assert rule.merge_slashes is False
    assert rule.subdomain == ""
    with pytest.raises(RuntimeError):
        Map().add(rule)


def test_empty_copies_everything_unbound():
    rule = Rule("/a/<x>", endpoint="e", methods=["GET"], defaults={"y": 1}, host="h",
                redirect_to="/b", strict_slashes=False, alias=True)
    Map().add(rule)
    copy = rule.empty()
    assert copy.map is None
    assert repr(copy) == "<Rule (unbound)>"
    for name in ("rule", "endpoint", "methods", "defaults", "host", "redirect_to",
                 "strict_slashes", "alias", "build_only", "websocket"):
        assert getattr(copy, name) == getattr(rule, name)
    Map().add(copy)
    assert copy == rule


def test_refresh_recompiles_after_change():
    rule = Rule("/a/<x>")
    Map().add(rule)
    rule.rule = "/b/<int:x>"
    rule.refresh()
    assert rule.build_path({"x": 3}) == "/b/3"


def test_equality_follows_trace_and_rules_are_unhashable():
    a, b, c = Rule("/a/<x>", endpoint="one"), Rule("/a/<x>", endpoint="two"), Rule("/a/<y>")
    for rule in (a, b, c):
        Map().add(rule)
    assert a == b
    assert a != c
    with pytest.raises(TypeError):
        hash(a)


def test_provide_automatic_options_is_a_plain_attribute():
    rule = Rule("/")
    assert rule.provide_automatic_options is False
    rule.provide_automatic_options = True
    assert rule.provide_automatic_options is True


BUILD_CASES = [
    ("/", {}),
    ("/a/<int:id>", {"id": 5}),
    ("/a/<int(fixed_digits=4):id>", {"id": 5, "q": "x y"}),
    ("/<path:p>/edit", {"p": "a b/ü/c?d"}),
    ("/<x>", {"x": "a/b%c#d?e&f=g+h"}),
    ("/<x>", {"x": "!$&'()*+,/:;=@"}),
    ("/ü/a b/<x>", {"x": "€"}),
    ("/<a>.<b>", {"a": 1, "b": "json", "extra": [1, 2, None], "none": None}),
    ("/<float:f>", {"f": 1.5, "t": (1, "ü")}),
    ("/<uuid:u>", {"u": "12345678-1234-1234-1234-123456789abc"}),
    ("/<any(a, b):v>", {"v": "a", "z": {"s"}}),
    ("/q", {"k": "a&b=c", "?": "#", "ü": "ö"}),
    ("/q", {"b": b"bytes", "i": 3, "f": 1.5, "t": True}),
]


@pytest.mark.parametrize(("string", "values"), BUILD_CASES)
@pytest.mark.parametrize("append_unknown", [True, False])
def test_build_matches_werkzeug(string, values, append_unknown):
    ours, theirs = _bound(string)
    assert ours.build(values, append_unknown) == theirs.build(values, append_unknown)
    assert ours.build_path(values, append_unknown) == theirs.build(values, append_unknown)[1]


def test_build_with_defaults_matches_werkzeug():
    ours, theirs = _bound("/page/<int:n>/<x>", defaults={"n": 1, "lang": "en"})
    for values in ({"x": "a"}, {"x": "a", "n": 1, "lang": "en"}, {"x": "a", "other": 2}):
        assert ours.build(values) == theirs.build(values)


def test_build_with_host_and_subdomain_matches_werkzeug():
    ours, theirs = _bound("/a/<x>", {"host_matching": True}, host="<sub>.example.com")
    assert ours.build({"x": "1", "sub": "api"}) == theirs.build({"x": "1", "sub": "api"})
    ours, theirs = _bound("/a", subdomain="<user>")
    assert ours.build({"user": "bob"}) == theirs.build({"user": "bob"})


def test_build_missing_value_returns_none():
    rule = Rule("/a/<x>")
    Map().add(rule)
    assert rule.build_path({}) is None
    assert rule.build({}) is None


def test_build_validation_error_returns_none():
    from veloce.core.converters import BaseConverter, ValidationError

    class Picky(BaseConverter):
        def to_url(self, value):
            raise ValidationError()

    rule = Rule("/<picky:x>")
    Map(converters={"picky": Picky}).add(rule)
    assert rule.build({"x": 1}) is None


def test_build_any_with_bad_value_raises_value_error_like_werkzeug():
    ours, theirs = _bound("/<any(a, b):v>")
    with pytest.raises(ValueError) as their_exc:
        theirs.build({"v": "c"})
    with pytest.raises(ValueError) as our_exc:
        ours.build({"v": "c"})
    assert str(our_exc.value) == str(their_exc.value)


def test_sorted_query_parameters_match_werkzeug():
    cases = [
        ({"sort_parameters": True}, {"b": 1, "a": [3, 2], "c": None, "x": 0}),
        ({"sort_parameters": True, "sort_key": lambda item: item[1]}, {"b": 1, "a": [3, 2]}),
        ({"sort_parameters": False}, {"b": 1, "a": [3, 2]}),
    ]
    for kwargs, values in cases:
        ours, theirs = _bound("/s", kwargs)
        assert ours.build(values) == theirs.build(values)


@pytest.mark.parametrize(
    "values",
    [{"a": 1}, {"a": [1, 2], "b": None}, {"a": ("x", None)}, {"ü": "€ &="}, {}],
)
def test_encode_query_matches_werkzeug(values):
    assert encode_query(values.items()) == _urlencode(iter_multi_items(values))


SUITABLE = [
    ({}, None),
    ({"x": 1}, None),
    ({"x": 1, "y": 2}, "GET"),
    ({"x": 1, "y": 3}, None),
    ({"x": 1}, "POST"),
    ({"x": 1}, "HEAD"),
]


@pytest.mark.parametrize(("values", "method"), SUITABLE)
def test_suitable_for_matches_werkzeug(values, method):
    ours, theirs = _bound("/<x>", methods=["GET"], defaults={"y": 2})
    assert ours.suitable_for(values, method) == theirs.suitable_for(values, method)


def test_provides_defaults_and_compare_key_match_werkzeug():
    specs = [
        ("/all/", {"defaults": {"page": 1}, "endpoint": "e"}),
        ("/all/page/<int:page>", {"endpoint": "e"}),
        ("/other/<int:page>", {"endpoint": "f"}),
        ("/alias/<int:page>", {"endpoint": "e", "alias": True}),
        ("/b/", {"defaults": {"page": 1}, "endpoint": "e", "build_only": True}),
    ]
    ours = [Rule(s, **k) for s, k in specs]
    theirs = [WRule(s, **k) for s, k in specs]
    Map(ours)
    WMap(theirs)
    for i in range(len(specs)):
        assert ours[i].build_compare_key() == theirs[i].build_compare_key()
        for j in range(len(specs)):
            assert ours[i].provides_defaults_for(ours[j]) == theirs[i].provides_defaults_for(
                theirs[j]
            )

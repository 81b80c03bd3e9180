"""Tagged JSON parity: Veloce's serializer vs ``flask.json.tag`` on the same values.

``dumps`` must be byte-identical (outside a context: stdlib JSON; inside an app
context: the app's provider, which sorts keys), and each side must load what the
other wrote into equal values of equal types.
"""

from __future__ import annotations

import datetime as dt
import typing as t
import uuid
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from veloce.json.tag import JSONTag, PassDict, TagDict, TaggedJSONSerializer, TagTuple

UTC = dt.timezone.utc


class HasHtml:
    def __html__(self) -> str:
        return "<em>x</em>"

    def __repr__(self) -> str:  # stable test ids across xdist workers
        return "HasHtml()"


PAYLOADS: list[t.Any] = [
    None,
    True,
    0,
    -12,
    1.5,
    "plain",
    "é ☃ \u2028",
    [],
    {},
    (),
    (1, "two", (3,)),
    b"\x00\xffbytes",
    b"",
    Markup("<b>bold</b>"),
    HasHtml(),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    dt.datetime(2015, 10, 21, 7, 28, tzinfo=UTC),
    dt.datetime(2015, 10, 21, 7, 28, 0, 123456),
    dt.datetime(2015, 10, 21, 9, 28, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    {" t": "looks like a tag"},
    {" di": 1},
    {" t__": 1},
    {" t": (1, 2)},
    {"a": {" b": {" m": "deep"}}},
    {" t": 1, "other": 2},
    {"b": 1, "a": [1, {"c": (2, b"x")}], "_flashes": [("message", "hi")]},
    [(1, 2), [b"a", Markup("<i>")], {" u": "not a uuid"}],
    {"unicode ключ": "значение", "z": 1, "A": 2},
]


def flask_serializer() -> t.Any:
    from flask.json.tag import TaggedJSONSerializer as FlaskSerializer

    return FlaskSerializer()


def same_value(a: t.Any, b: t.Any) -> None:
    """Equal and of the same types, recursively."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            same_value(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            same_value(x, y)
    else:
        assert a == b
        if isinstance(a, dt.datetime):
            assert a.tzinfo == b.tzinfo


@pytest.mark.parametrize("value", PAYLOADS, ids=repr)
def test_dumps_byte_identical_outside_context(value: t.Any) -> None:
    assert TaggedJSONSerializer().dumps(value) == flask_serializer().dumps(value)


@pytest.mark.parametrize("value", PAYLOADS, ids=repr)
def test_dumps_byte_identical_in_app_context(value: t.Any) -> None:
    import flask

    from veloce.app import Veloce

    with flask.Flask(__name__).app_context():
        expected = flask_serializer().dumps(value)
    with Veloce(__name__).app_context():
        assert TaggedJSONSerializer().dumps(value) == expected


@pytest.mark.parametrize("value", PAYLOADS, ids=repr)
def test_loads_interop_both_ways(value: t.Any) -> None:
    ours, theirs = TaggedJSONSerializer(), flask_serializer()
    same_value(ours.loads(theirs.dumps(value)), theirs.loads(theirs.dumps(value)))
    same_value(theirs.loads(ours.dumps(value)), theirs.loads(theirs.dumps(value)))


def test_round_trip_restores_types() -> None:
    s = TaggedJSONSerializer()
    value = {
        "t": (1, (2,)),
        "b": b"\x01",
        "m": Markup("<p>"),
        "u": uuid.UUID(int=5),
        "d": dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
        " t": "escaped",
    }
    assert s.loads(s.dumps({" t": "escaped"})) == {" t": "escaped"}
    loaded = s.loads(s.dumps(value))
    assert loaded == value
    assert type(loaded["t"]) is tuple and type(loaded["t"][1]) is tuple
    assert type(loaded["m"]) is Markup


def test_datetime_loads_aware_utc_whole_seconds() -> None:
    s = TaggedJSONSerializer()
    naive = dt.datetime(2021, 5, 6, 7, 8, 9, 999999)
    assert s.loads(s.dumps(naive)) == naive.replace(microsecond=0, tzinfo=UTC)
    cest = dt.datetime(2021, 5, 6, 9, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert s.loads(s.dumps(cest)).utcoffset() == dt.timedelta(0)
    assert s.loads(s.dumps(cest)) == cest


def test_markup_like_object_loads_as_markup() -> None:
    s = TaggedJSONSerializer()
    assert s.loads(s.dumps(HasHtml())) == Markup("<em>x</em>")


def test_untag_leaves_unknown_and_multi_key_dicts() -> None:
    s = TaggedJSONSerializer()
    assert s.untag({" x": 1}) == {" x": 1}
    assert s.untag({" t": [1], "b": 2}) == {" t": [1], "b": 2}
    assert s.untag({" t": [1]}) == (1,)


class TagOrderedDict(JSONTag):
    __slots__ = ()
    key = " od"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, OrderedDict)

    def to_json(self, value: t.Any) -> t.Any:
        return [[k, self.serializer.tag(v)] for k, v in value.items()]

    def to_python(self, value: t.Any) -> t.Any:
        return OrderedDict(value)


def test_register_custom_tag_matches_flask() -> None:
    from flask.json.tag import JSONTag as FlaskJSONTag

    class FlaskTagOrderedDict(FlaskJSONTag):
        __slots__ = ()
        key = " od"
        check = TagOrderedDict.check
        to_json = TagOrderedDict.to_json
        to_python = TagOrderedDict.to_python

    ours, theirs = TaggedJSONSerializer(), flask_serializer()
    ours.register(TagOrderedDict, index=0)
    theirs.register(FlaskTagOrderedDict, index=0)
    value = {"o": OrderedDict([("b", (1,)), ("a", 2)]), "plain": "x"}
    assert ours.dumps(value) == theirs.dumps(value)
    loaded = ours.loads(ours.dumps(value))
    assert type(loaded["o"]) is OrderedDict and loaded["o"] == value["o"]
    # The new key is escaped like the built-in ones.
    assert ours.loads(ours.dumps({" od": 1})) == {" od": 1}


def test_custom_tag_claiming_str_disables_fast_path() -> None:
    class TagUpper(JSONTag):
        __slots__ = ()
        key = " up"

        def check(self, value: t.Any) -> bool:
            return isinstance(value, str) and value.isupper()

        def to_python(self, value: t.Any) -> t.Any:
            return value.lower()

    s = TaggedJSONSerializer()
    s.register(TagUpper)
    assert s.dumps("ABC") == '{" up":"ABC"}'
    assert s.loads(s.dumps("ABC")) == "abc"


def test_register_duplicate_key_raises_unless_forced() -> None:
    s = TaggedJSONSerializer()
    with pytest.raises(KeyError, match="' t' is already registered"):
        s.register(TagTuple)
    s.register(TagTuple, force=True)
    assert isinstance(s.tags[" t"], TagTuple)
    assert sum(isinstance(tag, TagTuple) for tag in s.order) == 2


def test_default_order_and_keys_match_flask() -> None:
    ours, theirs = TaggedJSONSerializer(), flask_serializer()
    assert [type(tag).__name__ for tag in ours.order] == [
        type(tag).__name__ for tag in theirs.order
    ]
    assert list(ours.tags) == list(theirs.tags)
    assert isinstance(ours.order[0], TagDict) and isinstance(ours.order[1], PassDict)


def test_base_tag_is_inert() -> None:
    s = TaggedJSONSerializer()
    tag = JSONTag(s)
    assert tag.check(object()) is False
    assert tag.to_json(3) == 3 and tag.to_python(3) == 3
    s.register(JSONTag)
    assert s.dumps({"a": 1}) == '{"a":1}'


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.binary(max_size=8),
    st.uuids(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), timezones=st.sampled_from([None, UTC])),
    st.text(max_size=8).map(Markup),
)
tag_keys = st.sampled_from([" t", " b", " m", " u", " d", " di", " t__", "a", "b", ""])
nested = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(st.one_of(tag_keys, st.text(max_size=4)), children, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(nested)
def test_random_values_dump_and_load_like_flask(value: t.Any) -> None:
    ours, theirs = TaggedJSONSerializer(), flask_serializer()
    text = theirs.dumps(value)
    assert ours.dumps(value) == text
    same_value(ours.loads(text), theirs.loads(text))

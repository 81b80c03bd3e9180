"""DefaultJSONProvider against Flask 3.1's, byte for byte (orjson path and fallbacks)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import io
import json
import math
import re
import types
import uuid

import flask
import flask.json
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

import veloce.json as vjson
from veloce.core.context import _cv_ctx
from veloce.core.response import Response
from veloce.json.provider import DefaultJSONProvider, JSONProvider


def stable_id(value: object) -> str:
    """A test id without memory addresses (xdist workers must agree on ids)."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))[:60]


class FakeApp:
    """The two attributes a provider reads from its app."""

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug
        self.response_class = Response


# Providers hold weak references to their apps: keep the apps alive for the module.
_APPS = {debug: FakeApp(debug=debug) for debug in (False, True)}
_FLASK_APPS = {debug: flask.Flask(__name__) for debug in (False, True)}
_FLASK_APPS[True].debug = True


def ours_for(debug: bool = False) -> DefaultJSONProvider:
    return DefaultJSONProvider(_APPS[debug])


def flask_for(debug: bool = False) -> flask.json.provider.DefaultJSONProvider:
    return flask.json.provider.DefaultJSONProvider(_FLASK_APPS[debug])


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def pair(
    request: pytest.FixtureRequest,
) -> tuple[DefaultJSONProvider, flask.json.provider.DefaultJSONProvider]:
    """Our provider and Flask's, both on apps with the same debug flag."""
    return ours_for(request.param), flask_for(request.param)


def assert_same_response(
    ours: DefaultJSONProvider, theirs: object, *args: object, **kwargs: object
) -> None:
    expected = theirs.response(*args, **kwargs)  # type: ignore[attr-defined]
    got = ours.response(*args, **kwargs)
    assert got.get_data() == expected.get_data()
    assert got.mimetype == expected.mimetype
    assert got.status_code == expected.status_code
    assert list(got.headers) == list(expected.headers)


def outcome(func: object, *args: object, **kwargs: object) -> object:
    try:
        return ("ok", func(*args, **kwargs))  # type: ignore[operator]
    except Exception as exc:  # noqa: BLE001 - compared by the caller
        return ("error", type(exc), str(exc))


@dataclasses.dataclass
class Point:
    y: int
    x: float
    label: str = "p"
    when: dt.date = dt.date(2020, 1, 2)


class Color(enum.IntEnum):
    RED = 1


SPECIAL_OBJECTS = [
    None,
    True,
    0,
    -(2**63),
    2**64 - 1,
    2**64,
    -(2**80),
    10**30,
    0.0,
    -0.0,
    1e16,
    1e-5,
    1.5e-7,
    0.0001,
    1e22,
    5e-324,
    1.7976931348623157e308,
    math.nan,
    math.inf,
    -math.inf,
    "",
    "plain",
    '\x00\x01\x08\x0b\x1f\x7f " \\ /',
    "\u2028\u2029",
    "é ü 日本 \U0001f600 \U0010ffff",
    "null",
    "0.00001 and 1e-5 in a string",
    "\ud800 lone surrogate",
    [],
    {},
    [1, [2, [3, {}]]],
    {"b": 1, "a": [None, {"d": 1.5, "c": "x"}]},
    {"é": 1, "z": 2, "\U0001f600": 3, "A": 4, "": 5},
    (1, 2, "tuple"),
    dt.datetime(2021, 3, 4, 5, 6, 7, 890),
    dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
    dt.date(1999, 12, 31),
    decimal.Decimal("12.3400"),
    decimal.Decimal("NaN"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    Point(1, 2.5),
    Markup("<b>safe</b>"),
    types.SimpleNamespace(__html__=lambda: "<i>html</i>"),
    Color.RED,
    {"nested": [Point(3, 1e-9), dt.date(2000, 1, 1), decimal.Decimal("1"), Markup("&")]},
]


@pytest.mark.parametrize("obj", SPECIAL_OBJECTS, ids=stable_id)
def test_response_matches_flask(pair: tuple, obj: object) -> None:
    ours, theirs = pair
    assert_same_response(ours, theirs, obj)


@pytest.mark.parametrize("obj", SPECIAL_OBJECTS, ids=stable_id)
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"separators": (",", ":")}, {"indent": 2}, {"indent": 4, "sort_keys": False}],
    ids=["default", "compact", "indent2", "indent4"],
)
def test_dumps_matches_flask(pair: tuple, obj: object, kwargs: dict) -> None:
    ours, theirs = pair
    assert outcome(ours.dumps, obj, **kwargs) == outcome(theirs.dumps, obj, **kwargs)


def json_values() -> st.SearchStrategy[object]:
    text = st.text(st.characters(codec=None, categories=None), max_size=12) | st.sampled_from(
        ["\x7f", "\x00", "\ud83d", "\U0001f600", "e-5", "1e-5", "null", "0.0000"]
    )
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.floats(min_value=-1e-3, max_value=1e-3)
        | text
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=5) | st.dictionaries(text, children, max_size=5)
        ),
        max_leaves=25,
    )


@given(obj=json_values(), debug=st.booleans(), ensure_ascii=st.booleans(), sort_keys=st.booleans())
@settings(max_examples=400, deadline=None)
def test_response_matches_flask_property(
    obj: object, debug: bool, ensure_ascii: bool, sort_keys: bool
) -> None:
    ours = ours_for(debug)
    theirs = flask_for(debug)
    for provider in (ours, theirs):
        provider.ensure_ascii = ensure_ascii  # type: ignore[attr-defined]
        provider.sort_keys = sort_keys  # type: ignore[attr-defined]
    expected = outcome(lambda: theirs.response(obj).get_data())
    got = outcome(lambda: ours.response(obj).get_data())
    assert got == expected


@pytest.mark.parametrize("compact", [None, True, False])
@pytest.mark.parametrize("debug", [False, True])
def test_response_compact_setting_matches_flask(compact: bool | None, debug: bool) -> None:
    ours, theirs = ours_for(debug), flask_for(debug)
    ours.compact = compact
    theirs.compact = compact
    assert_same_response(ours, theirs, {"a": [1, {"b": None}]})


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((1, 2, 3), {}), (({"a": 1},), {}), ((), {"b": 2, "a": [1]}), ((1,), {"a": 1})],
)
def test_response_arguments_match_flask(pair: tuple, args: tuple, kwargs: dict) -> None:
    ours, theirs = pair
    assert outcome(lambda: ours.response(*args, **kwargs).get_data()) == outcome(
        lambda: theirs.response(*args, **kwargs).get_data()
    )


class Unknown:
    pass


def _circular() -> list[object]:
    data: list[object] = []
    data.append(data)
    return data


@pytest.mark.parametrize(
    "obj",
    [
        Unknown(),
        {1: "int key", "a": 1},
        {1: "a", 2: "b"},
        {(1,): "tuple key"},
        _circular(),
        dt.time(1, 2),
        {"s": {1, 2}},
    ],
    ids=stable_id,
)
@pytest.mark.parametrize("sort_keys", [True, False])
def test_errors_and_fallbacks_match_flask(obj: object, sort_keys: bool) -> None:
    ours = ours_for()
    theirs = flask_for()
    ours.sort_keys = sort_keys
    theirs.sort_keys = sort_keys  # type: ignore[attr-defined]
    assert outcome(lambda: ours.response(obj).get_data()) == outcome(
        lambda: theirs.response(obj).get_data()
    )
    assert outcome(ours.dumps, obj) == outcome(theirs.dumps, obj)


def test_deep_nesting_falls_back_like_flask() -> None:
    obj: object = 1
    for _ in range(300):
        obj = [obj]
    ours = ours_for()
    assert ours.response(obj).get_data() == flask_for().response(obj).get_data()


def test_custom_default_is_honoured() -> None:
    class Provider(DefaultJSONProvider):
        @staticmethod
        def default(o: object) -> object:
            if isinstance(o, uuid.UUID):
                return o.hex
            raise TypeError("nope")

    class FlaskProvider(flask.json.provider.DefaultJSONProvider):
        default = staticmethod(Provider.default)  # type: ignore[assignment]

    value = {"id": uuid.UUID(int=5)}
    expected = FlaskProvider(_FLASK_APPS[False]).response(value).get_data()
    assert Provider(_APPS[False]).response(value).get_data() == expected


def test_subclass_dumps_is_used_by_response() -> None:
    class Provider(DefaultJSONProvider):
        def dumps(self, obj: object, **kwargs: object) -> str:
            return "custom"

    assert Provider(_APPS[False]).response({"a": 1}).get_data() == b"custom\n"


def test_plain_enum_serializes_by_value_unlike_flask() -> None:
    """Documented difference: orjson serializes plain Enum members by value."""

    class Plain(enum.Enum):
        A = "a"

    assert ours_for().response(Plain.A).get_data() == b'"a"\n'
    with pytest.raises(TypeError):
        flask_for().response(Plain.A)


LOADS_INPUTS = [
    "1",
    " [1, 2.5, -0, -0.0, 1E5, 1e-400] ",
    '{"a": {"b": [true, false, null]}, "a": 2}',
    "123456789012345678901234567890",
    "-9223372036854775809",
    "18446744073709551615",
    "NaN",
    "[Infinity, -Infinity]",
    "1e400",
    '"\\ud800"',
    '"\\ud83d\\ude00 \\u00e9"',
    "\ufeff1",
    "[1,]",
    "01",
    "",
    "{'a': 1}",
    '"unterminated',
    b'{"a": 1}',
    b"\xef\xbb\xbf[1]",
    '["é"]'.encode("utf-16"),
    '["é"]'.encode("utf-32-le"),
    b"\xff",
    bytearray(b"[1, 2]"),
    memoryview(b"[1]"),
    5,
]


@pytest.mark.parametrize("data", LOADS_INPUTS, ids=stable_id)
def test_loads_matches_flask(data: object) -> None:
    ours = ours_for()
    theirs = flask_for()
    assert outcome(ours.loads, data) == outcome(theirs.loads, data)


@given(obj=json_values())
@settings(max_examples=300, deadline=None)
def test_loads_round_trip_matches_flask(obj: object) -> None:
    ours = ours_for()
    theirs = flask_for()
    text = json.dumps(obj, ensure_ascii=False)
    for data in (text, text.encode("utf-8", "surrogatepass")):
        got, expected = outcome(ours.loads, data), outcome(theirs.loads, data)
        assert repr(got) == repr(expected)  # repr: NaN != NaN


def test_loads_kwargs_go_to_json() -> None:
    ours = ours_for()
    assert ours.loads("[1.5]", parse_float=decimal.Decimal) == [decimal.Decimal("1.5")]


def test_dump_and_load_use_files() -> None:
    ours = ours_for()
    buffer = io.StringIO()
    ours.dump({"b": 1, "a": 2}, buffer)
    assert buffer.getvalue() == flask_for().dumps({"b": 1, "a": 2})
    assert ours.load(io.StringIO('{"x": [1]}')) == {"x": [1]}


def test_base_provider_uses_stdlib_json() -> None:
    provider = JSONProvider(_APPS[False])
    assert provider.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
    assert provider.loads("[1]") == [1]
    response = provider.response(a=1)
    assert response.get_data() == b'{"a": 1}'
    assert response.mimetype == "application/json"


def test_provider_attributes_match_flask() -> None:
    theirs = flask.json.provider.DefaultJSONProvider
    for name in ("ensure_ascii", "sort_keys", "compact", "mimetype"):
        assert getattr(DefaultJSONProvider, name) == getattr(theirs, name)


# -- veloce.json module functions ------------------------------------------------------


@pytest.fixture
def bound_app() -> object:
    app = FakeApp()
    app.json = DefaultJSONProvider(app)  # type: ignore[attr-defined]
    token = _cv_ctx.set(types.SimpleNamespace(app=app))
    yield app
    _cv_ctx.reset(token)


@pytest.mark.parametrize(
    "obj", [{"b": [1, 2.5], "a": "é"}, [None, True], "x", dt.date(2020, 5, 6)], ids=stable_id
)
def test_module_functions_without_app_match_flask(obj: object) -> None:
    flask_app = flask.Flask(__name__)
    assert vjson.dumps(obj) == flask.json.dumps(obj)
    assert vjson.loads(vjson.dumps(obj)) == flask.json.loads(flask.json.dumps(obj))
    buffer, flask_buffer = io.StringIO(), io.StringIO()
    vjson.dump(obj, buffer)
    flask.json.dump(obj, flask_buffer)
    assert buffer.getvalue() == flask_buffer.getvalue()
    assert vjson.load(io.StringIO(buffer.getvalue())) == flask.json.load(
        io.StringIO(buffer.getvalue())
    )
    with flask_app.app_context():
        assert vjson.jsonify(obj).get_data() == flask.json.jsonify(obj).get_data()


@pytest.mark.parametrize("obj", [{"b": [1, 2.5], "a": "é"}, [None, True]], ids=stable_id)
def test_module_functions_with_app_use_app_json(bound_app: object, obj: object) -> None:
    flask_app = flask.Flask(__name__)
    with flask_app.app_context():
        assert vjson.dumps(obj) == flask.json.dumps(obj)
        assert vjson.jsonify(obj).get_data() == flask.json.jsonify(obj).get_data()
        assert vjson.jsonify(1, 2).get_data() == flask.json.jsonify(1, 2).get_data()
        assert vjson.loads('{"a": 1}') == flask.json.loads('{"a": 1}')
        buffer, flask_buffer = io.StringIO(), io.StringIO()
        vjson.dump(obj, buffer)
        flask.json.dump(obj, flask_buffer)
        assert buffer.getvalue() == flask_buffer.getvalue()
        assert vjson.load(io.StringIO("[1]")) == [1]


@pytest.mark.parametrize(
    "obj",
    [
        {"id": 1, "name": "ann", "tags": ["a", "é"], "score": 1.5, "ok": True},
        [{"n": i, "when": dt.datetime(2020, 1, 1), "id": uuid.UUID(int=i)} for i in range(5)],
        {"point": Point(1, 2.0), "markup": Markup("<b>")},
    ],
    ids=["dict", "list", "objects"],
)
def test_common_payloads_take_the_orjson_path(monkeypatch: pytest.MonkeyPatch, obj: object) -> None:
    expected = flask_for().response(obj).get_data()

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("fell back to the standard library")

    monkeypatch.setattr("veloce.json.provider.json.dumps", refuse)
    assert ours_for().response(obj).get_data() == expected

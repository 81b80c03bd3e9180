"""make_response_from against flask.Flask.make_response for every coercion form."""

from __future__ import annotations

import re
import typing as t

import flask
import pytest
import werkzeug.datastructures as wds

from veloce.core.coerce import make_response_from
from veloce.core.headers import Headers
from veloce.core.response import Response
from veloce.json.provider import DefaultJSONProvider


def stable_id(value: object) -> str:
    """A test id without memory addresses (xdist workers must agree on ids)."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))[:60]


class FakeApp:
    debug = False
    response_class = Response


_APP = FakeApp()
_PROVIDER = DefaultJSONProvider(_APP)
_FLASK_APP = flask.Flask(__name__)


def ours(rv: object, view_name: str | None = None) -> Response:
    return make_response_from(
        rv, response_class=Response, json_response=_PROVIDER.response, view_name=view_name
    )


def theirs(rv: object) -> flask.Response:
    with _FLASK_APP.test_request_context():
        return _FLASK_APP.make_response(rv)  # type: ignore[arg-type]


def outcome(func: t.Callable[[], object]) -> object:
    try:
        return ("ok", func())
    except Exception as exc:  # noqa: BLE001 - compared by the caller
        return ("error", type(exc), str(exc))


def gen() -> t.Iterator[object]:
    yield "chunk-"
    yield b"bytes"


# Each case builds a fresh value for each side: (veloce value, flask value).
def same(value: object) -> t.Callable[[], tuple[object, object]]:
    return lambda: (value, value)


def made(factory: t.Callable[[bool], object]) -> t.Callable[[], tuple[object, object]]:
    return lambda: (factory(False), factory(True))


def response_of(*args: object, **kwargs: object) -> t.Callable[[bool], object]:
    return lambda flask_side: (flask.Response if flask_side else Response)(*args, **kwargs)


def headers_of(pairs: list[tuple[str, str]]) -> t.Callable[[bool], object]:
    return lambda flask_side: wds.Headers(pairs) if flask_side else Headers(pairs)


BODIES: dict[str, t.Callable[[], tuple[object, object]]] = {
    "str": same("héllo"),
    "empty str": same(""),
    "bytes": same(b"\x00bytes"),
    "bytearray": made(lambda _: bytearray(b"array")),
    "dict": same({"b": 1, "a": [1.5, None, "é"]}),
    "empty dict": same({}),
    "list": same([1, "two", {"three": 3}]),
    "generator": made(lambda _: gen()),
    "iterator": made(lambda _: iter([b"a", "b"])),
    "response": made(response_of("resp body", 202, {"X-Resp": "1"})),
    "json response": made(response_of('{"a": 1}', mimetype="application/json")),
}
STATUSES: dict[str, object] = {
    "int": 201,
    "int unknown": 299,
    "str code": "404",
    "str line": "418 I Am A Teapot",
    "str custom": " 200 Fine ",
}
HEADER_FORMS: dict[str, t.Callable[[], tuple[object, object]]] = {
    "dict": same({"X-Dict": "1", "Content-Type": "text/plain"}),
    "dict list value": same({"X-Multi": ["a", "b"]}),
    "list": same([("X-List", "1"), ("X-List", "2")]),
    "tuple": same((("X-Tuple", "t"),)),
    "Headers": made(headers_of([("X-Headers", "h"), ("Content-Length", "99")])),
    "empty dict": same({}),
    "empty list": same([]),
}


def assert_same(got: Response, expected: flask.Response) -> None:
    assert got.status == expected.status
    assert got.status_code == expected.status_code
    assert list(got.headers) == list(expected.headers)
    assert got.get_data() == expected.get_data()
    assert got.is_streamed == expected.is_streamed


def compare(pair: tuple[object, object]) -> None:
    got = outcome(lambda: ours(pair[0]))
    expected = outcome(lambda: theirs(pair[1]))
    if expected[0] == "error":
        assert got == expected
    else:
        assert got[0] == "ok", got
        assert_same(got[1], expected[1])  # type: ignore[index]


@pytest.mark.parametrize("body", BODIES, ids=str)
def test_body_alone_matches_flask(body: str) -> None:
    compare(BODIES[body]())


@pytest.mark.parametrize("body", BODIES, ids=str)
@pytest.mark.parametrize("status", STATUSES, ids=str)
def test_body_status_matches_flask(body: str, status: str) -> None:
    v, f = BODIES[body]()
    compare(((v, STATUSES[status]), (f, STATUSES[status])))


@pytest.mark.parametrize("body", BODIES, ids=str)
@pytest.mark.parametrize("headers", HEADER_FORMS, ids=str)
def test_body_headers_matches_flask(body: str, headers: str) -> None:
    v, f = BODIES[body]()
    hv, hf = HEADER_FORMS[headers]()
    compare(((v, hv), (f, hf)))


@pytest.mark.parametrize("body", BODIES, ids=str)
@pytest.mark.parametrize("status", STATUSES, ids=str)
@pytest.mark.parametrize("headers", HEADER_FORMS, ids=str)
def test_body_status_headers_matches_flask(body: str, status: str, headers: str) -> None:
    v, f = BODIES[body]()
    hv, hf = HEADER_FORMS[headers]()
    compare(((v, STATUSES[status], hv), (f, STATUSES[status], hf)))


@pytest.mark.parametrize(
    "rv",
    [(), ("only body",), ("a", 200, {}, "extra"), ("a", 200, {}, 1, 2)],
    ids=stable_id,
)
def test_bad_tuple_lengths_raise_flask_error(rv: tuple) -> None:
    got = outcome(lambda: ours(rv))
    assert got == outcome(lambda: theirs(rv))
    assert got[1] is TypeError  # type: ignore[index]


@pytest.mark.parametrize(
    "rv", [None, (None, 200), (None, {"X": "1"}), (None, 200, {})], ids=stable_id
)
def test_none_raises_flask_error_naming_the_view(rv: object) -> None:
    assert outcome(lambda: ours(rv)) == outcome(lambda: theirs(rv))
    with pytest.raises(TypeError, match="The view function for 'index' did not return"):
        ours(rv, view_name="index")


@pytest.mark.parametrize("rv", [42, 4.2, {1, 2}, object(), True], ids=stable_id)
def test_unsupported_types_raise_flask_error(rv: object) -> None:
    got = outcome(lambda: ours(rv))
    assert got == outcome(lambda: theirs(rv))
    assert got[1] is TypeError  # type: ignore[index]


@pytest.mark.parametrize("status", [b"200", 200.5], ids=stable_id)
def test_invalid_status_types_fail_like_flask(status: object) -> None:
    got = outcome(lambda: ours(("body", status)))
    expected = outcome(lambda: theirs(("body", status)))
    assert got[:2] == expected[:2]


def test_response_instance_is_returned_unchanged() -> None:
    response = Response("x")
    assert ours(response) is response
    assert ours((response, 201)) is response
    assert response.status_code == 201


def test_wsgi_callable_is_rejected_with_flask_message() -> None:
    def wsgi_app(environ: dict, start_response: t.Callable) -> list[bytes]:
        return [b"x"]

    with pytest.raises(TypeError, match="but it was a function"):
        ours(wsgi_app)


def test_other_response_class_is_accepted_as_is() -> None:
    class Native(Response):
        __slots__ = ()

    class Compat(Response):
        __slots__ = ()

    native = Native("x")
    assert (
        make_response_from(native, response_class=Compat, json_response=_PROVIDER.response)
        is native
    )


def test_async_generator_becomes_streaming_response() -> None:
    async def agen() -> t.AsyncIterator[bytes]:
        yield b"x"

    response = ours((agen(), 202, {"X-A": "1"}))
    assert response.is_streamed
    assert response.status_code == 202
    assert response.headers["X-A"] == "1"


def test_headers_extend_existing_response_headers_like_flask() -> None:
    v = Response("x", headers={"X-A": "old", "X-B": "keep"})
    f = flask.Response("x", headers={"X-A": "old", "X-B": "keep"})
    extra = {"X-A": "new", "X-C": ["1", "2"]}
    assert_same(ours((v, extra)), theirs((f, extra)))

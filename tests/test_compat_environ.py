"""WSGI environ builders of the compat layer, compared with real Werkzeug and Flask.

``werkzeug.test.EnvironBuilder`` / ``create_environ`` must build the same environ
for the same inputs (the multipart boundary's random part aside), ``run_wsgi_app``
must return what Werkzeug's does for a WSGI app, ``flask.testing.EnvironBuilder``
must take its defaults from the app like Flask's, and the test client must send a
builder or an environ the way ``FlaskClient.open`` does.
"""

from __future__ import annotations

import io
import re
import typing as t

import flask
import flask.testing
import pytest
import werkzeug.test
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import veloce.compat.flask as compat_flask
import veloce.compat.flask.testing as compat_flask_testing
from veloce.compat.werkzeug import test as compat_test

_BOUNDARY = re.compile(r'boundary="([^"]+)"')


def _normalized(environ: dict[str, t.Any]) -> dict[str, t.Any]:
    """The environ with the body read and the multipart boundary made neutral."""
    environ = dict(environ)
    body = environ.pop("wsgi.input").read()
    if "CONTENT_LENGTH" in environ:
        assert int(environ["CONTENT_LENGTH"]) == len(body)
        del environ["CONTENT_LENGTH"]
    match = _BOUNDARY.search(environ.get("CONTENT_TYPE", ""))
    if match:
        body = body.replace(match.group(1).encode(), b"BOUNDARY")
        environ["CONTENT_TYPE"] = environ["CONTENT_TYPE"].replace(match.group(1), "BOUNDARY")
    environ["body"] = body
    return environ


def _assert_same_environ(**kwargs: t.Any) -> None:
    # Each side gets its own copy of file objects (both read them).
    expected = _normalized(werkzeug.test.create_environ(**_fresh(kwargs)))
    actual = _normalized(compat_test.create_environ(**_fresh(kwargs)))
    assert actual == expected


def _fresh(kwargs: dict[str, t.Any]) -> dict[str, t.Any]:
    def copy(value: t.Any) -> t.Any:
        if isinstance(value, io.BytesIO):
            return io.BytesIO(value.getvalue())
        if isinstance(value, tuple):
            return tuple(copy(v) for v in value)
        if isinstance(value, dict):
            return {k: copy(v) for k, v in value.items()}
        if isinstance(value, list):
            return [copy(v) for v in value]
        return value

    return {key: copy(value) for key, value in kwargs.items()}


CASES: list[dict[str, t.Any]] = [
    {},
    {"path": "/a b/ü/%41?x=1&y=%20"},
    {"path": "http://example.org:8080/x?q=1"},
    {"path": "/p", "base_url": "https://example.com:8443/root/", "method": "PATCH"},
    {"base_url": "http://ünïcode.example/pfad ä/"},
    {"query_string": {"a": ["1", "2"], "b": None, "c": "ü"}},
    {"query_string": "a=%20b&c"},
    {"method": "POST", "data": {"a": "1", "b": ["2", "3"]}},
    {"method": "POST", "data": b"raw", "content_type": "application/octet-stream"},
    {"method": "PUT", "data": "é", "mimetype": "text/plain"},
    {"method": "POST", "data": io.BytesIO(b"stream body"), "content_type": "x/y"},
    {"method": "POST", "input_stream": io.BytesIO(b"abcdef"), "content_length": 2},
    {"json": {"k": [1, "ü"]}, "method": "POST"},
    {"json": [1], "content_type": "application/vnd.api+json"},
    {"headers": [("X-A", "1"), ("x-a", "2"), ("Content-Length", "99")]},
    {"headers": {"Host": "other.test:81", "Content-Type": "text/csv"}},
    {"auth": ("user", "pä:ss")},
    {"environ_base": {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_B": "base", "PATH_INFO": "/no"}},
    {"environ_overrides": {"SERVER_NAME": "over", "wsgi.url_scheme": "https"}},
    {"multithread": True, "multiprocess": True, "run_once": True},
    {
        "method": "POST",
        "data": {
            "field": "v",
            "file": (io.BytesIO(b"hello"), "a.txt"),
            "typed": (io.BytesIO(b"{}"), "b.json", "application/json"),
            "many": [io.BytesIO(b"1"), "text"],
        },
    },
]


@pytest.mark.parametrize("kwargs", CASES, ids=range(len(CASES)))
def test_create_environ_matches_werkzeug(kwargs: dict[str, t.Any]) -> None:
    _assert_same_environ(**kwargs)


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=12).filter(
    lambda s: "?" not in s and "#" not in s
)
_token = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}", fullmatch=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=_text.map(lambda s: "/" + s),
    query=st.dictionaries(_text, st.lists(_text, max_size=3) | _text, max_size=3),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    headers=st.lists(st.tuples(_token, st.from_regex(r"[ -~]{0,12}", fullmatch=True)), max_size=4),
    form=st.dictionaries(_text, _text, max_size=3),
    base=st.sampled_from([None, "http://localhost/", "https://h.test:444/r/", "http://ü.test/ä"]),
)
def test_create_environ_matches_werkzeug_generated(
    path: str,
    query: dict[str, t.Any],
    method: str,
    headers: list[tuple[str, str]],
    form: dict[str, str],
    base: str | None,
) -> None:
    _assert_same_environ(
        path=path,
        query_string=query,
        method=method,
        headers=headers,
        data=form or None,
        base_url=base,
    )


def _builders(**kwargs: t.Any) -> tuple[t.Any, t.Any]:
    return werkzeug.test.EnvironBuilder(**_fresh(kwargs)), compat_test.EnvironBuilder(
        **_fresh(kwargs)
    )


def test_builder_attributes_and_edits_match_werkzeug() -> None:
    real, ours = _builders(path="/x", base_url="https://h.test:8443/root", method="POST")
    for builder in (real, ours):
        builder.args["q"] = "1"
        builder.form.add("f", "v")
        builder.files.add_file("up", io.BytesIO(b"data"), "up.bin")
        builder.mimetype_params["charset"] = "latin-1"
    names = ["base_url", "host", "script_root", "url_scheme", "server_name", "server_port"]
    names += ["query_string", "content_type", "mimetype", "content_length", "path"]
    assert {n: getattr(ours, n) for n in names} == {n: getattr(real, n) for n in names}
    assert _normalized(ours.get_environ()) == _normalized(real.get_environ())
    for builder in (real, ours):
        builder.query_string = "raw=1"
        builder.input_stream = io.BytesIO(b"body")
    for attr in ("args", "form", "files"):
        for builder in (real, ours):
            with pytest.raises(AttributeError):
                getattr(builder, attr)
    assert _normalized(ours.get_environ()) == _normalized(real.get_environ())
    ours.close()
    assert ours.closed


def test_builder_argument_errors_match_werkzeug() -> None:
    for cls in (werkzeug.test.EnvironBuilder, compat_test.EnvironBuilder):
        with pytest.raises(ValueError, match="Query string is defined"):
            cls("/a?b=1", query_string="c=2")
        with pytest.raises(TypeError, match="json and data"):
            cls(json={}, data="x")
        with pytest.raises(TypeError, match="input stream and data"):
            cls(input_stream=io.BytesIO(), data="x")
        with pytest.raises(ValueError, match="base url"):
            cls(base_url="http://h/?q=1")


def test_from_environ_round_trips_like_werkzeug() -> None:
    source = werkzeug.test.create_environ(
        "/ä b", "http://h.test/root/", query_string="x=1", headers={"X-A": "1"}, data=b"d"
    )
    copy = {**source, "wsgi.input": io.BytesIO(source["wsgi.input"].read())}
    source["wsgi.input"].seek(0)
    real = werkzeug.test.EnvironBuilder.from_environ(source, method="PUT")
    ours = compat_test.EnvironBuilder.from_environ(copy, method="PUT")
    assert _normalized(ours.get_environ()) == _normalized(real.get_environ())


def test_get_request_matches_werkzeug() -> None:
    kwargs = {
        "path": "/p/ü?x=1&x=2",
        "base_url": "https://h.test:8443/root/",
        "method": "POST",
        "data": {"f": "v", "up": (io.BytesIO(b"file"), "a.txt")},
        "headers": {"X-A": "1"},
    }
    real = werkzeug.test.EnvironBuilder(**_fresh(kwargs)).get_request()
    ours = compat_test.EnvironBuilder(**_fresh(kwargs)).get_request()
    for name in ("method", "path", "full_path", "url", "host", "scheme", "script_root"):
        assert getattr(ours, name) == getattr(real, name), name
    assert ours.args.to_dict(flat=False) == real.args.to_dict(flat=False)
    assert ours.form.to_dict(flat=False) == real.form.to_dict(flat=False)
    assert ours.files["up"].read() == real.files["up"].read()
    assert ours.headers["X-A"] == real.headers["X-A"]
    real.close()  # closes the spooled upload Werkzeug's parser made


def _wsgi_apps() -> list[t.Any]:
    app = flask.Flask("wsgi_target")

    @app.route("/hello", methods=["GET", "POST"])
    def hello() -> t.Any:
        return {"method": flask.request.method, "form": flask.request.form.to_dict()}

    @app.route("/stream")
    def stream() -> t.Any:
        return flask.Response(iter([b"a", b"b", b"c"]), headers={"X-S": "1"})

    closed: list[bool] = []

    class Body:
        def __iter__(self) -> t.Iterator[bytes]:
            yield b"from-iter"

        def close(self) -> None:
            closed.append(True)

    def writer(environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
        write = start_response("201 Made", [("X-W", "1"), ("X-W", "2")])
        write(b"written;")
        return Body()

    return [app, writer]


@pytest.mark.parametrize("buffered", [False, True])
@pytest.mark.parametrize("path", ["/hello", "/stream", "/missing"])
@pytest.mark.parametrize("app_index", [0, 1])
def test_run_wsgi_app_matches_werkzeug(buffered: bool, path: str, app_index: int) -> None:
    results = []
    for run in (werkzeug.test.run_wsgi_app, compat_test.run_wsgi_app):
        app = _wsgi_apps()[app_index]
        environ = werkzeug.test.create_environ(path, method="POST", data={"a": "1"})
        app_iter, status, headers = run(app, environ, buffered=buffered)
        body = b"".join(app_iter)
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
        results.append((status, list(headers.items()), body))
    assert results[1] == results[0]


def _flask_like(module: t.Any, **config: t.Any) -> t.Any:
    app = module.Flask("builder_target")
    app.config.update(config)

    @app.route(
        "/echo", methods=["GET", "POST"], subdomain="<sub>" if "SERVER_NAME" in config else None
    )
    def echo(**_: t.Any) -> t.Any:
        r = module.request
        return {
            "method": r.method,
            "url": r.url,
            "args": r.args.to_dict(flat=False),
            "form": r.form.to_dict(flat=False),
            "json": r.get_json(silent=True),
            "remote_addr": r.remote_addr,
            "x": r.headers.get("X-T"),
            "agent": bool(r.headers.get("User-Agent")),
        }

    return app


BUILDER_CASES: list[tuple[dict[str, t.Any], dict[str, t.Any]]] = [
    ({}, {"path": "/echo?x=1", "method": "POST", "data": {"a": "b"}, "headers": {"X-T": "1"}}),
    ({}, {"path": "/echo", "url_scheme": "https", "json": {"z": [1, 2]}}),
    ({}, {"path": "https://full.test:444/echo?q=1"}),
    ({}, {"path": "/echo", "base_url": "http://given.test/"}),
    (
        {
            "SERVER_NAME": "example.com",
            "APPLICATION_ROOT": "/root",
            "PREFERRED_URL_SCHEME": "https",
        },
        {"path": "/echo", "subdomain": "api", "query_string": {"a": "1"}},
    ),
]


@pytest.mark.parametrize(("config", "kwargs"), BUILDER_CASES, ids=range(len(BUILDER_CASES)))
def test_flask_environ_builder_and_client_open_match_flask(
    config: dict[str, t.Any], kwargs: dict[str, t.Any]
) -> None:
    real_app = _flask_like(flask, **config)
    our_app = _flask_like(compat_flask, **config)
    real = flask.testing.EnvironBuilder(real_app, **kwargs)
    ours = compat_flask_testing.EnvironBuilder(our_app, **kwargs)
    assert _normalized(ours.get_environ()) == _normalized(real.get_environ())

    real = flask.testing.EnvironBuilder(real_app, **kwargs)
    ours = compat_flask_testing.EnvironBuilder(our_app, **kwargs)
    expected = real_app.test_client().open(real)
    actual = our_app.test_client().open(ours)
    assert (actual.status_code, actual.get_json()) == (expected.status_code, expected.get_json())

    environ = flask.testing.EnvironBuilder(real_app, **kwargs).get_environ()
    ours_environ = compat_flask_testing.EnvironBuilder(our_app, **kwargs).get_environ()
    expected = real_app.test_client().open(environ)
    actual = our_app.test_client().open(ours_environ)
    assert (actual.status_code, actual.get_json()) == (expected.status_code, expected.get_json())


def test_flask_environ_builder_rejects_base_url_with_subdomain() -> None:
    app = _flask_like(compat_flask)
    with pytest.raises(TypeError, match="subdomain"):
        compat_flask_testing.EnvironBuilder(app, base_url="http://h/", subdomain="x")
    with pytest.raises(TypeError, match="extra arguments"):
        app.test_client().open(compat_test.EnvironBuilder("/echo"), data="x")


def test_flask_environ_builder_serializes_with_app_json() -> None:
    apps = [_flask_like(flask), _flask_like(compat_flask)]
    for app in apps:
        app.json.sort_keys = False
    bodies = [
        cls(app, json={"b": 1, "a": 2}).get_environ()["wsgi.input"].read()
        for cls, app in zip(
            (flask.testing.EnvironBuilder, compat_flask_testing.EnvironBuilder), apps, strict=True
        )
    ]
    assert bodies[1] == bodies[0]

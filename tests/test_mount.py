"""``app.mount``: WSGI (a real Flask app) and ASGI apps under a prefix, the WSGI adapter.

The legacy-app cases are compared with what the same Flask app answers under
Werkzeug's own ``DispatcherMiddleware`` and test client, not with literals.
"""

from __future__ import annotations

import asyncio
import threading
import typing as t

import flask
import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware as WerkzeugDispatcher
from werkzeug.test import Client as WerkzeugClient

from veloce import Veloce, url_for
from veloce.compat.werkzeug.middleware.dispatcher import DispatcherMiddleware
from veloce.mounts import MountDispatcher
from veloce.wsgi import WSGIMiddleware, build_environ


def make_legacy() -> flask.Flask:
    legacy = flask.Flask("legacy")
    legacy.secret_key = "legacy-secret"

    @legacy.route("/")
    def home() -> str:
        return f"home {flask.url_for('home')} {flask.request.script_root} {flask.request.path}"

    @legacy.route("/go")
    def go() -> t.Any:
        return flask.redirect(flask.url_for("home"))

    @legacy.route("/external")
    def external() -> str:
        return flask.url_for("home", _external=True)

    @legacy.route("/boom")
    def boom() -> str:
        raise RuntimeError("legacy failure")

    @legacy.route("/login")
    def login() -> str:
        flask.session["user"] = "ann"
        resp = flask.make_response("logged in")
        resp.set_cookie("plain", "v1", path="/legacy")
        return resp  # type: ignore[return-value]

    @legacy.route("/whoami")
    def whoami() -> t.Any:
        return {"user": flask.session.get("user"), "plain": flask.request.cookies.get("plain")}

    @legacy.post("/echo")
    def echo() -> t.Any:
        return {
            "data": flask.request.get_data(as_text=True),
            "form": flask.request.form.to_dict(),
            "args": flask.request.args.to_dict(),
            "type": flask.request.content_type,
        }

    @legacy.route("/stream")
    def stream() -> t.Any:
        @flask.stream_with_context
        def generate() -> t.Iterator[str]:
            for i in range(3):
                yield f"{flask.request.path}:{i};"

        return flask.Response(generate(), mimetype="text/plain")

    @legacy.route("/path/<name>")
    def named(name: str) -> str:
        return name

    return legacy


def make_app() -> Veloce:
    app = Veloce(__name__)

    @app.route("/")
    def index() -> str:
        return url_for("index") + " " + url_for("native", _external=True)

    @app.route("/native")
    def native() -> str:
        return "native"

    app.mount("/legacy", make_legacy())
    return app


def _fallback(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
    start_response("404 NOT FOUND", [("Content-Type", "text/plain")])
    return [b"fallback"]


REQUESTS = [
    ("GET", "/legacy", {}),
    ("GET", "/legacy/", {}),
    ("GET", "/legacy/go", {}),
    ("GET", "/legacy/external", {}),
    ("GET", "/legacy/nope", {}),
    ("GET", "/legacy/boom", {}),
    ("GET", "/legacy/stream", {}),
    ("GET", "/legacy/path/caf%C3%A9", {}),
    ("GET", "/legacy/?q=1", {}),
    ("POST", "/legacy/echo?x=1", {"data": {"a": "1", "b": "two"}}),
    ("POST", "/legacy/echo", {"data": b"raw body", "content_type": "application/octet-stream"}),
    ("POST", "/legacy/", {}),
    ("HEAD", "/legacy/", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), REQUESTS, ids=[r[1] for r in REQUESTS])
def test_mounted_flask_app_matches_werkzeug_dispatcher(
    method: str, path: str, kwargs: dict[str, t.Any]
) -> None:
    ours = make_app().test_client().open(path, method=method, **kwargs)
    reference = WerkzeugClient(
        WerkzeugDispatcher(_fallback, {"/legacy": make_legacy()})
    ).open(path, method=method, **kwargs)
    assert ours.status_code == reference.status_code
    assert ours.data == reference.data
    for name in ("Location", "Content-Type", "Content-Length"):
        assert ours.headers.get(name) == reference.headers.get(name), name


def test_mounted_flask_app_cookies_round_trip() -> None:
    client = make_app().test_client()
    ref = WerkzeugClient(WerkzeugDispatcher(_fallback, {"/legacy": make_legacy()}))
    ours_login, ref_login = client.get("/legacy/login"), ref.get("/legacy/login")
    assert sorted(ours_login.headers.getlist("Set-Cookie")) == sorted(
        ref_login.headers.getlist("Set-Cookie")
    )
    ours_who, ref_who = client.get("/legacy/whoami"), ref.get("/legacy/whoami")
    assert ours_who.get_json() == ref_who.get_json()
    assert ours_who.get_json()["user"] == "ann"


def test_native_routes_and_url_for_unaffected_by_mount() -> None:
    with_mount, without = make_app(), Veloce(__name__)
    without.add_url_rule("/", "index", lambda: url_for("index") + " " + url_for(
        "native", _external=True))
    without.add_url_rule("/native", "native", lambda: "native")
    for path in ("/", "/native", "/legacyx", "/nope"):
        ours, plain = with_mount.test_client().get(path), without.test_client().get(path)
        assert (ours.status_code, ours.data) == (plain.status_code, plain.data), path


def test_app_without_mounts_keeps_no_asgi_stack() -> None:
    app = Veloce(__name__)
    app.add_url_rule("/", "index", lambda: "x")
    app.freeze()
    assert app._asgi_stack is None


def test_mounted_veloce_app_sees_prefix_as_root_path() -> None:
    sub = Veloce("sub")

    @sub.route("/")
    def sub_index() -> t.Any:
        from veloce import request

        return {
            "url_for": url_for("sub_index"),
            "external": url_for("sub_item", item=3, _external=True),
            "script_root": request.script_root,
            "path": request.path,
            "url": request.url,
        }

    @sub.route("/item/<int:item>")
    def sub_item(item: int) -> str:
        return str(item)

    app = make_app()
    app.mount("/api/v1", sub)
    client = app.test_client()
    data = client.get("/api/v1/?x=1").get_json()
    direct = sub.test_client().get("/?x=1", base_url="http://localhost/api/v1").get_json()
    assert data == direct
    assert data["script_root"] == "/api/v1"
    assert client.get("/api/v1/item/3").data == b"3"
    assert client.get("/native").data == b"native"


def test_mounted_asgi_app_gets_scope_per_asgi_spec() -> None:
    seen: list[dict[str, t.Any]] = []

    async def raw_app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        seen.append(scope)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    app = Veloce(__name__)
    app.mount("/raw/", raw_app)
    client = app.test_client()
    assert client.get("/raw/a/b").status_code == 204
    assert client.get("/raw").status_code == 204
    assert [(s["root_path"], s["path"]) for s in seen] == [
        ("/raw", "/raw/a/b"),
        ("/raw", "/raw"),
    ]
    # Under a server root_path the prefix is appended to it.
    assert client.get("/raw/x", base_url="http://localhost/outer").status_code == 204
    assert (seen[-1]["root_path"], seen[-1]["path"]) == ("/outer/raw", "/outer/raw/x")


def test_two_slow_wsgi_requests_run_concurrently() -> None:
    barrier = threading.Barrier(2, timeout=10)

    def slow(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        barrier.wait()  # both requests must be inside the app at the same time
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    app = Veloce(__name__)

    @app.route("/fast")
    async def fast() -> str:
        return "fast"

    app.mount("/slow", slow)

    async def main() -> list[t.Any]:
        async with app.async_test_client() as client:
            first = asyncio.ensure_future(client.get("/slow/1"))
            second = asyncio.ensure_future(client.get("/slow/2"))
            # The loop stays free while both threads wait for each other.
            fast_response = await client.get("/fast")
            return [fast_response, await first, await second]

    fast_response, first, second = asyncio.run(main())
    assert fast_response.data == b"fast"
    assert (first.status_code, first.data) == (200, b"done")
    assert (second.status_code, second.data) == (200, b"done")


def _counting_app(calls: list[str]) -> t.Any:
    def wsgi(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        calls.append(environ["wsgi.input"].read())
        start_response("200 OK", [])
        return [b"ok"]

    return wsgi


def test_body_over_mounting_app_limit_is_413_and_app_not_called() -> None:
    calls: list[str] = []
    app = Veloce(__name__)
    app.mount("/legacy", _counting_app(calls))
    app.config["MAX_CONTENT_LENGTH"] = 10  # read per request, after mount()
    client = app.test_client()
    assert client.post("/legacy/", data=b"x" * 100).status_code == 413
    assert calls == []
    assert client.post("/legacy/", data=b"x" * 10).data == b"ok"
    assert calls == [b"x" * 10]


def test_exception_in_wsgi_app_is_500_and_app_keeps_serving(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        raise ValueError("legacy bug")

    app = make_app()
    app.mount("/broken", broken)
    client = app.test_client()
    with caplog.at_level("ERROR", logger="veloce.wsgi"):
        response = client.get("/broken/")
    assert response.status_code == 500
    assert "legacy bug" in caplog.text
    assert client.get("/native").data == b"native"


def test_exception_after_response_started_propagates() -> None:
    def half(environ: dict[str, t.Any], start_response: t.Any) -> t.Iterator[bytes]:
        start_response("200 OK", [])
        yield b"part"
        raise ValueError("mid-stream")

    app = Veloce(__name__)
    app.mount("/half", half)
    with pytest.raises(ValueError, match="mid-stream"):
        app.test_client().get("/half/")


class _Body:
    """A WSGI iterable recording ``close()``."""

    def __init__(self, closed: list[bool], chunks: list[bytes]) -> None:
        self.closed = closed
        self.chunks = chunks

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed.append(True)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_close_called_and_head_sends_no_body(method: str) -> None:
    closed: list[bool] = []

    def wsgi(environ: dict[str, t.Any], start_response: t.Any) -> _Body:
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Method", method)])
        return _Body(closed, [b"", b"one", b"two"])

    app = Veloce(__name__)
    app.mount("/w", wsgi)
    response = app.test_client().open("/w/", method=method)
    assert response.headers["X-Method"] == method
    assert response.data == (b"" if method == "HEAD" else b"onetwo")
    assert closed == [True]


def test_start_response_exc_info_before_start_replaces_status() -> None:
    def wsgi(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        start_response("200 OK", [("X-First", "1")])
        try:
            raise KeyError("late")
        except KeyError:
            import sys

            start_response("503 Service Unavailable", [("X-Second", "1")], sys.exc_info())
        return [b"sorry"]

    app = Veloce(__name__)
    app.mount("/w", wsgi)
    response = app.test_client().get("/w/")
    assert response.status_code == 503
    assert "X-First" not in response.headers
    assert response.data == b"sorry"


def test_non_latin1_header_from_wsgi_app_is_500() -> None:
    def wsgi(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        start_response("200 OK", [("X-Name", "\u0100")])
        return [b"x"]

    app = Veloce(__name__)
    app.mount("/w", wsgi)
    assert app.test_client().get("/w/").status_code == 500


def test_environ_follows_pep3333() -> None:
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "https",
        "root_path": "/legacy",
        "path": "/legacy/caf\u00e9",
        "query_string": b"a=1",
        "http_version": "1.1",
        "server": ("example.com", 443),
        "client": ("10.0.0.1", 5000),
        "headers": [
            (b"host", b"example.com"),
            (b"content-type", b"text/plain"),
            (b"content-length", b"3"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"x-many", b"1"),
            (b"x-many", b"2"),
        ],
    }
    environ = build_environ(scope, b"abc")
    assert environ["SCRIPT_NAME"] == "/legacy"
    assert environ["PATH_INFO"] == "/caf\u00e9".encode().decode("latin-1")
    assert environ["CONTENT_TYPE"] == "text/plain" and "HTTP_CONTENT_TYPE" not in environ
    assert environ["CONTENT_LENGTH"] == "3"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["HTTP_X_MANY"] == "1,2"
    assert environ["wsgi.input"].read() == b"abc"
    assert (environ["REMOTE_ADDR"], environ["SERVER_PORT"]) == ("10.0.0.1", "443")
    assert environ["wsgi.url_scheme"] == "https"
    # Werkzeug reads the same environ back to the same request.
    from werkzeug.wrappers import Request as WerkzeugRequest

    request = WerkzeugRequest(environ)
    assert request.path == "/caf\u00e9"
    assert request.script_root == "/legacy"
    assert request.cookies.to_dict() == {"a": "1", "b": "2"}


def test_mount_validation() -> None:
    app = Veloce(__name__)
    app.mount("/a", _fallback)
    for prefix in ("/a", "/a/", "/a/b", "/"):
        with pytest.raises(ValueError):
            app.mount(prefix, _fallback)
    with pytest.raises(ValueError):
        app.mount("relative", _fallback)
    with pytest.raises(TypeError):
        app.mount("/b", object())
    app.mount("/ab", _fallback)  # a sibling that only shares characters is fine
    app.test_client().get("/a")  # served by the mount: the stack is built
    with pytest.raises(RuntimeError, match="started serving"):
        app.mount("/late", _fallback)
    frozen = Veloce(__name__)
    frozen.test_client().get("/")
    with pytest.raises(AssertionError):  # Flask's setupmethod error after a request
        frozen.mount("/late", _fallback)


def test_wsgi_detection_and_override() -> None:
    async def asgi(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        raise AssertionError("never called")

    def sync_asgi_factory(scope: t.Any, receive: t.Any, send: t.Any) -> t.Any:
        return asgi(scope, receive, send)

    app = Veloce(__name__)
    app.mount("/wsgi", _fallback)
    app.mount("/asgi", asgi)
    app.mount("/forced", sync_asgi_factory, wsgi=False)
    app.freeze()
    dispatcher = app._asgi_inner
    assert isinstance(dispatcher, MountDispatcher)
    assert isinstance(dispatcher.mounts["/wsgi"], WSGIMiddleware)
    assert dispatcher.mounts["/asgi"] is asgi
    assert dispatcher.mounts["/forced"] is sync_asgi_factory


def test_websocket_to_wsgi_mount_is_refused() -> None:
    app = Veloce(__name__)
    app.mount("/legacy", make_legacy())
    messages: list[dict[str, t.Any]] = []

    async def main() -> None:
        async def receive() -> dict[str, t.Any]:
            return {"type": "websocket.connect"}

        async def send(message: dict[str, t.Any]) -> None:
            messages.append(message)

        scope = {"type": "websocket", "path": "/legacy/ws", "root_path": "", "headers": [],
                 "query_string": b"", "scheme": "ws"}
        await app(scope, receive, send)

    asyncio.run(main())
    assert messages and messages[0]["type"] == "websocket.close"


def test_dispatcher_middleware_shim_longest_prefix_and_wsgi_app_idiom() -> None:
    seen: list[tuple[str, str]] = []

    def recorder(name: str) -> t.Any:
        def wsgi(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
            seen.append((name, environ["SCRIPT_NAME"], environ["PATH_INFO"]))  # type: ignore[arg-type]
            start_response("200 OK", [])
            return [name.encode()]

        return wsgi

    mounts = {"/a": recorder("a"), "/a/b": recorder("ab")}
    app = Veloce(__name__)
    app.add_url_rule("/", "index", lambda: "native")
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, mounts)  # type: ignore[method-assign]
    client = app.test_client()
    ref = WerkzeugClient(WerkzeugDispatcher(_fallback, dict(mounts)))
    for path in ("/a", "/a/", "/a/x", "/a/b", "/a/b/c", "/a/bc"):
        ours_body = client.get(path).data
        ours_seen = seen.pop()
        assert ours_body == ref.get(path).data, path
        assert ours_seen == seen.pop(), path
    assert client.get("/").data == b"native"


def test_dispatcher_middleware_with_real_flask_as_default_app() -> None:
    sub = Veloce("sub")
    sub.add_url_rule("/", "sub_index", lambda: "veloce sub")
    combined = DispatcherMiddleware(make_legacy(), {"/v": sub})
    outer = Veloce(__name__)
    outer.mount("/site", combined)
    client = outer.test_client()
    assert client.get("/site/v/").data == b"veloce sub"
    assert client.get("/site/path/x").data == b"x"


def test_client_gone_mid_stream_stops_the_app_and_closes() -> None:
    closed: list[bool] = []
    produced: list[int] = []

    def endless() -> t.Iterator[bytes]:
        for i in range(1000):
            produced.append(i)
            yield b"chunk"

    class Stream(_Body):
        def __iter__(self) -> t.Iterator[bytes]:
            return endless()

    def wsgi(environ: dict[str, t.Any], start_response: t.Any) -> _Body:
        start_response("200 OK", [])
        return Stream(closed, [])

    adapter = WSGIMiddleware(wsgi, workers=1)
    sent: list[dict[str, t.Any]] = []

    async def receive() -> dict[str, t.Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, t.Any]) -> None:
        if len(sent) == 3:
            raise OSError("connection reset")
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "root_path": "",
             "query_string": b"", "headers": []}
    with pytest.raises(OSError, match="connection reset"):
        asyncio.run(adapter(scope, receive, send))
    adapter.shutdown()
    assert closed == [True]
    assert len(produced) < 10

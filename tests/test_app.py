"""End-to-end behaviour of the app through its ASGI interface (via the test client)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from veloce import Veloce, abort, jsonify, request
from veloce.core.exceptions import Forbidden, NotFound


@pytest.fixture()
def app() -> Veloce:
    app = Veloce(__name__)
    app.testing = True
    return app


@pytest.fixture()
def client(app: Veloce):
    with app.test_client() as client:
        yield client


def test_sync_and_async_views_side_by_side(app: Veloce, client) -> None:
    seen: dict[str, str] = {}

    @app.route("/sync")
    def sync_view():
        seen["sync"] = threading.current_thread().name
        return f"sync {request.args['x']}"

    @app.route("/async")
    async def async_view():
        await asyncio.sleep(0)
        seen["async"] = threading.current_thread().name
        return f"async {request.args['x']}"

    assert client.get("/sync?x=1").data == b"sync 1"
    assert client.get("/async?x=2").data == b"async 2"
    assert seen["sync"].startswith("veloce-worker")
    assert not seen["async"].startswith("veloce-worker")


def test_sync_stages_share_one_worker_thread(app: Veloce, client) -> None:
    threads: list[str] = []

    @app.before_request
    def before():
        threads.append(threading.current_thread().name)

    @app.after_request
    def after(response):
        threads.append(threading.current_thread().name)
        return response

    @app.teardown_request
    def teardown(exc):
        threads.append(threading.current_thread().name)

    @app.route("/")
    def index():
        threads.append(threading.current_thread().name)
        return "ok"

    assert client.get("/").status_code == 200
    assert len(threads) == 4
    assert len(set(threads)) == 1
    assert threads[0].startswith("veloce-worker")


def test_sync_hooks_of_an_async_view_share_one_worker_thread(app: Veloce, client) -> None:
    threads: list[str] = []

    @app.before_request
    def before():
        threads.append(threading.current_thread().name)

    @app.teardown_request
    def teardown(exc):
        threads.append(threading.current_thread().name)

    @app.route("/")
    async def index():
        threads.append("loop:" + threading.current_thread().name)
        return "ok"

    client.get("/")
    assert threads[0] == threads[2]
    assert threads[0].startswith("veloce-worker")
    assert threads[1].startswith("loop:")


def test_async_hook_around_sync_view_runs_on_the_loop(app: Veloce, client) -> None:
    seen: list[str] = []

    @app.before_request
    async def before():
        seen.append(threading.current_thread().name)

    @app.route("/")
    def index():
        seen.append(threading.current_thread().name)
        return "ok"

    assert client.get("/").data == b"ok"
    assert not seen[0].startswith("veloce-worker")
    assert seen[1].startswith("veloce-worker")


def test_request_parameter_is_injected_for_native_views(app: Veloce, client) -> None:
    from veloce import Request

    @app.get("/items/<int:item_id>")
    async def item(request: Request, item_id: int):
        return {"id": item_id, "path": request.path}

    assert client.get("/items/3").get_json() == {"id": 3, "path": "/items/3"}


def test_not_found_is_json_by_default(client) -> None:
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.get_json() == {"detail": NotFound.description}
    assert response.mimetype == "application/json"


def test_method_not_allowed_lists_allow(app: Veloce, client) -> None:
    @app.route("/only-post", methods=["POST"])
    def only_post():
        return "posted"

    response = client.get("/only-post")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_automatic_head_and_options(app: Veloce, client) -> None:
    @app.route("/page", methods=["GET", "POST"])
    def page():
        return "page body"

    head = client.head("/page")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(b"page body"))
    options = client.options("/page")
    assert options.status_code == 200
    assert set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert options.data == b""


def test_trailing_slash_redirects_with_308(app: Veloce, client) -> None:
    @app.route("/folder/")
    def folder():
        return "folder"

    response = client.get("/folder?x=1")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/folder/?x=1"
    assert client.get("/folder", follow_redirects=True).data == b"folder"


def test_strict_slashes_false_matches_both(app: Veloce, client) -> None:
    @app.route("/loose/", strict_slashes=False)
    def loose():
        return "loose"

    assert client.get("/loose").data == b"loose"
    assert client.get("/loose/").data == b"loose"


def test_errorhandler_by_code_and_by_class(app: Veloce, client) -> None:
    class AppError(Exception):
        pass

    class SpecificError(AppError):
        pass

    @app.errorhandler(404)
    def not_found(e):
        return "custom 404", 404

    @app.errorhandler(AppError)
    def app_error(e):
        return f"handled {type(e).__name__}", 400

    @app.route("/boom")
    def boom():
        raise SpecificError()

    assert client.get("/nowhere").data == b"custom 404"
    response = client.get("/boom")
    assert (response.status_code, response.data) == (400, b"handled SpecificError")


def test_abort_with_description_and_response(app: Veloce, client) -> None:
    @app.route("/forbidden")
    def forbidden():
        abort(403, "no entry")

    @app.route("/teapot")
    def teapot():
        abort(app.response_class("short and stout", status=418))

    response = client.get("/forbidden")
    assert response.status_code == 403
    assert response.get_json() == {"detail": "no entry"}
    response = client.get("/teapot")
    assert (response.status_code, response.data) == (418, b"short and stout")


def test_unhandled_exception_propagates_in_testing(app: Veloce, client) -> None:
    @app.route("/error")
    def error():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        client.get("/error")


def test_unhandled_exception_is_500_outside_testing(app: Veloce) -> None:
    app.testing = False

    @app.route("/error")
    async def error():
        raise ValueError("boom")

    @app.errorhandler(500)
    def on_500(e):
        return f"500 from {type(e.original_exception).__name__}", 500

    with app.test_client() as client:
        response = client.get("/error")
    assert response.status_code == 500
    assert response.data == b"500 from ValueError"


def test_http_exception_handler_receives_the_exception(app: Veloce, client) -> None:
    @app.errorhandler(Forbidden)
    def on_forbidden(e):
        return jsonify(code=e.code, description=e.description), e.code

    @app.route("/")
    def index():
        abort(403)

    assert client.get("/").get_json() == {"code": 403, "description": Forbidden.description}


def test_body_over_max_content_length_is_413(app: Veloce, client) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/upload")
    def upload():
        return str(len(request.get_data()))

    assert client.post("/upload", data=b"x" * 10).data == b"10"
    response = client.post("/upload", data=b"x" * 11)
    assert response.status_code == 413


def test_json_and_form_bodies_are_synchronous_in_sync_and_async_views(app: Veloce, client) -> None:
    @app.post("/sync")
    def sync_view():
        return {"form": request.form.to_dict(), "json": request.get_json(silent=True)}

    @app.post("/async")
    async def async_view():
        return {"form": request.form.to_dict(), "json": request.get_json(silent=True)}

    for path in ("/sync", "/async"):
        assert client.post(path, data={"a": "1"}).get_json() == {"form": {"a": "1"}, "json": None}
        assert client.post(path, json={"b": 2}).get_json() == {"form": {}, "json": {"b": 2}}


def test_setup_after_first_request_raises(app: Veloce, client) -> None:
    @app.route("/")
    def index():
        return "ok"

    client.get("/")
    with pytest.raises(AssertionError, match="can no longer be called"):
        app.add_url_rule("/late", "late", index)


def test_endpoint_stub_then_attach(app: Veloce, client) -> None:
    app.add_url_rule("/stub", endpoint="stub")

    @app.endpoint("stub")
    def stub():
        return "attached"

    assert client.get("/stub").data == b"attached"


def test_overwriting_endpoint_raises(app: Veloce) -> None:
    @app.route("/a")
    def view():
        return "a"

    def other():
        return "b"

    with pytest.raises(AssertionError, match="overwriting an existing endpoint"):
        app.add_url_rule("/b", "view", other)


def test_method_shortcuts_reject_methods_argument(app: Veloce) -> None:
    with pytest.raises(TypeError, match="Use the 'route' decorator"):
        app.get("/", methods=["POST"])


def test_url_for_inside_request(app: Veloce, client) -> None:
    @app.route("/user/<name>")
    def user(name):
        return app.url_for("user", name="ä b", page=2, _anchor="top")

    assert client.get("/user/x").data == b"/user/%C3%A4%20b?page=2#top"


def test_lifespan_handlers_run_in_order(app: Veloce) -> None:
    events: list[str] = []

    @app.on_event("startup")
    def startup():
        events.append("startup")

    @app.before_serving
    async def before_serving():
        events.append("before_serving")

    @app.after_serving
    async def after_serving():
        events.append("after_serving")

    app.add_event_handler("shutdown", lambda: events.append("shutdown"))

    async def main():
        async with app.lifespan_context():
            events.append("serving")

    asyncio.run(main())
    assert events == ["startup", "before_serving", "serving", "after_serving", "shutdown"]


def test_asgi_lifespan_protocol(app: Veloce) -> None:
    events: list[str] = []
    app.on_event("startup")(lambda: events.append("up"))
    app.on_event("shutdown")(lambda: events.append("down"))

    async def main():
        incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
        sent: list[dict] = []

        async def receive():
            return incoming.pop(0)

        async def send(message):
            sent.append(message)

        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
        return [m["type"] for m in sent]

    assert asyncio.run(main()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert events == ["up", "down"]


def test_blocking_sync_view_does_not_stall_async_views(app: Veloce) -> None:
    release = threading.Event()

    @app.route("/block")
    def block():
        release.wait(5)
        return "unblocked"

    @app.route("/fast")
    async def fast():
        return "fast"

    async def main():
        async with app.async_test_client() as client:
            slow = asyncio.ensure_future(client.get("/block"))
            await asyncio.sleep(0.05)
            quick = await client.get("/fast")
            assert not slow.done()
            release.set()
            return quick, await slow

    quick, slow = asyncio.run(main())
    assert quick.data == b"fast"
    assert slow.data == b"unblocked"


def test_debug_mode_renders_the_traceback_page_and_still_raises(app: Veloce) -> None:
    app.testing = False
    app.debug = True

    @app.route("/explode")
    def explode():
        raise LookupError("the <b>bad</b> key")

    # What a browser gets from the server: the page (the server then logs the error).
    with app.test_client(raise_server_exceptions=False) as client:
        response = client.get("/explode")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "LookupError" in response.text and "explode" in response.text
    assert "the &lt;b&gt;bad&lt;/b&gt; key" in response.text
    # Flask parity: in debug mode the error propagates to whoever drives the app.
    with app.test_client() as client, pytest.raises(LookupError):
        client.get("/explode")


def test_debug_page_never_in_production_mode(app: Veloce) -> None:
    app.testing = False

    @app.route("/explode")
    def explode():
        raise LookupError("secret detail")

    with app.test_client() as client:
        response = client.get("/explode")
    assert response.status_code == 500
    assert "secret detail" not in response.text


def test_sync_decorator_around_an_async_view(app: Veloce, client) -> None:
    import functools

    def passthrough(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        return wrapper

    @app.route("/wrapped/<int:n>")
    @passthrough
    async def wrapped(n):
        await asyncio.sleep(0)
        return f"async result {n}"

    assert client.get("/wrapped/4").data == b"async result 4"

"""Request lifecycle API: test contexts, step-by-step dispatch, streaming, first request."""

from __future__ import annotations

import asyncio
import threading

import pytest

from veloce import Veloce, after_this_request, g, has_request_context, request
from veloce.streaming import stream_with_context


@pytest.fixture()
def app() -> Veloce:
    app = Veloce(__name__)
    app.testing = True
    return app


def test_test_request_context_builds_a_request_without_running_hooks(app: Veloce) -> None:
    calls: list[str] = []
    app.before_request(lambda: calls.append("before"))

    @app.route("/items/<int:item_id>", methods=["POST"])
    def item(item_id):
        return str(item_id)

    with app.test_request_context(
        "/items/3", method="POST", query_string={"q": "x"}, json={"a": 1}
    ):
        assert has_request_context()
        assert request.path == "/items/3" and request.args["q"] == "x"
        assert request.get_json() == {"a": 1}
        assert request.view_args == {"item_id": 3}
        assert request.endpoint == "item"
        assert calls == []
        assert app.preprocess_request() is None
        assert calls == ["before"]
    assert not has_request_context()


def test_test_request_context_uses_server_name_and_positional_arguments(app: Veloce) -> None:
    app.config.update(SERVER_NAME="example.com", APPLICATION_ROOT="/app")
    with app.test_request_context("/x", "https://other.org/base", None, None, "a=1", "PUT"):
        assert request.url == "https://other.org/base/x?a=1"
        assert request.method == "PUT"
    with app.test_request_context("/x", None, "api", "https"):
        assert request.url == "https://api.example.com/app/x"
    with app.test_request_context("/x"):
        assert request.url == "http://example.com/app/x"


def test_test_request_context_accepts_the_spec_body_keyword(app: Veloce) -> None:
    with app.test_request_context("/", method="POST", body=b"raw"):
        assert request.get_data() == b"raw"


def test_preprocess_request_short_circuits(app: Veloce) -> None:
    app.before_request(lambda: "stop")
    app.before_request(lambda: pytest.fail("must not run"))
    with app.test_request_context("/"):
        assert app.preprocess_request() == "stop"


def test_full_dispatch_request_runs_hooks_view_and_after_request(app: Veloce) -> None:
    order: list[str] = []

    @app.before_request
    def before():
        order.append("before")

    @app.after_request
    def after(response):
        order.append("after")
        response.headers["X-After"] = "1"
        return response

    @app.route("/")
    def index():
        order.append("view")

        @after_this_request
        def once(response):
            order.append("once")
            return response

        return "ok"

    with app.test_request_context("/"):
        response = app.full_dispatch_request()
    assert order == ["before", "view", "once", "after"]
    assert response.headers["X-After"] == "1"
    assert response.get_data() == b"ok"


def test_async_hooks_run_through_ensure_sync_in_manual_dispatch(app: Veloce) -> None:
    @app.before_request
    async def before():
        g.seen = "async-before"

    @app.route("/")
    def index():
        return g.seen

    with app.test_request_context("/"):
        assert app.full_dispatch_request().get_data() == b"async-before"


def test_request_context_from_scope(app: Veloce) -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/sub/x",
        "root_path": "/sub",
        "query_string": b"",
        "headers": [(b"host", b"h")],
        "scheme": "http",
    }

    @app.route("/x")
    def x():
        return "x"

    with app.request_context(scope):
        assert request.path == "/x" and request.endpoint == "x"


def test_before_first_request_runs_once_under_concurrency(app: Veloce) -> None:
    calls: list[int] = []

    @app.before_first_request
    async def warm_up():
        await asyncio.sleep(0.01)
        calls.append(1)

    @app.route("/")
    async def index():
        return str(len(calls))

    async def main() -> list[bytes]:
        async with app.async_test_client() as client:
            responses = await asyncio.gather(*(client.get("/") for _ in range(20)))
        return [r.data for r in responses]

    assert asyncio.run(main()) == [b"1"] * 20
    assert calls == [1]
    assert app.got_first_request


def test_before_first_request_sync_hook_sees_the_request(app: Veloce) -> None:
    seen: list[str] = []
    app.before_first_request(lambda: seen.append(request.path))
    app.add_url_rule("/first", "first", lambda: "ok")
    with app.test_client() as client:
        client.get("/first")
        client.get("/first")
    assert seen == ["/first"]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_stream_with_context_keeps_request_and_tears_down_again(app: Veloce, kind: str) -> None:
    # Flask 3.1 tears down when the response is ready, then again when the stream
    # ends (it re-pushes the contexts around the streamed body).
    events: list[str] = []
    app.teardown_request(lambda exc: events.append("teardown"))

    @app.route("/stream")
    def stream():
        if kind == "sync":

            def generate():
                yield f"path={request.path};"
                events.append("body")
                yield f"q={request.args['q']}"

        else:

            async def generate():
                yield f"path={request.path};"
                await asyncio.sleep(0)
                events.append("body")
                yield f"q={request.args['q']}"

        return stream_with_context(generate())

    client = app.test_client()
    response = client.get("/stream?q=1")
    client.close()
    assert response.data == b"path=/stream;q=1"
    assert events == ["teardown", "body", "teardown"]


def test_stream_with_context_as_decorator_and_outside_a_request(app: Veloce) -> None:
    @stream_with_context
    def generate():
        yield request.path

    @app.route("/deco")
    def deco():
        return generate()

    with app.test_client() as client:
        assert client.get("/deco").data == b"/deco"
    with pytest.raises(RuntimeError, match="request context is active"):
        stream_with_context(iter(["x"]))


def test_client_context_preserved_inside_with_block(app: Veloce) -> None:
    @app.route("/hello")
    def hello():
        g.name = request.args["name"]
        return "hi"

    with app.test_client() as client:
        client.get("/hello?name=ann")
        assert request.args["name"] == "ann"
        assert g.name == "ann"
    assert not has_request_context()


def test_sync_stages_share_the_worker_thread_with_g(app: Veloce) -> None:
    @app.before_request
    def open_resource():
        g.thread = threading.get_ident()

    @app.route("/")
    def index():
        return str(g.thread == threading.get_ident())

    with app.test_client() as client:
        assert client.get("/").data == b"True"

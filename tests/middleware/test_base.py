"""The middleware pipeline: Middleware, (request, call_next) middleware, ASGI middleware."""

from __future__ import annotations

import asyncio
import typing as t

import pytest

from veloce import Veloce, g, request
from veloce.core.exceptions import Forbidden, abort
from veloce.core.response import Response
from veloce.middleware.base import BaseHTTPMiddleware, Middleware


class Recorder(Middleware):
    """Logs both phases into a shared list; optionally answers in process_request."""

    def __init__(self, name: str, log: list[str], answer: t.Any = None) -> None:
        self.name = name
        self.log = log
        self.answer = answer

    async def process_request(self, request: t.Any) -> t.Any:
        self.log.append(f"{self.name}.request")
        return self.answer

    async def process_response(self, request: t.Any, response: Response) -> Response:
        self.log.append(f"{self.name}.response")
        response.headers.add("X-Trail", self.name)
        return response


class SyncRecorder(Middleware):
    """The same with plain ``def`` overrides."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    def process_request(self, request: t.Any) -> None:  # type: ignore[override]
        self.log.append(f"{self.name}.request")

    def process_response(self, request: t.Any, response: Response) -> Response:  # type: ignore[override]
        self.log.append(f"{self.name}.response")
        return response


def make_app(log: list[str], *, sync_view: bool = True) -> Veloce:
    app = Veloce(__name__)
    app.testing = True

    @app.before_request
    def before() -> None:
        log.append("before_request")

    @app.after_request
    def after(response: Response) -> Response:
        log.append("after_request")
        return response

    if sync_view:

        @app.route("/")
        def index() -> str:
            log.append("view")
            return "view"

    else:

        @app.route("/")
        async def index() -> str:
            log.append("view")
            return "view"

    return app


# -- nothing registered ------------------------------------------------------------


def test_without_middleware_the_request_path_has_no_pipeline_or_stack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log: list[str] = []
    app = make_app(log)

    async def must_not_run(*args: t.Any) -> t.NoReturn:
        raise AssertionError("the middleware machinery ran without middleware")

    monkeypatch.setattr(app, "_run_pipeline", must_not_run)
    monkeypatch.setattr(app, "_enter_asgi_stack", must_not_run)
    response = app.test_client().get("/")
    assert response.text == "view"
    assert log == ["before_request", "view", "after_request"]
    assert app._pipeline is None and app._asgi_stack is None


def test_middleware_that_overrides_nothing_adds_no_pipeline() -> None:
    app = make_app([])
    app.add_middleware(Middleware)
    app.freeze()
    assert app._pipeline is None


def test_pass_through_middleware_changes_nothing_in_the_response() -> None:
    class PassThrough(Middleware):
        async def process_request(self, request: t.Any) -> None:
            return None

        async def process_response(self, request: t.Any, response: Response) -> Response:
            return response

    plain, wrapped = make_app([]), make_app([])
    wrapped.add_middleware(PassThrough)
    a = plain.test_client().get("/", query_string={"q": "1"})
    b = wrapped.test_client().get("/", query_string={"q": "1"})
    assert wrapped._pipeline is not None
    assert (a.status, list(a.headers.items()), a.data) == (
        b.status,
        list(b.headers.items()),
        b.data,
    )


# -- the Middleware pipeline ---------------------------------------------------------


@pytest.mark.parametrize("sync_view", [True, False], ids=["sync-view", "async-view"])
def test_process_request_in_order_process_response_in_reverse(sync_view: bool) -> None:
    log: list[str] = []
    app = make_app(log, sync_view=sync_view)
    app.add_middleware(Recorder, name="one", log=log)
    app.add_middleware(SyncRecorder("two", log))
    app.add_middleware(Recorder("three", log))
    response = app.test_client().get("/")
    assert response.text == "view"
    assert log == [
        "one.request",
        "two.request",
        "three.request",
        "before_request",
        "view",
        "after_request",
        "three.response",
        "two.response",
        "one.response",
    ]
    assert response.headers.getlist("X-Trail") == ["three", "one"]


def test_process_request_return_short_circuits() -> None:
    log: list[str] = []
    app = make_app(log)
    app.add_middleware(Recorder("outer", log))
    app.add_middleware(Recorder("gate", log, answer=Response("denied", 403)))
    app.add_middleware(Recorder("inner", log))
    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (403, "denied")
    # No view, no hooks, no later middleware; the answer goes out through "outer".
    assert log == ["outer.request", "gate.request", "outer.response"]
    assert response.headers.getlist("X-Trail") == ["outer"]


def test_short_circuit_value_is_coerced_like_a_view_return() -> None:
    app = make_app([])
    app.add_middleware(Recorder("gate", [], answer=({"error": "nope"}, 401)))
    response = app.test_client().get("/")
    assert response.status_code == 401
    assert response.json == {"error": "nope"}


def test_process_request_runs_with_the_request_context_bound() -> None:
    class User(Middleware):
        async def process_request(self, req: t.Any) -> None:
            assert request._get_current_object() is req  # type: ignore[attr-defined]
            g.user = req.args.get("user")

    app = Veloce(__name__)
    app.add_middleware(User)

    @app.route("/")
    def index() -> str:
        return g.user  # type: ignore[no-any-return]

    assert app.test_client().get("/?user=ann").text == "ann"


def test_process_response_may_replace_the_response() -> None:
    class Replace(Middleware):
        def process_response(self, request: t.Any, response: Response) -> t.Any:  # type: ignore[override]
            return "replaced", 202

    app = make_app([])
    app.add_middleware(Replace)
    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (202, "replaced")


def test_http_exception_in_process_request_uses_the_error_handler() -> None:
    class Guard(Middleware):
        async def process_request(self, request: t.Any) -> None:
            abort(403)

    log: list[str] = []
    app = make_app(log)
    app.add_middleware(Recorder("outer", log))
    app.add_middleware(Guard)

    @app.errorhandler(403)
    def forbidden(e: Forbidden) -> tuple[str, int]:
        return "custom 403", 403

    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (403, "custom 403")
    assert log == ["outer.request", "outer.response"]


def test_http_exception_without_handler_renders_its_error_response() -> None:
    class Guard(Middleware):
        async def process_request(self, request: t.Any) -> None:
            abort(403)

    app = make_app([])
    app.add_middleware(Guard)
    plain = make_app([])

    @plain.route("/forbidden")
    def forbidden() -> None:
        abort(403)

    got = app.test_client().get("/")
    want = plain.test_client().get("/forbidden")
    assert (got.status_code, got.data, got.content_type) == (
        want.status_code,
        want.data,
        want.content_type,
    )


def test_error_in_process_response_still_goes_through_outer_middleware() -> None:
    class Broken(Middleware):
        async def process_response(self, request: t.Any, response: Response) -> Response:
            abort(409)

    log: list[str] = []
    app = make_app(log)
    app.add_middleware(Recorder("outer", log))
    app.add_middleware(Broken)
    response = app.test_client().get("/")
    assert response.status_code == 409
    assert log[-1] == "outer.response"


def test_other_exceptions_propagate_in_testing_and_become_500_otherwise() -> None:
    class Crash(Middleware):
        async def process_request(self, request: t.Any) -> None:
            raise KeyError("boom")

    app = make_app([])
    app.add_middleware(Crash)
    with pytest.raises(KeyError):
        app.test_client().get("/")

    app = make_app([])
    app.testing = False
    app.logger.disabled = True
    app.add_middleware(Crash)

    @app.errorhandler(500)
    def server_error(e: t.Any) -> tuple[str, int]:
        return "handled 500", 500

    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (500, "handled 500")


# -- (request, call_next) middleware ---------------------------------------------------


def test_http_middleware_decorator_wraps_the_dispatch() -> None:
    log: list[str] = []
    app = make_app(log)

    @app.middleware("http")
    async def add_header(req: t.Any, call_next: t.Any) -> Response:
        log.append("http.before")
        response = await call_next(req)
        log.append("http.after")
        response.headers["X-Custom"] = "value"
        return response  # type: ignore[no-any-return]

    response = app.test_client().get("/")
    assert response.headers["X-Custom"] == "value"
    assert log == ["http.before", "before_request", "view", "after_request", "http.after"]
    assert add_header.__name__ == "add_header"  # the decorator returns the function


def test_all_middleware_shapes_share_one_order() -> None:
    log: list[str] = []
    app = make_app(log)

    class Timing(BaseHTTPMiddleware):
        async def dispatch(self, req: t.Any, call_next: t.Any) -> Response:
            log.append("timing.before")
            response = await call_next(req)
            log.append("timing.after")
            return response  # type: ignore[no-any-return]

    async def wrap(req: t.Any, call_next: t.Any) -> Response:
        log.append("fn.before")
        response = await call_next(req)
        log.append("fn.after")
        return response  # type: ignore[no-any-return]

    app.add_middleware(Recorder("a", log))
    assert isinstance(app.add_http_middleware(Timing), Timing)
    app.add_middleware(Recorder("b", log))
    app.add_http_middleware(BaseHTTPMiddleware(dispatch=wrap))
    app.add_middleware(Recorder("c", log))
    app.test_client().get("/")
    assert log == [
        "a.request",
        "timing.before",
        "b.request",
        "fn.before",
        "c.request",
        "before_request",
        "view",
        "after_request",
        "c.response",
        "fn.after",
        "b.response",
        "timing.after",
        "a.response",
    ]


def test_http_middleware_may_answer_without_calling_next() -> None:
    log: list[str] = []
    app = make_app(log)
    app.add_middleware(Recorder("outer", log))

    @app.middleware("http")
    async def block(req: t.Any, call_next: t.Any) -> t.Any:
        return "blocked", 429

    app.add_middleware(Recorder("inner", log))
    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (429, "blocked")
    assert log == ["outer.request", "outer.response"]


def test_base_http_middleware_default_dispatch_passes_through() -> None:
    app = make_app([])
    app.add_middleware(BaseHTTPMiddleware)
    assert app.test_client().get("/").text == "view"


def test_add_http_middleware_rejects_sync_callables() -> None:
    app = make_app([])
    with pytest.raises(TypeError, match="async callable"):
        app.add_http_middleware(lambda req, call_next: call_next(req))


def test_middleware_decorator_form_only_knows_http() -> None:
    app = make_app([])
    with pytest.raises(ValueError, match="http"):
        app.middleware("websocket")


# -- registration ----------------------------------------------------------------------


def test_add_middleware_builds_the_class_with_the_options() -> None:
    seen: list[t.Any] = []

    class Configured(Middleware):
        def __init__(self, *, flag: str) -> None:
            seen.append(flag)

    app = make_app([])
    app.add_middleware(Configured, flag="on")
    assert seen == ["on"]
    assert app.middleware(Configured, flag="again") is Configured
    assert seen == ["on", "again"]


def test_add_middleware_rejects_options_with_an_instance_and_plain_functions() -> None:
    app = make_app([])
    with pytest.raises(TypeError, match="takes no options"):
        app.add_middleware(Recorder("x", []), extra=1)

    async def fn(req: t.Any, call_next: t.Any) -> t.Any:
        return await call_next(req)

    with pytest.raises(TypeError, match="add_http_middleware"):
        app.add_middleware(fn)


def test_middleware_cannot_be_added_after_the_first_request() -> None:
    app = make_app([])
    app.test_client().get("/")
    with pytest.raises(AssertionError, match="add_middleware"):
        app.add_middleware(Recorder("late", []))
    with pytest.raises(AssertionError, match="add_http_middleware"):
        app.add_http_middleware(BaseHTTPMiddleware())


# -- ASGI middleware -------------------------------------------------------------------


class HeaderASGI:
    """Pure ASGI middleware: records the scope types it sees, tags responses."""

    def __init__(self, app: t.Any, name: str, log: list[str]) -> None:
        self.app = app
        self.name = name
        self.log = log

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        self.log.append(f"{self.name}:{scope['type']}:in")

        async def tagged_send(message: t.Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message["headers"])
                headers.append((b"x-asgi", self.name.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, tagged_send)
        self.log.append(f"{self.name}:{scope['type']}:out")


def test_asgi_middleware_wraps_the_app_first_added_outermost() -> None:
    log: list[str] = []
    app = make_app(log)
    app.add_middleware(HeaderASGI, name="outer", log=log)
    app.add_middleware(Recorder("pipeline", log))
    app.add_middleware(HeaderASGI, name="inner", log=log)
    response = app.test_client().get("/")
    assert response.text == "view"
    assert log == [
        "outer:http:in",
        "inner:http:in",
        "pipeline.request",
        "before_request",
        "view",
        "after_request",
        "pipeline.response",
        "inner:http:out",
        "outer:http:out",
    ]
    # The innermost layer's header is added first.
    assert response.headers.getlist("X-Asgi") == ["inner", "outer"]
    # The innermost middleware wraps the application itself.
    stack = app._asgi_stack
    assert isinstance(stack, HeaderASGI) and stack.name == "outer"
    assert isinstance(stack.app, HeaderASGI) and stack.app.app is app


def test_asgi_middleware_may_answer_on_its_own() -> None:
    class Maintenance:
        def __init__(self, app: t.Any) -> None:
            self.app = app

        async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"down"})

    log: list[str] = []
    app = make_app(log)
    app.add_middleware(Maintenance)
    response = app.test_client().get("/")
    assert (response.status_code, response.data) == (503, b"down")
    assert log == []


def test_asgi_middleware_wraps_lifespan_and_is_built_once() -> None:
    log: list[str] = []
    built: list[int] = []

    class Counting(HeaderASGI):
        def __init__(self, app: t.Any, **options: t.Any) -> None:
            built.append(1)
            super().__init__(app, **options)

    app = make_app([])
    started: list[str] = []
    app.on_event("startup")(lambda: started.append("startup"))
    app.add_middleware(Counting, name="mw", log=log)

    async def lifespan() -> list[t.Any]:
        sent: list[t.Any] = []
        messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

        async def receive() -> t.Any:
            return next(messages)

        async def send(message: t.Any) -> None:
            sent.append(message["type"])

        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
        return sent

    assert asyncio.run(lifespan()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert started == ["startup"]
    assert log == ["mw:lifespan:in", "mw:lifespan:out"]
    # Built at the first ASGI message; adding more now would be silently ignored.
    with pytest.raises(RuntimeError, match="already built"):
        app.add_middleware(HeaderASGI, name="late", log=log)
    app.test_client().get("/")
    app.test_client().get("/")
    assert built == [1]
    assert log[-2:] == ["mw:http:in", "mw:http:out"]


def test_a_mounted_veloce_app_keeps_its_own_asgi_middleware() -> None:
    log: list[str] = []
    inner = make_app([])
    inner.add_middleware(HeaderASGI, name="inner-app", log=log)
    outer = Veloce(__name__)
    outer.add_middleware(HeaderASGI, name="outer-app", log=log)

    class Mount:
        def __init__(self, app: t.Any) -> None:
            self.app = app

        async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
            await inner(scope, receive, send)

    outer.add_middleware(Mount)
    response = outer.test_client().get("/")
    assert response.text == "view"
    assert log == [
        "outer-app:http:in",
        "inner-app:http:in",
        "inner-app:http:out",
        "outer-app:http:out",
    ]

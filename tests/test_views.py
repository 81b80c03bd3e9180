"""veloce.views: View and MethodView natively (Flask parity lives in flask_parity/apps/views.py).

What the parity suite cannot see: where each handler runs (event loop or worker
lane), how ``as_view`` picks sync or async, the native Request parameter, the native
405 for an unimplemented verb, and errors raised at registration.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
import typing as t

import pytest

import veloce
from veloce import MethodView, Request, Veloce, View, g, request
from veloce.core.plan import is_async_callable
from veloce.views import http_method_funcs


@pytest.fixture()
def app() -> Veloce:
    app = Veloce(__name__)
    app.testing = True
    return app


@pytest.fixture()
def client(app: Veloce) -> t.Any:
    return app.test_client()


def _on_worker() -> bool:
    return threading.current_thread().name.startswith("veloce-worker")


# -- exports and attributes ---------------------------------------------------------------


def test_public_names_are_exported() -> None:
    assert veloce.View is View
    assert veloce.MethodView is MethodView
    assert issubclass(MethodView, View)
    assert http_method_funcs == frozenset(
        {"get", "post", "head", "options", "delete", "put", "trace", "patch"}
    )


def test_as_view_copies_name_doc_module_and_class_attributes() -> None:
    class Thing(View):
        """The thing's doc."""

        methods = ["GET", "PUT"]
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return "thing"

    view = Thing.as_view("thing_endpoint")
    assert view.__name__ == "thing_endpoint"
    assert view.__doc__ == "The thing's doc."
    assert view.__module__ == __name__
    assert view.view_class is Thing  # type: ignore[union-attr]
    assert view.methods == ["GET", "PUT"]  # type: ignore[union-attr]
    assert view.provide_automatic_options is False  # type: ignore[union-attr]


def test_add_url_rule_reads_methods_and_automatic_options_from_the_view(
    app: Veloce, client: t.Any
) -> None:
    class NoOptions(View):
        methods = ["GET", "DELETE"]
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return request.method

    app.add_url_rule("/x", view_func=NoOptions.as_view("x"))
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "x")
    assert rule.methods == {"GET", "HEAD", "DELETE"}
    assert client.delete("/x").data == b"DELETE"
    assert client.options("/x").status_code == 405


def test_method_view_infers_methods_from_verbs_and_bases() -> None:
    class Base(MethodView):
        def get(self) -> str:
            return "get"

    class Child(Base):
        async def post(self) -> str:
            return "post"

    class Explicit(Child):
        methods = ["GET"]

    class Bare(MethodView):
        pass

    assert Base.methods == {"GET"}
    assert Child.methods == {"GET", "POST"}
    assert Explicit.methods == ["GET"]
    assert Bare.methods is None
    assert MethodView.methods is None


def test_view_without_dispatch_request_is_refused_at_registration() -> None:
    class Empty(View):
        pass

    with pytest.raises(TypeError, match="does not override dispatch_request"):
        Empty.as_view("empty")
    with pytest.raises(TypeError, match="must define it"):
        Empty().dispatch_request()


# -- sync or async: decided by as_view ----------------------------------------------------


class SyncView(View):
    def dispatch_request(self) -> str:
        return "sync"


class AsyncView(View):
    async def dispatch_request(self) -> str:
        return "async"


class SyncVerbs(MethodView):
    def get(self) -> str:
        return "get"


class AsyncVerbs(MethodView):
    async def get(self) -> str:
        return "get"

    async def post(self) -> str:
        return "post"


class MixedVerbs(MethodView):
    def get(self) -> str:
        return "get"

    async def post(self) -> str:
        return "post"


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (SyncView, False),
        (AsyncView, True),
        (SyncVerbs, False),
        (AsyncVerbs, True),
        (MixedVerbs, False),
    ],
)
def test_as_view_is_a_coroutine_function_only_for_async_handlers(
    cls: type[View], expected: bool
) -> None:
    view = cls.as_view("v")
    assert inspect.iscoroutinefunction(view) is expected
    assert is_async_callable(view) is expected


def test_async_handlers_run_on_the_loop_and_sync_ones_on_a_worker(
    app: Veloce, client: t.Any
) -> None:
    class Where(View):
        def dispatch_request(self) -> dict[str, bool]:
            return {"worker": _on_worker()}

    class AsyncWhere(MethodView):
        async def get(self) -> dict[str, bool]:
            await asyncio.sleep(0)
            return {"worker": _on_worker()}

    app.add_url_rule("/sync", view_func=Where.as_view("sync"))
    app.add_url_rule("/async", view_func=AsyncWhere.as_view("async_where"))
    assert client.get("/sync").get_json() == {"worker": True}
    assert client.get("/async").get_json() == {"worker": False}


def test_mixed_method_view_keeps_sync_verbs_on_the_hooks_thread(
    app: Veloce, client: t.Any
) -> None:
    @app.before_request
    def remember_thread() -> None:
        g.hook_thread = threading.get_ident()

    class Mixed(MethodView):
        def get(self) -> dict[str, t.Any]:
            return {"same_thread": threading.get_ident() == g.hook_thread,
                    "worker": _on_worker()}

        async def post(self) -> dict[str, t.Any]:
            await asyncio.sleep(0)
            return {"same_thread": threading.get_ident() == g.hook_thread,
                    "worker": _on_worker(), "form": request.form.to_dict()}

    app.add_url_rule("/m", view_func=Mixed.as_view("m"))
    assert client.get("/m").get_json() == {"same_thread": True, "worker": True}
    # The async verb runs on the event loop while the request's lane waits.
    assert client.post("/m", data={"a": "1"}).get_json() == {
        "same_thread": False, "worker": False, "form": {"a": "1"}
    }


# -- the native Request parameter ---------------------------------------------------------


def test_verb_methods_may_take_the_request(app: Veloce, client: t.Any) -> None:
    class Items(MethodView):
        async def get(self, request: Request, item_id: int) -> dict[str, t.Any]:
            return {"id": item_id, "path": request.path}

        def post(self, req: Request, item_id: int) -> dict[str, t.Any]:
            return {"id": item_id, "json": req.get_json()}

        def delete(self, item_id: int) -> tuple[str, int]:
            return "", 204

    app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items"))
    assert client.get("/items/3").get_json() == {"id": 3, "path": "/items/3"}
    assert client.post("/items/4", json=[1]).get_json() == {"id": 4, "json": [1]}
    assert client.delete("/items/5").status_code == 204


def test_dispatch_request_may_take_the_request(app: Veloce, client: t.Any) -> None:
    class Echo(View):
        methods = ["GET", "POST"]

        async def dispatch_request(self, request, **path_params):  # type: ignore[no-untyped-def]
            return {"method": request.method, "params": path_params}

    app.add_url_rule("/echo/<word>", view_func=Echo.as_view("echo"))
    assert client.post("/echo/hi").get_json() == {"method": "POST", "params": {"word": "hi"}}


def test_url_variable_named_request_wins_over_the_request_object(
    app: Veloce, client: t.Any
) -> None:
    class Named(MethodView):
        def get(self, request):  # type: ignore[no-untyped-def]
            return f"value={request}"

    app.add_url_rule("/named/<request>", view_func=Named.as_view("named"))
    assert client.get("/named/abc").data == b"value=abc"


# -- missing verbs ------------------------------------------------------------------------


def test_unimplemented_verb_is_a_405_listing_the_implemented_ones(
    app: Veloce, client: t.Any
) -> None:
    class OnlyGet(MethodView):
        def get(self) -> str:
            return "get"

    app.add_url_rule("/only", view_func=OnlyGet.as_view("only"), methods=["GET", "POST", "PUT"])
    response = client.post("/only")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert client.get("/only").data == b"get"


def test_unimplemented_method_can_be_overridden(app: Veloce, client: t.Any) -> None:
    class Polite(MethodView):
        def get(self) -> str:
            return "get"

        def unimplemented_method(self, method: str) -> tuple[str, int]:
            return f"no {method} here", 501

    class AsyncPolite(Polite):
        async def get(self) -> str:
            return "async get"

    app.add_url_rule("/p", view_func=Polite.as_view("p"), methods=["GET", "PATCH"])
    app.add_url_rule("/ap", view_func=AsyncPolite.as_view("ap"), methods=["GET", "PATCH"])
    assert (client.patch("/p").status_code, client.patch("/p").data) == (501, b"no PATCH here")
    assert client.patch("/ap").data == b"no PATCH here"
    assert client.get("/ap").data == b"async get"


def test_flask_compat_method_view_raises_flasks_assertion_error(app: Veloce) -> None:
    from veloce.compat.flask.views import MethodView as FlaskMethodView

    class OnlyGet(FlaskMethodView):
        def get(self) -> str:
            return "get"

    app.add_url_rule("/only", view_func=OnlyGet.as_view("only"), methods=["GET", "POST"])
    with pytest.raises(AssertionError, match="Unimplemented method 'POST'"):
        app.test_client().post("/only")


def test_head_falls_back_to_get_unless_head_is_defined(app: Veloce, client: t.Any) -> None:
    class Fallback(MethodView):
        async def get(self) -> tuple[str, int, dict[str, str]]:
            return "body", 200, {"X-Handler": "get"}

    class OwnHead(Fallback):
        def head(self) -> tuple[str, int, dict[str, str]]:
            return "", 200, {"X-Handler": "head"}

    app.add_url_rule("/f", view_func=Fallback.as_view("f"))
    app.add_url_rule("/h", view_func=OwnHead.as_view("h"))
    assert client.head("/f").headers["X-Handler"] == "get"
    assert client.head("/h").headers["X-Handler"] == "head"
    assert client.get("/h").headers["X-Handler"] == "get"


def test_route_level_custom_verb_finds_its_method(app: Veloce, client: t.Any) -> None:
    class Cache(MethodView):
        def get(self) -> str:
            return "cached"

        async def purge(self) -> str:
            return "purged"

    app.add_url_rule("/c", view_func=Cache.as_view("c"), methods=["GET", "PURGE"])
    assert client.open("/c", method="PURGE").data == b"purged"


# -- dispatch_request overrides -----------------------------------------------------------


def test_sync_override_calling_super_runs_async_verbs(app: Veloce, client: t.Any) -> None:
    class Wrapped(MethodView):
        def dispatch_request(self, **kwargs: t.Any) -> t.Any:
            return f"[{super().dispatch_request(**kwargs)}]"

        async def get(self, word: str) -> str:
            await asyncio.sleep(0)
            return f"async {word}"

        def post(self, word: str) -> str:
            return f"sync {word}"

    view = Wrapped.as_view("w")
    assert not inspect.iscoroutinefunction(view)
    app.add_url_rule("/w/<word>", view_func=view)
    assert client.get("/w/a").data == b"[async a]"
    assert client.post("/w/b").data == b"[sync b]"


def test_async_override_awaits_super_with_the_request(app: Veloce, client: t.Any) -> None:
    class Native(MethodView):
        async def dispatch_request(self, request: Request, **kwargs: t.Any) -> t.Any:
            rv = await super().dispatch_request(request, **kwargs)
            return f"<{rv}>"

        async def get(self, request: Request, n: int) -> str:
            return f"get {n} {request.method}"

        def post(self, n: int) -> str:
            return f"sync post {n} worker={_on_worker()}"

    view = Native.as_view("native")
    assert inspect.iscoroutinefunction(view)
    app.add_url_rule("/n/<int:n>", view_func=view)
    assert client.get("/n/1").data == b"<get 1 GET>"
    assert client.post("/n/2").data == b"<sync post 2 worker=True>"


def test_dispatch_request_takes_at_most_the_request_positionally(app: Veloce) -> None:
    with app.test_request_context("/"), pytest.raises(TypeError, match="only positional"):
        SyncVerbs().dispatch_request(request, "extra")


def test_dispatch_request_outside_a_request_raises() -> None:
    with pytest.raises(RuntimeError, match="outside of request context"):
        SyncVerbs().dispatch_request()


def test_view_called_directly_in_a_test_request_context(app: Veloce) -> None:
    view = MixedVerbs.as_view("mixed")
    with app.test_request_context("/", method="POST"):
        assert view() == "post"
    with app.test_request_context("/"):
        assert view() == "get"


# -- instances ------------------------------------------------------------------------------


@pytest.mark.parametrize("is_async", [False, True])
def test_init_every_request_false_builds_one_instance_at_as_view(
    app: Veloce, client: t.Any, is_async: bool
) -> None:
    built: list[tuple[t.Any, ...]] = []

    class Counter(MethodView):
        init_every_request = False

        def __init__(self, *args: t.Any) -> None:
            built.append(args)
            self.count = 0

        def _next(self) -> str:
            self.count += 1
            return str(self.count)

        if is_async:

            async def get(self) -> str:
                return self._next()

        else:

            def get(self) -> str:
                return self._next()

    app.add_url_rule("/count", view_func=Counter.as_view("count", "arg"))
    assert built == [("arg",)]
    assert [client.get("/count").data for _ in range(3)] == [b"1", b"2", b"3"]
    assert built == [("arg",)]


@pytest.mark.parametrize("is_async", [False, True])
def test_fresh_instance_per_request_with_constructor_arguments(
    app: Veloce, client: t.Any, is_async: bool
) -> None:
    instances: list[int] = []

    class Fresh(View):
        def __init__(self, prefix: str, *, suffix: str = "") -> None:
            self.prefix, self.suffix = prefix, suffix
            instances.append(id(self))

        def _answer(self) -> str:
            return f"{self.prefix}{len(instances)}{self.suffix}"

        if is_async:

            async def dispatch_request(self) -> str:
                return self._answer()

        else:

            def dispatch_request(self) -> str:
                return self._answer()

    app.add_url_rule("/fresh", view_func=Fresh.as_view("fresh", "n=", suffix="!"))
    assert instances == []
    assert client.get("/fresh").data == b"n=1!"
    assert client.get("/fresh").data == b"n=2!"


@pytest.mark.parametrize("decorated", [False, True])
def test_view_class_can_be_swapped_on_the_registered_function(
    app: Veloce, client: t.Any, decorated: bool
) -> None:
    class Real(View):
        decorators = [functools.partial(_tag, "d")] if decorated else []

        async def dispatch_request(self) -> str:
            return "real"

    class Fake(Real):
        async def dispatch_request(self) -> str:
            return "fake"

    view = Real.as_view("swap")
    view.view_class = Fake  # type: ignore[union-attr]
    app.add_url_rule("/swap", view_func=view)
    assert client.get("/swap").data == (b"d(fake)" if decorated else b"fake")


# -- decorators -----------------------------------------------------------------------------


def _tag(label: str, f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A Flask-style sync decorator that post-processes the view's return value."""

    @functools.wraps(f)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return f"{label}({f(*args, **kwargs)})"

    return wrapper


def _async_tag(label: str, f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A native async-only decorator: it awaits the view."""

    @functools.wraps(f)
    async def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return f"{label}({await f(*args, **kwargs)})"

    return wrapper


def test_decorators_apply_in_order_once_each(app: Veloce, client: t.Any) -> None:
    applied: list[str] = []

    def recording(label: str) -> t.Callable[..., t.Any]:
        def decorator(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            applied.append(f"{label}:{f.__name__}")
            return _tag(label, f)

        return decorator

    class Deco(MethodView):
        decorators = [recording("inner"), recording("outer")]

        async def get(self) -> str:
            return "view"

    view = Deco.as_view("deco")
    assert applied == ["inner:deco", "outer:deco"]
    # Sync decorators around async verbs: the view turns sync, as in Flask.
    assert not is_async_callable(view)
    app.add_url_rule("/deco", view_func=view)
    assert client.get("/deco").data == b"outer(inner(view))"
    assert applied == ["inner:deco", "outer:deco"]


def test_async_decorators_keep_an_async_view_on_the_loop(app: Veloce, client: t.Any) -> None:
    class Native(MethodView):
        decorators = [functools.partial(_async_tag, "a"), functools.partial(_async_tag, "b")]

        async def get(self) -> str:
            return f"worker={_on_worker()}"

    view = Native.as_view("native")
    assert is_async_callable(view)
    app.add_url_rule("/native", view_func=view)
    assert client.get("/native").data == b"b(a(worker=False))"


def test_decorator_returning_the_view_unchanged(app: Veloce, client: t.Any) -> None:
    registry: list[t.Any] = []

    def register(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        registry.append(f)
        return f

    class Plain(MethodView):
        decorators = [register]

        async def get(self) -> str:
            return "plain"

    view = Plain.as_view("plain")
    assert registry == [view]
    assert is_async_callable(view)
    assert view.__name__ == "plain"
    app.add_url_rule("/plain", view_func=view)
    assert client.get("/plain").data == b"plain"


def test_decorator_choosing_by_iscoroutinefunction_gets_a_working_view(
    app: Veloce, client: t.Any
) -> None:
    def adaptive(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        if inspect.iscoroutinefunction(f):
            return functools.partial(_async_tag, "async")(f)
        return _tag("sync", f)

    class Adaptive(MethodView):
        decorators = [adaptive]

        async def get(self) -> str:
            return "ok"

    app.add_url_rule("/adaptive", view_func=Adaptive.as_view("adaptive"))
    assert client.get("/adaptive").data == b"sync(ok)"

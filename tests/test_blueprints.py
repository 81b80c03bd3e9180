"""Blueprints on the native app: async hooks, registries, include_router, exports.

Flask-shaped behaviour (prefixes, names, nesting, hook order, error handlers, the
registration errors) is compared with real Flask in ``tests/flask_parity/apps/
blueprints.py`` and ``blueprints_large.py``; here are what parity cannot show: async
hooks (Flask needs asgiref for them), the native request style, the registries the
template engine will read, and the spec's ``include_router``.
"""

from __future__ import annotations

import asyncio
import typing as t

import pytest

from veloce import Blueprint, Request, Veloce, abort, g, request, url_for
from veloce.blueprints import BlueprintSetupState


@pytest.fixture()
def app() -> Veloce:
    app = Veloce(__name__)
    app.testing = True
    return app


def _nested_hook_app(app: t.Any, blueprint_class: t.Any, log: list[str], make: t.Any) -> None:
    """App hooks plus two nested blueprints, every hook built by ``make(label)``."""
    outer = blueprint_class("outer", __name__, url_prefix="/outer")
    inner = blueprint_class("inner", __name__, url_prefix="/inner")
    for scope, label in ((app, "app"), (outer, "outer"), (inner, "inner")):
        for n in (1, 2):
            scope.url_value_preprocessor(make(f"{label}.uvp{n}", "uvp"))
            scope.before_request(make(f"{label}.before{n}", "before"))
            scope.after_request(make(f"{label}.after{n}", "after"))
            scope.teardown_request(make(f"{label}.teardown{n}", "teardown"))
    outer.before_app_request(make("wide.before", "before"))
    outer.after_app_request(make("wide.after", "after"))
    outer.teardown_app_request(make("wide.teardown", "teardown"))
    inner.app_url_value_preprocessor(make("wide.uvp", "uvp"))

    def view() -> str:
        log.append("view")
        return "ok"

    inner.add_url_rule("/view", "view", view)
    outer.register_blueprint(inner)
    app.register_blueprint(outer)


def _sync_hook(log: list[str], label: str, kind: str) -> t.Callable[..., t.Any]:
    def hook(*args: t.Any) -> t.Any:
        log.append(label)
        return args[0] if kind == "after" else None

    return hook


def _async_hook(log: list[str], label: str, kind: str) -> t.Callable[..., t.Any]:
    async def hook(*args: t.Any) -> t.Any:
        await asyncio.sleep(0)
        log.append(label)
        return args[0] if kind == "after" else None

    return hook


def test_async_blueprint_hooks_run_in_flasks_order(app: Veloce) -> None:
    import flask

    flask_log: list[str] = []
    flask_app = flask.Flask(__name__)
    _nested_hook_app(flask_app, flask.Blueprint, flask_log,
                     lambda label, kind: _sync_hook(flask_log, label, kind))
    assert flask_app.test_client().get("/outer/inner/view").data == b"ok"

    log: list[str] = []
    _nested_hook_app(app, Blueprint, log, lambda label, kind: _async_hook(log, label, kind))
    assert app.test_client().get("/outer/inner/view").data == b"ok"
    assert log == flask_log
    assert log.index("outer.before1") < log.index("inner.before1")
    assert log.index("inner.after2") < log.index("outer.after2")


def test_mixed_sync_and_async_blueprint_hooks_around_an_async_view(app: Veloce) -> None:
    log: list[str] = []
    _nested_hook_app(app, Blueprint, log, lambda label, kind: (
        _async_hook if label.endswith("1") else _sync_hook)(log, label, kind))

    @app.route("/async")
    async def async_view() -> str:
        await asyncio.sleep(0)
        return "async"

    assert app.test_client().get("/outer/inner/view").data == b"ok"
    assert "inner.before1" in log and "inner.teardown2" in log
    log.clear()
    assert app.test_client().get("/async").data == b"async"
    assert "inner.before1" not in log and "wide.before" in log and "app.teardown1" in log


def test_async_blueprint_error_handler_and_nested_fallback(app: Veloce) -> None:
    outer = Blueprint("outer", __name__, url_prefix="/o")
    inner = Blueprint("inner", __name__, url_prefix="/i")

    @outer.errorhandler(LookupError)
    async def outer_lookup(e: Exception) -> tuple[dict[str, t.Any], int]:
        await asyncio.sleep(0)
        return {"by": "outer", "blueprints": request.blueprints}, 410

    @inner.errorhandler(404)
    async def inner_not_found(e: Exception) -> tuple[str, int]:
        return "inner 404", 404

    @inner.route("/key")
    async def key() -> str:
        raise KeyError("k")

    @inner.route("/gone")
    def gone() -> str:
        abort(404)

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    client = app.test_client()
    response = client.get("/o/i/key")
    assert response.status_code == 410
    assert response.get_json() == {"by": "outer", "blueprints": ["outer.inner", "outer"]}
    assert client.get("/o/i/gone").data == b"inner 404"
    # An unrouted URL under the prefix is the app's (JSON) 404, not the blueprint's.
    response = client.get("/o/i/nowhere")
    assert response.status_code == 404 and response.is_json


def test_native_rule_syntax_and_request_parameter(app: Veloce) -> None:
    bp = Blueprint("items", __name__, url_prefix="/items")

    @bp.get("/{item_id:int}")
    async def show(request: Request, item_id: int) -> dict[str, t.Any]:
        return {"id": item_id, "blueprint": request.blueprint, "url": url_for(".show",
                                                                             item_id=2)}

    @bp.post("/")
    def create() -> tuple[str, int]:
        return "created", 201

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/items/7").get_json() == {
        "id": 7, "blueprint": "items", "url": "/items/2"}
    assert client.post("/items/").status_code == 201
    assert client.get("/items/").status_code == 405


def test_url_value_preprocessor_and_url_defaults_of_a_prefix_variable(app: Veloce) -> None:
    bp = Blueprint("lang", __name__, url_prefix="/<lang>")

    @bp.url_value_preprocessor
    async def pull(endpoint: str, values: dict[str, t.Any]) -> None:
        g.lang = values.pop("lang")

    @bp.url_defaults
    def push(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang", g.lang)

    @bp.route("/about")
    async def about() -> dict[str, str]:
        return {"lang": g.lang, "self": url_for(".about")}

    app.register_blueprint(bp)
    assert app.test_client().get("/fr/about").get_json() == {"lang": "fr", "self": "/fr/about"}


def test_step_by_step_api_runs_blueprint_hooks(app: Veloce) -> None:
    log: list[str] = []
    bp = Blueprint("bp", __name__)
    bp.before_request(lambda: log.append("before"))

    @bp.after_request
    async def after(response: t.Any) -> t.Any:
        log.append("after")
        return response

    bp.teardown_request(lambda exc: log.append(f"teardown:{exc}"))
    bp.add_url_rule("/x", "x", lambda: "x")
    app.register_blueprint(bp)
    with app.test_request_context("/x"):
        assert request.blueprints == ["bp"]
        assert app.preprocess_request() is None
        response = app.process_response(app.make_response(app.dispatch_request()))
        assert response.data == b"x"
        assert log == ["before", "after"]
    assert log == ["before", "after", "teardown:None"]


def test_app_template_functions_are_recorded_once(app: Veloce) -> None:
    bp = Blueprint("tpl", __name__)

    @bp.app_template_filter()
    def shout(value: str) -> str:
        return value.upper()

    @bp.app_template_test("odd")
    def is_odd(value: int) -> bool:
        return value % 2 == 1

    @bp.app_template_global()
    def answer() -> int:
        return 42

    def double(value: int) -> int:
        return value * 2

    bp.add_app_template_filter(double, "twice")
    bp.add_app_template_test(is_odd)
    bp.add_app_template_global(answer, name="the_answer")
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="tpl_again")
    assert app._template_filters == {"shout": shout, "twice": double}
    assert app._template_tests == {"odd": is_odd, "is_odd": is_odd}
    assert app._template_globals == {"answer": answer, "the_answer": answer}


def test_app_wide_registrations_happen_once_for_a_blueprint_registered_twice(
    app: Veloce,
) -> None:
    bp = Blueprint("twice", __name__)

    def before() -> None:
        return None

    def handler(e: Exception) -> str:
        return "handled"

    def processor() -> dict[str, t.Any]:
        return {}

    bp.before_app_request(before)
    bp.app_errorhandler(ValueError)(handler)
    bp.app_context_processor(processor)
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="twice2")
    assert app.before_request_funcs[None] == [before]
    assert app.error_handler_spec[None][None] == {ValueError: handler}
    assert app.template_context_processors[None] == [processor]


def test_record_once_keeps_the_function_name_and_record_sees_each_state(app: Veloce) -> None:
    states: list[BlueprintSetupState] = []
    bp = Blueprint("rec", __name__, url_prefix="/r", subdomain="s")

    def first(state: BlueprintSetupState) -> None:
        states.append(state)

    bp.record_once(first)
    bp.record(states.append)
    assert bp.deferred_functions[0].__name__ == "first"
    assert bp.deferred_functions[0].__wrapped__ is first  # type: ignore[attr-defined]
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="rec2", url_prefix="/other")
    assert [(s.name, s.url_prefix, s.subdomain, s.first_registration) for s in states] == [
        ("rec", "/r", "s", True), ("rec", "/r", "s", True), ("rec2", "/other", "s", False)]


def test_make_setup_state_can_return_a_subclass(app: Veloce) -> None:
    class State(BlueprintSetupState):
        def add_url_rule(self, rule: str, endpoint: str | None = None,
                         view_func: t.Any = None, **options: t.Any) -> None:
            super().add_url_rule(rule.upper(), endpoint, view_func, **options)

    class CustomBlueprint(Blueprint):
        def make_setup_state(self, app: t.Any, options: dict[str, t.Any],
                             first_registration: bool = False) -> BlueprintSetupState:
            return State(self, app, options, first_registration)

    bp = CustomBlueprint("custom", __name__)
    bp.add_url_rule("/loud", "loud", lambda: "loud")
    app.register_blueprint(bp)
    assert app.test_client().get("/LOUD").data == b"loud"


def test_include_router_takes_prefix_or_url_prefix(app: Veloce) -> None:
    bp = Blueprint("inc", __name__, url_prefix="/ignored")
    bp.add_url_rule("/x", "x", lambda: "x")
    app.include_router(bp, prefix="/a")
    app.include_router(bp, url_prefix="/b", name="inc_b")
    app.include_router(bp, name="inc_c")
    with pytest.raises(TypeError, match="not both"):
        app.include_router(bp, "/c", url_prefix="/d", name="inc_d")
    with pytest.raises(TypeError, match="expects a Blueprint"):
        app.include_router(object())  # type: ignore[arg-type]
    client = app.test_client()
    assert [client.get(path).status_code for path in ("/a/x", "/b/x", "/ignored/x")] == [
        200, 200, 200]
    assert sorted(app.blueprints) == ["inc", "inc_b", "inc_c"]


def test_blueprints_is_a_snapshot_and_iter_blueprints_keeps_order(app: Veloce) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    app.register_blueprint(child, name="solo")
    snapshot = app.blueprints
    assert snapshot == {"parent": parent, "parent.child": child, "solo": child}
    snapshot.clear()
    assert list(app.blueprints) == ["parent", "parent.child", "solo"]
    assert list(app.iter_blueprints()) == [parent, child, child]


def test_endpoint_decorator_attaches_a_view_to_a_blueprint_rule(app: Veloce) -> None:
    bp = Blueprint("ep", __name__)
    bp.add_url_rule("/late", "late")

    @bp.endpoint("ep.late")
    def late() -> str:
        return "attached"

    app.register_blueprint(bp)
    assert app.test_client().get("/late").data == b"attached"


def test_paths_are_relative_to_root_path() -> None:
    bp = Blueprint("paths", __name__, static_folder="assets/", template_folder="tpl",
                   root_path="/srv/app")
    assert (bp.root_path, bp.package_root) == ("/srv/app", "/srv/app")
    assert bp.static_folder == "/srv/app/assets" and bp.static_url_path == "/assets"
    bp.root_path = "/elsewhere"
    bp.static_url_path = "/files/"
    assert bp.static_folder == "/elsewhere/assets" and bp.static_url_path == "/files"
    bp.static_folder = None
    assert not bp.has_static_folder and bp.static_folder is None
    assert bp.cli_group is not None
    assert Blueprint("g", __name__, cli_group=None).cli_group is None


def test_blueprint_hooks_are_locked_after_the_first_request(app: Veloce) -> None:
    bp = Blueprint("locked", __name__)
    bp.add_url_rule("/", "index", lambda: "i")
    app.register_blueprint(bp)
    app.test_client().get("/")
    with pytest.raises(AssertionError, match="already handled its first request"):
        app.include_router(Blueprint("late", __name__))
    with pytest.raises(AssertionError, match="registered at least once"):
        bp.after_request(lambda response: response)


def test_exports() -> None:
    import veloce
    import veloce.compat.flask as compat_flask
    from veloce.compat.flask import blueprints as compat_blueprints

    assert veloce.Blueprint is Blueprint is compat_flask.Blueprint
    assert compat_blueprints.Blueprint is Blueprint
    assert compat_blueprints.BlueprintSetupState is BlueprintSetupState

"""Templates: the environment and loader, the render helpers, Jinja2Templates, async safety.

Rendering parity with Flask for whole apps lives in ``tests/flask_parity/apps/templates.py``;
this file covers what a request/response diff cannot see (loader internals, logging,
the no-IO-on-the-loop guarantee, the spec's ``Jinja2Templates``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import typing as t

import jinja2
import pytest

from veloce import (
    Blueprint,
    Jinja2Templates,
    Veloce,
    render_template,
    render_template_string,
    stream_template,
)
from veloce import templating as templating_mod
from veloce.templating import DispatchingJinjaLoader, Environment, render_template_async


def _write(root: t.Any, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def tree(tmp_path: t.Any) -> t.Any:
    _write(
        tmp_path,
        {
            "templates/page.html": "{% extends 'base.html' %}{% block b %}{{ x }}{% endblock %}",
            "templates/base.html": "[{% block b %}{% endblock %}]",
            "templates/shared.html": "app",
            "bp/templates/shared.html": "bp",
            "bp/templates/bp_only.html": "only {{ x }}",
        },
    )
    return tmp_path


def _app(tree: t.Any, **kwargs: t.Any) -> Veloce:
    app = Veloce("tplapp", package_root=str(tree), **kwargs)
    bp = Blueprint("bp", "tplbp", root_path=str(tree / "bp"), template_folder="templates")
    app.register_blueprint(bp)
    return app


def test_app_folder_first_then_blueprints(tree: t.Any) -> None:
    app = _app(tree)
    with app.app_context():
        assert render_template("shared.html") == "app"
        assert render_template("bp_only.html", x="<") == "only &lt;"
        assert render_template("page.html", x=1) == "[1]"


def test_loader_types_and_listing(tree: t.Any) -> None:
    app = _app(tree)
    assert isinstance(app.jinja_env, Environment)
    assert app.jinja_env.app is app
    assert isinstance(app.jinja_env.loader, DispatchingJinjaLoader)
    assert isinstance(app.jinja_loader, jinja2.FileSystemLoader)
    assert sorted(app.jinja_env.list_templates()) == [
        "base.html", "bp_only.html", "page.html", "shared.html",
    ]


def test_no_template_folder_means_no_app_loader(tree: t.Any) -> None:
    app = Veloce("tplapp", package_root=str(tree), template_folder=None)
    assert app.jinja_loader is None
    with app.app_context():
        assert render_template_string("{{ 2 * 3 }}") == "6"
        with pytest.raises(jinja2.TemplateNotFound):
            render_template("page.html")


def test_template_functions_and_late_blueprint_functions(tree: t.Any) -> None:
    app = Veloce("tplapp", package_root=str(tree))
    app.add_template_filter(str.upper, "up")
    app.add_template_test(lambda v: v == 1, "one")
    app.add_template_global(7, "seven")
    assert app.jinja_env.filters["up"] is str.upper
    bp = Blueprint("late", __name__)
    bp.add_app_template_filter(lambda v: v[::-1], "rev")
    app.register_blueprint(bp)  # after jinja_env exists
    with app.app_context():
        out = render_template_string("{{ 'ab'|up }} {{ 1 is one }} {{ seven }} {{ 'ab'|rev }}")
    assert out == "AB True 7 ba"


def test_registration_after_first_request_raises(tree: t.Any) -> None:
    app = Veloce("tplapp", package_root=str(tree))
    app.freeze()
    with pytest.raises(AssertionError):
        app.add_template_filter(str.upper)


def test_auto_reload_follows_config_and_debug(tree: t.Any) -> None:
    app = Veloce("tplapp", package_root=str(tree))
    app.debug = True
    assert app.jinja_env.auto_reload is True
    app.templates_auto_reload = False
    assert app.jinja_env.auto_reload is False
    assert app.config["TEMPLATES_AUTO_RELOAD"] is False


def test_jinja_options_are_used(tree: t.Any) -> None:
    class App(Veloce):
        jinja_options = {"trim_blocks": True, "autoescape": False}

    app = App("tplapp", package_root=str(tree))
    assert app.jinja_env.trim_blocks is True
    with app.app_context():
        assert render_template_string("{{ '<' }}") == "<"


def test_update_template_context_order_and_return(tree: t.Any) -> None:
    app = Veloce("tplapp", package_root=str(tree))
    bp = Blueprint("b", __name__)
    app.context_processor(lambda: {"a": "app", "both": "app"})
    bp.context_processor(lambda: {"both": "bp"})
    bp.add_url_rule("/x", "x", lambda: "")
    app.register_blueprint(bp)
    with app.test_request_context("/x"):
        context = {"both": "caller"}
        assert app.update_template_context(context) is context
        assert context["a"] == "app" and context["both"] == "caller"
        assert "request" in context and "g" in context
        context = {}
        app.update_template_context(context)
        assert context["both"] == "bp"


def test_explain_template_loading_logs_like_flask(tree: t.Any, caplog: t.Any) -> None:
    import flask

    def attempt(factory: t.Any, bp_factory: t.Any) -> list[str]:
        app = factory("tplapp", root_path=str(tree))
        app.register_blueprint(
            bp_factory("bp", "tplbp", root_path=str(tree / "bp"), template_folder="templates")
        )
        app.config["EXPLAIN_TEMPLATE_LOADING"] = True
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="tplapp"), app.app_context():
            app.jinja_env.get_template("shared.html")
            with pytest.raises(jinja2.TemplateNotFound):
                app.jinja_env.get_template("nope.html")
        return [r.getMessage() for r in caplog.records if r.name == "tplapp"]

    from veloce.compat.flask import Blueprint as VBlueprint
    from veloce.compat.flask import Flask as VFlask

    expected = attempt(flask.Flask, flask.Blueprint)
    assert expected and attempt(VFlask, VBlueprint) == expected


def test_stream_template_keeps_request_context(tree: t.Any) -> None:
    app = _app(tree)

    @app.route("/s")
    def s() -> t.Any:
        return app.response_class(stream_template("bp_only.html", x="s"))

    assert app.test_client().get("/s").data == b"only s"


def test_signal_hooks_see_template_and_context(tree: t.Any) -> None:
    app = _app(tree)
    seen: list[tuple[str, t.Any, str]] = []
    before = lambda a, tpl, ctx: seen.append(("before", a, tpl.name))  # noqa: E731
    after = lambda a, tpl, ctx: seen.append(("after", a, ctx["x"]))  # noqa: E731
    templating_mod.before_render_hooks.append(before)
    templating_mod.rendered_hooks.append(after)
    try:
        with app.app_context():
            render_template("bp_only.html", x=5)
    finally:
        templating_mod.before_render_hooks.remove(before)
        templating_mod.rendered_hooks.remove(after)
    assert seen == [("before", app, "bp_only.html"), ("after", app, 5)]


# -- async safety ------------------------------------------------------------------------


def _forbid_disk_on_loop(monkeypatch: t.Any) -> list[str]:
    """Make FileSystemLoader fail when it is used on a thread with a running loop."""
    loads: list[str] = []
    original = jinja2.FileSystemLoader.get_source

    def guarded(self: t.Any, environment: t.Any, template: str) -> t.Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loads.append(f"{threading.current_thread().name}:{template}")
            return original(self, environment, template)
        raise AssertionError(f"template {template!r} read from disk on the event loop")

    monkeypatch.setattr(jinja2.FileSystemLoader, "get_source", guarded)
    return loads


def test_async_view_renders_from_snapshot_without_disk(tree: t.Any, monkeypatch: t.Any) -> None:
    app = _app(tree)

    @app.route("/a")
    async def a() -> str:
        return render_template("page.html", x="a") + render_template("shared.html")

    app.freeze()  # preloads every template (off the loop here)
    loads = _forbid_disk_on_loop(monkeypatch)
    assert app.test_client().get("/a").data == b"[a]app"
    assert loads == []


def test_snapshot_is_bypassed_when_auto_reloading(tree: t.Any) -> None:
    app = _app(tree)
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    app.freeze()
    with app.app_context():
        assert render_template("shared.html") == "app"
        (tree / "templates" / "shared.html").write_text("changed")
        import os

        os.utime(tree / "templates" / "shared.html", (1, 1))
        assert render_template("shared.html") == "changed"


def test_render_template_async_loads_unknown_template_on_a_lane(
    tree: t.Any, monkeypatch: t.Any
) -> None:
    app = _app(tree)

    @app.route("/late")
    async def late() -> str:
        return await render_template_async("late.html", x=1)

    app.freeze()
    _write(tree, {"templates/late.html": "late {{ x }}"})  # not in the snapshot
    loads = _forbid_disk_on_loop(monkeypatch)
    assert app.test_client().get("/late").data == b"late 1"
    assert loads and all(not name.startswith("MainThread") for name in loads)


def test_sync_view_reads_unknown_templates_on_its_lane(tree: t.Any, monkeypatch: t.Any) -> None:
    app = _app(tree)

    @app.route("/sync")
    def sync() -> str:
        return render_template("new.html")

    app.freeze()
    _write(tree, {"templates/new.html": "new"})
    loads = _forbid_disk_on_loop(monkeypatch)
    assert app.test_client().get("/sync").data == b"new"
    assert [name.rpartition(":")[2] for name in loads] == ["new.html"]
    assert not loads[0].startswith("MainThread")


# -- Jinja2Templates -----------------------------------------------------------------------


def test_jinja2templates_render_and_response(tree: t.Any) -> None:
    templates = Jinja2Templates(directory=str(tree / "templates"))
    assert templates.render("page.html", {"x": "<"}) == "[&lt;]"
    assert templates.render_string("{{ y }}", y=2) == "2"
    response = templates.TemplateResponse("page.html", {"x": 1}, status_code=201,
                                          headers={"X-A": "b"})
    assert response.status_code == 201
    assert response.headers["X-A"] == "b"
    assert response.mimetype == "text/html"
    assert response.get_data() == b"[1]"


def test_jinja2templates_uses_app_functions_and_processors(tree: t.Any) -> None:
    app = Veloce("tplapp", package_root=str(tree))
    templates = Jinja2Templates(directory=str(tree / "templates"), app=app)

    @app.template_filter("up")
    def up(s: str) -> str:
        return s.upper()

    @app.context_processor
    def proc() -> dict[str, t.Any]:
        return {"x": "processor", "p": "P"}

    @app.route("/page")
    async def page() -> t.Any:
        return templates.TemplateResponse("page.html", {"x": "caller"})

    @app.route("/str")
    async def string() -> t.Any:
        return templates.render_string("{{ p|up }} {{ request.path }}")

    @app.route("/async")
    async def async_render() -> t.Any:
        return await templates.render_async("page.html", x="<a>")

    client = app.test_client()
    assert client.get("/page").data == b"[caller]"
    assert client.get("/str").data == b"P /str"
    assert client.get("/async").data == b"[&lt;a&gt;]"
    assert app.jinja_loader is templates.env.loader
    with app.app_context():
        assert render_template("page.html", x=3) == "[3]"


def test_jinja2templates_render_async_without_app(tree: t.Any, monkeypatch: t.Any) -> None:
    templates = Jinja2Templates(directory=str(tree / "templates"))
    loads = _forbid_disk_on_loop(monkeypatch)
    assert asyncio.run(templates.render_async("shared.html")) == "app"
    assert loads  # loaded on a worker thread
    templates.preload()
    assert asyncio.run(templates.render_async("base.html")) == "[]"


def test_jinja2templates_needs_directory_or_env() -> None:
    with pytest.raises(TypeError):
        Jinja2Templates()
    env = jinja2.Environment(loader=jinja2.DictLoader({"a": "A"}))
    assert Jinja2Templates(env=env).render("a") == "A"
    assert Jinja2Templates(env=env).preload() == 0

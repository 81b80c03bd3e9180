"""``@nonblocking``: sync views and hooks that run on the event loop, not a worker thread.

Threads are told apart by identity: an ``async def`` view always runs on the loop's
thread, so a marked sync function must report the same thread, and an unmarked one a
different (worker) thread.
"""

from __future__ import annotations

import threading
import typing as t

import pytest

from veloce import Veloce, after_this_request, g, nonblocking
from veloce.core.plan import INLINE, call_flag

__all__: list[str] = []


def _app() -> tuple[Veloce, dict[str, int]]:
    app = Veloce(__name__)
    seen: dict[str, int] = {}

    @app.route("/async")
    async def on_loop() -> str:
        seen["loop"] = threading.get_ident()
        return "loop"

    @app.route("/marked")
    @nonblocking
    def marked() -> str:
        seen["marked"] = threading.get_ident()
        return "marked"

    @app.route("/plain")
    def plain() -> str:
        seen["plain"] = threading.get_ident()
        return "plain"

    return app, seen


def test_marked_sync_view_runs_on_the_loop_thread() -> None:
    app, seen = _app()
    client = app.test_client()
    for path in ("/async", "/marked", "/plain"):
        assert client.get(path).status_code == 200
    assert seen["marked"] == seen["loop"]
    assert seen["plain"] != seen["loop"]


def test_marked_hooks_run_on_the_loop_with_an_async_view() -> None:
    app = Veloce(__name__)
    threads: dict[str, int] = {}

    @app.before_request
    @nonblocking
    def load_user() -> None:
        threads["before"] = threading.get_ident()
        g.user = "ada"

    @app.after_request
    @nonblocking
    def stamp(response: t.Any) -> t.Any:
        threads["after"] = threading.get_ident()
        response.headers["X-User"] = g.user
        return response

    @app.route("/")
    async def index() -> str:
        threads["view"] = threading.get_ident()

        @after_this_request
        @nonblocking
        def once(response: t.Any) -> t.Any:
            threads["once"] = threading.get_ident()
            return response

        return g.user

    response = app.test_client().get("/")
    assert response.get_data(as_text=True) == "ada"
    assert response.headers["X-User"] == "ada"
    assert threads["before"] == threads["after"] == threads["once"] == threads["view"]


def test_marked_hook_follows_a_plain_sync_view_onto_its_worker_thread() -> None:
    app = Veloce(__name__)
    threads: dict[str, int] = {}

    @app.before_request
    @nonblocking
    def before() -> None:
        threads["before"] = threading.get_ident()

    @app.route("/")
    def index() -> str:
        threads["view"] = threading.get_ident()
        return "ok"

    @app.route("/async")
    async def on_loop() -> str:
        threads["loop"] = threading.get_ident()
        return "ok"

    client = app.test_client()
    client.get("/async")
    assert client.get("/").status_code == 200
    assert threads["before"] == threads["view"] != threads["loop"]


def test_marked_error_handler_and_exceptions_follow_flask_order() -> None:
    app = Veloce(__name__)

    @app.errorhandler(KeyError)
    @nonblocking
    def missing(e: KeyError) -> tuple[str, int]:
        return f"missing {e.args[0]}", 404

    @app.route("/")
    @nonblocking
    def index() -> str:
        return {}["x"]  # type: ignore[no-any-return]

    response = app.test_client().get("/")
    assert (response.status_code, response.get_data(as_text=True)) == (404, "missing x")


def test_marked_wrapper_returning_a_coroutine_is_awaited() -> None:
    app = Veloce(__name__)

    async def inner() -> str:
        return "awaited"

    @nonblocking
    def wrapper() -> t.Any:
        return inner()

    app.add_url_rule("/", view_func=wrapper)
    assert app.test_client().get("/").get_data(as_text=True) == "awaited"


def test_decorator_returns_the_function_and_sets_the_flag() -> None:
    def view() -> str:
        return "x"

    async def coroutine_view() -> str:
        return "x"

    assert nonblocking(view) is view
    assert call_flag(view) is INLINE
    assert not call_flag(view)  # falsy: the lane pipeline treats it as sync
    assert call_flag(nonblocking(coroutine_view)) is True
    assert call_flag(lambda: None) is False


@pytest.mark.parametrize("path", ["/marked", "/plain"])
def test_marked_and_plain_views_answer_alike(path: str) -> None:
    app, _ = _app()
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == path.strip("/")

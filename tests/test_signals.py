"""Signals: the objects, where receivers run, and that unheard signals cost nothing.

Order and arguments against real Flask are compared by the parity suite
(``tests/flask_parity/apps/signals.py``); these tests cover what it cannot: the
threads receivers run on, async receivers on both pipelines, the scheduling of async
receivers from sync code on the loop, and the receiver-less fast path.
"""

from __future__ import annotations

import asyncio
import threading
import typing as t

import pytest

import veloce.signals as signals
from veloce import Veloce
from veloce.flashing import flash

ALL = (
    "template_rendered",
    "before_render_template",
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
)


@pytest.fixture
def app() -> Veloce:
    app = Veloce(__name__)
    app.testing = True
    app.secret_key = "signals"

    @app.get("/sync")
    def sync_view() -> str:
        seen.append(("view", threading.get_ident()))
        return "sync"

    @app.get("/async")
    async def async_view() -> str:
        seen.append(("view", threading.get_ident()))
        return "async"

    @app.get("/sync-boom")
    def sync_boom() -> str:
        raise ValueError("sync boom")

    @app.get("/async-boom")
    async def async_boom() -> str:
        raise ValueError("async boom")

    @app.get("/async-flash")
    async def async_flash() -> str:
        flash("hi", "info")
        await asyncio.sleep(0)
        return "flashed"

    return app


seen: list[t.Any] = []


@pytest.fixture(autouse=True)
def _reset_seen() -> t.Iterator[None]:
    seen.clear()
    yield
    seen.clear()


def _connect(app: Veloce, names: t.Iterable[str], receiver: t.Callable[..., t.Any]) -> list[t.Any]:
    connected = []
    for name in names:
        signal = getattr(signals, name)
        signal.connect(receiver, app, weak=False)
        connected.append((signal, receiver))
    return connected


def _disconnect(connected: list[t.Any]) -> None:
    for signal, receiver in connected:
        signal.disconnect(receiver)


def test_signal_names_match_flask() -> None:
    import flask.signals

    for name in ALL:
        assert getattr(signals, name).name == getattr(flask.signals, name).name


def test_signal_namespace_is_the_module(app: Veloce) -> None:
    assert app.signal_namespace is signals
    assert app.signal_namespace.request_started is signals.request_started


def test_compat_signals_are_the_same_objects() -> None:
    import veloce.compat.flask as compat_flask
    import veloce.compat.flask.signals as compat_signals

    for name in ALL:
        assert getattr(compat_signals, name) is getattr(signals, name)
        assert getattr(compat_flask, name) is getattr(signals, name)


def test_sync_receivers_run_on_the_lane_for_a_sync_view(app: Veloce) -> None:
    def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        seen.append(("signal", threading.get_ident()))

    connected = _connect(app, ("request_started", "request_finished", "request_tearing_down"),
                         receiver)
    try:
        assert app.test_client().get("/sync").status_code == 200
    finally:
        _disconnect(connected)
    view_thread = next(ident for kind, ident in seen if kind == "view")
    assert [ident for kind, ident in seen if kind == "signal"] == [view_thread] * 3


def test_sync_receivers_run_on_the_loop_for_an_async_view(app: Veloce) -> None:
    def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        seen.append(("signal", threading.get_ident()))

    connected = _connect(app, ("request_started", "request_finished"), receiver)
    try:
        assert app.test_client().get("/async").status_code == 200
    finally:
        _disconnect(connected)
    view_thread = next(ident for kind, ident in seen if kind == "view")
    assert [ident for kind, ident in seen if kind == "signal"] == [view_thread] * 2


@pytest.mark.parametrize("path", ["/sync-boom", "/async-boom"])
def test_async_receivers_are_awaited_on_both_pipelines(app: Veloce, path: str) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    async def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        await asyncio.sleep(0)
        seen.append((sender is app, sorted(kwargs)))

    connected = _connect(app, ("request_started", "got_request_exception", "request_finished",
                               "request_tearing_down", "appcontext_tearing_down"), receiver)
    try:
        assert app.test_client().get(path).status_code == 500
    finally:
        _disconnect(connected)
    assert seen == [
        (True, []),
        (True, ["exception"]),
        (True, ["response"]),
        (True, ["exc"]),
        (True, ["exc"]),
    ]


def test_async_receiver_of_a_sync_sender_on_the_loop_is_scheduled(app: Veloce) -> None:
    # flash() in an async view runs on the loop thread, which cannot block on a
    # coroutine: the receiver runs as a task instead (Flask raises here).
    async def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        seen.append(kwargs)

    connected = _connect(app, ("message_flashed",), receiver)
    try:
        assert app.test_client().get("/async-flash").status_code == 200
    finally:
        _disconnect(connected)
    assert seen == [{"message": "hi", "category": "info"}]


def test_async_receiver_runs_in_a_plain_app_context(app: Veloce) -> None:
    async def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        seen.append("pushed")

    connected = _connect(app, ("appcontext_pushed",), receiver)
    try:
        with app.app_context():
            pass
    finally:
        _disconnect(connected)
    assert seen == ["pushed"]


def test_receivers_of_another_sender_are_not_called(app: Veloce) -> None:
    other = Veloce("other")

    def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        seen.append(sender)

    connected = _connect(other, ALL, receiver)
    try:
        app.test_client().get("/sync")
    finally:
        _disconnect(connected)
    assert [entry[0] for entry in seen] == ["view"]


def test_signals_without_receivers_are_never_sent(
    app: Veloce, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise AssertionError("a signal without receivers was sent")

    for name in ALL:
        signal = getattr(signals, name)
        assert not signal.receivers
        monkeypatch.setattr(signal, "send", forbidden)
        monkeypatch.setattr(signal, "receivers_for", forbidden)
    client = app.test_client()
    for path in ("/sync", "/async", "/missing", "/async-flash"):
        client.get(path)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/sync-boom").status_code == 500
    assert client.get("/async-boom").status_code == 500
    with app.test_request_context("/sync"):
        flash("quiet")
        app.full_dispatch_request()


def test_request_finished_sees_the_processed_response(app: Veloce) -> None:
    @app.after_request
    def mark(response: t.Any) -> t.Any:
        response.headers["X-Marked"] = "yes"
        return response

    def receiver(sender: t.Any, response: t.Any) -> None:
        seen.append(response.headers.get("X-Marked"))

    connected = _connect(app, ("request_finished",), receiver)
    try:
        app.test_client().get("/async")
    finally:
        _disconnect(connected)
    assert seen[-1] == "yes"


def _stream_signal_log(flask_module) -> list[str]:
    """Signals and teardowns around a stream_with_context response, as recorded."""
    log: list[str] = []
    app = flask_module.Flask("stream_signals_app")
    app.testing = True
    signals = flask_module.signals
    for name in (
        "request_started",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_pushed",
        "appcontext_popped",
    ):
        def receiver(sender, _name=name, **kwargs):
            log.append(_name)

        getattr(signals, name).connect(receiver, app, weak=False)
    app.teardown_request(lambda exc: log.append("teardown_request"))

    @app.route("/stream")
    def stream():
        def generate():
            log.append("generate")
            yield "x"

        return flask_module.stream_with_context(generate())

    client = app.test_client()
    response = client.get("/stream")
    assert response.data == b"x"
    response.close()
    return log


def test_stream_with_context_signals_match_flask() -> None:
    import flask as real_flask

    import veloce.compat.flask as veloce_flask
    import veloce.compat.flask.signals  # noqa: F401 - binds the submodule attribute

    assert _stream_signal_log(veloce_flask) == _stream_signal_log(real_flask)

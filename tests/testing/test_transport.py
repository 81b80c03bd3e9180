"""run_asgi (the server side of one exchange) and LoopRunner (the sync client's loop)."""

from __future__ import annotations

import asyncio
import gc
import threading
import typing as t

import pytest
from asgi_apps import AppError, echo_app, raising_app, streaming_app

from veloce.testing import TestClient
from veloce.testing.transport import LoopRunner, run_asgi


def run(coro: t.Coroutine[t.Any, t.Any, t.Any]) -> t.Any:
    return asyncio.run(coro)


def test_streaming_chunks_are_collected_and_disconnect_follows() -> None:
    exchange = run(run_asgi(streaming_app, {"type": "http"}, b""))
    assert (exchange.status, exchange.chunks, exchange.complete) == (200, [b"a", b"b", b"c"], True)


def test_body_is_delivered_in_one_message() -> None:
    received: list[dict[str, t.Any]] = []

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        received.append(await receive())
        await send({"type": "http.response.start", "status": 204})
        await send({"type": "http.response.body"})

    exchange = run(run_asgi(app, {"type": "http"}, b"payload"))
    assert received == [{"type": "http.request", "body": b"payload", "more_body": False}]
    assert (exchange.status, exchange.headers, exchange.chunks) == (204, [], [])


def test_disconnect_waits_for_the_response() -> None:
    order: list[str] = []

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        await receive()

        async def watch() -> None:
            assert await receive() == {"type": "http.disconnect"}
            order.append("disconnect")

        watcher = asyncio.ensure_future(watch())
        await asyncio.sleep(0)
        order.append("start")
        await send({"type": "http.response.start", "status": 200})
        await send({"type": "http.response.body", "body": b"x"})
        await watcher

    run(run_asgi(app, {"type": "http"}, b""))
    assert order == ["start", "disconnect"]


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ([], "without sending 'http.response.start'"),
        ([{"type": "http.response.body", "body": b"x"}], "before 'http.response.start'"),
        (
            [{"type": "http.response.start", "status": 200}] * 2,
            "'http.response.start' twice",
        ),
        (
            [
                {"type": "http.response.start", "status": 200},
                {"type": "http.response.body", "body": b""},
                {"type": "http.response.body", "body": b"late"},
            ],
            "after the last chunk",
        ),
        ([{"type": "websocket.send"}], "unexpected message type 'websocket.send'"),
    ],
)
def test_protocol_violations_raise(messages: list[dict[str, t.Any]], error: str) -> None:
    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        for message in messages:
            await send(message)

    with pytest.raises(RuntimeError, match=error):
        run(run_asgi(app, {"type": "http"}, b""))


def test_app_exception_propagates() -> None:
    with pytest.raises(AppError, match="boom"):
        run(run_asgi(raising_app, {"type": "http"}, b""))


def test_unraised_exception_becomes_a_500() -> None:
    exchange = run(run_asgi(raising_app, {"type": "http"}, b"", raise_server_exceptions=False))
    assert (exchange.status, exchange.chunks) == (500, [b"Internal Server Error"])


def test_unraised_exception_keeps_a_started_response() -> None:
    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        await send({"type": "http.response.start", "status": 200})
        await send({"type": "http.response.body", "body": b"part", "more_body": True})
        raise AppError("late")

    exchange = run(run_asgi(app, {"type": "http"}, b"", raise_server_exceptions=False))
    assert (exchange.status, exchange.chunks) == (200, [b"part"])


# -- LoopRunner -------------------------------------------------------------------------


async def _current_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


async def _thread_name() -> str:
    return threading.current_thread().name


def test_runner_reuses_one_loop_and_closes_it() -> None:
    runner = LoopRunner()
    first = runner.run(_current_loop())
    assert runner.run(_current_loop()) is first
    runner.close()
    assert first.is_closed()
    second = runner.run(_current_loop())
    assert second is not first
    runner.close()
    runner.close()
    assert second.is_closed()


def test_runner_cleans_up_pending_tasks_and_executor() -> None:
    runner = LoopRunner()
    cancelled: list[bool] = []

    async def leave_work_behind() -> None:
        async def forever() -> None:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                cancelled.append(True)
                raise

        asyncio.ensure_future(forever())
        await asyncio.get_running_loop().run_in_executor(None, lambda: None)

    runner.run(leave_work_behind())
    threads_before = threading.active_count()
    runner.close()
    assert cancelled == [True]
    assert threading.active_count() < threads_before


def test_runner_uses_a_helper_thread_inside_a_running_loop() -> None:
    runner = LoopRunner()

    async def main() -> tuple[str, asyncio.AbstractEventLoop, asyncio.AbstractEventLoop]:
        outer = asyncio.get_running_loop()
        return runner.run(_thread_name()), runner.run(_current_loop()), outer

    name, inner, outer = asyncio.run(main())
    assert name == "veloce-testclient"
    assert inner is not outer and not inner.is_closed()
    runner.close()
    assert inner.is_closed()
    assert "veloce-testclient" not in {t.name for t in threading.enumerate()}


def test_runner_helper_thread_propagates_exceptions_and_context() -> None:
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    runner = LoopRunner()

    async def read_var() -> str:
        return var.get()

    async def fail() -> None:
        raise AppError("in thread")

    async def main() -> str:
        var.set("caller")
        with pytest.raises(AppError, match="in thread"):
            runner.run(fail())
        return runner.run(read_var())

    assert asyncio.run(main()) == "caller"
    runner.close()


def test_runner_closed_while_another_loop_runs() -> None:
    runner = LoopRunner()
    loop = runner.run(_current_loop())

    async def close_inside() -> None:
        runner.close()

    asyncio.run(close_inside())
    assert loop.is_closed()


def test_garbage_collected_client_closes_its_loop() -> None:
    client = TestClient(echo_app)
    client.get("/")
    loop = client._runner._loop
    assert loop is not None and not loop.is_closed()
    del client
    gc.collect()
    assert loop.is_closed()


def test_sync_client_works_inside_an_async_test() -> None:
    async def main() -> int:
        client = TestClient(echo_app)
        try:
            return client.get("/").status_code
        finally:
            client.close()

    assert asyncio.run(main()) == 200

"""AsyncTestClient.websocket_connect: the sync session's behaviour, awaited on the test's loop."""

from __future__ import annotations

import asyncio
import typing as t

import pytest

from veloce import Veloce, WebSocket, WebSocketDisconnect, WebSocketException, abort
from veloce.testing import AsyncTestClient, WebSocketDenialResponse

T = t.TypeVar("T")


def run(coro: t.Coroutine[t.Any, t.Any, T]) -> T:
    return asyncio.run(coro)


def make_app() -> Veloce:
    app = Veloce(__name__)
    app.testing = True

    @app.websocket("/echo")
    async def echo(ws: WebSocket) -> None:
        await ws.accept(ws.negotiate_subprotocol(["v1"]), headers={"X-Hello": "1"})
        text = await ws.receive_text()
        await ws.send_text(f"echo: {text}")
        data = await ws.receive_bytes()
        await ws.send_bytes(data[::-1])
        item = await ws.receive_json()
        await ws.send_json({"got": item})
        await ws.send_json(item, mode="binary")
        await ws.send_text(ws.cookies.get("k", "-"))

    @app.websocket("/bye")
    async def bye(ws: WebSocket) -> None:
        await ws.accept()
        raise WebSocketException(code=4001, reason="bye")

    @app.websocket("/refuse")
    async def refuse(ws: WebSocket) -> None:
        await ws.close(1008)

    @app.websocket("/deny")
    async def deny(ws: WebSocket) -> None:
        abort(401)

    @app.route("/deny")
    def deny_http() -> None:
        abort(401)

    @app.websocket("/boom")
    async def boom(ws: WebSocket) -> None:
        await ws.accept()
        raise ValueError("boom")

    @app.websocket("/count")
    async def count(ws: WebSocket) -> None:
        await ws.accept()
        seen = [text async for text in ws.iter_text()]
        app.extensions["seen"] = seen

    return app


def test_conversation_with_subprotocol_headers_and_cookies() -> None:
    async def main() -> list[t.Any]:
        async with AsyncTestClient(make_app()) as client:
            client.set_cookie("k", "v")
            async with client.websocket_connect("/echo", subprotocols=["v1"]) as ws:
                out: list[t.Any] = [ws.accepted_subprotocol, dict(ws.accepted_headers)]
                await ws.send_text("hi")
                out.append(await ws.receive_text())
                await ws.send_bytes(b"abc")
                out.append(await ws.receive_bytes())
                await ws.send_json({"a": 1})
                out.append(await ws.receive_json())
                out.append(await ws.receive_json(mode="binary"))
                out.append(await ws.receive_text())
                return out

    assert run(main()) == [
        "v1", {b"x-hello": b"1"}, "echo: hi", b"cba", {"got": {"a": 1}}, {"a": 1}, "v"
    ]


def test_app_close_and_refusal_raise_disconnect() -> None:
    async def main() -> tuple[int, str | None, int]:
        async with AsyncTestClient(make_app()) as client:
            async with client.websocket_connect("/bye") as ws:
                with pytest.raises(WebSocketDisconnect) as closed:
                    await ws.receive_text()
            with pytest.raises(WebSocketDisconnect) as refused:
                async with client.websocket_connect("/refuse"):
                    pass
        return closed.value.code, closed.value.reason, refused.value.code

    assert run(main()) == (4001, "bye", 1008)


def test_abort_before_accept_is_the_apps_http_error_response() -> None:
    async def main() -> tuple[WebSocketDenialResponse, t.Any]:
        async with AsyncTestClient(make_app()) as client:
            with pytest.raises(WebSocketDenialResponse) as info:
                async with client.websocket_connect("/deny"):
                    pass
            return info.value, await client.get("/deny")

    denial, http = run(main())
    assert denial.status_code == http.status_code == 401
    assert denial.data == http.data
    assert denial.headers["Content-Type"] == http.headers["Content-Type"]


def test_app_error_propagates_after_1011() -> None:
    async def main() -> int:
        async with AsyncTestClient(make_app()) as client:
            with pytest.raises(ValueError, match="boom"):
                async with client.websocket_connect("/boom") as ws:
                    with pytest.raises(WebSocketDisconnect) as info:
                        await ws.receive_text()
                    code = info.value.code
            return code

    assert run(main()) == 1011


def test_leaving_the_block_disconnects_and_waits_for_the_app() -> None:
    app = make_app()

    async def main() -> None:
        async with AsyncTestClient(app) as client:
            async with client.websocket_connect("/count") as ws:
                await ws.send_text("a")
                await ws.send_text("b")

    run(main())
    assert app.extensions["seen"] == ["a", "b"]


def test_sessions_run_concurrently_on_one_loop() -> None:
    app = Veloce(__name__)
    app.testing = True
    room: asyncio.Queue[str] = asyncio.Queue()

    @app.websocket("/say")
    async def say(ws: WebSocket) -> None:
        await ws.accept()
        await room.put(await ws.receive_text())

    @app.websocket("/hear")
    async def hear(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text(await room.get())

    async def main() -> str:
        async with AsyncTestClient(app) as client:
            async with client.websocket_connect("/hear") as hearer:
                async with client.websocket_connect("/say") as sayer:
                    await sayer.send_text("hello")
                    return await hearer.receive_text()

    assert run(main()) == "hello"

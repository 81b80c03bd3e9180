"""How the built-in protocol writes responses, and its timers, on a mock transport.

Covers what the raw-bytes tests in test_protocol.py cannot see from the bytes alone:
the number of ``transport.write`` calls (a response head is joined with its body; a
Veloce response is written directly, without ASGI messages), HTTP/1.0 keep-alive, the
header timeout of a head that arrives behind a pipelined request, and the access log.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

import pytest
from _server_apps import app as shared_app
from test_protocol import MockTransport, _connect, _settle, run

from veloce import Veloce
from veloce.server import HttpProtocol, ServerConfig, ServerState
from veloce.server.logging import ACCESS_LOGGER

__all__: list[str] = []


class CountingTransport(MockTransport):
    """Records each ``write`` call separately."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self.closed:
            self.writes.append(bytes(data))
        super().write(data)


def _connect_counting(asgi: Any, **options: Any) -> tuple[HttpProtocol, CountingTransport]:
    loop = asyncio.get_running_loop()
    protocol = HttpProtocol(ServerConfig(**options), asgi, ServerState(), loop)
    transport = CountingTransport(loop)
    transport.protocol = protocol
    protocol.connection_made(transport)  # type: ignore[arg-type]
    return protocol, transport


def _veloce_app() -> Veloce:
    app = Veloce(__name__)

    @app.route("/")
    async def index() -> str:
        return "hello"

    @app.route("/sync")
    def sync_view() -> dict[str, int]:
        return {"n": 1}

    @app.route("/stream")
    def stream() -> Any:
        return app.response_class(iter([b"a", b"b"]))

    return app


class _SpySend:
    """ASGI middleware recording the messages that pass through ``send``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.messages: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def spy(message: Any) -> None:
            self.messages.append(message["type"])
            await send(message)

        await self.app(scope, receive, spy)


# One write per response ----------------------------------------------------------------


def test_plain_asgi_response_head_and_body_in_one_write() -> None:
    async def go() -> None:
        protocol, transport = _connect_counting(shared_app)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.buffer.endswith(b"hello"))
        assert len(transport.writes) == 1
        assert transport.writes[0].startswith(b"HTTP/1.1 200 OK\r\n")

    run(go)


def test_head_is_flushed_when_app_waits_before_the_body() -> None:
    async def go() -> None:
        release = asyncio.Event()

        async def events(scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/event-stream")]})
            await release.wait()
            await send({"type": "http.response.body", "body": b"data: 1\n\n"})

        protocol, transport = _connect_counting(events)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: b"\r\n\r\n" in transport.buffer)
        assert transport.take().startswith(b"HTTP/1.1 200 OK\r\n")  # before any body
        release.set()
        await _settle(lambda: transport.buffer.endswith(b"0\r\n\r\n"))
        assert b"data: 1" in transport.take()

    run(go)


def test_veloce_app_response_is_written_directly() -> None:
    async def go() -> None:
        app = _veloce_app()
        spy = _SpySend(app)
        protocol, transport = _connect_counting(app)
        for done, path in enumerate((b"/", b"/sync"), 1):
            protocol.data_received(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path)
            await _settle(lambda: protocol.server_state.total_requests == done)  # noqa: B023
        assert [w.split(b"\r\n", 1)[0] for w in transport.writes] == [b"HTTP/1.1 200 OK"] * 2
        direct = b"".join(transport.writes)
        # Served through an ASGI wrapper, the same app sends the same bytes via messages.
        wrapped, wrapped_transport = _connect_counting(spy)
        for done, path in enumerate((b"/", b"/sync"), 1):
            wrapped.data_received(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path)
            await _settle(lambda: wrapped.server_state.total_requests == done)  # noqa: B023
        assert spy.messages == ["http.response.start", "http.response.body"] * 2
        assert b"".join(wrapped_transport.writes) == direct

    run(go)


def test_direct_write_skipped_for_streamed_body_and_asgi_middleware() -> None:
    async def go() -> None:
        app = _veloce_app()
        protocol, transport = _connect_counting(app)
        protocol.data_received(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.buffer.endswith(b"0\r\n\r\n"))
        assert b"transfer-encoding: chunked\r\n" in transport.buffer

        seen: list[str] = []
        with_middleware = _veloce_app()

        class Record:
            def __init__(self, inner: Any) -> None:
                self.inner = inner

            async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
                async def recording(message: Any) -> None:
                    seen.append(message["type"])
                    await send(message)

                await self.inner(scope, receive, recording)

        with_middleware.add_middleware(Record)
        protocol, transport = _connect_counting(with_middleware)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.buffer.endswith(b"hello"))
        assert seen == ["http.response.start", "http.response.body"]

    run(go)


def test_subclass_overriding_call_is_not_offered_direct_writes() -> None:
    class Wrapped(Veloce):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await super().__call__(scope, receive, send)

    assert Veloce(__name__).accepts_direct_response
    assert not Wrapped(__name__).accepts_direct_response


def test_direct_write_of_head_request_has_no_body() -> None:
    async def go() -> None:
        protocol, transport = _connect_counting(_veloce_app())
        protocol.data_received(
            b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        await _settle(lambda: transport.buffer.endswith(b"hello"))
        head, get = transport.writes
        assert head.endswith(b"content-length: 5\r\n\r\n")
        assert get.endswith(b"\r\n\r\nhello")

    run(go)


# HTTP/1.0 keep-alive --------------------------------------------------------------------


@pytest.mark.parametrize("veloce_app", [False, True])
def test_http10_keep_alive_is_honoured_and_confirmed(veloce_app: bool) -> None:
    async def go() -> None:
        app = _veloce_app() if veloce_app else shared_app
        protocol, transport = _connect_counting(app)
        for _ in range(2):
            protocol.data_received(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            await _settle(lambda: transport.buffer.endswith(b"hello"))
            out = transport.take()
            assert b"connection: keep-alive\r\n" in out
            assert b"content-length: 5\r\n" in out
            assert not transport.closed

    run(go)


def test_http10_keep_alive_without_length_closes() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        await _settle(lambda: transport.closed)
        out = transport.take()
        assert b"connection: close\r\n" in out
        assert out.endswith(b"onetwothree")

    run(go)


# Timers -------------------------------------------------------------------------------


def test_partial_head_behind_pipelined_request_times_out_with_408() -> None:
    async def go() -> None:
        protocol, transport = _connect(header_timeout=0.05)
        # /slow takes 0.05 s; the next head starts arriving meanwhile and never ends.
        protocol.data_received(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHo")
        await _settle(lambda: transport.closed)
        out = transport.take()
        assert out.count(b"HTTP/1.1 200 OK") == 1
        assert b"slow" in out
        assert out.endswith(b"Request head not received in time.")

    run(go)


def test_keep_alive_timer_moves_with_each_request() -> None:
    async def go() -> None:
        protocol, transport = _connect(keep_alive_timeout=0.2, header_timeout=60)
        loop = asyncio.get_running_loop()
        started = loop.time()
        for _ in range(3):
            protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            await _settle(lambda: transport.buffer.endswith(b"hello"))
            transport.take()
            await asyncio.sleep(0.1)
        assert not transport.closed  # 0.3 s in total, but never 0.2 s idle
        assert loop.time() - started > 0.2
        await _settle(lambda: transport.closed)

    run(go)


# Access log ---------------------------------------------------------------------------


def test_access_log_covers_direct_writes(caplog: pytest.LogCaptureFixture) -> None:
    async def go() -> None:
        protocol, transport = _connect_counting(_veloce_app(), access_log=True)
        protocol.data_received(b"GET /?a=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.buffer.endswith(b"hello"))
        protocol.data_received(b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: b"404" in transport.buffer)

    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        run(go)
    lines = [r.getMessage() for r in caplog.records if r.name == ACCESS_LOGGER]
    assert lines == [
        '127.0.0.1:50000 - "GET /?a=1 HTTP/1.1" 200 OK',
        '127.0.0.1:50000 - "GET /missing HTTP/1.1" 404 Not Found',
    ]


def test_access_log_off_by_default(caplog: pytest.LogCaptureFixture) -> None:
    async def go() -> None:
        protocol, transport = _connect_counting(_veloce_app())
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.buffer.endswith(b"hello"))

    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        run(go)
    assert not [r for r in caplog.records if r.name == ACCESS_LOGGER]


# Reference cycles -----------------------------------------------------------------------


def test_requests_on_the_builtin_server_leave_no_cyclic_garbage() -> None:
    """Each finished request is freed by refcounting (see tests/test_no_cyclic_garbage.py):
    the direct-write extension must not keep scope and cycle in a loop."""

    async def go() -> int:
        protocol, transport = _connect_counting(_veloce_app())
        request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        for done in range(1, 4):
            protocol.data_received(request)
            await _settle(lambda: protocol.server_state.total_requests == done)  # noqa: B023
        gc.collect()
        gc.disable()
        try:
            for done in range(4, 34):
                protocol.data_received(request)
                await _settle(lambda: protocol.server_state.total_requests == done)  # noqa: B023
            return gc.collect()
        finally:
            gc.enable()

    assert asyncio.run(go()) == 0

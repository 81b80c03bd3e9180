"""The built-in HttpProtocol fed raw bytes through a mock transport (uvicorn's approach).

Bytes in, bytes out: every test pushes a request through ``data_received`` and asserts
on what the protocol wrote and whether it closed the transport.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from _server_apps import BIG_PART, BIG_PARTS, app

from veloce.server import HttpProtocol, ServerConfig, ServerState

__all__: list[str] = []


class MockTransport:
    """Just enough of asyncio.Transport: collects writes, records close and pausing."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.buffer = bytearray()
        self.closed = False
        self.read_paused = False
        self.protocol: HttpProtocol | None = None

    def get_extra_info(self, key: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            key, default
        )

    def write(self, data: bytes) -> None:
        if not self.closed:
            self.buffer += data

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            assert self.protocol is not None
            self.loop.call_soon(self.protocol.connection_lost, None)

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        self.read_paused = True

    def resume_reading(self) -> None:
        self.read_paused = False

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.high = high

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def _connect(
    asgi: Any = app, state: ServerState | None = None, **options: Any
) -> tuple[HttpProtocol, MockTransport]:
    loop = asyncio.get_running_loop()
    protocol = HttpProtocol(ServerConfig(**options), asgi, state or ServerState(), loop)
    transport = MockTransport(loop)
    transport.protocol = protocol
    protocol.connection_made(transport)  # type: ignore[arg-type]
    return protocol, transport


async def _settle(until: Callable[[], bool] | None = None) -> None:
    """Let tasks run: until the condition holds, or a few loop turns when none is given."""
    for _ in range(200):
        await asyncio.sleep(0)
        if until is not None and until():
            return
    if until is not None:
        for _ in range(100):
            await asyncio.sleep(0.01)
            if until():
                return
        raise AssertionError("condition never became true")


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(test())


def _body_of(response: bytes) -> bytes:
    return response.partition(b"\r\n\r\n")[2]


# Requests and responses ---------------------------------------------------------------


def test_get_content_length_response() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: b"hello" in transport.buffer)
        out = transport.take()
        assert out.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"content-length: 5\r\n" in out
        assert b"connection: close" not in out
        assert out.endswith(b"\r\n\r\nhello")
        assert not transport.closed

    run(go)


def test_scope_fields() -> None:
    async def go() -> None:
        captured: dict[str, Any] = {}

        async def capture(scope: Any, receive: Any, send: Any) -> None:
            captured.update(scope)
            await app(scope, receive, send)

        state = ServerState(app_state={"db": 1})
        protocol, transport = _connect(capture, state, root_path="/mnt")
        protocol.data_received(
            b"GET /a%20b/%C3%A9?x=1&y=%20 HTTP/1.1\r\nHost: x\r\nX-Up: V\r\n\r\n"
        )
        await _settle(lambda: bool(transport.buffer))
        assert captured["type"] == "http"
        assert captured["asgi"] == {"version": "3.0", "spec_version": "2.3"}
        assert captured["http_version"] == "1.1"
        assert captured["method"] == "GET"
        assert captured["scheme"] == "http"
        assert captured["path"] == "/mnt/a b/é"
        assert captured["raw_path"] == b"/mnt/a%20b/%C3%A9"
        assert captured["query_string"] == b"x=1&y=%20"
        assert captured["root_path"] == "/mnt"
        assert captured["headers"] == [(b"host", b"x"), (b"x-up", b"V")]
        assert captured["server"] == ("127.0.0.1", 8000)
        assert captured["client"] == ("127.0.0.1", 50000)
        assert captured["state"] == {"db": 1}
        assert captured["state"] is not state.app_state

    run(go)


def test_keep_alive_serves_sequential_requests() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        for _ in range(2):
            protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            await _settle(lambda: transport.buffer.endswith(b"hello"))
            assert transport.take().startswith(b"HTTP/1.1 200 OK")
        assert not transport.closed

    run(go)


def test_pipelined_requests_answered_in_order() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(
            b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        await _settle(lambda: transport.buffer.endswith(b"hello"))
        out = bytes(transport.buffer)
        assert out.index(b"slow") < out.index(b"abc") < out.index(b"hello")
        assert out.count(b"HTTP/1.1 200 OK") == 3
        assert not transport.read_paused

    run(go)


def test_chunked_request_body() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\nabc\r\n"
        )
        protocol.data_received(b"4\r\ndefg\r\n0\r\n\r\n")
        await _settle(lambda: transport.buffer.endswith(b"abcdefg"))
        assert b"content-length: 7\r\n" in transport.buffer

    run(go)


def test_streaming_response_is_chunked() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.buffer.endswith(b"0\r\n\r\n"))
        out = transport.take()
        assert b"transfer-encoding: chunked\r\n" in out
        assert _body_of(out) == b"3\r\none\r\n3\r\ntwo\r\n5\r\nthree\r\n0\r\n\r\n"
        assert not transport.closed

    run(go)


def test_head_response_has_headers_but_no_body() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.buffer.endswith(b"\r\n\r\n"))
        await _settle()
        out = transport.take()
        assert b"content-length: 5\r\n" in out
        assert out.endswith(b"\r\n\r\n")
        protocol.data_received(b"HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle()
        out = transport.take()
        assert b"transfer-encoding" not in out
        assert out.endswith(b"\r\n\r\n")
        assert not transport.closed

    run(go)


def test_expect_100_continue_sent_when_app_reads() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
        )
        await _settle(lambda: bool(transport.buffer))
        assert transport.take() == b"HTTP/1.1 100 Continue\r\n\r\n"
        protocol.data_received(b"ok")
        await _settle(lambda: transport.buffer.endswith(b"ok"))
        assert transport.take().startswith(b"HTTP/1.1 200 OK")

    run(go)


def test_expect_100_continue_skipped_when_app_does_not_read() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(
            b"POST /no-read HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 100000\r\n\r\n"
        )
        await _settle(lambda: transport.closed)
        out = transport.take()
        assert out.startswith(b"HTTP/1.1 413 Request Entity Too Large\r\n")
        assert b"100 Continue" not in out
        assert b"connection: close\r\n" in out

    run(go)


def test_http10_request_closes_after_response() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET /scope HTTP/1.0\r\n\r\n")
        await _settle(lambda: transport.closed)
        out = transport.take()
        assert b"connection: close\r\n" in out
        assert json.loads(_body_of(out))["http_version"] == "1.0"

    run(go)


def test_http10_streaming_response_is_delimited_by_close() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET /stream HTTP/1.0\r\n\r\n")
        await _settle(lambda: transport.closed)
        out = transport.take()
        assert b"transfer-encoding" not in out
        assert _body_of(out) == b"onetwothree"

    run(go)


def test_connection_close_request_closes() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await _settle(lambda: transport.closed)
        out = transport.take()
        assert b"connection: close\r\n" in out
        assert out.endswith(b"hello")

    run(go)


def test_connection_close_from_app_closes() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET /close HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.closed)
        assert transport.take().count(b"connection: close") == 1

    run(go)


def test_client_disconnect_reaches_receive() -> None:
    async def go() -> None:
        messages: list[Any] = []

        async def watcher(scope: Any, receive: Any, send: Any) -> None:
            messages.append(await receive())
            messages.append(await receive())

        protocol, transport = _connect(watcher)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: len(messages) == 1)
        assert messages[0] == {"type": "http.request", "body": b"", "more_body": False}
        protocol.connection_lost(None)
        await _settle(lambda: len(messages) == 2)
        assert messages[1] == {"type": "http.disconnect"}
        assert protocol not in protocol.server_state.connections

    run(go)


def test_send_waits_while_writing_is_paused() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.pause_writing()
        protocol.data_received(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle()
        assert transport.buffer == b""
        protocol.resume_writing()
        await _settle(lambda: len(_body_of(bytes(transport.buffer))) >= len(BIG_PART))
        protocol.pause_writing()
        await _settle()
        written = len(transport.buffer)
        await _settle()
        assert len(transport.buffer) == written
        protocol.resume_writing()
        await _settle(lambda: len(_body_of(bytes(transport.buffer))) == len(BIG_PART) * BIG_PARTS)

    run(go)


def test_large_request_body_pauses_reading() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        size = 200_000
        head = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
        protocol.data_received(head % size)
        protocol.data_received(b"a" * 100_000)
        assert transport.read_paused
        protocol.data_received(b"a" * 100_000)
        await _settle(lambda: transport.buffer.endswith(b"a" * 1000))
        assert len(_body_of(bytes(transport.buffer))) == size
        assert not transport.read_paused

    run(go)


def test_app_exception_before_start_is_500() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET /error HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.closed)
        out = transport.take()
        assert out.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
        assert b"Traceback" not in out

    run(go)


def test_app_exception_after_start_closes() -> None:
    async def go() -> None:
        async def broken(scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise RuntimeError("mid-stream")

        protocol, transport = _connect(broken)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.closed)
        assert transport.take().count(b"HTTP/1.1") == 1

    run(go)


def test_response_longer_than_content_length_closes() -> None:
    async def go() -> None:
        async def liar(scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", b"1")]})
            await send({"type": "http.response.body", "body": b"too long"})

        protocol, transport = _connect(liar)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.closed)
        assert b"too long" not in transport.take()

    run(go)


# Malformed input and limits -----------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xff garbage \r\n\r\n",
        b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["garbage", "header-without-colon", "bad-version", "bad-length", "bad-chunk"],
)
def test_malformed_request_is_400_and_closed(raw: bytes) -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(raw)
        await _settle()
        out = transport.take()
        assert out.startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert b"connection: close\r\n" in out
        assert transport.closed

    run(go)


def test_request_target_too_long_is_414() -> None:
    async def go() -> None:
        protocol, transport = _connect(max_request_line=100)
        protocol.data_received(b"GET /" + b"a" * 200 + b" HTTP/1.1\r\n\r\n")
        assert transport.take().startswith(b"HTTP/1.1 414 ")
        assert transport.closed

    run(go)


def test_header_block_too_large_is_431() -> None:
    async def go() -> None:
        protocol, transport = _connect(max_header_size=100)
        protocol.data_received(b"GET / HTTP/1.1\r\nX-Big: " + b"v" * 200 + b"\r\n\r\n")
        assert transport.take().startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert transport.closed

    run(go)


def test_too_many_headers_is_431() -> None:
    async def go() -> None:
        protocol, transport = _connect(max_header_count=5)
        headers = b"".join(b"X-%d: v\r\n" % i for i in range(6))
        protocol.data_received(b"GET / HTTP/1.1\r\n" + headers + b"\r\n")
        assert transport.take().startswith(b"HTTP/1.1 431 ")
        assert transport.closed

    run(go)


def test_declared_body_over_limit_is_413_without_running_app() -> None:
    async def go() -> None:
        calls: list[Any] = []

        async def never(scope: Any, receive: Any, send: Any) -> None:
            calls.append(scope)

        protocol, transport = _connect(never, max_body_size=10)
        protocol.data_received(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")
        await _settle()
        assert transport.take().startswith(b"HTTP/1.1 413 ")
        assert transport.closed
        assert calls == []

    run(go)


def test_chunked_body_over_limit_is_413() -> None:
    async def go() -> None:
        protocol, transport = _connect(max_body_size=10)
        protocol.data_received(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n"
        )
        protocol.data_received(b"8\r\n12345678\r\n")
        await _settle(lambda: transport.closed)
        assert transport.take().startswith(b"HTTP/1.1 413 ")

    run(go)


def test_partial_head_times_out_with_408() -> None:
    async def go() -> None:
        protocol, transport = _connect(header_timeout=0.01)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost:")
        await _settle(lambda: transport.closed)
        assert transport.take().startswith(b"HTTP/1.1 408 Request Timeout\r\n")

    run(go)


def test_silent_connection_times_out_without_response() -> None:
    async def go() -> None:
        protocol, transport = _connect(header_timeout=0.01)
        await _settle(lambda: transport.closed)
        assert transport.take() == b""

    run(go)


def test_idle_keep_alive_connection_times_out() -> None:
    async def go() -> None:
        protocol, transport = _connect(keep_alive_timeout=0.01, header_timeout=60)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: transport.closed)
        assert transport.take().endswith(b"hello")

    run(go)


def test_connection_over_cap_gets_503() -> None:
    async def go() -> None:
        state = ServerState()
        first, first_transport = _connect(state=state, max_connections=1)
        second, second_transport = _connect(state=state, max_connections=1)
        assert second_transport.take().startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert second_transport.closed
        assert state.connections == {first}
        first.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle(lambda: first_transport.buffer.endswith(b"hello"))
        assert state.total_requests == 1

    run(go)


def test_shutdown_closes_idle_and_finishes_active() -> None:
    async def go() -> None:
        protocol, transport = _connect()
        protocol.data_received(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        await _settle()
        protocol.shutdown()
        assert not transport.closed
        await _settle(lambda: transport.closed)
        out = transport.take()
        assert out.endswith(b"slow")
        assert b"connection: close\r\n" in out
        idle, idle_transport = _connect()
        idle.shutdown()
        assert idle_transport.closed

    run(go)

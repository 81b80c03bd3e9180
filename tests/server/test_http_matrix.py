"""One HTTP/1.1 behaviour matrix, run over real loopback sockets against two servers.

Each server (the built-in ``veloce.server`` and uvicorn) runs in-process on its own
event loop in a background thread, bound to a free port, and is stopped at the end of
the module. The client side is raw sockets: bytes in, bytes out. A few limit tests
apply only to the built-in server (uvicorn has no header timeout or body limit).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from _server_apps import BIG_PART, BIG_PARTS, DISCONNECTED, app
from _servers import HOST, WAIT, BuiltinServer, UvicornServer

__all__: list[str] = []


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    chunked: bool = False
    raw_head: bytes = field(default=b"", repr=False)


@pytest.fixture(scope="module", params=["builtin", "uvicorn"])
def server(request: pytest.FixtureRequest) -> Iterator[Any]:
    running = BuiltinServer(app) if request.param == "builtin" else UvicornServer(app)
    try:
        yield running
    finally:
        running.stop()


class Client:
    """A raw-socket HTTP client that reads responses off one buffered stream."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=WAIT)
        self.stream = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_line(self) -> bytes:
        return self.stream.readline()

    def read_response(self, method: str = "GET") -> Response:
        head = bytearray()
        status_line = self.read_line()
        assert status_line.startswith(b"HTTP/1."), status_line
        head += status_line
        headers: dict[str, str] = {}
        while True:
            line = self.read_line()
            head += line
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(status_line.split()[1])
        if method == "HEAD" or status in (204, 304) or status < 200:
            return Response(status, headers, b"", raw_head=bytes(head))
        if headers.get("transfer-encoding") == "chunked":
            return Response(status, headers, self._read_chunks(), True, bytes(head))
        if "content-length" in headers:
            body = self.stream.read(int(headers["content-length"]))
            return Response(status, headers, body, raw_head=bytes(head))
        return Response(status, headers, self.stream.read(), raw_head=bytes(head))

    def _read_chunks(self) -> bytes:
        body = bytearray()
        while True:
            size = int(self.read_line().split(b";")[0], 16)
            if size == 0:
                while self.read_line() not in (b"\r\n", b""):
                    pass
                return bytes(body)
            body += self.stream.read(size)
            assert self.stream.read(2) == b"\r\n"

    def at_eof(self) -> bool:
        """True once the server has closed the connection."""
        return self.stream.read(1) == b""

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


@pytest.fixture
def client(server: Any) -> Iterator[Client]:
    connection = Client(server.port)
    try:
        yield connection
    finally:
        connection.close()


GET = b"GET %b HTTP/1.1\r\nHost: test\r\n\r\n"


# The matrix: every test runs against both servers ---------------------------------------


def test_simple_get(client: Client) -> None:
    client.send(GET % b"/")
    response = client.read_response()
    assert (response.status, response.body) == (200, b"hello")
    assert response.headers["content-length"] == "5"


def test_scope_path_is_percent_decoded(client: Client) -> None:
    client.send(GET % b"/scope/a%20b/%C3%A9?q=%20x")
    info = json.loads(client.read_response().body)
    assert info["path"] == "/scope/a b/é"
    assert info["raw_path"] == "/scope/a%20b/%C3%A9"
    assert info["query_string"] == "q=%20x"
    assert info["http_version"] == "1.1"
    assert ["host", "test"] in info["headers"]


def test_keep_alive_reuses_connection(client: Client) -> None:
    for _ in range(3):
        client.send(GET % b"/")
        assert client.read_response().body == b"hello"


def test_pipelined_requests_answered_in_order(client: Client) -> None:
    client.send(
        GET % b"/slow"
        + b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\n\r\nbody"
        + GET % b"/"
    )
    assert [client.read_response().body for _ in range(3)] == [b"slow", b"body", b"hello"]


def test_chunked_request_body(client: Client) -> None:
    client.send(b"POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n")
    client.send(b"5\r\nhello\r\n")
    client.send(b"6\r\n world\r\n0\r\n\r\n")
    assert client.read_response().body == b"hello world"


def test_streaming_response_is_chunked(client: Client) -> None:
    client.send(GET % b"/stream")
    response = client.read_response()
    assert response.chunked
    assert response.body == b"onetwothree"
    client.send(GET % b"/")
    assert client.read_response().body == b"hello"


def test_head_has_no_body(client: Client) -> None:
    client.send(b"HEAD / HTTP/1.1\r\nHost: test\r\n\r\n")
    response = client.read_response("HEAD")
    assert response.status == 200
    assert response.headers["content-length"] == "5"
    client.send(GET % b"/")
    assert client.read_response().body == b"hello"


def test_expect_100_continue(client: Client) -> None:
    client.send(
        b"POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
    )
    interim = client.read_response()
    assert interim.status == 100
    client.send(b"12345")
    assert client.read_response().body == b"12345"


def test_request_connection_close(client: Client) -> None:
    client.send(b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
    response = client.read_response()
    assert response.body == b"hello"
    assert response.headers["connection"] == "close"
    assert client.at_eof()


def test_app_connection_close(client: Client) -> None:
    client.send(GET % b"/close")
    assert client.read_response().body == b"bye"
    assert client.at_eof()


def test_http10_client(client: Client) -> None:
    client.send(b"GET /scope HTTP/1.0\r\n\r\n")
    response = client.read_response()
    assert json.loads(response.body)["http_version"] == "1.0"
    assert client.at_eof()


def test_garbage_is_400_and_closed(client: Client) -> None:
    client.send(b"\x16\x03\x01\x00\xa5 not http at all\r\n\r\n")
    response = client.read_response()
    assert response.status == 400
    assert b"Traceback" not in response.body
    assert client.at_eof()


def test_app_error_is_500(client: Client) -> None:
    client.send(GET % b"/error")
    response = client.read_response()
    assert response.status == 500
    assert b"boom" not in response.body


def test_large_response_arrives_whole(client: Client) -> None:
    # 1 MiB through a 64 KiB write high-water mark: send() must wait for drains.
    client.send(GET % b"/big")
    response = client.read_response()
    assert response.body == BIG_PART * BIG_PARTS
    client.send(GET % b"/")
    assert client.read_response().body == b"hello"


def test_client_disconnect_is_reported_to_app(client: Client) -> None:
    DISCONNECTED.clear()
    client.send(GET % b"/wait-disconnect")
    client.sock.shutdown(socket.SHUT_RDWR)
    client.close()
    assert DISCONNECTED.wait(WAIT)


# Built-in server only: limits uvicorn does not have -------------------------------------


@pytest.fixture(scope="module")
def limited() -> Iterator[BuiltinServer]:
    running = BuiltinServer(app, header_timeout=0.2, max_body_size=1000, max_header_count=20)
    try:
        yield running
    finally:
        running.stop()


def test_slow_header_client_timed_out_while_others_served(limited: BuiltinServer) -> None:
    slow = Client(limited.port)
    fast = Client(limited.port)
    try:
        slow.send(b"GET / HTTP/1.1\r\nHost: te")
        fast.send(GET % b"/")
        assert fast.read_response().body == b"hello"
        response = slow.read_response()
        assert response.status == 408
        assert slow.at_eof()
        fast.send(GET % b"/")
        assert fast.read_response().body == b"hello"
    finally:
        slow.close()
        fast.close()


def test_body_over_limit_is_413_without_reading_it(limited: BuiltinServer) -> None:
    client = Client(limited.port)
    try:
        client.send(b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n\r\n")
        response = client.read_response()
        assert response.status == 413
        assert response.headers["connection"] == "close"
        assert client.at_eof()
    finally:
        client.close()


def test_too_many_headers_is_431(limited: BuiltinServer) -> None:
    client = Client(limited.port)
    try:
        headers = b"".join(b"X-%d: v\r\n" % i for i in range(30))
        client.send(b"GET / HTTP/1.1\r\n" + headers + b"\r\n")
        assert client.read_response().status == 431
        assert client.at_eof()
    finally:
        client.close()


def test_http10_keep_alive_client(client: Client, server: Any) -> None:
    """An HTTP/1.0 client asking for keep-alive: the server may keep or close (RFC 9112
    §9.3), but must say which. The built-in server keeps it; uvicorn closes."""
    for _ in range(2):
        client.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        response = client.read_response()
        assert response.body == b"hello"
        kept = response.headers["connection"].lower() == "keep-alive"
        assert kept == isinstance(server, BuiltinServer)
        if not kept:
            assert response.headers["connection"].lower() == "close"
            assert client.at_eof()
            return

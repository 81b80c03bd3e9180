"""RFC 6455 WebSocket behaviour of the built-in server, checked against uvicorn too.

A plain ASGI echo app runs in-process behind each server (the built-in ``veloce.server``
and uvicorn with ``ws="wsproto"``) on a free port. The client is a raw socket doing the
opening handshake and writing masked frames by hand, so fragmentation, control frames
and close codes are exactly what the test says they are.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from _servers import HOST, WAIT, BuiltinServer, UvicornServer

from veloce.server import ws_protocol

__all__: list[str] = []
MAX_SIZE = 1024
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#: Close codes seen by the app, per request path (written from the server thread).
DISCONNECTS: dict[str, list[int]] = {}
DISCONNECTED = threading.Condition()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Echo websocket messages; a few paths exercise the other ASGI messages."""
    if scope["type"] == "http":
        await receive()
        body = b"plain http"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})
        return
    assert scope["type"] == "websocket"
    path = scope["path"]
    assert (await receive())["type"] == "websocket.connect"
    if path == "/reject":
        await send({"type": "websocket.close"})
        return
    if path == "/boom-before":
        raise RuntimeError("failed before accept")
    if path == "/deny":
        # The websocket.http.response extension: a full HTTP answer to the handshake.
        assert "websocket.http.response" in scope["extensions"]
        await send({"type": "websocket.http.response.start", "status": 401,
                    "headers": [(b"www-authenticate", b"Bearer"), (b"content-length", b"9")]})
        await send({"type": "websocket.http.response.body", "body": b"no ", "more_body": True})
        await send({"type": "websocket.http.response.body", "body": b"entry", "more_body": True})
        await send({"type": "websocket.http.response.body", "body": b"!"})
        return
    subprotocols = scope["subprotocols"]
    await send({
        "type": "websocket.accept",
        "subprotocol": subprotocols[-1] if subprotocols else None,
        "headers": [(b"x-accepted", b"yes")],
    })
    if path == "/scope":
        info = {key: scope[key] for key in ("path", "raw_path", "query_string", "scheme")}
        info["raw_path"] = info["raw_path"].decode()
        info["query_string"] = info["query_string"].decode()
        info["subprotocols"] = subprotocols
        await send({"type": "websocket.send", "text": json.dumps(info)})
    elif path == "/boom-after":
        raise RuntimeError("failed after accept")
    elif path == "/return":
        return
    elif path == "/server-close":
        await send({"type": "websocket.close", "code": 4001, "reason": "bye"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            with DISCONNECTED:
                DISCONNECTS.setdefault(path, []).append(message["code"])
                DISCONNECTED.notify_all()
            return
        if message.get("text") is not None:
            await send({"type": "websocket.send", "text": message["text"]})
        else:
            await send({"type": "websocket.send", "bytes": message["bytes"]})


def builtin_server(asgi_app: Any = None) -> BuiltinServer:
    return BuiltinServer(app if asgi_app is None else asgi_app, ws_max_size=MAX_SIZE)


def uvicorn_server(asgi_app: Any = None) -> UvicornServer:
    return UvicornServer(
        app if asgi_app is None else asgi_app,
        ws="wsproto",
        ws_max_size=MAX_SIZE,
        ws_ping_interval=None,
    )


@pytest.fixture(scope="module", params=["builtin", "uvicorn"])
def server(request: pytest.FixtureRequest) -> Iterator[Any]:
    running = builtin_server() if request.param == "builtin" else uvicorn_server()
    try:
        yield running
    finally:
        running.stop()


class WSClient:
    """A hand-written RFC 6455 client: handshake, masked frames, raw frame reads."""

    def __init__(
        self,
        port: int,
        path: str = "/",
        *,
        protocols: str | None = None,
        early: bytes = b"",
        origin: str | None = None,
    ) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=WAIT)
        self.stream = self.sock.makefile("rb")
        key = base64.b64encode(os.urandom(16))
        head = (
            b"GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
            % (path.encode(), key)
        )
        if protocols:
            head += b"Sec-WebSocket-Protocol: %s\r\n" % protocols.encode()
        if origin:
            head += b"Origin: %s\r\n" % origin.encode()
        self.sock.sendall(head + b"\r\n" + early)
        self.status, self.headers = self._read_head()
        self.key = key

    def _read_head(self) -> tuple[int, dict[str, str]]:
        status = int(self.stream.readline().split()[1])
        headers: dict[str, str] = {}
        while True:
            line = self.stream.readline()
            if line in (b"\r\n", b""):
                return status, headers
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()

    def accept_ok(self) -> bool:
        expected = base64.b64encode(hashlib.sha1(self.key + GUID).digest()).decode()
        return self.status == 101 and self.headers.get("sec-websocket-accept") == expected

    def send_frame(self, opcode: int, payload: bytes, *, fin: bool = True) -> None:
        mask = os.urandom(4)
        length = len(payload)
        head = bytes([(0x80 if fin else 0) | opcode])
        if length < 126:
            head += bytes([0x80 | length])
        elif length < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", length)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send_close(self, code: int, reason: bytes = b"") -> None:
        self.send_frame(0x8, struct.pack("!H", code) + reason)

    def read_frame(self) -> tuple[int, bytes]:
        first, second = self.stream.read(2)
        assert second & 0x80 == 0, "server frames must not be masked"
        assert first & 0x80, "server sent a fragment"
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self.stream.read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self.stream.read(8))
        return first & 0x0F, self.stream.read(length)

    def read_close(self) -> tuple[int, bytes]:
        opcode, payload = self.read_frame()
        assert opcode == 0x8, (opcode, payload)
        return struct.unpack("!H", payload[:2])[0], payload[2:]

    def read_body(self) -> bytes:
        """The rest of a refused handshake's response body (the server then closes)."""
        if "content-length" in self.headers:
            return self.stream.read(int(self.headers["content-length"]))
        body = b""
        while True:  # chunked
            size = int(self.stream.readline().split(b";")[0], 16)
            chunk = self.stream.read(size + 2)[:size]
            if not size:
                return body
            body += chunk

    def at_eof(self) -> bool:
        return self.stream.read(1) == b""

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


@pytest.fixture
def connect(server: Any) -> Iterator[Any]:
    clients: list[WSClient] = []

    def open_client(path: str = "/", **options: Any) -> WSClient:
        client = WSClient(server.port, path, **options)
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        client.close()


def _wait_disconnect(path: str) -> int:
    with DISCONNECTED:
        assert DISCONNECTED.wait_for(lambda: DISCONNECTS.get(path), WAIT)
        return DISCONNECTS[path].pop(0)


def test_handshake_and_scope(connect: Any) -> None:
    client = connect("/scope?a=1&b=%20", protocols="chat, superchat")
    assert client.accept_ok()
    assert client.headers["x-accepted"] == "yes"
    assert client.headers["sec-websocket-protocol"] == "superchat"
    opcode, payload = client.read_frame()
    assert opcode == 0x1
    assert json.loads(payload) == {
        "path": "/scope",
        "raw_path": "/scope",
        "query_string": "a=1&b=%20",
        "scheme": "ws",
        "subprotocols": ["chat", "superchat"],
    }


def test_echo_text_and_bytes(connect: Any) -> None:
    client = connect("/echo")
    assert client.accept_ok()
    client.send_frame(0x1, "héllo".encode())
    assert client.read_frame() == (0x1, "héllo".encode())
    client.send_frame(0x2, b"\x00\xffbin")
    assert client.read_frame() == (0x2, b"\x00\xffbin")
    big = os.urandom(MAX_SIZE)  # exactly the limit is allowed; uses a 16-bit length
    client.send_frame(0x2, big)
    assert client.read_frame() == (0x2, big)


def test_ping_answered_with_pong(connect: Any) -> None:
    client = connect("/echo")
    client.send_frame(0x9, b"are you there")
    assert client.read_frame() == (0xA, b"are you there")
    client.send_frame(0x1, b"after")
    assert client.read_frame() == (0x1, b"after")


def test_fragmented_message_reassembled(connect: Any) -> None:
    client = connect("/echo")
    client.send_frame(0x1, b"frag", fin=False)
    client.send_frame(0x9, b"mid")  # control frames may interleave fragments
    client.send_frame(0x0, b"men", fin=False)
    client.send_frame(0x0, b"ted", fin=True)
    assert client.read_frame() == (0xA, b"mid")
    assert client.read_frame() == (0x1, b"fragmented")
    client.send_frame(0x2, b"\x01", fin=False)
    client.send_frame(0x0, b"\x02", fin=True)
    assert client.read_frame() == (0x2, b"\x01\x02")


def test_client_close_echoed_and_reported(connect: Any) -> None:
    client = connect("/client-close")
    client.send_close(4002, b"done")
    assert client.read_close() == (4002, b"done")
    assert client.at_eof()
    assert _wait_disconnect("/client-close") == 4002


def test_server_close_code_and_reason(connect: Any) -> None:
    client = connect("/server-close")
    assert client.read_close() == (4001, b"bye")
    client.send_close(4001)
    assert client.at_eof()


def test_oversize_message_closes_1009(connect: Any) -> None:
    client = connect("/oversize")
    client.send_frame(0x2, b"x" * 600, fin=False)
    client.send_frame(0x0, b"x" * 600, fin=True)
    code, _ = client.read_close()
    assert code == 1009
    assert _wait_disconnect("/oversize") == 1009


def test_oversize_text_counts_utf8_bytes(connect: Any) -> None:
    client = connect("/oversize-text")
    client.send_frame(0x1, ("é" * (MAX_SIZE // 2 + 1)).encode())
    code, _ = client.read_close()
    assert code == 1009


def test_invalid_utf8_closes_1007(server: Any, connect: Any) -> None:
    if server.name == "uvicorn":
        pytest.skip("uvicorn drops the connection without the 1007 close frame RFC 6455 asks")
    client = connect("/echo")
    client.send_frame(0x1, b"\xff\xfe")
    code, _ = client.read_close()
    assert code == 1007


def test_close_before_accept_is_403(connect: Any) -> None:
    client = connect("/reject")
    assert client.status == 403
    assert client.at_eof()


def test_transport_loss_reports_1006(server: Any, connect: Any) -> None:
    client = connect("/lost")
    assert client.accept_ok()
    client.sock.shutdown(socket.SHUT_RDWR)
    client.close()
    # RFC 6455 §7.1.5: no close frame received means 1006; uvicorn reports 1005.
    assert _wait_disconnect("/lost") == (1006 if server.name == "builtin" else 1005)


def test_bad_version_rejected(server: Any) -> None:
    with socket.create_connection((HOST, server.port), timeout=WAIT) as sock:
        sock.sendall(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"
        )
        response = sock.makefile("rb").read()
    assert response.split()[1] == b"426"
    assert b"sec-websocket-version: 13" in response.lower()


def test_plain_http_still_served(server: Any) -> None:
    with socket.create_connection((HOST, server.port), timeout=WAIT) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        response = sock.makefile("rb").read()
    assert response.startswith(b"HTTP/1.1 200")
    assert response.endswith(b"plain http")


def test_without_wsproto_upgrade_is_plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ws_protocol, "_available", False)
    running = builtin_server()
    try:
        client = WSClient(running.port, "/echo")
        assert client.status == 200
        client.close()
    finally:
        running.stop()


def test_frames_sent_with_the_handshake(server: Any, connect: Any) -> None:
    if server.name == "uvicorn":
        pytest.skip("uvicorn's wsproto handshake drops frames sent with the request head")
    mask = b"\x01\x02\x03\x04"
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(b"early"))
    client = connect("/echo", early=b"\x81\x85" + mask + masked)
    assert client.accept_ok()
    assert client.read_frame() == (0x1, b"early")


def test_app_error_before_accept_is_500(server: Any, connect: Any) -> None:
    if server.name == "uvicorn":
        pytest.skip("uvicorn drops the connection instead (no close frame / no 500)")
    client = connect("/boom-before")
    assert client.status == 500
    assert client.at_eof()


def test_app_error_after_accept_closes_1011(server: Any, connect: Any) -> None:
    if server.name == "uvicorn":
        pytest.skip("uvicorn drops the connection instead (no close frame / no 500)")
    client = connect("/boom-after")
    assert client.accept_ok()
    assert client.read_close()[0] == 1011


def test_app_return_after_accept_closes_1000(server: Any, connect: Any) -> None:
    if server.name == "uvicorn":
        pytest.skip("uvicorn drops the connection instead (no close frame / no 500)")
    client = connect("/return")
    assert client.accept_ok()
    assert client.read_close()[0] == 1000


def test_server_shutdown_closes_1012() -> None:
    running = builtin_server()
    try:
        client = WSClient(running.port, "/shutdown")
        assert client.accept_ok()
        client.send_frame(0x1, b"ping")
        assert client.read_frame() == (0x1, b"ping")

        async def shutdown() -> None:
            for connection in list(running.state.connections):
                connection.shutdown()

        running.call(shutdown())
        assert client.read_close()[0] == 1012
        client.send_close(1012)
        assert client.at_eof()
        assert _wait_disconnect("/shutdown") == 1012
        client.close()
    finally:
        running.stop()


@pytest.mark.parametrize(
    "server_class", [builtin_server, uvicorn_server], ids=["builtin", "uvicorn"]
)
def test_veloce_websocket_route_runs_on_both_servers(server_class: Any) -> None:
    """The same Veloce app's WebSocket route answers on the built-in server and uvicorn."""
    from veloce import Veloce, WebSocket

    veloce_app = Veloce(__name__)

    @veloce_app.websocket("/chat/<room>")
    async def chat(ws: WebSocket, room: str) -> None:
        await ws.accept(subprotocol=ws.negotiate_subprotocol(["chat.v1"]))
        async for message in ws.iter_text():
            await ws.send_text(f"{room}:{message}")

    running = server_class(veloce_app)
    try:
        client = WSClient(running.port, "/chat/lobby", protocols="chat.v1")
        try:
            assert client.accept_ok()
            assert client.headers.get("sec-websocket-protocol") == "chat.v1"
            client.send_frame(0x1, b"hello")
            assert client.read_frame() == (0x1, b"lobby:hello")
            client.send_close(1000)
            assert client.read_close()[0] == 1000
        finally:
            client.close()
    finally:
        running.stop()


def test_denial_response_extension(connect: Any) -> None:
    client = connect("/deny")
    assert client.status == 401
    assert client.headers["www-authenticate"] == "Bearer"
    assert client.read_body() == b"no entry!"
    assert client.at_eof()


def _veloce_app() -> Any:
    from veloce import Veloce, WebSocket, WebSocketOriginMiddleware, abort

    veloce_app = Veloce(__name__)
    veloce_app.add_middleware(WebSocketOriginMiddleware, allowed_origins=["https://a.test"])

    @veloce_app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        if ws.query_params.get("token") != "t":
            abort(401)
        await ws.accept()
        await ws.send_text("hello")

    @veloce_app.route("/http")
    def http_view() -> None:
        abort(401)

    return veloce_app


@pytest.fixture(scope="module", params=["builtin", "uvicorn"])
def veloce_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    factory = builtin_server if request.param == "builtin" else uvicorn_server
    running = factory(_veloce_app())
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("origin", "status"),
    [("https://a.test", 101), (None, 101), ("https://evil.test", 403), ("null", 403)],
)
def test_origin_middleware_on_both_servers(
    veloce_server: Any, origin: str | None, status: int
) -> None:
    client = WSClient(veloce_server.port, "/ws?token=t", origin=origin)
    try:
        assert client.status == status
        if status == 101:
            assert client.accept_ok()
            assert client.read_frame() == (0x1, b"hello")
    finally:
        client.close()


def test_abort_before_accept_is_an_http_response_on_both_servers(veloce_server: Any) -> None:
    with socket.create_connection((HOST, veloce_server.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /http HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        http = sock.makefile("rb").read()
    http_status = int(http.split()[1])
    http_body = http.partition(b"\r\n\r\n")[2]
    client = WSClient(veloce_server.port, "/ws", origin="https://a.test")
    try:
        # The same answer as the app gives an HTTP request that aborts with 401.
        assert client.status == http_status == 401
        assert client.headers["content-type"].encode() in http
        assert client.read_body() == http_body
        assert client.at_eof()
    finally:
        client.close()

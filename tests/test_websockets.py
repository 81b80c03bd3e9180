"""App-side WebSockets: routing, the handshake state machine and the test client session."""

from __future__ import annotations

import asyncio
import typing as t

import pytest

from veloce import Veloce, WebSocket, WebSocketDisconnect, WebSocketException
from veloce.core.websockets import WebSocketState, truncate_close_reason
from veloce.globals import current_app
from veloce.testing import TestClient

_clients: list[TestClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> t.Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def client_for(app: Veloce) -> TestClient:
    client = app.test_client()
    _clients.append(client)
    return client


def make_app() -> Veloce:
    app = Veloce(__name__)
    app.testing = True
    return app


def test_echo_text_and_bytes() -> None:
    app = make_app()

    @app.websocket("/ws")
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        text = await ws.receive_text()
        await ws.send_text(f"echo: {text}")
        data = await ws.receive_bytes()
        await ws.send_bytes(data[::-1])

    with client_for(app).websocket_connect("/ws") as session:
        session.send_text("hi")
        assert session.receive_text() == "echo: hi"
        session.send_bytes(b"abc")
        assert session.receive_bytes() == b"cba"


def test_json_modes_and_iteration() -> None:
    app = make_app()

    @app.websocket("/json")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        async for item in ws.iter_json():
            await ws.send_json({"got": item})
            await ws.send_json(item, mode="binary")

    with client_for(app).websocket_connect("/json") as session:
        session.send_json({"a": [1, 2]})
        assert session.receive_json() == {"got": {"a": [1, 2]}}
        assert session.receive_json(mode="binary") == {"a": [1, 2]}


def test_subprotocol_negotiation_and_accept_headers() -> None:
    app = make_app()

    @app.websocket("/proto")
    async def handler(ws: WebSocket) -> None:
        assert ws.requested_subprotocols == ["v2", "v1"]
        await ws.accept(ws.negotiate_subprotocol(["v1", "v2"]), headers={"X-Extra": "1"})
        await ws.send_text(ws.accepted_subprotocol or "")

    client = client_for(app)
    with client.websocket_connect("/proto", subprotocols=["v2", "v1"]) as session:
        assert session.accepted_subprotocol == "v2"
        assert (b"x-extra", b"1") in session.accepted_headers
        assert session.receive_text() == "v2"


def test_path_params_query_headers_cookies_context() -> None:
    app = make_app()

    @app.websocket("/room/<int:room>")
    async def handler(socket: WebSocket, room: int) -> None:
        await socket.accept()
        await socket.send_json(
            {
                "room": room,
                "q": socket.query_params.getlist("q"),
                "url": socket.url,
                "header": socket.headers["X-Token"],
                "cookie": socket.cookies.get("flavour"),
                "app": current_app.name,
                "client": list(socket.client or ()),
                "params": socket.path_params,
            }
        )

    client = client_for(app)
    client.set_cookie("flavour", "mint")
    with client.websocket_connect("/room/7?q=a&q=b", headers={"X-Token": "t"}) as session:
        data = session.receive_json()
    assert data["room"] == 7
    assert data["q"] == ["a", "b"]
    assert data["url"] == "/room/7?q=a&q=b"
    assert data["header"] == "t"
    assert data["cookie"] == "mint"
    assert data["app"] == app.name
    assert data["client"][0] == "127.0.0.1"
    assert data["params"] == {"room": 7}


def test_add_websocket_route_and_url_for() -> None:
    app = make_app()

    async def handler(ws: WebSocket, name: str) -> None:
        await ws.accept()
        await ws.send_text(f"ok {name}")

    app.add_websocket_route("/feed/<name>", handler, name="feed")
    with app.test_request_context():
        # Werkzeug parity: a ws:// rule builds an external URL.
        assert app.url_for("feed", name="x") == "ws://localhost/feed/x"
    with client_for(app).websocket_connect("/feed/x") as session:
        assert session.receive_text() == "ok x"


def test_sync_handler_rejected() -> None:
    app = make_app()

    def handler(ws: WebSocket) -> None:
        raise AssertionError("never called")

    with pytest.raises(TypeError, match="async"):
        app.add_websocket_route("/ws", handler)


def test_close_code_and_reason_from_app() -> None:
    app = make_app()

    @app.websocket("/bye")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.close(code=4000, reason="done")

    with client_for(app).websocket_connect("/bye") as session:
        with pytest.raises(WebSocketDisconnect) as info:
            session.receive_text()
    assert (info.value.code, info.value.reason) == (4000, "done")


def test_close_before_accept_refuses_handshake() -> None:
    app = make_app()

    @app.websocket("/origin")
    async def handler(ws: WebSocket) -> None:
        if not ws.check_origin("https://app.example.com"):
            await ws.close(code=1008)
            return
        await ws.accept()
        await ws.send_text(ws.origin or "")

    client = client_for(app)
    with pytest.raises(WebSocketDisconnect) as info:
        with client.websocket_connect("/origin", headers={"Origin": "https://evil.example"}):
            pass
    assert info.value.code == 1008
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/origin"):
            pass
    headers = {"Origin": "https://APP.example.com/"}
    with client.websocket_connect("/origin", headers=headers) as session:
        assert session.receive_text() == "https://APP.example.com/"


def test_websocket_exception_closes_with_code() -> None:
    app = make_app()

    @app.websocket("/deny")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        raise WebSocketException(code=4403, reason="nope")

    with client_for(app).websocket_connect("/deny") as session:
        with pytest.raises(WebSocketDisconnect) as info:
            session.receive_text()
    assert (info.value.code, info.value.reason) == (4403, "nope")


def test_unmatched_path_closes() -> None:
    app = make_app()

    @app.route("/http")
    def view() -> str:
        return "x"

    client = client_for(app)
    for path in ("/missing", "/http"):
        with pytest.raises(WebSocketDisconnect) as info:
            with client.websocket_connect(path):
                pass
        assert info.value.code == 1000


def test_unhandled_error_closes_1011_and_propagates() -> None:
    app = make_app()

    @app.websocket("/boom")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.receive_text()
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        with client_for(app).websocket_connect("/boom") as session:
            session.send_text("go")
            with pytest.raises(WebSocketDisconnect) as info:
                session.receive_text()
            assert info.value.code == 1011


def test_client_disconnect_ends_iteration() -> None:
    app = make_app()
    seen: list[str] = []

    @app.websocket("/it")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        async for text in ws.iter_text():
            seen.append(text)
        seen.append(ws.application_state.name)

    with client_for(app).websocket_connect("/it") as session:
        session.send_text("a")
        session.send_text("b")
    assert seen == ["a", "b", "DISCONNECTED"]


def test_http_request_to_websocket_route_is_400() -> None:
    app = make_app()

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()

    assert client_for(app).get("/ws").status_code == 400


# -- the WebSocket object over raw ASGI callables ------------------------------------


class FakePeer:
    def __init__(self, *incoming: dict[str, object]) -> None:
        self.incoming = list(incoming)
        self.sent: list[dict[str, object]] = []

    async def receive(self) -> dict[str, object]:
        return self.incoming.pop(0)

    async def send(self, message: dict[str, object]) -> None:
        self.sent.append(message)


def scope(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {"type": "websocket", "path": "/", "query_string": b"", "headers": []}
    base.update(extra)
    return base


def test_state_machine() -> None:
    async def run() -> None:
        peer = FakePeer(
            {"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1001}
        )
        ws = WebSocket.from_asgi(scope(), peer.receive, peer.send)
        assert ws.application_state is WebSocketState.CONNECTING
        with pytest.raises(RuntimeError, match="accept"):
            await ws.receive()
        with pytest.raises(RuntimeError, match="accept"):
            await ws.send_text("early")
        await ws.accept()
        assert ws.application_state is WebSocketState.CONNECTED
        assert ws.client_state is WebSocketState.CONNECTED
        with pytest.raises(RuntimeError):
            await ws.accept()
        with pytest.raises(WebSocketDisconnect) as info:
            await ws.receive_text()
        assert info.value.code == 1001
        assert ws.client_state is WebSocketState.DISCONNECTED
        with pytest.raises(RuntimeError):
            await ws.receive()
        with pytest.raises(RuntimeError):
            await ws.send_text("late")
        assert peer.sent == [{"type": "websocket.accept", "subprotocol": None, "headers": []}]

    asyncio.run(run())


def test_close_reason_capped_at_123_bytes() -> None:
    async def run() -> None:
        peer = FakePeer({"type": "websocket.connect"})
        ws = WebSocket.from_asgi(scope(), peer.receive, peer.send)
        await ws.accept()
        await ws.close(code=1001, reason="é" * 100)
        reason = peer.sent[-1]["reason"]
        assert isinstance(reason, str)
        assert len(reason.encode()) <= 123
        assert reason == "é" * 61
        with pytest.raises(RuntimeError):
            await ws.close()

    asyncio.run(run())
    assert truncate_close_reason("short") == "short"
    assert truncate_close_reason(None) is None


def test_check_origin_rules() -> None:
    def ws(origin: str | None) -> WebSocket:
        headers = [] if origin is None else [(b"origin", origin.encode())]
        peer = FakePeer()
        return WebSocket.from_asgi(scope(headers=headers), peer.receive, peer.send)

    assert ws("https://a.example").check_origin(["https://b.example", "https://A.example/"])
    assert not ws("https://a.example").check_origin("https://b.example")
    assert ws("https://a.example").check_origin("*")
    assert not ws(None).check_origin("*")
    assert not ws("null").check_origin("*")
    assert ws(None).origin is None


def test_accessors_without_optional_scope_keys() -> None:
    peer = FakePeer()
    ws = WebSocket.from_asgi(
        scope(headers=[(b"sec-websocket-protocol", b"a, b")]), peer.receive, peer.send
    )
    assert ws.client is None
    assert ws.requested_subprotocols == ["a", "b"]
    assert ws.negotiate_subprotocol(["c"]) is None
    ws.state.user = "ann"
    assert ws.state["user"] == "ann"
    assert ws.cookies == {}
    assert ws.url == "/"
    with pytest.raises(ValueError):
        WebSocket.from_asgi({"type": "http"}, peer.receive, peer.send)


# -- the websocket.http.response denial extension --------------------------------------


def test_send_denial_response_reaches_the_client() -> None:
    from veloce import Response
    from veloce.testing import WebSocketDenialResponse

    app = make_app()

    @app.websocket("/login")
    async def handler(ws: WebSocket) -> None:
        assert ws.can_deny
        response = Response("log in first", 401, {"WWW-Authenticate": 'Bearer realm="ws"'})
        await ws.send_denial_response(response)
        assert ws.application_state is WebSocketState.DISCONNECTED
        with pytest.raises(RuntimeError, match="denial"):
            await ws.send_denial_response(response)

    with pytest.raises(WebSocketDenialResponse) as info:
        with client_for(app).websocket_connect("/login"):
            pass
    denial = info.value
    assert denial.status_code == 401
    assert denial.headers["WWW-Authenticate"] == 'Bearer realm="ws"'
    assert denial.data == b"log in first"
    assert denial.response.text == "log in first"


def test_http_exception_before_accept_matches_the_http_error() -> None:
    from veloce import abort
    from veloce.testing import WebSocketDenialResponse

    app = make_app()

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        abort(403)

    @app.route("/http")
    def view() -> None:
        abort(403)

    client = client_for(app)
    with pytest.raises(WebSocketDenialResponse) as info:
        with client.websocket_connect("/ws"):
            pass
    http = client.get("/http")
    assert (info.value.status_code, info.value.data) == (http.status_code, http.data)


def test_http_exception_after_accept_is_an_error() -> None:
    from veloce import abort

    app = make_app()

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        abort(403)

    with pytest.raises(Exception, match="403") as raised:
        with client_for(app).websocket_connect("/ws") as session:
            with pytest.raises(WebSocketDisconnect) as info:
                session.receive_text()
            assert info.value.code == 1011
    assert getattr(raised.value, "code", None) == 403


def test_denial_without_the_extension_falls_back_to_close_1008() -> None:
    from veloce import Response

    async def run() -> list[dict[str, object]]:
        peer = FakePeer({"type": "websocket.connect"})
        ws = WebSocket.from_asgi(scope(), peer.receive, peer.send)
        assert not ws.can_deny
        await ws.send_denial_response(Response("no", 401))
        return peer.sent

    assert asyncio.run(run()) == [{"type": "websocket.close", "code": 1008}]


def test_denial_messages_over_the_extension() -> None:
    from veloce import Response

    async def run() -> list[dict[str, object]]:
        peer = FakePeer({"type": "websocket.connect"})
        extensions = {"websocket.http.response": {}}
        ws = WebSocket.from_asgi(scope(extensions=extensions), peer.receive, peer.send)
        await ws.send_denial_response(Response(b"gone", 410, {"X-Why": "old"}))
        with pytest.raises(RuntimeError):
            await ws.accept()
        return peer.sent

    sent = asyncio.run(run())
    assert [m["type"] for m in sent] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
    ]
    assert sent[0]["status"] == 410
    assert (b"x-why", b"old") in t.cast("list[tuple[bytes, bytes]]", sent[0]["headers"])
    assert sent[1]["body"] == b"gone"

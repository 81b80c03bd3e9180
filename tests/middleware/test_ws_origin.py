"""WebSocketOriginMiddleware: cross-site WebSocket handshakes are refused before routing."""

from __future__ import annotations

import typing as t

import pytest

from veloce import Middleware, Veloce, WebSocket, WebSocketDisconnect, WebSocketOriginMiddleware
from veloce.testing import TestClient

_clients: list[TestClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> t.Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def make_app(*middleware: t.Any) -> tuple[Veloce, TestClient, list[str]]:
    app = Veloce(__name__)
    app.testing = True
    handled: list[str] = []
    for entry in middleware:
        app.add_middleware(entry)

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        handled.append(ws.origin or "<none>")
        await ws.accept()
        await ws.send_text("in")

    @app.route("/page")
    def page() -> str:
        return "page"

    client = app.test_client()
    _clients.append(client)
    return app, client, handled


def connect_code(client: TestClient, origin: str | None) -> int | None:
    """None when the handshake was accepted, else the close code of the refusal."""
    headers = {} if origin is None else {"Origin": origin}
    try:
        with client.websocket_connect("/ws", headers=headers) as session:
            assert session.receive_text() == "in"
    except WebSocketDisconnect as e:
        return e.code
    return None


def test_listed_origin_passes_and_others_get_1008() -> None:
    middleware = WebSocketOriginMiddleware(["https://App.example.com/", "http://localhost:3000"])
    _, client, handled = make_app(middleware)
    assert connect_code(client, "https://app.example.com") is None
    assert connect_code(client, "HTTP://LOCALHOST:3000/") is None
    assert connect_code(client, "https://evil.example") == 1008
    assert connect_code(client, "https://app.example.com.evil.example") == 1008
    assert connect_code(client, "http://app.example.com") == 1008
    assert connect_code(client, "null") == 1008
    # Refused handshakes never reach the handler.
    assert handled == ["https://app.example.com", "HTTP://LOCALHOST:3000/"]


def test_missing_origin_follows_allow_missing() -> None:
    _, lenient, _ = make_app(WebSocketOriginMiddleware(["https://a.test"]))
    assert connect_code(lenient, None) is None
    _, strict, handled = make_app(
        WebSocketOriginMiddleware(["https://a.test"], allow_missing=False)
    )
    assert connect_code(strict, None) == 1008
    assert connect_code(strict, "https://a.test") is None
    assert handled == ["https://a.test"]


def test_wildcard_allows_every_origin() -> None:
    _, client, _ = make_app(WebSocketOriginMiddleware(["*"], allow_missing=False))
    assert connect_code(client, "https://anything.test") is None
    assert connect_code(client, "null") is None
    assert connect_code(client, None) == 1008


def test_registered_by_class_with_options() -> None:
    app = Veloce(__name__)
    app.add_middleware(WebSocketOriginMiddleware, allowed_origins=["https://a.test"])

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("in")

    client = app.test_client()
    _clients.append(client)
    assert connect_code(client, "https://b.test") == 1008
    assert connect_code(client, "https://a.test") is None


def test_http_requests_pass_straight_through() -> None:
    _, client, _ = make_app(WebSocketOriginMiddleware(["https://a.test"], allow_missing=False))
    response = client.get("/page", headers={"Origin": "https://evil.test"})
    assert (response.status_code, response.text) == (200, "page")


def test_a_single_string_is_rejected() -> None:
    with pytest.raises(TypeError, match="list"):
        WebSocketOriginMiddleware("https://a.test")  # type: ignore[arg-type]


def test_is_websocket_origin_allowed_matches_check_origin() -> None:
    """The middleware and ``WebSocket.check_origin`` normalise origins the same way."""
    allowed = ["https://A.test/", "http://b.test:8080"]
    middleware = WebSocketOriginMiddleware(allowed, allow_missing=False)
    for origin in ("https://a.test", "HTTPS://A.TEST/", "http://b.test:8080", "http://b.test",
                   "https://c.test", "null", None):
        headers = [] if origin is None else [(b"origin", origin.encode())]
        scope = {"type": "websocket", "path": "/", "headers": headers}
        ws = WebSocket(scope, _never, _never)
        assert middleware.is_websocket_origin_allowed(origin) == ws.check_origin(allowed), origin


def test_a_host_guard_middleware_is_applied_to_handshakes() -> None:
    """A pipeline middleware exposing ``is_host_allowed`` vets the handshake host too."""

    class OnlyGoodHost(Middleware):
        def is_host_allowed(self, host: str) -> bool:
            return host == "good.test"

    _, client, handled = make_app(OnlyGoodHost())
    with client.websocket_connect("/ws", headers={"Host": "GOOD.test:8000"}) as session:
        assert session.receive_text() == "in"
    with pytest.raises(WebSocketDisconnect) as info:
        with client.websocket_connect("/ws", headers={"Host": "bad.test"}):
            pass
    assert info.value.code == 1008
    assert handled == ["<none>"]


async def _never() -> t.Any:
    raise AssertionError("not called")

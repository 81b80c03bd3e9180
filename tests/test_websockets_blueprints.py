"""WebSocket routes on blueprints, and host/subdomain routing of WebSocket handshakes."""

from __future__ import annotations

import typing as t

import pytest

from veloce import Blueprint, Veloce, WebSocket, WebSocketDisconnect, url_for
from veloce.testing import TestClient

_clients: list[TestClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> t.Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def client_for(app: Veloce, **kwargs: t.Any) -> TestClient:
    client = app.test_client(**kwargs)
    _clients.append(client)
    return client


def make_app(**kwargs: t.Any) -> Veloce:
    app = Veloce(__name__, **kwargs)
    app.testing = True
    return app


async def _tell_endpoint(ws: WebSocket, **values: t.Any) -> None:
    await ws.accept()
    await ws.send_json({"path": ws.path, "values": values})


def _refused_code(client: TestClient, path: str, **kwargs: t.Any) -> int:
    with pytest.raises(WebSocketDisconnect) as info:
        with client.websocket_connect(path, **kwargs):
            pass
    return info.value.code


def test_blueprint_route_gets_prefix_and_dotted_endpoint() -> None:
    app = make_app()
    bp = Blueprint("chat", __name__, url_prefix="/chat")

    @bp.websocket("/<room>")
    async def room(ws: WebSocket, room: str) -> None:
        await ws.accept()
        await ws.send_text(f"{room}:{ws.path}")

    app.register_blueprint(bp)
    assert "chat.room" in app.view_functions
    with client_for(app).websocket_connect("/chat/lobby") as session:
        assert session.receive_text() == "lobby:/chat/lobby"
    assert _refused_code(client_for(app), "/lobby") == 1000
    with app.test_request_context():
        assert url_for("chat.room", room="a") == "ws://localhost/chat/a"


def test_nested_blueprints_compose_prefix_and_name() -> None:
    app = make_app()
    parent = Blueprint("api", __name__, url_prefix="/api")
    child = Blueprint("live", __name__, url_prefix="/live")
    child.add_websocket_route("/feed/<int:n>", _tell_endpoint, name="feed")
    parent.register_blueprint(child)
    app.register_blueprint(parent, url_prefix="/v2")
    with client_for(app).websocket_connect("/v2/live/feed/3") as session:
        assert session.receive_json() == {"path": "/v2/live/feed/3", "values": {"n": 3}}
    with app.test_request_context():
        assert url_for("api.live.feed", n=4) == "ws://localhost/v2/live/feed/4"


def test_blueprint_registered_twice_under_two_names() -> None:
    app = make_app()
    bp = Blueprint("rt", __name__)
    bp.add_api_websocket_route("/ws", _tell_endpoint, name="sock")
    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="rt2")
    client = client_for(app)
    for path in ("/one/ws", "/two/ws"):
        with client.websocket_connect(path) as session:
            assert session.receive_json()["path"] == path
    with app.test_request_context():
        assert url_for("rt2.sock") == "ws://localhost/two/ws"


def test_blueprint_url_defaults_reach_the_handler() -> None:
    app = make_app()
    bp = Blueprint("d", __name__, url_defaults={"lang": "en"})
    bp.add_websocket_route("/ws", _tell_endpoint)
    app.register_blueprint(bp)
    with client_for(app).websocket_connect("/ws") as session:
        assert session.receive_json()["values"] == {"lang": "en"}


def test_blueprint_rejects_sync_handler_and_dotted_names() -> None:
    bp = Blueprint("x", __name__)

    def sync_handler(ws: WebSocket) -> None:
        raise AssertionError("never called")

    with pytest.raises(TypeError, match="async"):
        bp.add_websocket_route("/ws", sync_handler)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dot"):
        bp.add_websocket_route("/ws", _tell_endpoint, name="a.b")


def test_blueprint_websocket_after_registration_is_an_error() -> None:
    app = make_app()
    bp = Blueprint("late", __name__)
    app.register_blueprint(bp)
    with pytest.raises(AssertionError, match="already been registered"):
        bp.add_websocket_route("/ws", _tell_endpoint)


def test_blueprint_subdomain_applies_to_websocket_routes() -> None:
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    bp = Blueprint("live", __name__, subdomain="live")
    bp.add_websocket_route("/ws", _tell_endpoint)
    app.register_blueprint(bp)
    client = client_for(app)
    with client.websocket_connect("/ws", headers={"Host": "live.example.test"}) as session:
        assert session.receive_json()["path"] == "/ws"
    assert _refused_code(client, "/ws", headers={"Host": "example.test"}) == 1000
    with app.test_request_context(base_url="http://example.test"):
        assert url_for("live._tell_endpoint") == "ws://live.example.test/ws"


def test_app_subdomain_and_host_matching() -> None:
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_websocket_route("/ws", _tell_endpoint, name="sub", subdomain="<tenant>")
    client = client_for(app)
    with client.websocket_connect("/ws", headers={"Host": "acme.example.test"}) as session:
        assert session.receive_json()["values"] == {"tenant": "acme"}

    hosts = make_app(host_matching=True, static_host="static.test")
    hosts.add_websocket_route("/ws", _tell_endpoint, host="<name>.hosts.test")
    client = client_for(hosts)
    with client.websocket_connect("/ws", headers={"Host": "a.hosts.test"}) as session:
        assert session.receive_json()["values"] == {"name": "a"}
    assert _refused_code(client, "/ws", headers={"Host": "other.test"}) == 1000


def test_trusted_hosts_refuse_other_hosts_with_1008() -> None:
    app = make_app()
    app.config["TRUSTED_HOSTS"] = ["good.test", ".trusted.test"]
    app.add_websocket_route("/ws", _tell_endpoint)
    client = client_for(app)
    for host in ("good.test", "a.trusted.test:8080"):
        with client.websocket_connect("/ws", headers={"Host": host}) as session:
            assert session.receive_json()["path"] == "/ws"
    assert _refused_code(client, "/ws", headers={"Host": "evil.test"}) == 1008
    # HTTP parity: the same host is a 400 for an HTTP request.
    assert client.get("/", headers={"Host": "evil.test"}).status_code == 400

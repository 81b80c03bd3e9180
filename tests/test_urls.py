"""url_for of the app: the same calls give the same URLs as Flask 3.1's url_for.

Twin apps (real Flask and native Veloce) get the same rules, blueprints and hooks;
every call in ``CALLS`` is made in the same context on both (inside a request built
from a base URL and config, in an app context, or with no context) and the results,
or the exceptions raised, are compared. Native-only behaviour (``request.url_for``,
raw ASGI ``root_path``, ``create_url_adapter``) is tested on its own below.
"""

from __future__ import annotations

import asyncio
import contextlib
import typing as t
import uuid
from functools import partial

import flask
import pytest
from werkzeug import routing as wr

import veloce
from veloce import Veloce
from veloce.core import converters as vc
from veloce.core.exceptions import BuildError
from veloce.core.hosts import MapAdapter
from veloce.testing import TestClient


def _converter(base: t.Any) -> type:
    class ListConverter(base.BaseConverter):
        def to_python(self, value):
            return value.split(",")

        def to_url(self, value):
            return ",".join(base.BaseConverter.to_url(self, item) for item in value)

    return ListConverter


def _setup(app: t.Any, lib: t.Any, converters: t.Any) -> t.Any:
    """Register the same routes on a Flask or a Veloce app."""
    app.url_map.converters["list"] = _converter(converters)

    def view(**kwargs: t.Any) -> str:
        return "ok"

    for rule, endpoint, options in [
        ("/", "index", {}),
        ("/int/<int:n>", "integer", {}),
        ("/str/<name>", "string", {}),
        ("/path/<path:p>", "path", {}),
        ("/<path:p>/edit", "edit", {}),
        ("/uuid/<uuid:u>", "by_uuid", {}),
        ("/list/<list:items>", "items", {}),
        ("/page/", "page", {"defaults": {"n": 1}}),
        ("/page/<int:n>", "page", {}),
        ("/m", "m", {"methods": ["GET"]}),
        ("/m-post", "m", {"methods": ["POST"]}),
        ("/api", "api", {"subdomain": "api"}),
        ("/u/<name>", "user", {"subdomain": "<sub>"}),
        ("/ws", "ws", {"websocket": True}),
        ("/lang/<lang>", "lang", {}),
    ]:
        app.add_url_rule(rule, endpoint, view, **options)
    app.add_url_rule("/files/<path:name>", "files", build_only=True)

    shop = lib.Blueprint("shop", __name__, url_prefix="/shop")
    cart = lib.Blueprint("cart", __name__, url_prefix="/cart")
    shop.add_url_rule("/", "home", view)
    shop.add_url_rule("/item/<int:id>", "item", view)
    cart.add_url_rule("/", "show", view)

    @shop.url_defaults
    def shop_ref(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("ref", "shop")

    shop.register_blueprint(cart)
    app.register_blueprint(shop)

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        if endpoint == "lang":
            values.setdefault("lang", "en")

    def handler(error: t.Any, endpoint: str, values: dict[str, t.Any]) -> str | None:
        return f"/fallback/{endpoint}" if endpoint == "fallback" else None

    app.url_build_error_handlers.append(handler)
    return app


@pytest.fixture(scope="module")
def apps() -> tuple[t.Any, t.Any]:
    ours = _setup(Veloce(__name__, static_folder=None), veloce, vc)
    theirs = _setup(flask.Flask(__name__, static_folder=None), flask, wr)
    return ours, theirs


CALLS: list[tuple[str, dict[str, t.Any]]] = [
    ("index", {}),
    ("index", {"_external": True}),
    ("index", {"_external": False}),
    ("index", {"_scheme": "https", "_external": True}),
    ("index", {"_scheme": "https"}),
    ("index", {"_scheme": "https", "_external": False}),
    ("index", {"_scheme": "gopher", "_external": True}),
    ("index", {"_anchor": "a b#c/ü%"}),
    ("index", {"q": ["a", "b"], "none": None, "x": "y z", "u": "ü&="}),
    ("integer", {"n": 5, "extra": 1}),
    ("integer", {}),
    ("integer", {"n": 1, "_method": "POST"}),
    ("string", {"name": "a/b c?#%"}),
    ("path", {"p": "a b/ü/c"}),
    ("edit", {"p": "/lead"}),
    ("by_uuid", {"u": uuid.UUID(int=1)}),
    ("items", {"items": ["a", "b c"]}),
    ("page", {"n": 1}),
    ("page", {"n": 3}),
    ("m", {}),
    ("m", {"_method": "POST"}),
    ("api", {}),
    ("user", {"sub": "bob", "name": "x"}),
    ("ws", {}),
    ("files", {"name": "css/a.css"}),
    ("lang", {}),
    ("shop.item", {"id": 2}),
    (".item", {"id": 2}),
    (".cart.show", {}),
    (".index", {}),
    ("nope", {}),
    ("integr", {"n": 1}),
    ("fallback", {"_anchor": "x"}),
]
CALL_IDS = [f"{endpoint}-{'-'.join(sorted(map(str, values)))}" for endpoint, values in CALLS]

REQUESTS: dict[str, dict[str, t.Any]] = {
    "plain": {"path": "/"},
    "https_port": {"path": "/", "base_url": "https://Example.test:8443/"},
    "root_path": {"path": "/", "base_url": "http://localhost/mount/point/"},
    "subdomain": {"path": "/api", "base_url": "http://api.localhost/"},
    "in_blueprint": {"path": "/shop/item/1"},
    "in_nested_blueprint": {"path": "/shop/cart/"},
    "post": {"path": "/m-post", "method": "POST"},
}
CONFIGS: dict[str, dict[str, t.Any]] = {
    "no_server_name": {},
    "server_name": {"SERVER_NAME": "example.test:8080", "APPLICATION_ROOT": "/root",
                    "PREFERRED_URL_SCHEME": "https"},
}


def _result(fn: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    try:
        return ("ok", fn())
    except (BuildError, wr.BuildError) as exc:
        return ("BuildError", str(exc))
    except Exception as exc:
        return (type(exc).__name__, str(exc))


@contextlib.contextmanager
def _config(app: t.Any, values: dict[str, t.Any]) -> t.Iterator[None]:
    saved = {key: app.config[key] for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


@pytest.mark.parametrize("call", CALLS, ids=CALL_IDS)
@pytest.mark.parametrize("request_name", sorted(REQUESTS))
@pytest.mark.parametrize("config_name", sorted(CONFIGS))
def test_url_for_in_request_matches_flask(apps, call, request_name, config_name):
    endpoint, values = call
    results = []
    for app, lib in zip(apps, (veloce, flask), strict=True):
        with _config(app, CONFIGS[config_name]), \
                app.test_request_context(**REQUESTS[request_name]):
            results.append(_result(partial(lib.url_for, endpoint, **values)))
    assert results[0] == results[1]


@pytest.mark.parametrize("call", CALLS, ids=CALL_IDS)
@pytest.mark.parametrize("config_name", sorted(CONFIGS))
def test_url_for_outside_request_matches_flask(apps, call, config_name):
    endpoint, values = call
    results = []
    for app, lib in zip(apps, (veloce, flask), strict=True):
        with _config(app, CONFIGS[config_name]):
            direct = _result(partial(app.url_for, endpoint, **values))
            with app.app_context():
                in_app_context = _result(partial(lib.url_for, endpoint, **values))
        results.append((direct, in_app_context))
    assert results[0] == results[1]


def test_url_for_without_any_context_raises_like_flask():
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        veloce.url_for("index")


def test_build_error_carries_endpoint_values_and_method(apps):
    ours, _ = apps
    with ours.test_request_context():
        with pytest.raises(BuildError) as info:
            veloce.url_for("integer", _method="GET", other=1)
    error = info.value
    assert (error.endpoint, dict(error.values), error.method) == ("integer", {"other": 1}, "GET")
    assert isinstance(error, LookupError)


def test_url_build_error_handler_sees_the_request_values(apps):
    ours, _ = apps
    seen = []

    def record(error, endpoint, values):
        seen.append((type(error).__name__, endpoint, dict(values)))
        return None

    ours.url_build_error_handlers.insert(0, record)
    try:
        with ours.test_request_context(), pytest.raises(BuildError):
            veloce.url_for("integer", _anchor="a", x=1)
    finally:
        ours.url_build_error_handlers.remove(record)
    assert seen == [("BuildError", "integer", {"x": 1, "_anchor": "a", "_method": None,
                                               "_scheme": None, "_external": False})]


def test_handle_url_build_error_reraises_the_active_exception():
    app = Veloce(__name__)
    error = BuildError("x", {}, None)
    try:
        raise error
    except BuildError:
        with pytest.raises(BuildError) as info:
            app.handle_url_build_error(error, "x", {})
    assert info.value is error
    assert info.value.__traceback__ is not None


# -- native API -------------------------------------------------------------------------


@pytest.fixture()
def app() -> Veloce:
    app = Veloce(__name__, static_folder=None)
    app.testing = True

    @app.route("/items/<int:n>")
    def item(n: int) -> dict[str, t.Any]:
        return {"path": veloce.request.url_for("item", n=n + 1),
                "external": veloce.request.url_for("item", n=n, _external=True)}

    @app.route("/dir/")
    def directory() -> str:
        return "dir"

    return app


def test_request_url_for_delegates_to_the_app(app):
    with TestClient(app) as client:
        response = client.get("/items/1")
    assert response.json == {"path": "/items/2", "external": "http://localhost/items/1"}


def test_request_url_for_without_an_app_raises():
    from veloce.core.request import Request

    request = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
    with pytest.raises(RuntimeError, match="needs a request bound to an app"):
        request.url_for("index")


def _call(app: Veloce, scope: dict[str, t.Any]) -> tuple[int, dict[bytes, bytes], bytes]:
    messages: list[dict[str, t.Any]] = []

    async def receive() -> dict[str, t.Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, t.Any]) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], dict(start["headers"]), body


def _scope(path: str, root_path: str = "", host: bytes = b"api.example.test") -> dict[str, t.Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "https", "path": root_path + path,
            "raw_path": (root_path + path).encode(), "root_path": root_path,
            "query_string": b"x=1", "headers": [(b"host", host)],
            "server": ("10.0.0.1", 443), "client": ("10.0.0.2", 5000)}


def test_asgi_root_path_prefixes_built_urls(app):
    status, _, body = _call(app, _scope("/items/3", "/mount"))
    assert status == 200
    assert body == (b'{"external":"https://api.example.test/mount/items/3",'
                    b'"path":"/mount/items/4"}\n')


def test_asgi_root_path_in_redirect_target(app):
    status, headers, _ = _call(app, _scope("/dir", "/mount"))
    assert status == 308
    assert headers[b"location"] == b"https://api.example.test/mount/dir/?x=1"


def test_redirect_uses_server_name_like_flask(app):
    app.config["SERVER_NAME"] = "example.test"
    status, headers, _ = _call(app, _scope("/dir"))
    assert (status, headers[b"location"]) == (308, b"https://example.test/dir/?x=1")


def test_create_url_adapter(app):
    assert app.create_url_adapter(None) is None
    app.config.update(SERVER_NAME="Example.test", APPLICATION_ROOT="/r",
                      PREFERRED_URL_SCHEME="https")
    adapter = app.create_url_adapter(None)
    assert isinstance(adapter, MapAdapter)
    assert (adapter.server_name, adapter.script_name, adapter.url_scheme) == (
        "example.test", "/r/", "https")
    assert adapter.build("item", {"n": 1}) == "/r/items/1"
    with app.test_request_context("/items/1", base_url="http://sub.example.test/"):
        adapter = app.create_url_adapter(veloce.request._get_current_object())
        assert (adapter.server_name, adapter.subdomain) == ("example.test", "")
        assert adapter.match() == ("item", {"n": 1})


def test_create_url_adapter_applies_trusted_hosts(app):
    from veloce.core.exceptions import SecurityError

    app.config["TRUSTED_HOSTS"] = ["good.test"]
    with app.test_request_context("/items/1", base_url="http://evil.test/") as ctx:
        assert isinstance(ctx.request.routing_exception, SecurityError)
        assert ctx.request.trusted_hosts == ["good.test"]
    with app.test_request_context("/items/1", base_url="http://good.test/") as ctx:
        assert ctx.request.routing_exception is None
        assert ctx.request.url_rule.endpoint == "item"


def test_url_for_in_async_view(app):
    @app.route("/async")
    async def async_view() -> str:
        return veloce.url_for("item", n=7, _anchor="top")

    with TestClient(app) as client:
        assert client.get("/async").text == "/items/7#top"


def test_url_defaults_receive_endpoint_and_mutable_values(app):
    calls = []

    @app.url_defaults
    def record(endpoint: str, values: dict[str, t.Any]) -> None:
        calls.append((endpoint, dict(values)))
        values["n"] = 9

    with app.test_request_context():
        assert veloce.url_for("item") == "/items/9"
    assert calls == [("item", {})]

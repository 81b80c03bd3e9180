"""TestClient against raw ASGI apps: scope shape, verbs, request(), errors, contexts."""

from __future__ import annotations

import contextlib
import json
import typing as t
from functools import partial

import pytest
from asgi_apps import AppError, echo_app, fixed_app, raising_app, streaming_app
from werkzeug.test import Client as WerkzeugClient
from werkzeug.wrappers import Response as WerkzeugResponse

from veloce.testing import PRESERVE_CONTEXT_KEY, TestClient, TestRequest, TestResponse


def header_values(scope: dict[str, t.Any], name: str) -> list[str]:
    return [v for k, v in scope["headers"] if k == name]


def test_scope_shape(echo_client: TestClient) -> None:
    scope = echo_client.get("/p/ä", query_string={"q": "1"}).json
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.3"}
    assert scope["http_version"] == "1.1"
    assert scope["method"] == "GET"
    assert scope["scheme"] == "http"
    assert scope["server"] == ["localhost", 80]
    assert scope["client"] == ["127.0.0.1", 50000]
    assert scope["root_path"] == ""
    assert scope["path"] == "/p/ä"
    assert scope["raw_path"] == "/p/%C3%A4"
    assert scope["query_string"] == "q=1"
    assert header_values(scope, "host") == ["localhost"]
    assert header_values(scope, "user-agent")[0].startswith("Veloce-TestClient/")
    assert scope["extensions"] == []


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete", "options", "trace"])
def test_verb_methods(echo_client: TestClient, verb: str) -> None:
    assert getattr(echo_client, verb)("/").json["method"] == verb.upper()


def test_head_keeps_the_method(echo_client: TestClient) -> None:
    response = echo_client.head("/")
    assert response.request.method == "HEAD"


def test_open_with_method(echo_client: TestClient) -> None:
    assert echo_client.open("/", "PROPFIND").json["method"] == "PROPFIND"
    assert echo_client.open("/", method="post").json["method"] == "POST"


def test_form_json_and_raw_bodies(echo_client: TestClient) -> None:
    scope = echo_client.post("/", data={"a": "1 2"}).json
    assert scope["body"] == "a=1+2"
    assert header_values(scope, "content-type") == ["application/x-www-form-urlencoded"]
    scope = echo_client.post("/", json={"b": 1, "a": [True]}).json
    assert json.loads(scope["body"]) == {"b": 1, "a": [True]}
    assert header_values(scope, "content-type") == ["application/json"]
    scope = echo_client.put("/", data=b"raw", content_type="application/octet-stream").json
    assert (scope["body"], header_values(scope, "content-length")) == ("raw", ["3"])


def test_environ_base_attribute_and_argument(echo_client: TestClient) -> None:
    echo_client.environ_base["HTTP_X_DEFAULT"] = "d"
    scope = echo_client.get("/", environ_base={"REMOTE_ADDR": "10.1.1.1"}).json
    assert scope["client"] == ["10.1.1.1", 50000]
    assert header_values(scope, "x-default") == ["d"]
    scope = echo_client.get("/", environ_overrides={"REMOTE_ADDR": "10.2.2.2"}).json
    assert scope["client"] == ["10.2.2.2", 50000]


def test_auth_and_mimetype_keywords(echo_client: TestClient) -> None:
    scope = echo_client.post("/", auth=("u", "p"), data="x", mimetype="text/csv").json
    assert header_values(scope, "authorization") == ["Basic dTpw"]
    assert header_values(scope, "content-type") == ["text/csv; charset=utf-8"]


# -- request() in the httpx shape ------------------------------------------------------


def test_request_with_params_content_and_headers(echo_client: TestClient) -> None:
    scope = echo_client.request(
        "patch", "/p?a=1", params={"b": "2"}, content=b"raw", headers={"X-H": "v"}
    ).json
    assert (scope["method"], scope["query_string"], scope["body"]) == ("PATCH", "a=1&b=2", "raw")
    assert header_values(scope, "x-h") == ["v"]
    scope = echo_client.request("GET", "/p", params=[("x", "1"), ("x", "2")]).json
    assert scope["query_string"] == "x=1&x=2"


def test_request_with_data_and_files(echo_client: TestClient) -> None:
    scope = echo_client.request(
        "POST", "/up", data={"name": "n"}, files={"f": ("a.txt", b"hello", "text/plain")}
    ).json
    content_type = header_values(scope, "content-type")[0]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert 'name="name"\r\n\r\nn' in scope["body"]
    assert 'filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello' in scope["body"]


def test_request_json(echo_client: TestClient) -> None:
    scope = echo_client.request("PUT", "/", json=[1, 2]).json
    assert scope["body"] == "[1, 2]"


def test_request_content_and_data_conflict(echo_client: TestClient) -> None:
    with pytest.raises(TypeError, match="content and data"):
        echo_client.request("POST", "/", content=b"x", data={"a": "1"})


# -- responses ---------------------------------------------------------------------------


def test_response_attributes() -> None:
    app = fixed_app(
        404,
        [
            (b"content-type", b"application/problem+json; charset=utf-8"),
            (b"content-length", b"11"),
            (b"location", b"/elsewhere"),
            (b"allow", b"GET, HEAD"),
            (b"vary", b"Cookie, Accept"),
            (b"etag", b'W/"abc"'),
            (b"last-modified", b"Wed, 21 Oct 2015 07:28:00 GMT"),
            (b"content-encoding", b"identity"),
        ],
        b'{"a": "\xe2\x98\x83"}',
    )
    with TestClient(app) as client:
        response = client.get("/")
    assert isinstance(response, TestResponse)
    assert (response.status_code, response.status) == (404, "404 NOT FOUND")
    assert response.is_json and response.json == {"a": "☃"}
    assert response.mimetype == "application/problem+json"
    assert response.mimetype_params == {"charset": "utf-8"}
    assert response.content_length == 11
    assert response.location == "/elsewhere"
    assert response.allow == {"GET", "HEAD"}
    assert response.vary == {"Cookie", "Accept"}
    assert response.get_etag() == ("abc", True)
    assert response.last_modified is not None and response.last_modified.year == 2015
    assert response.content_encoding == "identity"
    assert response.date is None and response.expires is None
    assert response.text == '{"a": "☃"}'
    assert response.get_data(as_text=True) == response.text
    assert response.content == response.data == response.get_data()
    assert repr(response) == "<TestResponse 12 bytes [404 NOT FOUND]>"
    with response as same:
        assert same is response


def test_response_json_rules_match_werkzeug() -> None:
    cases = [("text/plain", b"[1]"), ("application/json", b"[1]"), ("application/json", b"nope")]
    for mimetype, body in cases:
        ours_client = TestClient(fixed_app(200, [(b"content-type", mimetype.encode())], body))
        theirs_client = WerkzeugClient(WerkzeugResponse(body, mimetype=mimetype))
        ours, theirs = ours_client.get("/"), theirs_client.get("/")
        for kwargs in ({}, {"force": True}, {"force": True, "silent": True}, {"silent": True}):
            assert outcome(ours.get_json, **kwargs) == outcome(theirs.get_json, **kwargs)
        assert outcome(partial(getattr, ours, "json")) == outcome(partial(getattr, theirs, "json"))
        ours_client.close()


def outcome(func: t.Callable[..., t.Any], **kwargs: t.Any) -> t.Any:
    try:
        return ("value", func(**kwargs))
    except ValueError as exc:
        return ("error", type(exc))


def test_response_without_headers() -> None:
    with TestClient(fixed_app(204)) as client:
        response = client.get("/")
    assert response.content_type is None and response.mimetype is None
    assert response.content_length is None and response.json is None
    assert response.allow == set() and response.get_etag() == (None, None)
    assert response.mimetype_params == {}


def test_invalid_content_length_reads_as_none() -> None:
    with TestClient(fixed_app(200, [(b"content-length", b"ten")])) as client:
        assert client.get("/").content_length is None


def test_streamed_body_is_buffered() -> None:
    with TestClient(streaming_app) as client:
        response = client.get("/")
    assert response.data == b"abc"
    assert list(response.iter_encoded()) == [b"a", b"b", b"c"]


def test_response_request_describes_what_was_sent(echo_client: TestClient) -> None:
    echo_client.set_cookie("c", "1", domain="h.example")
    response = echo_client.post("/a b?x=1", data="body", base_url="http://h.example/root")
    request = response.request
    assert isinstance(request, TestRequest)
    assert (request.method, request.path, request.root_path) == ("POST", "/a b", "/root")
    assert request.full_path == "/a b?x=1"
    assert request.url == "http://h.example/root/a%20b?x=1"
    assert request.base_url == "http://h.example/root/a%20b"
    assert request.url_root == "http://h.example/root/"
    assert request.host_url == "http://h.example/"
    assert request.args.getlist("x") == ["1"]
    assert request.data == b"body" and request.get_data(as_text=True) == "body"
    assert request.headers["Cookie"] == "c=1"
    assert request.remote_addr == "127.0.0.1"
    assert request.environ is request.scope
    assert repr(request) == "<TestRequest 'http://h.example/root/a%20b?x=1' [POST]>"


def test_replaying_a_sent_request(echo_client: TestClient) -> None:
    first = echo_client.post("/replay", json={"a": 1})
    second = echo_client.open(first.request)
    assert second.json == first.json
    with pytest.raises(TypeError, match="extra arguments"):
        echo_client.open(first.request, data="x")


# -- errors --------------------------------------------------------------------------------


def test_app_exception_propagates() -> None:
    with TestClient(raising_app) as client, pytest.raises(AppError, match="boom"):
        client.get("/")


def test_raise_server_exceptions_false_gives_500() -> None:
    with TestClient(raising_app, raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 500


# -- base URL from the app config ---------------------------------------------------------


class ConfiguredApp:
    """An ASGI app with a Flask-style config and JSON provider."""

    def __init__(self, **config: t.Any) -> None:
        self.config = {"SERVER_NAME": None, "APPLICATION_ROOT": "/", **config}
        self.json = self

    def dumps(self, obj: t.Any) -> str:
        return json.dumps(obj, separators=(",", ":"), sort_keys=True)

    def loads(self, data: bytes) -> t.Any:
        return {"provider": json.loads(data)}

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        await echo_app(scope, receive, send)


def test_base_url_comes_from_the_app_config() -> None:
    app = ConfiguredApp(
        SERVER_NAME="example.com:8080", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https"
    )
    with TestClient(app) as client:
        request = client.get("/x").request
        assert request.url == "https://example.com:8080/app/x"
        request = client.get("/x", subdomain="api", url_scheme="http").request
        assert request.url == "http://api.example.com:8080/app/x"
        request = client.get("http://full.example/y").request
        assert request.url == "http://full.example/app/y"
        with pytest.raises(TypeError, match="subdomain"):
            client.get("/", base_url="http://x", subdomain="a")


def test_client_base_url_overrides_the_config() -> None:
    with TestClient(ConfiguredApp(SERVER_NAME="cfg.example"), base_url="http://given") as client:
        assert client.get("/").request.host == "given"


def test_app_json_provider_serializes_and_parses() -> None:
    with TestClient(ConfiguredApp()) as client:
        response = client.post("/", json={"b": 1, "a": 2})
        assert response.request.body == b'{"a":2,"b":1}'
        assert response.json["provider"]["body"] == '{"a":2,"b":1}'


# -- preserved contexts ---------------------------------------------------------------------


class ContextApp:
    """Hands one context manager per request to the preserve-context callback."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.requests = 0

    @contextlib.contextmanager
    def context(self, n: int) -> t.Iterator[None]:
        self.events.append(f"enter {n}")
        yield
        self.events.append(f"exit {n}")

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        self.requests += 1
        preserve = scope["extensions"].get(PRESERVE_CONTEXT_KEY)
        if preserve is not None:
            preserve(self.context(self.requests))
        await fixed_app()(scope, receive, send)


def test_with_block_keeps_the_last_request_context() -> None:
    app = ContextApp()
    client = TestClient(app)
    client.get("/")
    assert app.events == []  # nothing is preserved outside a with block
    with client:
        client.get("/")
        assert app.events == ["enter 2"]
        client.get("/")
        assert app.events == ["enter 2", "exit 2", "enter 3"]
    assert app.events == ["enter 2", "exit 2", "enter 3", "exit 3"]
    client.get("/")
    assert app.events[-1] == "exit 3"


def test_nested_with_is_an_error() -> None:
    client = TestClient(echo_app)
    with client, pytest.raises(RuntimeError, match="Cannot nest"), client:
        pass


def test_client_is_usable_after_close(echo_client: TestClient) -> None:
    echo_client.close()
    assert echo_client.get("/").status_code == 200
    assert repr(echo_client).startswith("<TestClient <function echo_app")
    assert echo_client.app is echo_client.application is echo_app


def test_response_header_names_are_spelled_canonically() -> None:
    app = fixed_app(
        200,
        [
            (b"content-type", b"text/plain"),
            (b"etag", b'"x"'),
            (b"www-authenticate", b"Basic"),
            (b"X-MiXeD", b"kept"),
        ],
    )
    with TestClient(app) as client:
        names = [name for name, _ in client.get("/").headers]
    assert names == ["Content-Type", "ETag", "WWW-Authenticate", "X-MiXeD"]


def test_app_changes_to_the_scope_stay_with_the_app() -> None:
    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        scope["headers"].append((b"x-added", b"1"))
        scope["path"] = "/rewritten"
        await fixed_app()(scope, receive, send)

    with TestClient(app) as client:
        request = client.get("/original").request
    assert request.path == "/original"
    assert "X-Added" not in request.headers

"""follow_redirects, compared with werkzeug.test.Client following the same redirects."""

from __future__ import annotations

import json
import typing as t
from urllib.parse import quote, unquote

import pytest
from asgi_apps import fixed_app, redirect_app, redirect_wsgi
from werkzeug.test import Client
from werkzeug.test import ClientRedirectError as WerkzeugRedirectError

from veloce.testing import ClientRedirectError, TestClient


def r(to: str, code: int = 302) -> str:
    return f"/r?to={quote(to, safe='')}&code={code}"


def ours_final(response: t.Any) -> dict[str, t.Any]:
    scope = response.json
    headers = dict((k, v) for k, v in scope["headers"] if k in ("host", "content-type", "cookie"))
    root = scope["root_path"]
    return {
        "method": scope["method"],
        "path": scope["path"][len(root) :] or "/",
        "root_path": root,
        "query_string": scope["query_string"],
        "host": headers.get("host"),
        "scheme": scope["scheme"],
        "body": scope["body"],
        "content_type": headers.get("content-type"),
        "cookie": headers.get("cookie"),
    }


def chain(response: t.Any) -> list[tuple[int, str, int]]:
    return [(h.status_code, h.location, len(h.history)) for h in response.history]


SCENARIOS: list[tuple[str, str, dict[str, t.Any]]] = [
    ("GET", r("/target"), {}),
    ("POST", r("/target"), {"data": {"a": "1"}}),
    ("POST", r("/target", 303), {"json": {"a": 1}}),
    ("PUT", r("/target", 301), {"data": "raw", "content_type": "text/plain"}),
    ("POST", r("/target", 307), {"json": {"keep": True}}),
    ("PATCH", r("/target", 308), {"data": "raw", "content_type": "text/plain"}),
    ("POST", r("/target", 305), {"data": {"a": "1"}}),
    ("DELETE", r("/target?x=1&y=2"), {}),
    ("GET", r("http://localhost/absolute?q=1"), {}),
    ("GET", r("/caf%C3%A9/x%20y"), {}),
    ("GET", r(r("/final", 307), 301), {}),
    ("POST", r(r("/final", 302), 307), {"data": {"a": "1"}}),
    ("GET", r("/app/inner"), {"base_url": "http://localhost/app"}),
    ("GET", r("/outside"), {"base_url": "http://localhost/app"}),
    ("GET", r("/app"), {"base_url": "http://localhost/app"}),
    ("GET", r("https://localhost:8443/secure"), {}),
    ("GET", "/r?to=/target", {"headers": {"X-Keep": "1"}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), SCENARIOS)
def test_following_matches_werkzeug(method: str, path: str, kwargs: dict[str, t.Any]) -> None:
    ours_client = TestClient(redirect_app)
    theirs_client = Client(redirect_wsgi)
    ours = ours_client.open(path, method, follow_redirects=True, **kwargs)
    theirs = theirs_client.open(path, method=method, follow_redirects=True, **kwargs)
    ours_view, theirs_view = ours_final(ours), theirs.json
    last = ours.history[-1]
    if last.status_code in (307, 308) and last.request.body:
        # Werkzeug re-sends the already consumed input stream, so its 307/308 body is
        # empty; we re-send the original body, as a browser does.
        assert ours_view.pop("body") == last.request.body.decode()
        assert theirs_view.pop("body") == ""
    assert ours_view == theirs_view
    assert chain(ours) == chain(theirs)
    # Werkzeug's request.url is an IRI (percent-decoded UTF-8); ours stays a URI.
    assert unquote(ours.request.url) == unquote(theirs.request.url)
    ours_client.close()


def test_subdomain_redirect_needs_permission() -> None:
    path = r("http://api.example.com/x")
    ours_client = TestClient(redirect_app, base_url="http://example.com")
    theirs_client = Client(redirect_wsgi)
    with pytest.raises(RuntimeError, match="subdomain redirects is not enabled"):
        ours_client.get(path, follow_redirects=True)
    with pytest.raises(RuntimeError, match="subdomain redirects is not enabled"):
        theirs_client.get(path, base_url="http://example.com", follow_redirects=True)
    ours_client.allow_subdomain_redirects = True
    theirs_client.allow_subdomain_redirects = True
    ours = ours_client.get(path, follow_redirects=True)
    theirs = theirs_client.get(path, base_url="http://example.com", follow_redirects=True)
    assert ours_final(ours) == theirs.json
    ours_client.close()


def test_external_redirect_is_refused() -> None:
    with (
        TestClient(redirect_app) as client,
        pytest.raises(RuntimeError, match="Following external redirects is not supported."),
    ):
        client.get(r("http://other.example/x"), follow_redirects=True)


def test_redirect_loop_is_detected_like_werkzeug() -> None:
    def loop_wsgi(environ: t.Any, start_response: t.Any) -> list[bytes]:
        start_response("302 Found", [("Location", "/same")])
        return [b""]

    with pytest.raises(WerkzeugRedirectError) as theirs:
        Client(loop_wsgi).get("/", follow_redirects=True)
    with (
        TestClient(fixed_app(302, [(b"location", b"/same")])) as client,
        pytest.raises(ClientRedirectError) as ours,
    ):
        client.get("/", follow_redirects=True)
    assert str(ours.value) == str(theirs.value)


def test_relative_location_resolves_against_the_request() -> None:
    with TestClient(redirect_app) as client:
        response = client.get("/dir/r?to=target", follow_redirects=True)
        assert response.json["path"] == "/dir/target"
        response = client.get("/dir/r?to=../up?q=1", follow_redirects=True)
        assert (response.json["path"], response.json["query_string"]) == ("/up", "q=1")


def test_redirects_are_not_followed_by_default() -> None:
    with TestClient(redirect_app) as client:
        response = client.get(r("/target"))
        assert (response.status_code, response.location, response.history) == (302, "/target", ())


def test_client_default_follow_redirects() -> None:
    with TestClient(redirect_app, follow_redirects=True) as client:
        assert client.get(r("/target")).json["path"] == "/target"
        assert client.get(r("/target"), follow_redirects=False).status_code == 302


def test_redirect_without_location_stops_following() -> None:
    with TestClient(fixed_app(302)) as client:
        response = client.get("/", follow_redirects=True)
        assert (response.status_code, response.history) == (302, ())


def test_cookies_set_by_a_redirect_reach_the_next_hop() -> None:
    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        if scope["path"] == "/login":
            headers = [(b"location", b"/home"), (b"set-cookie", b"session=s1; Path=/")]
            await send({"type": "http.response.start", "status": 303, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        cookie = dict(scope["headers"]).get(b"cookie", b"")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": cookie})

    with TestClient(app) as client:
        response = client.post("/login", data={"u": "x"}, follow_redirects=True)
        assert response.data == b"session=s1"
        assert response.request.method == "GET"
        assert [h.status_code for h in response.history] == [303]


def test_preserved_contexts_of_every_hop_are_pushed() -> None:
    entered: list[str] = []

    class Ctx:
        def __init__(self, path: str) -> None:
            self.path = path

        def __enter__(self) -> None:
            entered.append(self.path)

        def __exit__(self, *exc: object) -> None:
            entered.append(f"exit {self.path}")

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        scope["extensions"]["veloce.preserve_context"](Ctx(scope["path"]))
        await redirect_app(scope, receive, send)

    with TestClient(app) as client:
        client.get(r("/target"), follow_redirects=True)
        assert entered == ["/r", "/target"]
    assert entered == ["/r", "/target", "exit /target", "exit /r"]


def test_json_body_survives_a_307(tmp_path: t.Any) -> None:
    with TestClient(redirect_app) as client:
        response = client.post(r("/t", 307), json={"a": 1}, follow_redirects=True)
        assert json.loads(response.json["body"]) == {"a": 1}

"""The cookie jar, compared with werkzeug.test.Client on the same Set-Cookie sequences."""

from __future__ import annotations

import json
import typing as t

import pytest
from asgi_apps import cookie_app, cookie_wsgi
from werkzeug.http import dump_cookie as werkzeug_dump_cookie
from werkzeug.test import Client

from veloce.testing import TestClient
from veloce.testing import cookies as cookies_module

PROBES = [
    ("http://localhost", "/"),
    ("http://localhost", "/foo"),
    ("http://localhost", "/foo/bar"),
    ("http://localhost", "/foobar"),
    ("http://localhost", "/dir/x"),
    ("http://example.com", "/"),
    ("http://sub.example.com", "/"),
    ("http://deep.sub.example.com", "/foo"),
    ("http://other.com", "/"),
]


class Pair:
    """Our client and Werkzeug's, fed the same requests."""

    def __init__(self) -> None:
        self.ours = TestClient(cookie_app)
        self.theirs = Client(cookie_wsgi)

    def respond(
        self, set_cookies: list[str], path: str = "/", base: str = "http://localhost"
    ) -> None:
        headers = {"X-Set-Cookie": json.dumps(set_cookies)}
        self.ours.get(path, headers=headers, base_url=base)
        self.theirs.get(path, headers=headers, base_url=base)

    def jars(self) -> tuple[dict[t.Any, t.Any], dict[t.Any, t.Any]]:
        def describe(cookie: t.Any) -> tuple[t.Any, ...]:
            return (
                cookie.key,
                cookie.value,
                cookie.decoded_value,
                cookie.origin_only,
                cookie.secure,
                cookie.http_only,
                cookie.same_site,
                cookie.max_age,
                cookie.expires,
            )

        ours = {c.storage_key: describe(c) for c in self.ours.cookies.iter_cookies()}
        theirs = {c._storage_key: describe(c) for c in self.theirs._cookies.values()}
        return ours, theirs

    def sent(self) -> tuple[list[str], list[str]]:
        ours, theirs = [], []
        for base, path in PROBES:
            ours.append(self.ours.get(path, base_url=base).text)
            theirs.append(self.theirs.get(path, base_url=base).text)
        return ours, theirs

    def assert_same(self) -> None:
        ours_jar, theirs_jar = self.jars()
        assert ours_jar == theirs_jar
        ours_sent, theirs_sent = self.sent()
        assert ours_sent == theirs_sent


@pytest.fixture
def pair() -> t.Iterator[Pair]:
    both = Pair()
    yield both
    both.ours.close()


SEQUENCES: dict[str, list[tuple[list[str], str, str]]] = {
    "set_and_overwrite": [
        (["a=1"], "/", "http://localhost"),
        (["a=2", "b=x"], "/", "http://localhost"),
    ],
    "path_scoping": [
        (["p=1; Path=/foo", "q=2; Path=/foo/"], "/", "http://localhost"),
    ],
    "default_path_is_the_request_directory": [
        (["d=1"], "/dir/page", "http://localhost"),
        (["top=1"], "/page", "http://localhost"),
    ],
    "domain_and_origin_only": [
        (["dom=1; Domain=example.com", "host=1"], "/", "http://example.com"),
        (["sub=1"], "/", "http://sub.example.com"),
    ],
    "delete_with_max_age_zero": [
        (["a=1", "b=2"], "/", "http://localhost"),
        ([werkzeug_dump_cookie("a", expires=0, max_age=0)], "/", "http://localhost"),
    ],
    "delete_with_epoch_expires": [
        (["a=1"], "/", "http://localhost"),
        (["a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"], "/", "http://localhost"),
    ],
    "delete_only_hits_the_same_path": [
        (["a=root", "a=foo; Path=/foo"], "/", "http://localhost"),
        (["a=; Max-Age=0; Path=/foo"], "/", "http://localhost"),
    ],
    "quoted_and_escaped_values": [
        (
            [
                werkzeug_dump_cookie("q", 'a "b";c,d\\e'),
                werkzeug_dump_cookie("u", "ünïcode ☃"),
                "spaced = value ; Path = /",
            ],
            "/",
            "http://localhost",
        ),
    ],
    "attributes": [
        (
            [
                werkzeug_dump_cookie(
                    "attrs", "v", max_age=3600, secure=True, httponly=True, samesite="Strict"
                )
            ],
            "/",
            "http://localhost",
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_jar_matches_werkzeug(pair: Pair, name: str) -> None:
    for set_cookies, path, base in SEQUENCES[name]:
        pair.respond(set_cookies, path, base)
    pair.assert_same()


def test_set_get_delete_cookie_match_werkzeug(pair: Pair) -> None:
    for client in (pair.ours, pair.theirs):
        client.set_cookie("plain", "v")
        client.set_cookie("scoped", "s", path="/foo", domain="example.com", origin_only=False)
        client.set_cookie("opts", "o ☃", max_age=60, secure=True, samesite="Lax")
        client.set_cookie("gone", "x")
        client.set_cookie("gone", "", max_age=0)
        client.set_cookie("deleted", "x")
        client.delete_cookie("deleted")
        client.delete_cookie("never-set", domain="nowhere", path="/x")
    pair.assert_same()
    ours = pair.ours.get_cookie("scoped", domain="example.com", path="/foo")
    theirs = pair.theirs.get_cookie("scoped", domain="example.com", path="/foo")
    assert ours is not None and theirs is not None
    assert (ours.decoded_value, ours.origin_only) == (theirs.decoded_value, theirs.origin_only)
    assert pair.ours.get_cookie("scoped") is None


# -- where we follow browsers rather than Werkzeug ---------------------------------------


def _jar_after(set_cookies: list[str]) -> dict[str, str]:
    client = TestClient(cookie_app)
    try:
        client.get("/", headers={"X-Set-Cookie": json.dumps(set_cookies)})
        return dict(client.cookies)
    finally:
        client.close()


def test_expires_in_the_past_deletes() -> None:
    past = "a=1; Expires=Sat, 01 Jan 2000 00:00:00 GMT"
    werkzeug_client = Client(cookie_wsgi)
    werkzeug_client.get("/", headers={"X-Set-Cookie": json.dumps(["a=1", past])})
    assert werkzeug_client.get_cookie("a") is not None  # Werkzeug keeps it
    assert _jar_after(["a=1", past]) == {}


def test_negative_max_age_deletes() -> None:
    assert _jar_after(["a=1", "a=2; Max-Age=-1"]) == {}


def test_max_age_wins_over_expires() -> None:
    header = "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=100"
    assert _jar_after([header]) == {"a": "1"}


def test_invalid_max_age_is_ignored() -> None:
    assert _jar_after(["a=1; Max-Age=soon"]) == {"a": "1"}


def test_relative_path_attribute_uses_the_default_path() -> None:
    client = TestClient(cookie_app)
    client.get("/dir/page", headers={"X-Set-Cookie": json.dumps(["a=1; Path=relative"])})
    assert client.get_cookie("a", path="/dir") is not None
    client.close()


def test_leading_dot_domain_matches_subdomains() -> None:
    client = TestClient(cookie_app, base_url="http://example.com")
    client.get("/", headers={"X-Set-Cookie": json.dumps(["a=1; Domain=.Example.com"])})
    assert client.get("/", base_url="http://www.example.com").text == "a=1"
    assert client.get("/").text == "a=1"
    client.close()


def test_cookies_expire_when_their_lifetime_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(cookies_module, "_now", lambda: now[0])
    client = TestClient(cookie_app)
    client.get("/", headers={"X-Set-Cookie": json.dumps(["short=1; Max-Age=10", "long=2"])})
    assert client.get("/").text == "short=1; long=2"
    now[0] += 11
    assert client.get("/").text == "long=2"
    assert client.get_cookie("short") is None
    client.close()


def test_get_cookie_drops_an_expired_cookie(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [50.0]
    monkeypatch.setattr(cookies_module, "_now", lambda: now[0])
    client = TestClient(cookie_app)
    client.set_cookie("k", "v", max_age=5)
    now[0] += 5
    assert client.get_cookie("k") is None
    client.close()


@pytest.mark.parametrize("jar_cookie", [None, "jar=1"])
@pytest.mark.parametrize("use_cookies", [True, False])
def test_given_cookie_header_matches_werkzeug(jar_cookie: str | None, use_cookies: bool) -> None:
    # With a jar, the jar alone decides the Cookie header (Werkzeug 3 replaces or drops
    # a given one); without, the given header is sent untouched.
    ours = TestClient(cookie_app, use_cookies=use_cookies)
    theirs = Client(cookie_wsgi, use_cookies=use_cookies)
    if jar_cookie and use_cookies:
        ours.set_cookie("jar", "1")
        theirs.set_cookie("jar", "1")
    headers = {"Cookie": "given=2; b=3"}
    assert ours.get("/", headers=headers).text == theirs.get("/", headers=headers).text
    ours.close()


# -- the spec's mapping view ---------------------------------------------------------------


def test_cookies_mapping_view() -> None:
    client = TestClient(cookie_app)
    client.get("/", headers={"X-Set-Cookie": json.dumps(["session=abc", "theme=dark"])})
    jar = client.cookies
    assert jar["session"] == "abc"
    assert list(jar) == ["session", "theme"]
    assert len(jar) == 2 and "theme" in jar and "nope" not in jar
    jar["added"] = "x y"
    assert client.get("/").text == 'session=abc; theme=dark; added="x y"'
    del jar["theme"]
    with pytest.raises(KeyError):
        del jar["theme"]
    with pytest.raises(KeyError):
        jar["theme"]
    assert jar.get("theme") is None
    assert repr(jar) == "<CookieJar {'session': 'abc', 'added': 'x y'}>"
    jar.clear()
    assert client.get("/").text == ""
    client.close()


def test_mapping_assignment_uses_the_client_host() -> None:
    client = TestClient(cookie_app, base_url="http://api.example.com")
    client.cookies["k"] = "v"
    assert client.get("/").text == "k=v"
    assert client.get_cookie("k", domain="api.example.com") is not None
    client.close()


def test_delete_by_name_removes_every_domain_and_path() -> None:
    client = TestClient(cookie_app)
    client.set_cookie("k", "1")
    client.set_cookie("k", "2", path="/foo")
    client.set_cookie("k", "3", domain="other")
    del client.cookies["k"]
    assert len(client.cookies) == 0
    client.close()


def test_disabled_cookies() -> None:
    client = TestClient(cookie_app, use_cookies=False)
    client.get("/", headers={"X-Set-Cookie": json.dumps(["a=1"])})
    assert client.get("/").text == ""
    for call in (
        lambda: client.cookies,
        lambda: client.get_cookie("a"),
        lambda: client.set_cookie("a", "1"),
        lambda: client.delete_cookie("a"),
    ):
        with pytest.raises(TypeError, match="Cookies are disabled"):
            call()
    client.close()

"""SessionMiddleware (signed cookie) and ServerSessionMiddleware (id cookie + store).

SessionMiddleware is checked against real Flask: its cookie must be Flask's cookie,
because both go through the one signing implementation in ``veloce.sessions``.
ServerSessionMiddleware runs end to end through ``app.test_client()`` on the
in-memory store (the Redis-backed runs are in ``tests/stores/test_redis.py``).
"""

from __future__ import annotations

import asyncio
import re
import typing as t

import pytest

from veloce import Veloce, flash, get_flashed_messages, request, session
from veloce.middleware.sessions import ServerSession, ServerSessionMiddleware, SessionMiddleware
from veloce.sessions import NullSession, Session
from veloce.stores.memory import InMemorySessionStore

SECRET = "middleware-secret"
ID_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def run(coro: t.Awaitable[t.Any]) -> t.Any:
    async def main() -> t.Any:
        return await coro

    return asyncio.run(main())


def session_routes(app: Veloce) -> Veloce:
    """Routes exercising the session through ``request.session``."""
    app.testing = True

    @app.post("/set/<key>/<value>")
    def set_value(key: str, value: str) -> str:
        request.session[key] = value
        return "ok"

    @app.post("/incr")
    def incr() -> str:
        request.session["n"] = request.session.get("n", 0) + 1
        return str(request.session["n"])

    @app.get("/get")
    def get() -> dict[str, t.Any]:
        return dict(request.session)

    @app.post("/clear")
    def clear() -> str:
        request.session.clear()
        return "cleared"

    @app.post("/permanent")
    def permanent() -> str:
        request.session.permanent = True
        return "ok"

    @app.post("/login/<name>")
    def login(name: str) -> str:
        request.session.regenerate_id()
        request.session["user"] = name
        return "ok"

    return app


def set_cookies(response: t.Any) -> list[str]:
    return response.headers.getlist("Set-Cookie")  # type: ignore[no-any-return]


def cookie_value(client: t.Any, name: str = "session") -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None
    return cookie.value  # type: ignore[no-any-return]


# -- Session: the dict that knows when it changed ---------------------------------------


def test_session_tracks_changes_and_regenerate_requests() -> None:
    s = Session({"a": 1})
    assert not s.modified and not s.regenerate_requested
    assert s["a"] == 1 and not s.modified
    s["b"] = 2
    assert s.modified
    s = Session()
    s.regenerate_id()
    assert s.regenerate_requested and s.modified
    s = Session({"a": 1})
    s.setdefault("a", 5)
    s.pop("missing", None)
    assert not s.modified
    s.permanent = True
    assert s.modified and s["_permanent"] is True


# -- SessionMiddleware -------------------------------------------------------------------


def cookie_app(*, app_secret: str | None = SECRET, **options: t.Any) -> Veloce:
    app = Veloce(__name__)
    if app_secret is not None:
        app.config["SECRET_KEY"] = app_secret
    app.add_middleware(SessionMiddleware, **options)
    return session_routes(app)


def flask_app(secret: str = SECRET, **config: t.Any) -> t.Any:
    import flask

    app = flask.Flask(__name__)
    app.config.update(SECRET_KEY=secret, **config)
    return app


def test_cookie_session_round_trip() -> None:
    client = cookie_app().test_client()
    assert [client.post("/incr").text for _ in range(3)] == ["1", "2", "3"]
    assert client.get("/get").json == {"n": 3}


def test_cookie_is_flasks_cookie_in_both_directions() -> None:
    import flask

    client = cookie_app().test_client()
    client.post("/set/user/ann")
    theirs = flask_app()
    signer = theirs.session_interface.get_signing_serializer(theirs)
    assert signer.loads(cookie_value(client)) == {"user": "ann"}

    with theirs.test_request_context():
        flask.session["from"] = "flask"
        response = theirs.response_class()
        theirs.session_interface.save_session(theirs, flask.session, response)
    flask_cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    client.set_cookie("session", flask_cookie)
    assert client.get("/get").json == {"from": "flask"}


@pytest.mark.parametrize(
    ("options", "config"),
    [
        ({}, {}),
        (
            {"session_cookie": "sid", "path": "/", "same_site": "Strict", "https_only": True},
            {
                "SESSION_COOKIE_NAME": "sid",
                "SESSION_COOKIE_PATH": "/",
                "SESSION_COOKIE_SAMESITE": "Strict",
                "SESSION_COOKIE_SECURE": True,
            },
        ),
        (
            {"httponly": False, "domain": "example.com"},
            {"SESSION_COOKIE_HTTPONLY": False, "SESSION_COOKIE_DOMAIN": "example.com"},
        ),
    ],
    ids=["defaults", "cookie-options", "domain-httponly"],
)
def test_cookie_attributes_match_flask_with_the_same_settings(
    options: dict[str, t.Any], config: dict[str, t.Any]
) -> None:
    import flask

    ours = cookie_app(**options).test_client()
    response = ours.post("/set/k/v", base_url="https://example.com")
    theirs = flask_app(**config)

    @theirs.post("/set")
    def set_value() -> str:
        flask.session["k"] = "v"
        return "ok"

    expected = theirs.test_client().post("/set", base_url="https://example.com")
    [got] = set_cookies(response)
    [want] = expected.headers.getlist("Set-Cookie")
    assert got.split("=", 1)[0] == want.split("=", 1)[0]
    assert got.split("; ")[1:] == want.split("; ")[1:]
    assert response.headers["Vary"] == "Cookie"


def test_own_secret_key_and_max_age_override_the_app() -> None:
    client = cookie_app(app_secret=None, secret_key="own", max_age=60).test_client()
    client.post("/permanent")
    response = client.post("/set/a/b")
    [header] = set_cookies(response)
    assert "Expires=" in header
    theirs = flask_app(secret="own")
    signer = theirs.session_interface.get_signing_serializer(theirs)
    assert signer.loads(cookie_value(client), max_age=60) == {"_permanent": True, "a": "b"}


def test_fallback_keys_still_verify_old_cookies() -> None:
    old = cookie_app(app_secret=None, secret_key="old").test_client()
    old.post("/set/a/1")
    rotated = cookie_app(app_secret=None, secret_key="new", fallback_keys=["old"]).test_client()
    rotated.set_cookie("session", cookie_value(old))
    assert rotated.get("/get").json == {"a": "1"}
    with pytest.raises(TypeError, match="own secret_key"):
        SessionMiddleware(fallback_keys=["old"])


def test_without_any_secret_the_session_is_null() -> None:
    app = cookie_app(app_secret=None)

    @app.get("/kind")
    def kind() -> str:
        return type(request.session).__name__

    client = app.test_client()
    assert client.get("/kind").text == NullSession.__name__
    with pytest.raises(RuntimeError, match="no secret key was set"):
        client.post("/set/a/b")


def test_tampered_cookie_opens_an_empty_session() -> None:
    client = cookie_app().test_client()
    client.post("/set/role/user")
    value = cookie_value(client)
    client.set_cookie("session", value.replace("dXNlc", "YWRta") + "x")
    assert client.get("/get").json == {}


def test_clearing_deletes_the_cookie() -> None:
    client = cookie_app().test_client()
    client.post("/set/a/b")
    response = client.post("/clear")
    [header] = set_cookies(response)
    assert header.startswith("session=;") and "Max-Age=0" in header
    assert client.get_cookie("session") is None


def test_one_session_object_for_request_state_and_the_session_proxy() -> None:
    app = cookie_app()

    @app.post("/same")
    def same() -> str:
        assert request.session is request.state["session"]
        assert session._get_current_object() is request.session  # type: ignore[attr-defined]
        session["via"] = "proxy"
        return "ok"

    client = app.test_client()
    response = client.post("/same")
    # Saved once, by the middleware: the app does not save the proxy's session again.
    assert len(set_cookies(response)) == 1
    assert client.get("/get").json == {"via": "proxy"}


def test_flash_works_through_the_middleware_session() -> None:
    app = cookie_app()

    @app.post("/flash")
    def do_flash() -> str:
        flash("saved")
        return "ok"

    @app.get("/messages")
    def messages() -> t.Any:
        return get_flashed_messages()

    client = app.test_client()
    client.post("/flash")
    assert client.get("/messages").json == ["saved"]
    assert client.get("/messages").json == []


def test_session_transaction_writes_a_cookie_the_middleware_reads() -> None:
    client = cookie_app().test_client()
    with client.session_transaction() as sess:
        sess["user_id"] = 7
    assert client.get("/get").json == {"user_id": 7}


def test_untouched_session_sends_no_cookie_but_varies_on_it() -> None:
    response = cookie_app().test_client().get("/get")
    assert set_cookies(response) == []
    assert response.headers["Vary"] == "Cookie"


# -- ServerSessionMiddleware --------------------------------------------------------------


class SpyStore(InMemorySessionStore):
    """An in-memory store that records every call."""

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self.calls: list[tuple[t.Any, ...]] = []

    async def read(self, session_id: str) -> dict[str, t.Any] | None:
        self.calls.append(("read", session_id))
        return await super().read(session_id)

    async def write(self, session_id: str, data: dict[str, t.Any], max_age: int) -> None:
        self.calls.append(("write", session_id, max_age))
        await super().write(session_id, data, max_age)

    async def delete(self, session_id: str) -> None:
        self.calls.append(("delete", session_id))
        await super().delete(session_id)

    async def replace(self, session_id: str, data: dict[str, t.Any], max_age: int) -> bool:
        self.calls.append(("replace", session_id, max_age))
        return await super().replace(session_id, data, max_age)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def server_app(store: t.Any = None, **options: t.Any) -> tuple[Veloce, t.Any]:
    store = SpyStore() if store is None else store
    app = Veloce(__name__)  # no SECRET_KEY: nothing is signed
    app.add_middleware(ServerSessionMiddleware, store=store, **options)
    return session_routes(app), store


def test_cookie_carries_only_an_opaque_id_and_the_payload_stays_in_the_store() -> None:
    app, store = server_app()
    client = app.test_client()
    response = client.post("/set/secret/hunter2")
    [header] = set_cookies(response)
    sid = cookie_value(client)
    assert ID_RE.fullmatch(sid)
    assert "hunter2" not in header
    assert header == f"session={sid}; HttpOnly; Path=/"
    assert run(store.read(sid)) == {"secret": "hunter2"}
    assert client.get("/get").json == {"secret": "hunter2"}


def test_changes_are_written_back_under_the_same_id() -> None:
    app, store = server_app()
    client = app.test_client()
    assert [client.post("/incr").text for _ in range(3)] == ["1", "2", "3"]
    sid = cookie_value(client)
    assert run(store.read(sid)) == {"n": 3}
    assert [c[0] for c in store.calls if c[0] in ("write", "replace")] == [
        "write",
        "replace",
        "replace",
    ]


def test_untouched_session_writes_nothing_and_sends_no_cookie() -> None:
    app, store = server_app()
    client = app.test_client()
    client.post("/set/a/b")
    store.calls.clear()
    response = client.get("/get")
    assert set_cookies(response) == []
    assert [c[0] for c in store.calls] == ["read"]
    assert response.headers["Vary"] == "Cookie"


def test_a_new_empty_session_is_never_stored() -> None:
    app, store = server_app()
    response = app.test_client().get("/get")
    assert set_cookies(response) == []
    assert store.calls == [] and len(store) == 0


@pytest.mark.parametrize(
    "forged",
    ["A" * 43, "tampered-" + "x" * 34],
    ids=["unknown-id", "edited-id"],
)
def test_unknown_or_tampered_id_opens_a_fresh_session(forged: str) -> None:
    app, store = server_app()
    client = app.test_client()
    client.post("/set/user/ann")
    client.set_cookie("session", forged)
    response = client.get("/get")
    assert response.json == {}
    # The dead cookie is expired rather than sent forever.
    [header] = set_cookies(response)
    assert header.startswith("session=;")


@pytest.mark.parametrize("garbage", ["../../etc", "a" * 500, "short", "eyJ.sig.x"])
def test_malformed_cookie_is_never_looked_up(garbage: str) -> None:
    app, store = server_app()
    client = app.test_client()
    client.set_cookie("session", garbage)
    assert client.get("/get").json == {}
    assert store.calls == []


def test_clearing_revokes_the_session_server_side() -> None:
    app, store = server_app()
    client = app.test_client()
    client.post("/set/user/ann")
    sid = cookie_value(client)
    response = client.post("/clear")
    [header] = set_cookies(response)
    assert header.startswith("session=;") and "Max-Age=0" in header
    assert run(store.read(sid)) is None
    # A copy of the old cookie (stolen, or an old tab) no longer resolves.
    client.set_cookie("session", sid)
    assert client.get("/get").json == {}


def test_deleting_from_the_store_revokes_the_session() -> None:
    app, store = server_app()
    client = app.test_client()
    client.post("/set/user/ann")
    run(store.delete(cookie_value(client)))
    assert client.get("/get").json == {}


def test_regenerate_id_rotates_the_id_and_the_old_one_no_longer_resolves() -> None:
    app, store = server_app()
    client = app.test_client()
    client.post("/set/cart/1")
    before = cookie_value(client)
    client.post("/login/ann")
    after = cookie_value(client)
    assert after != before and ID_RE.fullmatch(after)
    assert run(store.read(before)) is None
    assert run(store.read(after)) == {"cart": "1", "user": "ann"}
    assert client.get("/get").json == {"cart": "1", "user": "ann"}
    # An id planted before login is worthless after it.
    attacker = app.test_client()
    attacker.set_cookie("session", before)
    assert attacker.get("/get").json == {}


def test_regenerate_id_on_a_fresh_session_just_creates_one() -> None:
    app, store = server_app()
    client = app.test_client()
    client.post("/login/bob")
    assert run(store.read(cookie_value(client))) == {"user": "bob"}
    assert not any(c[0] == "delete" for c in store.calls)


def test_a_concurrently_revoked_session_is_not_resurrected() -> None:
    app, store = server_app()

    @app.post("/slow-update")
    async def slow_update() -> str:
        # Another request (a logout elsewhere) revokes the session while this runs.
        await store.delete(request.session.session_id)
        request.session["late"] = "write"
        return "done"

    client = app.test_client()
    client.post("/set/user/ann")
    sid = cookie_value(client)
    response = client.post("/slow-update")
    assert response.text == "done"
    assert run(store.read(sid)) is None
    assert len(store) == 0
    [header] = set_cookies(response)
    assert header.startswith("session=;")
    assert ("replace", sid, 2678400) in store.calls


def test_entries_expire_after_max_age_without_activity() -> None:
    clock = FakeClock()
    app, store = server_app(InMemorySessionStore(clock=clock), max_age=600)
    client = app.test_client()
    client.post("/set/a/b")
    clock.now += 599
    assert client.get("/get").json == {"a": "b"}
    clock.now += 1
    assert client.get("/get").json == {}


def test_max_age_defaults_to_the_permanent_session_lifetime() -> None:
    app, store = server_app()
    app.config["PERMANENT_SESSION_LIFETIME"] = 3600
    client = app.test_client()
    client.post("/set/a/b")
    assert store.calls[-1] == ("write", cookie_value(client), 3600)


def test_permanent_session_refreshes_its_cookie_and_entry_each_request() -> None:
    app, store = server_app(max_age=120)
    client = app.test_client()
    response = client.post("/permanent")
    [header] = set_cookies(response)
    assert "Expires=" in header
    store.calls.clear()
    response = client.get("/get")
    assert len(set_cookies(response)) == 1
    assert [c[0] for c in store.calls] == ["read", "replace"]
    app2, store2 = server_app(max_age=120)
    app2.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client2 = app2.test_client()
    client2.post("/permanent")
    store2.calls.clear()
    assert set_cookies(client2.get("/get")) == []
    assert [c[0] for c in store2.calls] == ["read"]


def test_cookie_options_come_from_the_middleware_then_the_config() -> None:
    app, store = server_app(session_cookie="sid", same_site="Strict", https_only=True)
    app.config["SESSION_COOKIE_PATH"] = "/"
    app.config["SESSION_COOKIE_DOMAIN"] = "example.com"
    client = app.test_client()
    response = client.post("/set/a/b", base_url="https://example.com")
    [header] = set_cookies(response)
    sid = header.split(";")[0].split("=", 1)[1]
    assert header == (f"sid={sid}; Domain=example.com; Secure; HttpOnly; Path=/; SameSite=Strict")


def test_server_session_is_the_flask_session_too() -> None:
    app, store = server_app()

    @app.post("/flash")
    def do_flash() -> str:
        assert session._get_current_object() is request.session  # type: ignore[attr-defined]
        assert isinstance(request.session, ServerSession)
        flash("hello")
        return "ok"

    @app.get("/messages")
    def messages() -> t.Any:
        return get_flashed_messages()

    client = app.test_client()
    response = client.post("/flash")
    assert len(set_cookies(response)) == 1
    assert client.get("/messages").json == ["hello"]
    assert client.get("/messages").json == []


def test_server_session_exposes_its_id_and_newness() -> None:
    app, store = server_app()

    @app.get("/whoami")
    def whoami() -> dict[str, t.Any]:
        s = request.session
        return {"id": s.session_id, "new": s.new}

    client = app.test_client()
    assert client.get("/whoami").json == {"id": None, "new": True}
    client.post("/set/a/b")
    assert client.get("/whoami").json == {"id": cookie_value(client), "new": False}


def test_default_store_is_a_private_in_memory_store() -> None:
    middleware = ServerSessionMiddleware()
    assert isinstance(middleware.store, InMemorySessionStore)
    assert ServerSessionMiddleware().store is not middleware.store


def test_request_session_without_middleware_raises() -> None:
    app = Veloce(__name__)
    app.testing = True

    @app.get("/")
    def index() -> str:
        return str(request.session)

    with pytest.raises(RuntimeError, match="SessionMiddleware"):
        app.test_client().get("/")

"""Session semantics through whole apps, checked against real Flask running the same script.

The parity suite (``tests/flask_parity/apps/sessions.py`` and ``flashing.py``) runs
Flask-shaped apps with sync views through the compat layer. This file covers what it
cannot:

* native Veloce apps whose views are ``async`` (the request runs on the event loop,
  not on a worker lane) and the :class:`~veloce.testing.AsyncTestClient`;
* concurrent requests with different session cookies;
* ``session_transaction()`` on both test clients, including the async context
  manager, compared call for call with ``FlaskClient.session_transaction``.

Every expected value comes from Flask: each scenario runs once against a Flask app and
once against the equivalent Veloce app, and the observations must be equal.
"""

from __future__ import annotations

import asyncio
import typing as t

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veloce import Veloce, flash, get_flashed_messages, jsonify, session
from veloce.core.context import _cv_ctx
from veloce.sessions import NullSession, SecureCookieSessionInterface, SessionMixin
from veloce.testing import AsyncTestClient, TestClient

SECRET = "session semantics secret"

#: The views of every app below, as bodies shared by the Flask and Veloce apps. Each
#: gets the framework's ``session``, ``flash``, ``get_flashed_messages``, ``jsonify``.
Views = dict[str, t.Callable[..., t.Any]]


def make_views(
    session: t.Any, flash: t.Any, get_flashed_messages: t.Any, jsonify: t.Any
) -> Views:
    def set_value(key: str, value: str) -> t.Any:
        session[key] = value
        return jsonify(modified=session.modified)

    def get_value(key: str) -> t.Any:
        return jsonify(value=session.get(key))

    def untouched() -> t.Any:
        return jsonify(used=False)

    def login_permanent() -> t.Any:
        session.permanent = True
        session["user"] = "ann"
        return jsonify(permanent=session.permanent)

    def clear() -> t.Any:
        session.clear()
        return jsonify(empty=not session)

    def nested_init() -> t.Any:
        session["cart"] = ["apple"]
        return jsonify(cart=session["cart"])

    def nested_append() -> t.Any:
        session["cart"].append("pear")
        return jsonify(modified=session.modified, cart=session["cart"])

    def flash_message(message: str) -> t.Any:
        flash(message, "info")
        return jsonify(flashed=message)

    def messages() -> t.Any:
        return jsonify(get_flashed_messages(with_categories=True))

    def dump() -> t.Any:
        return jsonify(data=dict(session), permanent=session.permanent)

    return {
        "/set/<key>/<value>": set_value,
        "/get/<key>": get_value,
        "/untouched": untouched,
        "/login-permanent": login_permanent,
        "/clear": clear,
        "/nested/init": nested_init,
        "/nested/append": nested_append,
        "/flash/<message>": flash_message,
        "/messages": messages,
        "/dump": dump,
    }


def _register(app: t.Any, views: Views, *, async_views: bool) -> None:
    for rule, body in views.items():
        if async_views:

            async def view(__body: t.Any = body, **kwargs: t.Any) -> t.Any:
                await asyncio.sleep(0)
                return __body(**kwargs)

        else:

            def view(__body: t.Any = body, **kwargs: t.Any) -> t.Any:
                return __body(**kwargs)

        app.add_url_rule(rule, body.__name__, view)


def flask_app(**config: t.Any) -> t.Any:
    import flask

    app = flask.Flask("flask_semantics")
    app.secret_key = SECRET
    app.testing = True
    app.config.update(config)
    views = make_views(flask.session, flask.flash, flask.get_flashed_messages, flask.jsonify)
    _register(app, views, async_views=False)
    return app


def veloce_app(*, async_views: bool = True, **config: t.Any) -> Veloce:
    app = Veloce("veloce_semantics")
    app.secret_key = SECRET
    app.testing = True
    app.config.update(config)
    _register(app, make_views(session, flash, get_flashed_messages, jsonify),
              async_views=async_views)
    return app


def decode(app: t.Any, value: str) -> t.Any:
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(value)


def _set_cookie(app: t.Any, header: str) -> dict[str, t.Any]:
    """A Set-Cookie header as name, decoded session value and attribute names."""
    first, *attrs = header.split(";")
    name, _, value = first.partition("=")
    names = sorted(part.strip().partition("=")[0].lower() for part in attrs if part.strip())
    decoded = decode(app, value) if value else ""
    return {"name": name, "value": decoded, "attrs": names}


def observe(app: t.Any, response: t.Any) -> dict[str, t.Any]:
    """What a Flask user sees of one response, framework-neutral."""
    return {
        "status": response.status_code,
        "json": response.get_json(),
        "vary": response.headers.get("Vary"),
        "set_cookie": [_set_cookie(app, h) for h in response.headers.getlist("Set-Cookie")],
    }


# -- async views and the async client ----------------------------------------------------

SCENARIOS: dict[str, list[str]] = {
    "write_then_read": ["/set/user/ann", "/get/user", "/untouched"],
    "overwrite_and_dump": ["/set/a/1", "/set/a/2", "/set/b/3", "/dump"],
    "clear_deletes_cookie": ["/set/user/ann", "/clear", "/dump", "/clear"],
    "permanent_refreshed_each_request": ["/login-permanent", "/untouched", "/get/user"],
    "nested_mutation_not_detected": ["/nested/init", "/nested/append", "/dump"],
    "flash_then_read": ["/flash/hello", "/flash/again", "/messages", "/messages"],
    "fresh_session_reads": ["/get/user", "/dump", "/untouched"],
}


def _flask_observations(paths: list[str], **config: t.Any) -> list[dict[str, t.Any]]:
    app = flask_app(**config)
    client = app.test_client()
    return [observe(app, client.get(path)) for path in paths]


@pytest.mark.parametrize("async_views", [True, False], ids=["async_views", "sync_views"])
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_views_match_flask(name: str, async_views: bool) -> None:
    paths = SCENARIOS[name]
    app = veloce_app(async_views=async_views)
    client = app.test_client()
    try:
        observed = [observe(app, client.get(path)) for path in paths]
    finally:
        client.close()
    assert observed == _flask_observations(paths)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_async_client_matches_flask(name: str) -> None:
    paths = SCENARIOS[name]
    app = veloce_app()

    async def main() -> list[dict[str, t.Any]]:
        async with app.async_test_client() as client:
            return [observe(app, await client.get(path)) for path in paths]

    assert asyncio.run(main()) == _flask_observations(paths)


def test_refresh_disabled_matches_flask() -> None:
    paths = ["/login-permanent", "/untouched", "/get/user"]
    app = veloce_app(SESSION_REFRESH_EACH_REQUEST=False)
    client = app.test_client()
    try:
        observed = [observe(app, client.get(path)) for path in paths]
    finally:
        client.close()
    assert observed == _flask_observations(paths, SESSION_REFRESH_EACH_REQUEST=False)


def test_concurrent_requests_keep_their_own_sessions() -> None:
    app = veloce_app()
    users = [f"user{i}" for i in range(20)]

    async def one(client: AsyncTestClient, user: str) -> tuple[str, t.Any]:
        await client.get(f"/set/user/{user}")
        await client.get(f"/set/seen/{user}")
        response = await client.get("/dump")
        return user, response.get_json()["data"]

    async def main() -> list[tuple[str, t.Any]]:
        clients = [app.async_test_client() for _ in users]
        return await asyncio.gather(*(one(c, u) for c, u in zip(clients, users, strict=True)))

    for user, data in asyncio.run(main()):
        assert data == {"user": user, "seen": user}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                      exclude_characters=';,"\\'), max_size=300))
def test_any_cookie_value_opens_an_empty_or_valid_session(value: str) -> None:
    app = veloce_app()
    client = app.test_client(use_cookies=False)
    try:
        response = client.get("/dump", headers={"Cookie": f"session={value}"})
    finally:
        client.close()
    assert response.status_code == 200
    assert response.get_json() == {"data": {}, "permanent": False}


# -- session_transaction() ---------------------------------------------------------------

#: A scenario drives one client and returns what it observed. It gets the app, the
#: client, and ``enter``: a function turning ``client.session_transaction(...)`` into
#: a sync context manager (identity for the sync clients, a loop runner for the async
#: one), so the same scenario runs against FlaskClient, TestClient and AsyncTestClient.
Enter = t.Callable[..., t.ContextManager[SessionMixin]]


def _tx_set_then_request(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    with enter(client) as sess:
        before = dict(sess)
        sess["user"] = "ann"
        sess["ids"] = (1, 2)
    return before, observe(app, client.get("/dump"))


def _tx_read_after_request(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    client.get("/set/user/ann")
    with enter(client) as sess:
        return dict(sess), sess.modified, sess.permanent, type(sess).__name__


def _tx_untouched_keeps_cookie(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    client.get("/set/user/ann")
    before = client.get_cookie("session").value
    with enter(client) as sess:
        sess.get("user")
    return client.get_cookie("session").value == before


def _tx_clear(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    client.get("/set/user/ann")
    with enter(client) as sess:
        sess.clear()
    return client.get_cookie("session"), observe(app, client.get("/dump"))


def _tx_permanent(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    with enter(client) as sess:
        sess.permanent = True
        sess["user"] = "ann"
    cookie = client.get_cookie("session")
    return cookie.expires is not None, observe(app, client.get("/dump"))


def _tx_exception_discards(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    client.get("/set/user/ann")
    with pytest.raises(LookupError, match="abandon"), enter(client) as sess:
        sess["user"] = "mallory"
        raise LookupError("abandon")
    return observe(app, client.get("/dump"))


def _tx_flashes(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    with enter(client) as sess:
        sess["_flashes"] = [("warning", "planted")]
    first = observe(app, client.get("/messages"))
    client.get("/flash/queued")
    with enter(client) as sess:
        stored = [list(item) for item in sess["_flashes"]]
    return first, stored


def _tx_jar_replaces_cookie_header(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    # With nothing in the jar, a Cookie header passed in ``headers`` is dropped.
    with enter(client, headers={"Cookie": "session=junk; other=1"}) as sess:
        empty = dict(sess)
    client.get("/set/user/ann")
    with enter(client, headers={"Cookie": "session=junk"}) as sess:
        return empty, dict(sess)


def _tx_other_host(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    with enter(client, "/deep/path", base_url="http://other.test") as sess:
        sess["host"] = "other"
    here = client.get("/dump").get_json()
    there = client.get("/dump", base_url="http://other.test").get_json()
    return here, there


def _tx_cookie_path_config(app: t.Any, client: t.Any, enter: Enter) -> t.Any:
    app.config["SESSION_COOKIE_PATH"] = "/only"
    with enter(client, "/only/here") as sess:
        sess["a"] = 1
    return client.get_cookie("session", path="/only") is not None, client.get_cookie("session")


TRANSACTIONS = {
    fn.__name__.removeprefix("_tx_"): fn
    for fn in (
        _tx_set_then_request,
        _tx_read_after_request,
        _tx_untouched_keeps_cookie,
        _tx_clear,
        _tx_permanent,
        _tx_exception_discards,
        _tx_flashes,
        _tx_jar_replaces_cookie_header,
        _tx_other_host,
        _tx_cookie_path_config,
    )
}


def _sync_enter(client: t.Any, *args: t.Any, **kwargs: t.Any) -> t.ContextManager[t.Any]:
    return t.cast("t.ContextManager[t.Any]", client.session_transaction(*args, **kwargs))


class _SyncAsyncClient:
    """An AsyncTestClient driven from sync code on one loop, for shared scenarios."""

    def __init__(self, client: AsyncTestClient, loop: asyncio.AbstractEventLoop) -> None:
        self.client = client
        self.loop = loop

    def get(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        return self.loop.run_until_complete(self.client.get(*args, **kwargs))

    def get_cookie(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        return self.client.get_cookie(*args, **kwargs)


class _AsyncEnter:
    """``with _AsyncEnter(...)`` entering ``async with client.session_transaction()``."""

    def __init__(self, wrapper: _SyncAsyncClient, args: t.Any, kwargs: t.Any) -> None:
        self.loop = wrapper.loop
        self.cm = wrapper.client.session_transaction(*args, **kwargs)

    def __enter__(self) -> t.Any:
        return self.loop.run_until_complete(self.cm.__aenter__())

    def __exit__(self, *exc: t.Any) -> t.Any:
        return self.loop.run_until_complete(self.cm.__aexit__(*exc))


def _async_enter(wrapper: t.Any, *args: t.Any, **kwargs: t.Any) -> t.ContextManager[t.Any]:
    return _AsyncEnter(wrapper, args, kwargs)


def _flask_transaction(name: str) -> t.Any:
    app = flask_app()
    return TRANSACTIONS[name](app, app.test_client(), _sync_enter)


@pytest.mark.parametrize("name", sorted(TRANSACTIONS))
def test_session_transaction_matches_flask(name: str) -> None:
    app = veloce_app(async_views=False)
    client = app.test_client()
    try:
        observed = TRANSACTIONS[name](app, client, _sync_enter)
    finally:
        client.close()
    assert _cookie_free(observed) == _cookie_free(_flask_transaction(name))


@pytest.mark.parametrize("name", sorted(TRANSACTIONS))
def test_async_session_transaction_matches_flask(name: str) -> None:
    app = veloce_app()
    loop = asyncio.new_event_loop()
    try:
        observed = TRANSACTIONS[name](
            app, _SyncAsyncClient(app.async_test_client(), loop), _async_enter
        )
    finally:
        loop.close()
    assert _cookie_free(observed) == _cookie_free(_flask_transaction(name))


def _cookie_free(value: t.Any) -> t.Any:
    """Jar cookie objects differ in class between the frameworks: compare their fields."""
    if isinstance(value, (tuple, list)):
        return [_cookie_free(item) for item in value]
    if hasattr(value, "decoded_key") and hasattr(value, "decoded_value"):
        return {"cookie": value.decoded_key, "value": value.decoded_value}
    return value


def test_async_session_transaction_in_a_coroutine() -> None:
    app = veloce_app()

    async def main() -> t.Any:
        async with app.async_test_client() as client:
            async with client.session_transaction() as sess:
                sess["user"] = "ann"
            first = (await client.get("/get/user")).get_json()
            async with client.session_transaction() as sess:
                seen = dict(sess)
                sess.clear()
            second = (await client.get("/get/user")).get_json()
            return first, seen, second, client.get_cookie("session")

    assert asyncio.run(main()) == ({"value": "ann"}, {"user": "ann"}, {"value": None}, None)


def _error(fn: t.Callable[[], t.Any]) -> tuple[str, str]:
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value).__name__, str(info.value)


def _enter_transaction(client: t.Any) -> None:
    with client.session_transaction() as sess:
        sess["a"] = 1


def test_session_transaction_without_cookies_matches_flask() -> None:
    expected = _error(lambda: _enter_transaction(flask_app().test_client(use_cookies=False)))
    app = veloce_app()
    assert _error(lambda: _enter_transaction(app.test_client(use_cookies=False))) == expected

    async def main() -> None:
        async with app.async_test_client(use_cookies=False).session_transaction():
            pass

    assert _error(lambda: asyncio.run(main())) == expected
    assert expected[0] == "TypeError"


def test_session_transaction_without_secret_key_matches_flask() -> None:
    flask_side = flask_app()
    flask_side.secret_key = None
    expected = _error(lambda: _enter_transaction(flask_side.test_client()))
    app = veloce_app()
    app.secret_key = None
    assert _error(lambda: _enter_transaction(app.test_client())) == expected

    async def main() -> None:
        async with app.async_test_client().session_transaction():
            pass

    assert _error(lambda: asyncio.run(main())) == expected
    assert expected == ("RuntimeError", "Session backend did not open a session.")


def _logging_interfaces(base: type[t.Any], null_class: type[t.Any]) -> dict[str, type[t.Any]]:
    """Interfaces that log their calls, for the Flask and the Veloce base class."""

    class Logging(base):  # type: ignore[misc,valid-type]
        def __init__(self) -> None:
            self.log: list[t.Any] = []

        def open_session(self, app: t.Any, request: t.Any) -> t.Any:
            self.log.append(
                ("open", request.method, request.path, request.host,
                 sorted(request.cookies), request.headers.get("X-Test"))
            )
            return super().open_session(app, request)

        def save_session(self, app: t.Any, session: t.Any, response: t.Any) -> None:
            self.log.append(("save", dict(session), session.modified, session.accessed))
            super().save_session(app, session, response)

    class Null(base):  # type: ignore[misc,valid-type]
        def open_session(self, app: t.Any, request: t.Any) -> t.Any:
            return null_class()

    return {"logging": Logging, "null": Null}


def _interface_scenario(app: t.Any, client: t.Any) -> t.Any:
    client.get("/set/user/ann")
    with client.session_transaction(
        "/somewhere", method="POST", headers={"X-Test": "yes"}, base_url="http://localhost:8080"
    ) as sess:
        sess["extra"] = 1
    with client.session_transaction() as sess:
        seen = dict(sess)
    return seen, app.session_interface.log


def test_session_transaction_custom_interface_matches_flask() -> None:
    from flask.sessions import NullSession as FlaskNullSession
    from flask.sessions import SecureCookieSessionInterface as FlaskInterface

    flask_side = flask_app()
    flask_side.session_interface = _logging_interfaces(FlaskInterface, FlaskNullSession)[
        "logging"
    ]()
    expected = _interface_scenario(flask_side, flask_side.test_client())

    app = veloce_app(async_views=False)
    app.session_interface = _logging_interfaces(SecureCookieSessionInterface, NullSession)[
        "logging"
    ]()
    client = app.test_client()
    try:
        assert _interface_scenario(app, client) == expected
    finally:
        client.close()


def _null_scenario(client: t.Any) -> t.Any:
    with client.session_transaction() as sess:
        kind = type(sess).__name__
        with pytest.raises(RuntimeError) as info:
            sess["a"] = 1
    return kind, str(info.value), client.get_cookie("session")


def test_session_transaction_null_session_is_not_saved() -> None:
    from flask.sessions import NullSession as FlaskNullSession
    from flask.sessions import SecureCookieSessionInterface as FlaskInterface

    flask_side = flask_app()
    flask_side.session_interface = _logging_interfaces(FlaskInterface, FlaskNullSession)[
        "null"
    ]()
    expected = _null_scenario(flask_side.test_client())

    app = veloce_app()
    app.session_interface = _logging_interfaces(SecureCookieSessionInterface, NullSession)[
        "null"
    ]()
    client = app.test_client()
    try:
        assert _null_scenario(client) == expected
    finally:
        client.close()


def test_session_transaction_binds_no_context_outside_the_block() -> None:
    app = veloce_app()
    client = app.test_client()
    try:
        with client.session_transaction() as sess:
            inside = _cv_ctx.get(None)
            sess["a"] = 1
        assert _cv_ctx.get(None) is None
    finally:
        client.close()
    # Flask opens and saves inside the context but hands the session out with no
    # context pushed, so the block itself runs outside any request.
    assert inside is None


def test_session_transaction_needs_an_app_with_sessions() -> None:
    async def plain_asgi(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        raise AssertionError("not called")

    client = TestClient(plain_asgi)
    try:
        with pytest.raises(AttributeError), client.session_transaction():
            pass
    finally:
        client.close()

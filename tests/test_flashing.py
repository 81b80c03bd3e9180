"""Flashing parity: ``veloce.flashing`` vs ``flask.flash``/``get_flashed_messages``.

The Veloce side runs in a minimal bound context (app, request, a ``session`` property
that marks the session accessed, and a ``flashes`` slot), which is what the request
context provides. Flashes cross between the two frameworks through the session
cookie in both directions.
"""

from __future__ import annotations

import contextlib
import typing as t

import pytest

from veloce.config import DEFAULT_CONFIG, ConfigAttribute
from veloce.core.context import _cv_ctx
from veloce.core.request import Request
from veloce.core.response import Response
from veloce.flashing import flash, get_flashed_messages
from veloce.json.provider import DefaultJSONProvider
from veloce.sessions import NullSession, SecureCookieSessionInterface, SessionMixin

SECRET = "flash-secret"


class FakeApp:
    secret_key = ConfigAttribute[t.Any]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[t.Any]("PERMANENT_SESSION_LIFETIME")

    def __init__(self, **config: t.Any) -> None:
        self.name = "fake"
        self.config = {**DEFAULT_CONFIG, "SECRET_KEY": SECRET, **config}
        self.json = DefaultJSONProvider(self)


class FakeCtx:
    """The request context's share of the contract: ``session`` and ``flashes``."""

    def __init__(self, app: t.Any, request: Request | None, session: SessionMixin) -> None:
        self.app = app
        self.request = request
        self._session = session
        self.flashes: list[tuple[str, str]] | None = None

    @property
    def session(self) -> SessionMixin:
        self._session.accessed = True
        return self._session


def make_request(cookie: str | None = None) -> Request:
    headers = [(b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", f"session={cookie}".encode("latin-1")))
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "server": ("localhost", 80),
        "root_path": "",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": headers,
    }
    return Request(scope, b"", None)


@contextlib.contextmanager
def veloce_request(
    cookie: str | None = None, app: FakeApp | None = None, *, with_request: bool = True
) -> t.Iterator[FakeCtx]:
    app = app or FakeApp()
    iface = SecureCookieSessionInterface()
    request = make_request(cookie)
    session = iface.open_session(app, request)
    if session is None:
        session = iface.make_null_session(app)
    ctx = FakeCtx(app, request if with_request else None, session)
    token = _cv_ctx.set(ctx)
    try:
        yield ctx
    finally:
        _cv_ctx.reset(token)


def saved_cookie(app: t.Any, iface: t.Any, session: t.Any, response: t.Any) -> str | None:
    iface.save_session(app, session, response)
    headers = response.headers.getlist("Set-Cookie")
    if not headers:
        return None
    return headers[0].split(";", 1)[0].split("=", 1)[1] or None


def flask_app(**config: t.Any) -> t.Any:
    import flask

    app = flask.Flask(__name__)
    app.config.update({"SECRET_KEY": SECRET, **config})
    return app


SCRIPT: list[tuple[str, tuple[t.Any, ...], dict[str, t.Any]]] = [
    ("flash", ("first",), {}),
    ("flash", ("bad thing", "error"), {}),
    ("flash", ("careful", "warning"), {}),
    ("flash", ("<b>html</b>", "error"), {}),
    ("get", (), {}),
    ("get", (), {"with_categories": True}),
    ("get", (), {"category_filter": ["error"]}),
    ("get", (), {"category_filter": ("error", "warning"), "with_categories": True}),
    ("get", (), {"category_filter": "error"}),
    ("get", (), {"category_filter": "messageerror"}),
    ("get", (), {"category_filter": iter(["warning"])}),
    ("get", (), {"category_filter": []}),
    ("flash", ("late",), {}),
    ("get", (), {}),
]


def _run_script(flash_fn: t.Any, get_fn: t.Any, session: t.Callable[[], t.Any]) -> list[t.Any]:
    out = []
    for action, args, kwargs in SCRIPT:
        kwargs = {
            k: (iter(list(v)) if type(v).__name__ == "list_iterator" else v)
            for k, v in kwargs.items()
        }
        if action == "flash":
            flash_fn(*args, **kwargs)
            out.append(("session", dict(session())))
        else:
            out.append(("get", get_fn(*args, **kwargs)))
    out.append(("modified", session().modified))
    return out


def test_same_request_behaviour_matches_flask() -> None:
    import flask

    with flask_app().test_request_context():
        expected = _run_script(flask.flash, flask.get_flashed_messages, lambda: flask.session)
    with veloce_request() as ctx:
        assert _run_script(flash, get_flashed_messages, lambda: ctx._session) == expected


def test_veloce_flashes_read_by_flask_next_request() -> None:
    import flask

    with veloce_request() as ctx:
        flash("saved")
        flash("nope", "error")
        cookie = saved_cookie(ctx.app, SecureCookieSessionInterface(), ctx._session, Response())
    assert cookie is not None
    fapp = flask_app()
    with fapp.test_request_context(headers={"Cookie": f"session={cookie}"}):
        assert flask.get_flashed_messages(with_categories=True) == [
            ("message", "saved"),
            ("error", "nope"),
        ]
        # Consumed: the emptied session deletes the cookie.
        response = fapp.response_class()
        fapp.session_interface.save_session(
            fapp, t.cast(t.Any, flask.session)._get_current_object(), response
        )
        assert response.headers.getlist("Set-Cookie")[0].startswith("session=;")


def test_flask_flashes_read_by_veloce_next_request() -> None:
    import flask

    fapp = flask_app()
    with fapp.test_request_context():
        flask.flash("from flask", "info")
        flask.flash("plain")
        response = fapp.response_class()
        cookie = saved_cookie(
            fapp,
            fapp.session_interface,
            t.cast(t.Any, flask.session)._get_current_object(),
            response,
        )
    with veloce_request(cookie) as ctx:
        assert get_flashed_messages(with_categories=True) == [
            ("info", "from flask"),
            ("message", "plain"),
        ]
        assert get_flashed_messages(category_filter=["info"]) == ["from flask"]
        assert "_flashes" not in ctx._session and ctx._session.modified
        assert ctx._session.accessed
        response = Response()
        assert saved_cookie(ctx.app, SecureCookieSessionInterface(), ctx._session, response) is None
        assert response.headers.getlist("Set-Cookie")[0].startswith("session=;")


def test_no_flashes_leaves_session_untouched() -> None:
    with veloce_request() as ctx:
        assert get_flashed_messages() == []
        assert get_flashed_messages(with_categories=True) == []
        assert not ctx._session.modified


def _outside_message(fn: t.Callable[[], t.Any]) -> str:
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


@pytest.mark.parametrize("name", ["flash", "get_flashed_messages"])
def test_outside_request_raises_flasks_error(name: str) -> None:
    import flask

    args = ("x",) if name == "flash" else ()
    expected = _outside_message(lambda: getattr(flask, name)(*args))
    assert _outside_message(lambda: globals()[name](*args)) == expected
    with veloce_request(with_request=False):
        assert _outside_message(lambda: globals()[name](*args)) == expected


def test_without_secret_key_flash_fails_like_flask() -> None:
    import flask

    with flask_app(SECRET_KEY=None).test_request_context():
        expected = _outside_message(lambda: flask.flash("x"))
        assert flask.get_flashed_messages() == []
    with veloce_request(app=FakeApp(SECRET_KEY=None)) as ctx:
        assert type(ctx._session) is NullSession
        assert _outside_message(lambda: flash("x")) == expected
        assert get_flashed_messages() == []

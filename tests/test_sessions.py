"""Cookie sessions: Veloce's interface vs ``flask.sessions`` with the same secret key.

A cookie written by one side must open in the other with equal values of equal
types; ``save_session`` must emit the same Set-Cookie and Vary headers as Flask for
the same session state and config; and a bad cookie must open as an empty session.
The Veloce side runs on a minimal app object (config + the two config attributes the
interface reads) and core Request/Response objects, without the app layer.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import time
import typing as t
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import Markup

from veloce.config import DEFAULT_CONFIG, ConfigAttribute
from veloce.core.request import Request
from veloce.core.response import Response
from veloce.sessions import (
    NullSession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    Session,
    SessionInterface,
    SessionMixin,
)

SECRET = "dev-secret-key"
UTC = dt.timezone.utc

PAYLOAD: dict[str, t.Any] = {
    "tuple": (1, "two", (3, None)),
    "bytes": b"\x00\xffraw",
    "markup": Markup("<b>bold</b>"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "aware": dt.datetime(2024, 2, 29, 12, 30, 15, tzinfo=UTC),
    "naive": dt.datetime(2024, 2, 29, 12, 30, 15, 500000),
    "nested": {" t": {"inner": [1, (2, 3)], " di": b"x"}},
    "escaped": {" t": "not a tuple"},
    "list": [b"a", Markup("<i>"), {"k": None}, 1.5, True],
    "text": "unicode ☃ \u2028",
    "_flashes": [("message", "hello")],
}


class FakeApp:
    """What the interface reads from an app: ``config`` and two config attributes."""

    secret_key = ConfigAttribute[t.Any]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[dt.timedelta]("PERMANENT_SESSION_LIFETIME")

    def __init__(self, **config: t.Any) -> None:
        self.name = "fake"
        self.config = {**DEFAULT_CONFIG, "SECRET_KEY": SECRET, **config}


def flask_app(**config: t.Any) -> t.Any:
    import flask

    app = flask.Flask(__name__)
    app.config.update({"SECRET_KEY": SECRET, **config})
    return app


def make_request(cookie_header: str | None) -> Request:
    headers = [(b"host", b"localhost")]
    if cookie_header is not None:
        headers.append((b"cookie", cookie_header.encode("latin-1")))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
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


def cookie_value(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0].split("=", 1)[1]


def veloce_open(app: FakeApp, value: str | None, name: str = "session") -> t.Any:
    request = make_request(None if value is None else f"{name}={value}")
    return SecureCookieSessionInterface().open_session(app, request)


def flask_open(app: t.Any, value: str) -> t.Any:
    import flask

    with app.test_request_context(headers={"Cookie": f"session={value}"}):
        return app.session_interface.open_session(app, flask.request)


def veloce_save(app: FakeApp, session: t.Any) -> Response:
    response = Response()
    SecureCookieSessionInterface().save_session(app, session, response)
    return response


def flask_save(app: t.Any, session: t.Any) -> t.Any:
    response = app.response_class()
    app.session_interface.save_session(app, session, response)
    return response


def veloce_cookie(app: FakeApp, data: dict[str, t.Any]) -> str:
    session = SecureCookieSession(data)
    session.modified = True
    return cookie_value(veloce_save(app, session).headers.getlist("Set-Cookie")[0])


def flask_cookie(app: t.Any, data: dict[str, t.Any]) -> str:
    session = app.session_interface.session_class(data)
    session.modified = True
    return cookie_value(flask_save(app, session).headers.getlist("Set-Cookie")[0])


def same_value(a: t.Any, b: t.Any) -> None:
    """Equal and of the same types, recursively."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for key in a:
            same_value(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            same_value(x, y)
    else:
        assert a == b


@pytest.fixture
def frozen_timestamp(monkeypatch: pytest.MonkeyPatch) -> int:
    """Both sides sign through itsdangerous; pin its clock so signatures are comparable."""
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now)
    return now


# -- interop ---------------------------------------------------------------------------


def test_flask_cookie_opens_in_veloce() -> None:
    value = flask_cookie(flask_app(), PAYLOAD)
    ours = veloce_open(FakeApp(), value)
    assert type(ours) is SecureCookieSession
    assert not ours.modified
    same_value(dict(ours), dict(flask_open(flask_app(), value)))
    assert ours["naive"] == PAYLOAD["naive"].replace(microsecond=0, tzinfo=UTC)


def test_veloce_cookie_opens_in_flask() -> None:
    value = veloce_cookie(FakeApp(), PAYLOAD)
    theirs = flask_open(flask_app(), value)
    same_value(dict(theirs), dict(veloce_open(FakeApp(), value)))
    assert theirs["tuple"] == PAYLOAD["tuple"] and theirs["escaped"] == {" t": "not a tuple"}


def test_cookie_bytes_identical_to_flask(frozen_timestamp: int) -> None:
    assert veloce_cookie(FakeApp(), PAYLOAD) == flask_cookie(flask_app(), PAYLOAD)


def test_cookie_identical_inside_app_contexts(frozen_timestamp: int) -> None:
    # Inside a context both serialize through the app's JSON provider (sorted keys).
    from veloce.app import Veloce

    fapp = flask_app()
    with fapp.app_context():
        expected = flask_cookie(fapp, PAYLOAD)
    with Veloce(__name__).app_context():
        assert veloce_cookie(FakeApp(), PAYLOAD) == expected
    assert expected != flask_cookie(fapp, PAYLOAD)


def test_secret_key_bytes_interop() -> None:
    value = flask_cookie(flask_app(SECRET_KEY=b"\x00bytes-key"), {"a": 1})
    assert veloce_open(FakeApp(SECRET_KEY=b"\x00bytes-key"), value) == {"a": 1}


def test_secret_key_fallbacks_verify_old_cookies() -> None:
    old = flask_cookie(flask_app(SECRET_KEY="old"), {"user": 7})
    assert veloce_open(FakeApp(SECRET_KEY="new", SECRET_KEY_FALLBACKS=["old"]), old) == {"user": 7}
    assert veloce_open(FakeApp(SECRET_KEY="new"), old) == {}


def test_secret_key_fallbacks_sign_with_current_key() -> None:
    value = veloce_cookie(FakeApp(SECRET_KEY="new", SECRET_KEY_FALLBACKS=["old"]), {"a": 1})
    assert flask_open(flask_app(SECRET_KEY="new"), value) == {"a": 1}
    assert flask_open(flask_app(SECRET_KEY="old"), value) == {}


def test_custom_cookie_name() -> None:
    app = FakeApp(SESSION_COOKIE_NAME="sid")
    value = veloce_cookie(FakeApp(), {"a": 1})
    assert veloce_open(app, value, name="sid") == {"a": 1}
    assert veloce_open(app, value, name="session") == {}


# -- save_session: same headers as Flask -----------------------------------------------


def _untouched(s: t.Any) -> None:
    pass


def _accessed(s: t.Any) -> None:
    s.accessed = True


def _modified(s: t.Any) -> None:
    s["new"] = (1, b"2")


def _cleared(s: t.Any) -> None:
    s.clear()


def _permanent(s: t.Any) -> None:
    s.permanent = True


def _nested_change_flagged(s: t.Any) -> None:
    s["list"].append(3)
    s.modified = True


SCENARIOS = [_untouched, _accessed, _modified, _cleared, _permanent, _nested_change_flagged]

CONFIGS: list[dict[str, t.Any]] = [
    {},
    {"SESSION_COOKIE_DOMAIN": "example.com", "SESSION_COOKIE_PATH": "/app"},
    {"APPLICATION_ROOT": "/root"},
    {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": False},
    {"SESSION_COOKIE_SAMESITE": "Lax"},
    {"SESSION_COOKIE_SAMESITE": "Strict", "SESSION_COOKIE_PARTITIONED": True},
    {"SESSION_COOKIE_NAME": "other"},
]


def _headers(response: t.Any) -> tuple[list[str], str | None]:
    cookies = [
        "; ".join(p for p in c.split("; ") if not p.startswith("Expires="))
        for c in response.headers.getlist("Set-Cookie")
    ]
    return cookies, response.headers.get("Vary")


CASES = [
    (initial, scenario)
    for initial in ({}, {"list": [1], "_permanent": True}, {"list": [1]})
    for scenario in SCENARIOS
    if initial or scenario is not _nested_change_flagged
]


@pytest.mark.parametrize("config", CONFIGS, ids=repr)
@pytest.mark.parametrize(
    ("initial", "scenario"), CASES, ids=[f"{i!r}-{f.__name__}" for i, f in CASES]
)
def test_save_session_headers_match_flask(
    frozen_timestamp: int,
    initial: dict[str, t.Any],
    scenario: t.Callable[[t.Any], None],
    config: dict[str, t.Any],
) -> None:
    fapp = flask_app(**config)
    theirs = fapp.session_interface.session_class(
        {k: list(v) if isinstance(v, list) else v for k, v in initial.items()}
    )
    ours = SecureCookieSession(
        {k: list(v) if isinstance(v, list) else v for k, v in initial.items()}
    )
    scenario(theirs)
    scenario(ours)
    assert ours.modified == theirs.modified
    assert _headers(veloce_save(FakeApp(**config), ours)) == _headers(flask_save(fapp, theirs))


@pytest.mark.parametrize("refresh", [True, False])
def test_refresh_each_request_matches_flask(frozen_timestamp: int, refresh: bool) -> None:
    config = {"SESSION_REFRESH_EACH_REQUEST": refresh}
    fapp = flask_app(**config)
    theirs = fapp.session_interface.session_class({"_permanent": True, "a": 1})
    ours = SecureCookieSession({"_permanent": True, "a": 1})
    ours_headers = _headers(veloce_save(FakeApp(**config), ours))
    assert ours_headers == _headers(flask_save(fapp, theirs))
    assert bool(ours_headers[0]) is refresh


def test_permanent_session_expires_after_lifetime() -> None:
    app = FakeApp(PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=2))
    session = SecureCookieSession({"a": 1})
    session.permanent = True
    header = veloce_save(app, session).headers.getlist("Set-Cookie")[0]
    expires = next(p[8:] for p in header.split("; ") if p.startswith("Expires="))
    from veloce.core.dates import parse_date

    remaining = parse_date(expires) - dt.datetime.now(UTC)  # type: ignore[operator]
    assert dt.timedelta(hours=2) - dt.timedelta(seconds=5) < remaining <= dt.timedelta(hours=2)
    assert veloce_open(app, cookie_value(header)).permanent is True


def test_non_permanent_session_has_no_expires() -> None:
    session = SecureCookieSession({"a": 1})
    session.modified = True
    assert "Expires" not in veloce_save(FakeApp(), session).headers.getlist("Set-Cookie")[0]


def test_oversized_cookie_warns_like_flask(frozen_timestamp: int) -> None:
    rng = random.Random(0)  # incompressible, or itsdangerous would zlib it small
    data = {"big": "".join(rng.choice(string.ascii_letters) for _ in range(5000))}
    with pytest.warns(UserWarning, match="cookie is too large") as ours:
        value = veloce_cookie(FakeApp(), data)
    with pytest.warns(UserWarning, match="cookie is too large") as theirs:
        flask_cookie(flask_app(), data)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    # Still set, and it still opens (the browser may drop it; that is the warning).
    assert veloce_open(FakeApp(), value) == data


# -- bad input: always an empty session, never an error --------------------------------


def _valid() -> str:
    return veloce_cookie(FakeApp(), {"user": 1, "t": (1, 2)})


def _tampered() -> list[str]:
    value = _valid()
    payload, ts, sig = value.split(".")
    flip = {"A": "B"}

    def swap(part: str, i: int) -> str:
        return part[:i] + flip.get(part[i], "A") + part[i + 1 :]

    return [
        f"{swap(payload, 3)}.{ts}.{sig}",
        f"{payload}.{swap(ts, 1)}.{sig}",
        f"{payload}.{ts}.{swap(sig, 5)}",
        f"{payload}x.{ts}.{sig}",
        f"{payload}.{ts}.{sig}x",
        f"{payload}.{ts}",
        f".{payload}.{ts}.{sig}",
    ]


def _truncated() -> list[str]:
    value = _valid()
    return [value[:n] for n in (1, 10, len(value) // 2, len(value) - 1)]


GARBAGE = [
    "garbage",
    ".",
    "..",
    "a.b.c",
    "a.b.c.d",
    "!!!.!!!.!!!",
    "\u00e9\u00e9.\u00e9.\u00e9",
    '"quoted"',
    "eyJhIjoxfQ.ZZZZZZ.c2lnbmF0dXJl",
    "A" * 10_000,
    ("B" * 6000) + ".ZmFrZQ.c2ln",
]


@pytest.mark.parametrize("value", _tampered() + _truncated() + GARBAGE, ids=lambda v: repr(v[:40]))
def test_bad_cookie_gives_empty_session(value: str) -> None:
    session = veloce_open(FakeApp(), value)
    assert type(session) is SecureCookieSession
    assert session == {} and not session.modified
    assert flask_open(flask_app(), value) == {}


def test_wrong_secret_gives_empty_session() -> None:
    value = flask_cookie(flask_app(SECRET_KEY="someone-else"), {"admin": True})
    assert veloce_open(FakeApp(), value) == {}


def test_expired_cookie_gives_empty_session(monkeypatch: pytest.MonkeyPatch) -> None:
    app = FakeApp(PERMANENT_SESSION_LIFETIME=dt.timedelta(days=1))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 90_000)
    value = veloce_cookie(app, {"a": 1})
    monkeypatch.undo()
    assert veloce_open(app, value) == {}
    assert veloce_open(FakeApp(), value) == {"a": 1}


def _raw_signed(data: t.Any) -> str:
    """Correctly signed for the session salt, but not through the tagged serializer."""
    import json

    class PlainJSON:
        @staticmethod
        def dumps(obj: t.Any) -> str:
            return json.dumps(obj, separators=(",", ":"))

        @staticmethod
        def loads(text: str) -> t.Any:
            return json.loads(text)

    iface = SecureCookieSessionInterface()
    serializer = URLSafeTimedSerializer(
        SECRET,
        salt=iface.salt,
        serializer=PlainJSON,
        signer_kwargs={"key_derivation": "hmac", "digest_method": iface.digest_method},
    )
    return serializer.dumps(data)


@pytest.mark.parametrize(
    "data",
    [[1, 2], "text", 3, None, {"x": {" u": "not-a-uuid"}}, {"x": {" b": 5}}],
    ids=repr,
)
def test_signed_but_unusable_payload_gives_empty_session(data: t.Any) -> None:
    assert veloce_open(FakeApp(), _raw_signed(data)) == {}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=300))
def test_random_cookie_values_never_raise(value: str) -> None:
    session = veloce_open(FakeApp(), value.replace(";", "").replace(",", ""))
    assert session == {}


def test_missing_or_empty_cookie_gives_new_session() -> None:
    assert veloce_open(FakeApp(), None) == {}
    assert veloce_open(FakeApp(), "") == {}


# -- no secret key: the null session ---------------------------------------------------


@pytest.mark.parametrize("secret", [None, ""])
def test_no_secret_key_opens_nothing(secret: t.Any) -> None:
    iface = SecureCookieSessionInterface()
    app = FakeApp(SECRET_KEY=secret)
    assert iface.get_signing_serializer(app) is None
    assert iface.open_session(app, make_request("session=abc")) is None
    null = iface.make_null_session(app)
    assert type(null) is NullSession and iface.is_null_session(null)
    assert not iface.is_null_session(SecureCookieSession())


NULL_MUTATIONS: list[t.Callable[[t.Any], t.Any]] = [
    lambda s: s.__setitem__("a", 1),
    lambda s: s.__delitem__("a"),
    lambda s: s.clear(),
    lambda s: s.pop("a", None),
    lambda s: s.popitem(),
    lambda s: s.update(a=1),
    lambda s: s.setdefault("a", 1),
    lambda s: setattr(s, "permanent", True),
]


@pytest.mark.parametrize("mutate", NULL_MUTATIONS)
def test_null_session_mutation_raises_flask_message(mutate: t.Callable[[t.Any], t.Any]) -> None:
    from flask.sessions import NullSession as FlaskNullSession

    with pytest.raises(RuntimeError) as theirs:
        mutate(FlaskNullSession())
    with pytest.raises(RuntimeError) as ours:
        mutate(NullSession())
    assert str(ours.value) == str(theirs.value)


def test_null_session_reads_and_refuses_ior() -> None:
    null = NullSession()
    assert null.get("a") is None and "a" not in null and null.permanent is False
    with pytest.raises(RuntimeError, match="no secret key was set"):
        null |= {"a": 1}


# -- the session dict ------------------------------------------------------------------

OPERATIONS: list[t.Callable[[t.Any], t.Any]] = [
    lambda s: s["a"],
    lambda s: s.get("a"),
    lambda s: "a" in s,
    lambda s: list(s.items()),
    lambda s: s.__setitem__("b", 1),
    lambda s: s.__setitem__("a", 0),
    lambda s: s.__delitem__("a"),
    lambda s: s.__delitem__("missing"),
    lambda s: s.pop("a"),
    lambda s: s.pop("missing", None),
    lambda s: s.pop("missing"),
    lambda s: s.setdefault("a", 5),
    lambda s: s.setdefault("new", 5),
    lambda s: s.update(),
    lambda s: s.update({"x": 1}, y=2),
    lambda s: s.update([("x", 1)]),
    lambda s: s.clear(),
    lambda s: s.popitem(),
    lambda s: s.__ior__({"z": 1}),
    lambda s: setattr(s, "permanent", False),
    lambda s: s.permanent,
    lambda s: s.copy(),
]


@pytest.mark.parametrize("op", OPERATIONS)
@pytest.mark.parametrize("initial", [{"a": 0}, {}])
def test_modified_tracking_matches_flask(
    op: t.Callable[[t.Any], t.Any], initial: dict[str, t.Any]
) -> None:
    from flask.sessions import SecureCookieSession as FlaskSession

    results = []
    for session in (FlaskSession(initial), SecureCookieSession(initial)):
        try:
            out: t.Any = op(session)
        except Exception as exc:  # noqa: BLE001 - comparing outcomes, whatever they are
            out = type(exc)
        results.append((out, dict(session), session.modified, repr(session)))
    assert results[1] == results[0]


def test_session_is_a_dict_and_a_session_mixin() -> None:
    from collections.abc import MutableMapping

    session = SecureCookieSession({"a": 1})
    assert isinstance(session, dict) and isinstance(session, SessionMixin)
    assert isinstance(session, MutableMapping) and isinstance(session, Session)
    assert session.new is False and session.accessed is False and session.modified is False


def test_mixin_defaults_match_flask() -> None:
    from flask.sessions import SessionMixin as FlaskMixin

    class Plain(dict, SessionMixin):  # type: ignore[type-arg]
        pass

    assert (Plain.new, Plain.modified, Plain.accessed) == (
        FlaskMixin.new,
        FlaskMixin.modified,
        FlaskMixin.accessed,
    )
    plain = Plain()
    plain.permanent = 1  # type: ignore[assignment]
    assert plain == {"_permanent": True}


def test_regenerate_id_marks_modified() -> None:
    session = Session({"a": 1})
    assert session.regenerate_requested is False
    session.regenerate_id()
    assert session.regenerate_requested is True and session.modified is True
    assert session == {"a": 1}


# -- interface attributes and the base class -------------------------------------------


def test_interface_attributes_match_flask() -> None:
    from flask.sessions import SecureCookieSessionInterface as FlaskInterface

    ours, theirs = SecureCookieSessionInterface(), FlaskInterface()
    assert ours.salt == theirs.salt == "cookie-session"
    assert ours.key_derivation == theirs.key_derivation
    assert ours.digest_method().name == theirs.digest_method().name == "sha1"
    assert ours.pickle_based is theirs.pickle_based is False
    assert ours.null_session_class is NullSession
    assert ours.session_class is SecureCookieSession


def test_get_signing_serializer_is_itsdangerous() -> None:
    app = FakeApp(SECRET_KEY="new", SECRET_KEY_FALLBACKS=["old1", "old2"])
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert isinstance(serializer, URLSafeTimedSerializer)
    assert serializer.secret_keys == [b"old1", b"old2", b"new"]
    assert serializer.salt == b"cookie-session"


@pytest.mark.parametrize(
    ("config", "getter"),
    [
        ({"SESSION_COOKIE_NAME": "n"}, "get_cookie_name"),
        ({"SESSION_COOKIE_DOMAIN": "d.example"}, "get_cookie_domain"),
        ({"SESSION_COOKIE_PATH": None, "APPLICATION_ROOT": "/r"}, "get_cookie_path"),
        ({"SESSION_COOKIE_PATH": "/p"}, "get_cookie_path"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "get_cookie_httponly"),
        ({"SESSION_COOKIE_SECURE": True}, "get_cookie_secure"),
        ({"SESSION_COOKIE_SAMESITE": "Strict"}, "get_cookie_samesite"),
        ({"SESSION_COOKIE_PARTITIONED": True}, "get_cookie_partitioned"),
    ],
)
def test_cookie_getters_match_flask(config: dict[str, t.Any], getter: str) -> None:
    fapp = flask_app(**config)
    expected = getattr(fapp.session_interface, getter)(fapp)
    assert getattr(SecureCookieSessionInterface(), getter)(FakeApp(**config)) == expected


def test_base_interface_opens_nothing_and_saves_nothing() -> None:
    iface = SessionInterface()
    app = FakeApp()
    assert iface.open_session(app, make_request(None)) is None
    response = Response()
    session = SecureCookieSession({"a": 1})
    session.modified = True
    iface.save_session(app, session, response)
    assert response.headers.getlist("Set-Cookie") == []


def test_custom_interface_subclass_hooks() -> None:
    class Renamed(SecureCookieSessionInterface):
        def get_cookie_name(self, app: t.Any) -> str:
            return "renamed"

        def should_set_cookie(self, app: t.Any, session: SessionMixin) -> bool:
            return True

    response = Response()
    Renamed().save_session(FakeApp(), SecureCookieSession({"a": 1}), response)
    (header,) = response.headers.getlist("Set-Cookie")
    assert header.startswith("renamed=")
    request = make_request(f"renamed={cookie_value(header)}")
    assert Renamed().open_session(FakeApp(), request) == {"a": 1}

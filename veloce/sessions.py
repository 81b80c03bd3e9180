"""Sessions: the session dict and the interface that loads and saves it.

The default :class:`SecureCookieSessionInterface` keeps the whole session in one
signed cookie, in Flask's exact wire format: an ``itsdangerous``
``URLSafeTimedSerializer`` with the salt ``cookie-session``, HMAC key derivation,
SHA-1 digest and the tagged JSON serializer of :mod:`veloce.json.tag`. A cookie
written by a Flask app with the same ``SECRET_KEY`` opens here and the other way
round, so a Flask app can move to Veloce without logging anyone out.

The cookie is signed, not encrypted. One that fails to verify (tampered, truncated,
expired, another secret, garbage) opens as an empty session, never as an error.

Flask parity: ``flask.sessions`` — same classes, attributes, hooks and config keys
(``SECRET_KEY``, ``SECRET_KEY_FALLBACKS``, ``SESSION_COOKIE_*``,
``PERMANENT_SESSION_LIFETIME``, ``SESSION_REFRESH_EACH_REQUEST``), so a custom
``app.session_interface`` written for Flask works unchanged. Differences: the
:class:`SessionInterface` base opens no session and saves nothing (Flask's base
raises for both), and a :class:`NullSession` also refuses ``|=``.
"""

from __future__ import annotations

import hashlib
import typing as t
from collections.abc import MutableMapping
from datetime import datetime, timezone

from itsdangerous import BadData, URLSafeTimedSerializer

from veloce.json.tag import TaggedJSONSerializer

if t.TYPE_CHECKING:
    from veloce.core.request import Request
    from veloce.core.response import Response

__all__ = [
    "NullSession",
    "SecureCookieSession",
    "SecureCookieSessionInterface",
    "Session",
    "SessionInterface",
    "SessionMixin",
    "session_json_serializer",
]

_missing: t.Any = object()


class SessionMixin(MutableMapping[str, t.Any]):
    """The session attributes on top of a mapping (``permanent``, ``modified``, ...).

    Mix it into a dict-like class to build a session for a custom interface::

        class MySession(dict, SessionMixin):
            pass

    Flask parity: ``flask.sessions.SessionMixin``.
    """

    #: Whether the session was just created (the mixin cannot tell: ``False``).
    new = False

    #: Whether the session changed. The mixin cannot tell, so it assumes it did.
    modified = True

    #: Set by the request context when the session is used; saving adds ``Vary: Cookie``.
    accessed = False

    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session (``PERMANENT_SESSION_LIFETIME``).

        Backed by the reserved ``_permanent`` key, so the flag travels in the cookie
        and setting it counts as a change.
        """
        return bool(self.get("_permanent", False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)


class Session(dict, SessionMixin):  # type: ignore[type-arg]
    """The request session — a dict that knows when it has changed.

    Every mutating dict method sets :attr:`modified`; only the dict itself is
    watched, so after changing a nested value in place (``session["cart"].append(x)``)
    set ``session.modified = True`` yourself. Reading sets nothing: the request
    context marks :attr:`accessed` when the session is handed out.
    """

    modified = False

    def __init__(self, initial: t.Any = None) -> None:
        if initial is None:
            super().__init__()
        else:
            super().__init__(initial)
        self.modified = False
        self.accessed = False
        self._regenerate_id = False

    def __setitem__(self, key: str, value: t.Any) -> None:
        super().__setitem__(key, value)
        self.modified = True

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.modified = True

    def __ior__(self, other: t.Any) -> Session:  # type: ignore[misc]
        super().__ior__(other)
        self.modified = True
        return self

    def clear(self) -> None:
        """Remove every key (an emptied session deletes the cookie)."""
        super().clear()
        self.modified = True

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Update from a mapping or pairs, like :meth:`dict.update`."""
        super().update(*args, **kwargs)
        self.modified = True

    def pop(self, key: str, default: t.Any = _missing) -> t.Any:
        """Remove ``key`` and return its value; a change only if the key existed."""
        if key not in self:
            if default is _missing:
                raise KeyError(key)
            return default
        value = super().pop(key)
        self.modified = True
        return value

    def popitem(self) -> tuple[str, t.Any]:
        """Remove and return the last inserted item."""
        item = super().popitem()
        self.modified = True
        return item

    def setdefault(self, key: str, default: t.Any = None) -> t.Any:
        """Return ``session[key]``, setting it to ``default`` first if missing."""
        if key in self:
            return self[key]
        super().__setitem__(key, default)
        self.modified = True
        return default

    def regenerate_id(self) -> None:
        """Request a fresh server-side session id on the next response.

        Call it at a privilege boundary (login, role change) so a planted session id
        cannot be replayed against the elevated session: the session-fixation
        defence. Marks the session modified. Harmless with cookie-only sessions.
        """
        self._regenerate_id = True
        self.modified = True

    @property
    def regenerate_requested(self) -> bool:
        """Whether :meth:`regenerate_id` was called; read by server-side session stores."""
        return self._regenerate_id

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


class SecureCookieSession(Session):
    """The session of the signed-cookie interface (:attr:`new` is always ``False``).

    Flask parity: ``flask.sessions.SecureCookieSession``.
    """


_NULL_SESSION_MESSAGE = (
    "The session is unavailable because no secret key was set.  Set the secret_key on"
    " the application to something unique and secret."
)


class NullSession(SecureCookieSession):
    """The stand-in session when none can be opened (no ``SECRET_KEY``).

    Reading finds nothing; any change raises ``RuntimeError`` naming the missing key.

    Flask parity: ``flask.sessions.NullSession``, same message.
    """

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(_NULL_SESSION_MESSAGE)

    __setitem__ = __delitem__ = __ior__ = _fail
    clear = pop = popitem = update = setdefault = _fail
    del _fail


class SessionInterface:
    """How an app opens and saves sessions; replace ``app.session_interface`` to change it.

    A subclass implements :meth:`open_session` (return a mapping with the
    :class:`SessionMixin` attributes, or ``None`` for "no session possible", which
    yields :meth:`make_null_session`) and :meth:`save_session`; the cookie helpers read
    the app config and can be overridden one by one. Requests may run concurrently,
    so a backing store must tolerate interleaved opens and saves.

    Flask parity: ``flask.sessions.SessionInterface``. The base class itself opens no
    session (``None``) and saves nothing, rather than raising.
    """

    #: What :meth:`make_null_session` creates and :meth:`is_null_session` checks for.
    null_session_class: type[NullSession] = NullSession

    #: Whether the interface pickles session data (extensions may care).
    pickle_based = False

    def make_null_session(self, app: t.Any) -> NullSession:
        """The read-only stand-in used when :meth:`open_session` returns ``None``."""
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Whether ``obj`` is a null session (which is never saved)."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: t.Any) -> str:
        """The cookie's name: ``SESSION_COOKIE_NAME``."""
        return app.config["SESSION_COOKIE_NAME"]  # type: ignore[no-any-return]

    def get_cookie_domain(self, app: t.Any) -> str | None:
        """The cookie's ``Domain``: ``SESSION_COOKIE_DOMAIN`` (unset: this host only)."""
        return app.config["SESSION_COOKIE_DOMAIN"]  # type: ignore[no-any-return]

    def get_cookie_path(self, app: t.Any) -> str:
        """The cookie's ``Path``: ``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        return app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"]  # type: ignore[no-any-return]

    def get_cookie_httponly(self, app: t.Any) -> bool:
        """Whether the cookie is ``HttpOnly``: ``SESSION_COOKIE_HTTPONLY``."""
        return app.config["SESSION_COOKIE_HTTPONLY"]  # type: ignore[no-any-return]

    def get_cookie_secure(self, app: t.Any) -> bool:
        """Whether the cookie is ``Secure``: ``SESSION_COOKIE_SECURE``."""
        return app.config["SESSION_COOKIE_SECURE"]  # type: ignore[no-any-return]

    def get_cookie_samesite(self, app: t.Any) -> str | None:
        """The cookie's ``SameSite``: ``SESSION_COOKIE_SAMESITE``."""
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_cookie_partitioned(self, app: t.Any) -> bool:
        """Whether the cookie is ``Partitioned``: ``SESSION_COOKIE_PARTITIONED``."""
        return app.config["SESSION_COOKIE_PARTITIONED"]  # type: ignore[no-any-return]

    def get_expiration_time(self, app: t.Any, session: SessionMixin) -> datetime | None:
        """When a permanent session's cookie expires (now + the lifetime), else ``None``."""
        if session.permanent:
            return datetime.now(timezone.utc) + app.permanent_session_lifetime  # type: ignore[no-any-return]
        return None

    def should_set_cookie(self, app: t.Any, session: SessionMixin) -> bool:
        """Whether to send ``Set-Cookie`` for a non-empty session.

        Yes when it changed, or when it is permanent and ``SESSION_REFRESH_EACH_REQUEST``
        asks to push its expiry forward on every response.
        """
        return session.modified or bool(
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        )

    def open_session(self, app: t.Any, request: Request) -> SessionMixin | None:
        """Load the session for ``request``; ``None`` means "use a null session".

        Called when the session is first needed (for this default interface) or when
        the request context is pushed (for a custom one), before URL matching.
        """
        return None

    def save_session(self, app: t.Any, session: SessionMixin, response: Response) -> None:
        """Persist ``session`` onto ``response``; skipped for null sessions."""
        return None


def _lazy_sha1(string: bytes = b"") -> t.Any:
    # Looked up per call: on a FIPS build without SHA-1 only signing fails, not import.
    return hashlib.sha1(string)


#: The serializer every :class:`SecureCookieSessionInterface` shares by default.
session_json_serializer = TaggedJSONSerializer()


class SecureCookieSessionInterface(SessionInterface):
    """Sessions stored in a signed cookie (see the module docstring).

    Flask parity: ``flask.sessions.SecureCookieSessionInterface``, including
    ``SECRET_KEY_FALLBACKS`` (old keys still verify; new cookies use
    ``SECRET_KEY``) and the size warning for a cookie above ``MAX_COOKIE_SIZE``
    (raised by ``response.set_cookie``).
    """

    #: Applied on top of the secret key so session signatures differ from any other
    #: signature made with the same key.
    salt = "cookie-session"
    #: The signature's hash function.
    digest_method = staticmethod(_lazy_sha1)
    #: The itsdangerous key derivation.
    key_derivation = "hmac"
    #: Turns the session into the signed payload and back.
    serializer: t.Any = session_json_serializer
    session_class: type[SecureCookieSession] = SecureCookieSession

    def get_signing_serializer(self, app: t.Any) -> URLSafeTimedSerializer | None:
        """The itsdangerous serializer for ``app``'s keys, or ``None`` without a secret key."""
        secret_key = app.secret_key
        if not secret_key:
            return None
        # itsdangerous signs with the last key and verifies with any of them.
        keys: list[str | bytes] = list(app.config["SECRET_KEY_FALLBACKS"] or ())
        keys.append(secret_key)
        return URLSafeTimedSerializer(
            keys,  # type: ignore[arg-type]
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def open_session(self, app: t.Any, request: Request) -> SecureCookieSession | None:
        """Verify and load the session cookie; an invalid cookie gives an empty session.

        Returns ``None`` (so the app uses a :class:`NullSession`) without a secret key.
        """
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = signer.loads(value, max_age=max_age)
        except BadData:
            # Bad signature, expired, or a payload that does not decode.
            return self.session_class()
        if not isinstance(data, dict):
            return self.session_class()
        return self.session_class(data)

    def save_session(self, app: t.Any, session: SessionMixin, response: Response) -> None:
        """Write, refresh or delete the session cookie on ``response``.

        Adds ``Vary: Cookie`` when the session was accessed or a cookie is written;
        an emptied session deletes the cookie, an untouched one sends nothing.
        """
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)

        if session.accessed:
            response.vary.add("Cookie")

        if not session:
            if session.modified:
                response.delete_cookie(
                    name,
                    domain=domain,
                    path=path,
                    secure=secure,
                    partitioned=partitioned,
                    samesite=samesite,
                    httponly=httponly,
                )
                response.vary.add("Cookie")
            return

        if not self.should_set_cookie(app, session):
            return

        signer = self.get_signing_serializer(app)
        if signer is None:
            return
        response.set_cookie(
            name,
            signer.dumps(dict(session)),
            expires=self.get_expiration_time(app, session),
            httponly=httponly,
            domain=domain,
            path=path,
            secure=secure,
            partitioned=partitioned,
            samesite=samesite,
        )
        response.vary.add("Cookie")

"""Session middleware: the signed-cookie session and the server-side session.

Both publish the request's session three ways, as one object: ``request.session``
(the spec's accessor, which reads ``scope["state"]["session"]``),
``request.state["session"]``, and the Flask-style ``session`` proxy (so ``flash()``
and Flask code share it). The app then leaves saving that session to the middleware.

Neither implements cookies or signing of its own. :class:`SessionMiddleware` drives
:class:`~veloce.sessions.SecureCookieSessionInterface`, the interface behind Flask's
``session`` (same wire format, same config keys), and
:class:`ServerSessionMiddleware` takes its cookie options from the same interface
methods. Options a middleware is given override the app's ``SESSION_COOKIE_*``,
``SECRET_KEY`` and ``PERMANENT_SESSION_LIFETIME`` config for that middleware only;
options left ``None`` follow the config, live.

Every response that passes a session middleware carries ``Vary: Cookie``: a view may
read ``request.session`` without anything noticing, so the middleware must assume
the response depends on the cookie.
"""

from __future__ import annotations

import re
import secrets
import typing as t
from collections import ChainMap
from datetime import timedelta

from veloce.core.context import _cv_ctx
from veloce.middleware.base import Middleware
from veloce.sessions import SecureCookieSessionInterface, Session, SessionInterface
from veloce.stores.memory import InMemorySessionStore

if t.TYPE_CHECKING:
    from veloce.core.request import Request
    from veloce.core.response import Response
    from veloce.stores.base import SessionStore

__all__ = ["ServerSession", "ServerSessionMiddleware", "SessionMiddleware"]

# Session ids are ``secrets.token_urlsafe(32)``: 43 characters of the URL-safe
# alphabet. Anything else in the cookie is not looked up at all.
_ID_BYTES = 32
_VALID_ID = re.compile(r"[A-Za-z0-9_-]{16,128}\Z")


class _SessionSettings:
    """What a session interface reads from an app, with a middleware's options on top.

    The interfaces of :mod:`veloce.sessions` read ``config[...]``, ``secret_key`` and
    ``permanent_session_lifetime`` from the object passed as ``app``. Passing this view
    instead lets a middleware override options without a second implementation of the
    cookie logic. ``config`` is a ChainMap over the app's config, so it stays live.
    """

    __slots__ = ("app", "config", "_secret_key", "_lifetime")

    def __init__(
        self,
        app: t.Any,
        overrides: dict[str, t.Any],
        secret_key: str | bytes | None,
        lifetime: timedelta | None,
    ) -> None:
        self.app = app
        self.config: t.Mapping[str, t.Any] = ChainMap(overrides, app.config)
        self._secret_key = secret_key
        self._lifetime = lifetime

    @property
    def secret_key(self) -> t.Any:
        return self.app.secret_key if self._secret_key is None else self._secret_key

    @property
    def permanent_session_lifetime(self) -> timedelta:
        if self._lifetime is None:
            return self.app.permanent_session_lifetime  # type: ignore[no-any-return]
        return self._lifetime


class _SessionMiddlewareBase(Middleware):
    """Option handling and publishing shared by the two session middleware."""

    def __init__(
        self,
        *,
        session_cookie: str | None,
        max_age: int | timedelta | None,
        path: str | None,
        domain: str | None,
        same_site: str | None,
        https_only: bool | None,
        httponly: bool | None,
        secret_key: str | bytes | None = None,
        fallback_keys: t.Iterable[str | bytes] | None = None,
    ) -> None:
        overrides: dict[str, t.Any] = {}
        for key, value in (
            ("SESSION_COOKIE_NAME", session_cookie),
            ("SESSION_COOKIE_PATH", path),
            ("SESSION_COOKIE_DOMAIN", domain),
            ("SESSION_COOKIE_SAMESITE", same_site),
            ("SESSION_COOKIE_SECURE", https_only),
            ("SESSION_COOKIE_HTTPONLY", httponly),
        ):
            if value is not None:
                overrides[key] = value
        if secret_key is not None:
            # A key of the middleware's own: the app's fallbacks belong to the app's key.
            overrides["SECRET_KEY_FALLBACKS"] = list(fallback_keys or ())
        elif fallback_keys is not None:
            raise TypeError("fallback_keys needs the middleware's own secret_key")
        if isinstance(max_age, int):
            max_age = timedelta(seconds=max_age)
        self._overrides = overrides
        self._secret_key = secret_key
        self._lifetime: timedelta | None = max_age
        self._bound: _SessionSettings | None = None

    def settings(self, app: t.Any) -> _SessionSettings:
        """The option view for ``app`` (built once per app, then reused)."""
        bound = self._bound
        if bound is None or bound.app is not app:
            bound = self._bound = _SessionSettings(
                app, self._overrides, self._secret_key, self._lifetime
            )
        return bound

    @staticmethod
    def _publish(request: Request, session: t.Any) -> None:
        session.accessed = True
        request.scope.setdefault("state", {})["session"] = session
        ctx = _cv_ctx.get(None)
        if ctx is not None and ctx.request is request:
            ctx.session = session

    @staticmethod
    def _published(request: Request) -> t.Any:
        state = request.scope.get("state")
        return None if not state else state.get("session")


class SessionMiddleware(_SessionMiddlewareBase):
    """Signed-cookie sessions as ``request.session``: Flask's cookie, as middleware.

    The whole session travels in one cookie signed with itsdangerous, in Flask's
    exact format (:class:`~veloce.sessions.SecureCookieSessionInterface` does the
    work). It is signed, not encrypted: the client can read it but not change it. A
    cookie that fails to verify opens as an empty session.

    Args:
        secret_key: signs the cookie; ``None`` uses the app's ``SECRET_KEY``. With no
            key at all the session is a read-only null session whose writes raise.
        fallback_keys: older keys that still verify (with ``secret_key`` only; the
            app's ``SECRET_KEY_FALLBACKS`` go with the app's key).
        session_cookie: the cookie's name (``SESSION_COOKIE_NAME``).
        max_age: seconds (or a timedelta) a cookie stays valid and a permanent one is
            kept by the browser (``PERMANENT_SESSION_LIFETIME``). Flask parity: a
            non-permanent session is a browser-session cookie.
        path, domain, same_site, https_only, httponly: the cookie's ``Path``,
            ``Domain``, ``SameSite``, ``Secure`` and ``HttpOnly``
            (``SESSION_COOKIE_*``).

    ``app.test_client().session_transaction()`` writes cookies this middleware reads
    when both use the app's key and cookie name (the defaults).
    """

    #: The cookie interface instance; the same class Flask's ``session`` uses.
    interface: SecureCookieSessionInterface

    def __init__(
        self,
        secret_key: str | bytes | None = None,
        *,
        fallback_keys: t.Iterable[str | bytes] | None = None,
        session_cookie: str | None = None,
        max_age: int | timedelta | None = None,
        path: str | None = None,
        domain: str | None = None,
        same_site: str | None = None,
        https_only: bool | None = None,
        httponly: bool | None = None,
    ) -> None:
        super().__init__(
            session_cookie=session_cookie,
            max_age=max_age,
            path=path,
            domain=domain,
            same_site=same_site,
            https_only=https_only,
            httponly=httponly,
            secret_key=secret_key,
            fallback_keys=fallback_keys,
        )
        self.interface = SecureCookieSessionInterface()

    async def process_request(self, request: Request) -> Response | None:
        """Verify and open the cookie, and publish the session for the request."""
        settings = self.settings(request.app)
        session = self.interface.open_session(settings, request)
        if session is None:
            session = self.interface.make_null_session(settings)
        self._publish(request, session)
        return None

    async def process_response(self, request: Request, response: Response) -> Response:
        """Write, refresh or delete the cookie as Flask's ``save_session`` does."""
        session = self._published(request)
        if session is not None and not self.interface.is_null_session(session):
            self.interface.save_session(self.settings(request.app), session, response)
        return response


class ServerSession(Session):
    """A server-side session: the payload dict plus the id it is stored under.

    Attributes:
        session_id: the id the payload is stored under, ``None`` until the first
            response stores it. Keep it to revoke the session later with
            ``await store.delete(session_id)``.
        new: ``True`` when the request brought no stored session.
    """

    def __init__(self, initial: t.Any = None, session_id: str | None = None) -> None:
        super().__init__(initial)
        self.session_id = session_id
        self.new = session_id is None
        # The request sent an id that resolved to nothing: expire that cookie.
        self._stale_cookie = False


class ServerSessionMiddleware(_SessionMiddlewareBase):
    """Server-side session — the cookie carries only an opaque session id.

    The payload lives in a :class:`~veloce.stores.base.SessionStore`, not in the
    cookie, so a session is revocable: empty it in a handler (``session.clear()``) or
    delete it from the store (``await store.delete(session_id)``) and it is gone
    server-side. A tampered, unknown or expired id opens as a fresh, empty session.

    On the response:

    * a new non-empty session gets a fresh random id (256 bits) and is written;
    * a changed one (or a permanent one with ``SESSION_REFRESH_EACH_REQUEST``) is
      written back with :meth:`~veloce.stores.base.SessionStore.replace`, so a
      session revoked while the request ran is not resurrected (its cookie is
      deleted instead);
    * an emptied one is deleted from the store and its cookie expired;
    * after ``session.regenerate_id()`` (call it at login and other privilege
      changes) the old id is deleted and the payload moves to a new id, so an id an
      attacker planted before login is worthless after it.

    The store entry expires ``max_age`` seconds after the last write. The default
    store is a process-local :class:`~veloce.stores.memory.InMemorySessionStore`;
    pass a shared backend (e.g. :class:`~veloce.stores.redis.RedisSessionStore`) for
    several workers. The store is a plain object the caller owns: keep a reference to
    revoke sessions by id.

    Args:
        store: where payloads live.
        session_cookie: the cookie's name (``SESSION_COOKIE_NAME``).
        max_age: seconds (or a timedelta) a session lives after its last write, and
            how long the browser keeps a permanent session's cookie
            (``PERMANENT_SESSION_LIFETIME``).
        path, domain, same_site, https_only, httponly: the cookie's ``Path``,
            ``Domain``, ``SameSite``, ``Secure`` and ``HttpOnly``
            (``SESSION_COOKIE_*``).
    """

    def __init__(
        self,
        store: SessionStore | None = None,
        *,
        session_cookie: str | None = None,
        max_age: int | timedelta | None = None,
        path: str | None = None,
        domain: str | None = None,
        same_site: str | None = None,
        https_only: bool | None = None,
        httponly: bool | None = None,
    ) -> None:
        super().__init__(
            session_cookie=session_cookie,
            max_age=max_age,
            path=path,
            domain=domain,
            same_site=same_site,
            https_only=https_only,
            httponly=httponly,
        )
        self.store: SessionStore = InMemorySessionStore() if store is None else store
        # Only the cookie-option getters are used: the same ones Flask's session uses.
        self.interface = SessionInterface()

    async def process_request(self, request: Request) -> Response | None:
        """Look the cookie's id up in the store and publish the session."""
        settings = self.settings(request.app)
        cookie = request.cookies.get(self.interface.get_cookie_name(settings))
        data = None
        if cookie and _VALID_ID.match(cookie):
            data = await self.store.read(cookie)
        if data is None:
            session = ServerSession()
            session._stale_cookie = bool(cookie)
        else:
            session = ServerSession(data, cookie)
        self._publish(request, session)
        return None

    async def process_response(self, request: Request, response: Response) -> Response:
        """Store, refresh, rotate or revoke the session and set its cookie."""
        session = self._published(request)
        if not isinstance(session, ServerSession):
            return response
        settings = self.settings(request.app)
        store = self.store
        session_id = session.session_id
        response.vary.add("Cookie")
        forget_cookie = session._stale_cookie
        if session.regenerate_requested and session_id is not None:
            await store.delete(session_id)
            session_id = session.session_id = None
            forget_cookie = True
        if not session:
            if session_id is not None and session.modified:
                await store.delete(session_id)
                session.session_id = None
                forget_cookie = True
            if forget_cookie:
                self._delete_cookie(settings, response)
            return response
        max_age = max(1, int(settings.permanent_session_lifetime.total_seconds()))
        if session_id is None:
            session_id = secrets.token_urlsafe(_ID_BYTES)
            await store.write(session_id, dict(session), max_age)
        elif not self.interface.should_set_cookie(settings, session):
            return response
        elif not await store.replace(session_id, dict(session), max_age):
            # Revoked (or expired) while this request ran: stay revoked.
            session.session_id = None
            self._delete_cookie(settings, response)
            return response
        session.session_id = session_id
        interface = self.interface
        response.set_cookie(
            interface.get_cookie_name(settings),
            session_id,
            expires=interface.get_expiration_time(settings, session),
            httponly=interface.get_cookie_httponly(settings),
            domain=interface.get_cookie_domain(settings),
            path=interface.get_cookie_path(settings),
            secure=interface.get_cookie_secure(settings),
            partitioned=interface.get_cookie_partitioned(settings),
            samesite=interface.get_cookie_samesite(settings),
        )
        return response

    def _delete_cookie(self, settings: _SessionSettings, response: Response) -> None:
        interface = self.interface
        response.delete_cookie(
            interface.get_cookie_name(settings),
            domain=interface.get_cookie_domain(settings),
            path=interface.get_cookie_path(settings),
            secure=interface.get_cookie_secure(settings),
            partitioned=interface.get_cookie_partitioned(settings),
            samesite=interface.get_cookie_samesite(settings),
            httponly=interface.get_cookie_httponly(settings),
        )

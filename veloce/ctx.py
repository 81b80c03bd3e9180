"""Application and request contexts: one object, the request optional.

A context is what ``_cv_ctx`` holds. It carries the app, the request (``None`` in a
bare app context), ``g`` (created on first use) and the request's one-shot
``after_this_request`` callbacks. During a request the dispatcher binds a context
with a single ``ContextVar.set``; ``push``/``pop`` are the slower, general path used by
``with app.app_context():`` and ``with app.test_request_context():``.

Flask parity: a request context pushed inside an app context of the same app shares
that context's ``g``; otherwise it gets a fresh app context of its own, whose
``teardown_appcontext`` callbacks run when it is popped.
"""

from __future__ import annotations

import contextvars
import sys
import typing as t
from functools import update_wrapper

from veloce.core.context import _cv_ctx
from veloce.signals import appcontext_popped, appcontext_pushed, send

if t.TYPE_CHECKING:
    from veloce.app import Veloce
    from veloce.core.request import Request

__all__ = [
    "AppContext",
    "RequestContext",
    "_AppCtxGlobals",
    "after_this_request",
    "copy_current_request_context",
    "has_app_context",
    "has_request_context",
]

_sentinel = object()
T_callable = t.TypeVar("T_callable", bound=t.Callable[..., t.Any])


class _AppCtxGlobals:
    """The namespace behind ``g``: a plain object with a few dict-like helpers.

    Flask parity: ``get``, ``pop``, ``setdefault``, ``in`` and iteration over names.
    """

    def __getattr__(self, name: str) -> t.Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: t.Any) -> None:
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: t.Any = None) -> t.Any:
        """The attribute ``name``, or ``default``."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        """Remove and return ``name``; ``KeyError`` without a default."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """Return ``name``, setting it to ``default`` first if missing."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        ctx = _cv_ctx.get(None)
        if ctx is not None:
            return f"<flask.g of '{ctx.app.name}'>"
        return object.__repr__(self)


class AppContext:
    """The state bound while the app handles something: app, optional request, ``g``.

    ``app.app_context()`` makes one without a request, ``app.test_request_context()``
    and the dispatcher make :class:`RequestContext` objects. Request-level state (the
    session, flashes, ``after_this_request`` callbacks) lives on the request context;
    an app context pushed inside a request still sees that request, as in Flask.
    """

    __slots__ = (
        "app",
        "request",
        "_outer_owner",
        "_is_request_ctx",
        "_g",
        "_after_request_functions",
        "_tokens",
        "_session",
        "flashes",
        "__weakref__",
    )

    def __init__(self, app: Veloce, request: Request | None = None) -> None:
        self.app = app
        self.request = request
        # The context holding the request-level state, None meaning ``self`` (see _owner).
        self._outer_owner: AppContext | None = None
        self._is_request_ctx = request is not None
        self._g: _AppCtxGlobals | None = None
        self._after_request_functions: list[t.Callable[..., t.Any]] | None = None
        # One (token, owns_app_ctx, inherited_request) entry per push.
        self._tokens: list[tuple[contextvars.Token[t.Any], bool, bool]] = []
        self._session: t.Any = None
        #: Flashed messages read in this request (``get_flashed_messages`` caches them).
        self.flashes: t.Any = None

    @property
    def _owner(self) -> AppContext:
        """The context holding the request-level state (itself for a request context).

        Stored as None when it is ``self``: a reference to itself would make every
        request context (and the request, scope and ``g`` it holds) cyclic garbage,
        left for the garbage collector instead of being freed when the request ends.
        """
        outer = self._outer_owner
        return self if outer is None else outer

    @_owner.setter
    def _owner(self, value: AppContext) -> None:
        self._outer_owner = None if value is self else value

    @property
    def g(self) -> _AppCtxGlobals:
        """The ``g`` namespace, created on first use."""
        g = self._g
        if g is None:
            g = self._g = self.app.app_ctx_globals_class()
        return g

    @g.setter
    def g(self, value: _AppCtxGlobals) -> None:
        self._g = value

    @property
    def session(self) -> t.Any:
        """The request's session, opened on first use; marks it ``accessed``.

        Flask parity: Flask opens the session when the request context is pushed;
        Veloce opens the default cookie session on first use (it has no side
        effects), and custom session interfaces at push, as Flask does.
        """
        owner = self._owner
        session = owner._session
        if session is None:
            if owner.request is None:
                from veloce.globals import _no_req_msg

                raise RuntimeError(_no_req_msg)
            session = owner._session = self.app._open_session(owner.request)
        session.accessed = True
        return session

    @session.setter
    def session(self, value: t.Any) -> None:
        self._owner._session = value

    @property
    def url_adapter(self) -> t.Any:
        """The app's URL map (Veloce has no per-request adapter)."""
        return self.app.url_map

    def push(self) -> None:
        """Bind this context.

        Flask parity: a request context pushed inside an app context of the same app
        shares its ``g`` (otherwise it gets a fresh app context of its own); an app
        context pushed inside a request keeps that request visible, with a fresh ``g``.
        """
        outer = _cv_ctx.get(None)
        owns = True
        inherited = False
        if self._is_request_ctx:
            if outer is not None and outer.app is self.app:
                self._g = outer.g
                owns = False
        elif outer is not None and outer.request is not None and self.request is None:
            self.request = outer.request
            self._owner = outer._owner
            inherited = True
        self._tokens.append((_cv_ctx.set(self), owns, inherited))
        if owns and appcontext_pushed.receivers:
            send(appcontext_pushed, self.app)
        if self._is_request_ctx and self._session is None and self.app._eager_session():
            self._session = self.app._open_session(self.request)

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Unbind this context, running teardown callbacks as Flask does.

        The request's teardown_request callbacks run when the last push of a request
        context is popped; teardown_appcontext callbacks when the app context this push
        created is popped.
        """
        if not self._tokens:
            raise RuntimeError(f"Popped wrong context. ({self!r} was not pushed)")
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        last = len(self._tokens) == 1
        token, owns, inherited = self._tokens[-1]
        try:
            if last and self._is_request_ctx:
                self.app.do_teardown_request(exc)
                close = getattr(self.request, "close", None)
                if close is not None:
                    close()
        finally:
            try:
                if owns and (self._is_request_ctx or last):
                    self.app.do_teardown_appcontext(exc)
            finally:
                self._tokens.pop()
                current = _cv_ctx.get(None)
                _cv_ctx.reset(token)
                if inherited:
                    self.request = None
                    self._owner = self
                if current is not self:
                    raise AssertionError(
                        f"Popped wrong context. ({current!r} instead of {self!r})"
                    )
        if owns and appcontext_popped.receivers:
            send(appcontext_popped, self.app)

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(self, exc_type: t.Any, exc_value: BaseException | None, tb: t.Any) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.app.name!r}>"


class RequestContext(AppContext):
    """An app context carrying a request: what the dispatcher binds per request."""

    __slots__ = ()

    def copy(self) -> RequestContext:
        """A new context for the same request and session (its own ``g`` when pushed).

        Flask parity: used by ``copy_current_request_context`` to hand the request to
        another thread or task.
        """
        ctx = type(self)(self.app, self.request)
        ctx._session = self._owner._session
        return ctx

    def __repr__(self) -> str:
        request = self.request
        return f"<{type(self).__name__} {request.url!r} [{request.method}] of {self.app.name}>"


def has_app_context() -> bool:
    """True inside an app or request context."""
    return _cv_ctx.get(None) is not None


def has_request_context() -> bool:
    """True inside a request context (a real request or ``test_request_context``)."""
    ctx = _cv_ctx.get(None)
    return ctx is not None and ctx.request is not None


def after_this_request(f: T_callable) -> T_callable:
    """Run ``f(response)`` after the current request, before the ``after_request`` hooks.

    Flask parity: must return a response; raises ``RuntimeError`` outside a request.
    """
    ctx = _cv_ctx.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(
            "'after_this_request' can only be used when a request"
            " context is active, such as in a view function."
        )
    owner = ctx._owner
    if owner._after_request_functions is None:
        owner._after_request_functions = []
    owner._after_request_functions.append(f)
    return f


def copy_current_request_context(f: T_callable) -> T_callable:
    """Wrap ``f`` so it runs with a copy of the current request context bound.

    Useful to hand work to another thread or task that still needs ``request``.
    """
    ctx = _cv_ctx.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(
            "'copy_current_request_context' can only be used when a"
            " request context is active, such as in a view function."
        )
    ctx = ctx._owner.copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]

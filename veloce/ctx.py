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

    Use ``with app.app_context():`` or ``with app.test_request_context(...):``; the
    dispatcher creates one per request.
    """

    __slots__ = (
        "app",
        "request",
        "_g",
        "_after_request_functions",
        "_tokens",
        "_owns_app_ctx",
        "_session",
        "_defer_teardown",
        "_deferred_error",
        "flashes",
        "__weakref__",
    )

    def __init__(self, app: Veloce, request: Request | None = None) -> None:
        self.app = app
        self.request = request
        self._g: _AppCtxGlobals | None = None
        self._after_request_functions: list[t.Callable[..., t.Any]] | None = None
        self._tokens: list[tuple[contextvars.Token[t.Any], bool]] = []
        self._owns_app_ctx = True
        self._session: t.Any = None
        #: Set by ``stream_with_context``: the pipeline leaves teardown to the stream.
        self._defer_teardown = False
        self._deferred_error: BaseException | None = None
        #: Flashed messages read in this request (``get_flashed_messages`` caches them).
        self.flashes: t.Any = None

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
        session = self._session
        if session is None:
            if self.request is None:
                from veloce.globals import _no_req_msg

                raise RuntimeError(_no_req_msg)
            session = self._session = self.app._open_session(self.request)
        session.accessed = True
        return session

    @session.setter
    def session(self, value: t.Any) -> None:
        self._session = value

    @property
    def url_adapter(self) -> t.Any:
        """The app's URL map (Veloce has no per-request adapter)."""
        return self.app.url_map

    def push(self) -> None:
        """Bind this context; Flask parity for ``g`` sharing (see the module docstring)."""
        owns = True
        if self.request is not None:
            outer = _cv_ctx.get(None)
            if outer is not None and outer.app is self.app:
                self._g = outer.g
                owns = False
        self._owns_app_ctx = owns
        self._tokens.append((_cv_ctx.set(self), owns))
        if self.request is not None and self._session is None and self.app._eager_session():
            self._session = self.app._open_session(self.request)

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Run the teardown callbacks and unbind this context.

        Every teardown callback runs even if one raises; the first error is re-raised
        after all ran and the context is unbound.
        """
        if not self._tokens:
            raise RuntimeError(f"Popped wrong context. ({self!r} was not pushed)")
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        token, owns = self._tokens[-1]
        try:
            if self.request is not None:
                self.app.do_teardown_request(exc)
                close = getattr(self.request, "close", None)
                if close is not None:
                    close()
        finally:
            try:
                if owns:
                    self.app.do_teardown_appcontext(exc)
            finally:
                self._tokens.pop()
                current = _cv_ctx.get(None)
                _cv_ctx.reset(token)
                if current is not self:
                    raise AssertionError(
                        f"Popped wrong context. ({current!r} instead of {self!r})"
                    )

    def copy(self) -> AppContext:
        """A new context for the same app and request, sharing ``g``."""
        ctx = type(self)(self.app, self.request)
        ctx._g = self._g
        ctx._session = self._session
        return ctx

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(self, exc_type: t.Any, exc_value: BaseException | None, tb: t.Any) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        if self.request is None:
            return f"<{type(self).__name__} of {self.app.name!r}>"
        return (
            f"<{type(self).__name__} {self.request.url!r}"
            f" [{self.request.method}] of {self.app.name}>"
        )


RequestContext = AppContext


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
    if ctx._after_request_functions is None:
        ctx._after_request_functions = []
    ctx._after_request_functions.append(f)
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
    ctx = ctx.copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]

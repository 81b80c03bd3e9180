"""How a request reaches a class-based view's method, decided once per class.

``as_view`` picks a pair of dispatchers here (one for the event loop, one for a worker
lane) and wraps them in the function the app registers: a plain function, or an
:class:`_Inner` object when the class has ``decorators``. At request time these
functions resolve the verb handler (cached per class), hand it the Request if it asks
for one, and call it. Kept apart from :mod:`veloce.views`, which holds only the public
classes users subclass.
"""

from __future__ import annotations

import functools
import typing as t

from veloce.core.concurrency import run_sync
from veloce.core.plan import find_request_param, is_async_callable
from veloce.core.request import Request
from veloce.globals import _get_request_ctx

if t.TYPE_CHECKING:
    from veloce.app import Veloce
    from veloce.views import MethodView, View

# Private names, used by veloce.views only.
__all__ = [
    "_AsyncInner",
    "_Dispatch",
    "_Handler",
    "_SyncInner",
    "_ViewRef",
    "_current",
    "_dispatch_request_dispatchers",
    "_dispatch_verb_on_lane",
    "_dispatch_verb_on_loop",
    "_inner_view",
    "_resolve",
    "_verb_on_lane",
    "_verb_on_loop",
]

#: ``dispatch(instance, url_values)`` -> the handler's result (or its coroutine).
_Dispatch = t.Callable[[t.Any, dict[str, t.Any]], t.Any]


# -- handlers -----------------------------------------------------------------------


def _current() -> tuple[Veloce, Request]:
    """The app and request of the current request context (Flask's error outside one)."""
    ctx = _get_request_ctx()
    return ctx.app, ctx.request  # type: ignore[return-value]  # checked not None


class _Handler(t.NamedTuple):
    """One handler method: its attribute name, whether it is async, its Request param."""

    name: str
    is_async: bool
    request_param: str | None


def _inspect(cls: type, name: str) -> _Handler | None:
    method = getattr(cls, name, None)
    if method is None:
        return None
    return _Handler(name, is_async_callable(method), find_request_param(method, (), Request))


def _resolve(cls: type, method: str) -> _Handler | None:
    handler = _inspect(cls, method.lower())
    if handler is None and method == "HEAD":
        handler = _inspect(cls, "get")
    return handler


def _handler_for(view: MethodView, method: str) -> _Handler | None:
    cls = type(view)
    handler = cls._handlers.get(method)
    if handler is None:
        handler = _resolve(cls, method)
        if handler is not None:
            cls._handlers[method] = handler
    return handler


def _verb_on_lane(view: MethodView, app: Veloce, request: Request, kwargs: dict[str, t.Any]
                  ) -> t.Any:
    handler = _handler_for(view, request.method)
    if handler is None:
        return view.unimplemented_method(request.method)
    method = getattr(view, handler.name)
    param = handler.request_param
    if param is not None and param not in kwargs:
        kwargs[param] = request
    if handler.is_async:
        return app.async_to_sync(method)(**kwargs)
    return method(**kwargs)


async def _verb_on_loop(view: MethodView, app: Veloce, request: Request,
                        kwargs: dict[str, t.Any]) -> t.Any:
    handler = _handler_for(view, request.method)
    if handler is None:
        return view.unimplemented_method(request.method)
    method = getattr(view, handler.name)
    param = handler.request_param
    if param is not None and param not in kwargs:
        kwargs[param] = request
    if handler.is_async:
        return await method(**kwargs)
    # Only an async dispatch_request override calling super() gets here with a sync
    # verb method: it runs on a lane of its own.
    return await run_sync(app._lane_pool, functools.partial(method, **kwargs))


def _dispatch_verb_on_lane(view: MethodView, kwargs: dict[str, t.Any]) -> t.Any:
    return _verb_on_lane(view, *_current(), kwargs)


def _dispatch_verb_on_loop(view: MethodView, kwargs: dict[str, t.Any]) -> t.Any:
    return _verb_on_loop(view, *_current(), kwargs)


def _dispatch_request_dispatchers(cls: type[View]) -> tuple[bool, _Dispatch, _Dispatch]:
    """Dispatchers calling the class's own ``dispatch_request``."""
    function = cls.dispatch_request
    param = find_request_param(function, (), Request)
    is_async = is_async_callable(function)

    def on_loop(view: t.Any, kwargs: dict[str, t.Any]) -> t.Any:
        if param is not None and param not in kwargs:
            kwargs[param] = _current()[1]
        return view.dispatch_request(**kwargs)

    def on_lane(view: t.Any, kwargs: dict[str, t.Any]) -> t.Any:
        if param is not None and param not in kwargs:
            kwargs[param] = _current()[1]
        if is_async:
            return _current()[0].async_to_sync(view.dispatch_request)(**kwargs)
        return view.dispatch_request(**kwargs)

    return is_async, on_lane, on_loop


# -- the generated function ------------------------------------------------------------


class _ViewRef:
    """The final (decorated) view function, whose ``view_class`` builds instances.

    Flask reads ``view_class`` from the registered function at each request, so
    tests may swap it; the inner function finds that function through this cell.
    """

    __slots__ = ("func",)

    def __init__(self) -> None:
        self.func: t.Any = None


def _inner_view(
    is_async: bool,
    dispatch: _Dispatch,
    ref: _ViewRef,
    instance: t.Any,
    class_args: tuple[t.Any, ...],
    class_kwargs: dict[str, t.Any],
) -> t.Callable[..., t.Any]:
    """The undecorated view: build (or reuse) an instance and dispatch to it."""
    if is_async:
        if instance is None:

            async def view(**kwargs: t.Any) -> t.Any:
                return await dispatch(ref.func.view_class(*class_args, **class_kwargs), kwargs)

        else:

            async def view(**kwargs: t.Any) -> t.Any:
                return await dispatch(instance, kwargs)

        return view
    if instance is None:

        def sync_view(**kwargs: t.Any) -> t.Any:
            return dispatch(ref.func.view_class(*class_args, **class_kwargs), kwargs)

    else:

        def sync_view(**kwargs: t.Any) -> t.Any:
            return dispatch(instance, kwargs)

    return sync_view


class _Inner:
    """The undecorated view of a class with ``decorators``.

    An object rather than a function so that it can still switch from async to sync
    (``__class__`` assignment between the two subclasses) once the decorators have
    shown whether they await it. ``final`` is the decorated function, whose
    ``view_class`` builds the instances. The ``__dict__`` holds only what
    ``functools.wraps`` copies (``__name__``, ``__module__``).
    """

    __slots__ = ("on_lane", "on_loop", "instance", "class_args", "class_kwargs", "final",
                 "__dict__")

    def __init__(
        self,
        on_lane: _Dispatch,
        on_loop: _Dispatch,
        instance: t.Any,
        class_args: tuple[t.Any, ...],
        class_kwargs: dict[str, t.Any],
    ) -> None:
        self.on_lane = on_lane
        self.on_loop = on_loop
        self.instance = instance
        self.class_args = class_args
        self.class_kwargs = class_kwargs
        self.final: t.Any = None

    def _instance(self) -> t.Any:
        instance = self.instance
        if instance is None:
            instance = self.final.view_class(*self.class_args, **self.class_kwargs)
        return instance


class _AsyncInner(_Inner):
    __slots__ = ()

    async def __call__(self, **kwargs: t.Any) -> t.Any:
        return await self.on_loop(self._instance(), kwargs)


class _SyncInner(_Inner):
    __slots__ = ()

    def __call__(self, **kwargs: t.Any) -> t.Any:
        return self.on_lane(self._instance(), kwargs)

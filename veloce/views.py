"""Class-based views: :class:`View` (one ``dispatch_request``) and :class:`MethodView`.

``as_view`` turns a class into the view function the app registers. The app decides
once, at freeze time, whether a view runs on the event loop or on a worker lane, by
looking at that function; so ``as_view`` decides at registration whether the function
it returns is a coroutine function:

* ``View``: async exactly when ``dispatch_request`` is ``async def``.
* ``MethodView`` without its own ``dispatch_request``: async when *every* verb method
  is ``async def``. A class that mixes sync and async verbs gets a sync view, as in
  Flask: the request runs on one worker lane, so its sync verbs share the thread of
  the request's sync hooks (a sqlite connection kept in ``g`` keeps working), and an
  async verb runs on the event loop while the lane waits (``app.async_to_sync``).
* ``MethodView`` with its own ``dispatch_request``: async when that method is.

Handlers may ask for the Request (the native style): a parameter named ``request``
(unannotated) or annotated with the request class receives it, as for function views.
Flask-style handlers take only the URL variables.
"""

from __future__ import annotations

import asyncio
import functools
import typing as t

from veloce.core.concurrency import run_sync
from veloce.core.exceptions import MethodNotAllowed
from veloce.core.plan import find_request_param, is_async_callable
from veloce.core.request import Request
from veloce.globals import _get_request_ctx

if t.TYPE_CHECKING:
    from veloce.app import Veloce
    from veloce.typing import ResponseReturnValue, RouteCallable

__all__ = ["MethodView", "View", "http_method_funcs"]

#: The method names :class:`MethodView` recognises as HTTP verb handlers.
http_method_funcs: frozenset[str] = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)

#: ``dispatch(instance, url_values)`` -> the handler's result (or its coroutine).
_Dispatch = t.Callable[[t.Any, t.Dict[str, t.Any]], t.Any]


class View:
    """A view written as a class: override :meth:`dispatch_request`.

    ``as_view(name, *args, **kwargs)`` builds the function to register; ``args`` and
    ``kwargs`` go to the class constructor. ``dispatch_request`` receives the URL
    variables as keyword arguments (and the Request, if it has a ``request``
    parameter). It may be ``def`` or ``async def``.

    Flask parity: same attributes and ``as_view`` as ``flask.views.View``. A class that
    does not override ``dispatch_request`` is refused by ``as_view`` (``TypeError`` at
    registration) instead of failing on every request as Flask's does.
    """

    #: The methods the view is registered for; None means the route's default
    #: (``GET``, plus HEAD and OPTIONS), as with ``add_url_rule``.
    methods: t.ClassVar[t.Collection[str] | None] = None

    #: Whether OPTIONS is answered automatically; None means the app's default.
    provide_automatic_options: t.ClassVar[bool | None] = None

    #: Decorators applied in order to the generated view function: the first one
    #: wraps the view directly, the last one is outermost.
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []

    #: A fresh instance per request (True), or one instance, built by ``as_view``
    #: and shared by every request (False; keep per-request data in ``g``).
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self, *args: t.Any, **kwargs: t.Any) -> ResponseReturnValue:
        """Answer the request; every subclass overrides this.

        Raises:
            TypeError: always; the base class has no behaviour to run.
        """
        raise TypeError(
            f"{type(self).__qualname__} does not override dispatch_request; a View"
            " subclass must define it"
        )

    @classmethod
    def _dispatchers(cls) -> tuple[bool, _Dispatch, _Dispatch]:
        """Whether the handlers are async, and how to dispatch on a lane / on the loop."""
        if cls.dispatch_request is View.dispatch_request:
            raise TypeError(
                f"{cls.__qualname__}.as_view(): the class does not override"
                " dispatch_request; a View subclass must define it"
            )
        return _dispatch_request_dispatchers(cls)

    @classmethod
    def as_view(cls, name: str, *class_args: t.Any, **class_kwargs: t.Any) -> RouteCallable:
        """Build the view function for this class, registered under ``name``.

        Args:
            name: the function's ``__name__``, hence the default endpoint.
            class_args, class_kwargs: passed to the constructor, per request or once
                (``init_every_request``).

        Returns:
            A coroutine function when the handlers are async (see the module
            docstring), else a plain function. It carries ``view_class``,
            ``methods`` and ``provide_automatic_options`` (read by
            ``add_url_rule``), and the class's ``__doc__`` and ``__module__``.

        Decorators (``decorators``) wrap an undecorated view that can still turn sync
        after they are applied: when they return a sync function around the async
        view (a decorator written for Flask's always-sync views calls it and expects a
        value), that view runs its async handlers through ``app.async_to_sync``, as
        Flask does. Each decorator is applied exactly once.
        """
        is_async, on_lane, on_loop = cls._dispatchers()
        instance = None if cls.init_every_request else cls(*class_args, **class_kwargs)
        if cls.decorators:
            inner: t.Any = (_AsyncInner if is_async else _SyncInner)(
                on_lane, on_loop, instance, class_args, class_kwargs
            )
            # Named before decorating so functools.wraps-style decorators copy the name.
            inner.__name__ = name
            inner.__module__ = cls.__module__
            view: t.Any = inner
            for decorator in cls.decorators:
                view = decorator(view)
            if is_async and not is_async_callable(view):
                inner.__class__ = _SyncInner
            inner.final = view
        else:
            ref = _ViewRef()
            view = _inner_view(is_async, on_loop if is_async else on_lane, ref, instance,
                               class_args, class_kwargs)
            ref.func = view
        view.view_class = cls
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods
        view.provide_automatic_options = cls.provide_automatic_options
        return view  # type: ignore[no-any-return]


class MethodView(View):
    """A view whose ``get``, ``post``, ... methods answer the matching HTTP verbs.

    ``methods`` is inferred from the verb methods a subclass defines (plus its bases'
    ``methods``) unless the class sets it. HEAD falls back to ``get``. Verb methods
    may be ``def`` or ``async def``, mixed freely (see the module docstring for
    where each runs).

    Flask parity: as ``flask.views.MethodView``. A verb that reaches the view with no
    method to handle it (``methods`` set by hand) goes to
    :meth:`unimplemented_method`, which raises ``MethodNotAllowed`` (405 with
    ``Allow``) here and ``AssertionError`` in the ``flask`` compat class, as Flask does.
    """

    #: HTTP method -> the handler answering it; filled per class at definition time,
    #: extended on first use for verbs outside :data:`http_method_funcs`.
    _handlers: t.ClassVar[dict[str, _Handler]] = {}

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" not in cls.__dict__:
            inferred: set[str] = set()
            for base in cls.__bases__:
                inferred.update(getattr(base, "methods", None) or ())
            inferred.update(verb.upper() for verb in http_method_funcs if hasattr(cls, verb))
            if inferred:
                cls.methods = inferred
        handlers: dict[str, _Handler] = {}
        for verb in {*http_method_funcs, *(m.lower() for m in cls.methods or ())}:
            handler = _resolve(cls, verb.upper())
            if handler is not None:
                handlers[verb.upper()] = handler
        cls._handlers = handlers

    def dispatch_request(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """Call the method named after the request's verb with the URL variables.

        ``args`` may hold the Request (the native ``dispatch_request(self, request,
        **kw)`` override calling ``super()``); otherwise the current request is used.

        Returns:
            The handler's return value. Called on the event loop thread (from an
            ``async def`` override) it returns an awaitable of it instead, so both
            ``return super().dispatch_request(**kw)`` in a sync override and
            ``return await super().dispatch_request(request, **kw)`` in an async one
            work, whatever the verb methods are.
        """
        if len(args) > 1:
            raise TypeError(
                "dispatch_request() takes the Request as its only positional argument"
            )
        app, request = _current()
        if args:
            request = args[0]
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return _verb_on_lane(self, app, request, kwargs)
        return _verb_on_loop(self, app, request, kwargs)

    def unimplemented_method(self, method: str) -> ResponseReturnValue:
        """The answer when no method handles ``method``; may return a response.

        Raises:
            MethodNotAllowed: listing the verbs this route and class both handle.
        """
        valid = set(type(self)._handlers)
        rule = _current()[1].url_rule
        if rule is not None:
            if rule.methods is not None:
                valid &= rule.methods
            if rule.provide_automatic_options:
                valid.add("OPTIONS")
        raise MethodNotAllowed(valid_methods=sorted(valid))

    @classmethod
    def _dispatchers(cls) -> tuple[bool, _Dispatch, _Dispatch]:
        if cls.dispatch_request is not MethodView.dispatch_request:
            return _dispatch_request_dispatchers(cls)
        handlers = cls._handlers.values()
        is_async = bool(handlers) and all(handler.is_async for handler in handlers)
        return is_async, _dispatch_verb_on_lane, _dispatch_verb_on_loop


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

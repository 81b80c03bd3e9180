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
import typing as t

from veloce._view_dispatch import (
    _AsyncInner,
    _current,
    _Dispatch,
    _dispatch_request_dispatchers,
    _dispatch_verb_on_lane,
    _dispatch_verb_on_loop,
    _Handler,
    _inner_view,
    _resolve,
    _SyncInner,
    _verb_on_lane,
    _verb_on_loop,
    _ViewRef,
)
from veloce.core.exceptions import MethodNotAllowed
from veloce.core.plan import is_async_callable

if t.TYPE_CHECKING:
    from veloce.typing import ResponseReturnValue, RouteCallable

__all__ = ["MethodView", "View", "http_method_funcs"]

#: The method names :class:`MethodView` recognises as HTTP verb handlers.
http_method_funcs: frozenset[str] = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


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

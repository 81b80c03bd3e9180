"""Middleware registration and the per-request middleware pipeline of the app.

Three shapes are accepted (first added = outermost, within each layer):

* :class:`~veloce.middleware.base.Middleware` subclasses and instances join the
  request/response pipeline: ``process_request`` in order before dispatch (with the
  request context bound), ``process_response`` in reverse order after it.
* ``(request, call_next)`` callables (:meth:`add_http_middleware`,
  ``@app.middleware("http")``, :class:`~veloce.middleware.base.BaseHTTPMiddleware`)
  sit in the same chain; ``call_next`` runs whatever comes after them.
* Any other class is ASGI middleware: built as ``cls(app, **options)`` and wrapping
  the whole application, for every scope type (HTTP, websocket, lifespan). The ASGI
  layer is always outside the in-app pipeline, whatever the registration order.

Both stacks are composed once, when the app freezes (the ASGI stack as soon as the
first ASGI message needs it, e.g. lifespan startup). With nothing registered the app
keeps ``_asgi_stack`` and ``_pipeline`` at ``None``, which the request path tests
once each: the cost of having this feature is two attribute checks.
"""

from __future__ import annotations

import asyncio
import typing as t
from contextvars import copy_context

from veloce.core.plan import is_async_callable
from veloce.core.response import Response
from veloce.dispatch import run_on_lane, run_on_loop
from veloce.middleware.base import BaseHTTPMiddleware, Middleware
from veloce.mounts import MountDispatcher
from veloce.scaffold import setupmethod

if t.TYPE_CHECKING:
    from veloce.core.plan import RoutePlan
    from veloce.ctx import AppContext

__all__ = ["MiddlewareRegistry"]

T_http = t.TypeVar("T_http", bound=t.Callable[..., t.Any])

#: Scope key marking that a request already went through this app's ASGI stack (the
#: innermost layer of the stack is the app itself).
_STACK_KEY = "veloce.asgi_stack"


class _Stage:
    """One pipeline entry, decided at freeze: a Middleware's two methods or an HTTP one.

    A method a Middleware left as inherited is ``None`` here, so it costs nothing.
    """

    __slots__ = ("request", "request_async", "response", "response_async", "http")

    def __init__(self, middleware: t.Any = None, http: t.Any = None) -> None:
        self.http = http
        self.request: t.Any = None
        self.response: t.Any = None
        self.request_async = self.response_async = False
        if middleware is not None:
            fn = middleware.process_request
            if getattr(fn, "__func__", None) is not Middleware.process_request:
                self.request, self.request_async = fn, is_async_callable(fn)
            fn = middleware.process_response
            if getattr(fn, "__func__", None) is not Middleware.process_response:
                self.response, self.response_async = fn, is_async_callable(fn)


class _CallNext:
    """The ``call_next`` handed to an HTTP middleware: resumes the chain after it."""

    __slots__ = ("app", "ctx", "plan", "index")

    def __init__(
        self, app: MiddlewareRegistry, ctx: AppContext, plan: RoutePlan, index: int
    ) -> None:
        self.app = app
        self.ctx = ctx
        self.plan = plan
        self.index = index

    async def __call__(self, request: t.Any = None) -> Response:
        # The chain continues with the context's request; passing another one in is
        # accepted for Starlette compatibility and changes nothing.
        return await self.app._run_pipeline(self.ctx, self.plan, self.index)


class MiddlewareRegistry:
    """The app's ``add_middleware`` family and the pipeline that runs what it registers."""

    # Registrations, in order: ("pipeline", Middleware instance), ("http", callable)
    # or ("asgi", (factory, options)). A tuple, replaced on each add, so the class
    # default is never shared mutable state.
    _user_middleware: tuple[tuple[str, t.Any], ...] = ()
    #: The app's outermost ASGI entry (the user's ``wsgi_app`` wrapper, else the
    #: composed stack), or None without ASGI middleware, mounts or wrapper.
    _asgi_stack: t.Callable[..., t.Awaitable[None]] | None = None
    #: The composed stack (mounts, then ASGI middleware) inside the ``wsgi_app`` wrapper.
    _asgi_inner: t.Callable[..., t.Awaitable[None]] | None = None
    #: What ``app.wsgi_app = X(app.wsgi_app)`` installed, Flask-style.
    _wsgi_entry: t.Callable[..., t.Awaitable[None]] | None = None
    _asgi_composed = False
    #: The request/response pipeline, or None when it is empty.
    _pipeline: tuple[_Stage, ...] | None = None

    # Provided by the app (annotations only: the app's own definitions are used).
    _lane_pool: t.Any
    make_response: t.Callable[[t.Any], Response]
    _select_user_exception_handler: t.Callable[[Exception, t.Sequence[str]], t.Any]
    _begin_handle_exception: t.Callable[[Exception], t.Any]
    _find_error_handler_call: t.Callable[[BaseException, t.Sequence[str]], t.Any]

    # -- registration --------------------------------------------------------------

    @setupmethod
    def add_middleware(self, middleware: t.Any, **options: t.Any) -> None:
        """Add middleware to the pipeline.

        Call forms:

        * ``add_middleware(VeloceMiddlewareClass, **options)``: a
          :class:`~veloce.middleware.base.Middleware` subclass is instantiated with
          ``**options`` and appended to the request/response pipeline.
        * ``add_middleware(instance)``: an already built ``Middleware`` (or
          :class:`~veloce.middleware.base.BaseHTTPMiddleware`) instance is appended.
        * ``add_middleware(ASGIMiddlewareClass, **options)``: any other class is
          standard ASGI middleware; it wraps the whole application and is built as
          ``ASGIMiddlewareClass(app, **options)`` when the stack is assembled (at
          freeze). This is how third-party ASGI middleware plugs in.

        Middleware added first is the outermost wrapper: its ``process_request`` runs
        first and its ``process_response`` last. ASGI middleware wraps the app from
        outside, so it always sees the request before any in-app middleware.

        Raises:
            TypeError: options given with an instance, or something that is neither
                a class nor a middleware instance (use :meth:`add_http_middleware` for
                ``(request, call_next)`` functions).
        """
        if isinstance(middleware, type):
            if getattr(middleware, "asgi_middleware", False):
                # A Middleware that must see the request before routing (ProxyFix).
                self._register("asgi", (middleware, options))
            elif issubclass(middleware, Middleware):
                self._register("pipeline", middleware(**options))
            elif issubclass(middleware, BaseHTTPMiddleware):
                self._register("http", middleware(**options))
            else:
                self._register("asgi", (middleware, options))
            return
        if options:
            raise TypeError(
                f"add_middleware({type(middleware).__name__} instance) takes no options;"
                " pass the class to have it built with them"
            )
        if getattr(middleware, "asgi_middleware", False):
            self._register("asgi", (middleware.bind, {}))
        elif isinstance(middleware, Middleware):
            self._register("pipeline", middleware)
        elif isinstance(middleware, BaseHTTPMiddleware):
            self._register("http", middleware)
        else:
            raise TypeError(
                f"add_middleware() takes a Middleware subclass or instance, or an ASGI"
                f" middleware class, not {middleware!r}; register a (request, call_next)"
                " function with add_http_middleware() or @app.middleware('http')"
            )

    @setupmethod
    def add_http_middleware(self, middleware: t.Any) -> t.Any:
        """Register a ``(request, call_next) -> response`` middleware on the chain.

        Accepts an instance (e.g. a
        :class:`~veloce.middleware.base.BaseHTTPMiddleware`), a bare coroutine function,
        or a class (instantiated with no arguments). Returns the registered object
        (the instance, for a class), so it also works as a decorator.

        This is the slow path (see :class:`~veloce.middleware.base.BaseHTTPMiddleware`).

        Raises:
            TypeError: the callable is not async (``call_next`` must be awaited).
        """
        if isinstance(middleware, type):
            middleware = middleware()
        if not is_async_callable(middleware):
            raise TypeError(
                f"HTTP middleware {middleware!r} must be an async callable"
                " (request, call_next) -> response"
            )
        self._register("http", middleware)
        return middleware

    def middleware(self, middleware_or_type: t.Any, **options: t.Any) -> t.Any:
        """Add middleware, in a class form or a decorator form.

        Class form: ``app.middleware(CORSMiddleware, allow_origins=["*"])`` is
        :meth:`add_middleware`. Decorator form::

            @app.middleware("http")
            async def add_header(request, call_next):
                response = await call_next(request)
                response.headers["X-Custom"] = "value"
                return response

        Raises:
            ValueError: a decorator form for another type than ``"http"``.
        """
        if isinstance(middleware_or_type, str):
            if middleware_or_type != "http":
                raise ValueError(
                    f'only @app.middleware("http") is supported, not {middleware_or_type!r}'
                )

            def decorator(f: T_http) -> T_http:
                self.add_http_middleware(f)
                return f

            return decorator
        self.add_middleware(middleware_or_type, **options)
        return middleware_or_type

    def _register(self, kind: str, entry: t.Any) -> None:
        if self._asgi_composed:
            raise RuntimeError(
                "middleware cannot be added once the app has started serving"
                " (its middleware stack is already built)"
            )
        self._user_middleware = (*self._user_middleware, (kind, entry))
        if kind in ("asgi", "mount") and self._asgi_stack is None:
            # Composed when the first ASGI message arrives (or at freeze).
            self._asgi_stack = self._compose_asgi_and_call

    # -- composition (freeze) ------------------------------------------------------

    def _compose_middleware(self) -> None:
        """Build both stacks from the registry (called by ``freeze``)."""
        stages = tuple(
            _Stage(middleware=entry) if kind == "pipeline" else _Stage(http=entry)
            for kind, entry in self._user_middleware
            if kind in ("pipeline", "http")
        )
        self._pipeline = (
            tuple(
                s
                for s in stages
                if s.http is not None or s.request is not None or s.response is not None
            )
            or None
        )
        self._compose_asgi()

    def _compose_asgi(self) -> t.Callable[..., t.Awaitable[None]] | None:
        if not self._asgi_composed:
            self._asgi_composed = True
            factories = [entry for kind, entry in self._user_middleware if kind == "asgi"]
            mounts = dict(entry for kind, entry in self._user_middleware if kind == "mount")
            if factories or mounts:
                # Mounts are innermost: ASGI middleware (ProxyFix...) also wraps them.
                app: t.Any = MountDispatcher(self, mounts) if mounts else self
                for factory, options in reversed(factories):
                    app = factory(app, **options)
                self._asgi_inner = app
                if self._wsgi_entry is None:
                    self._asgi_stack = app
        return self._asgi_stack

    async def _compose_asgi_and_call(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        # Installed only when ASGI middleware was registered, so this builds a stack.
        stack = self._compose_asgi()
        await stack(scope, receive, send)  # type: ignore[misc]

    @property
    def wsgi_app(self) -> t.Callable[..., t.Awaitable[None]]:
        """The app's ASGI entry below the outermost wrapper, for Flask's wrapping idiom.

        ``app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)`` works as in Flask: the
        assigned callable becomes what ``app(scope, receive, send)`` runs first, and
        the value read before wraps the rest of the app (ASGI middleware, mounts,
        routing). It is an ASGI callable, so the wrapper must be ASGI middleware (the
        ``werkzeug.middleware`` shims in ``veloce.compat`` are).

        Flask parity: Flask's is a WSGI callable; a WSGI middleware cannot wrap it.
        """
        entry = self._wsgi_entry
        return self._call_inner if entry is None else entry

    @wsgi_app.setter
    def wsgi_app(self, value: t.Callable[..., t.Awaitable[None]]) -> None:
        if not callable(value):
            raise TypeError(f"app.wsgi_app must be an ASGI callable, not {value!r}")
        self._wsgi_entry = value
        self._asgi_stack = value

    async def _call_inner(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        # The default wsgi_app: the composed stack (or the app itself) under the wrapper.
        scope[_STACK_KEY] = self
        if not self._asgi_composed:
            self._compose_asgi()
        inner = self._asgi_inner
        await (self if inner is None else inner)(scope, receive, send)  # type: ignore[misc]

    def _enter_asgi_stack(self, scope: t.Any) -> bool:
        """Whether ``scope`` must go through the ASGI stack (and mark it as doing so)."""
        if scope.get(_STACK_KEY) is self:
            return False
        scope[_STACK_KEY] = self
        return True

    # -- the per-request pipeline ----------------------------------------------------

    async def _run_pipeline(self, ctx: AppContext, plan: RoutePlan, start: int = 0) -> Response:
        """Run the pipeline from ``start`` around the dispatch of ``plan``."""
        pipeline: tuple[_Stage, ...] = self._pipeline  # type: ignore[assignment]
        request = ctx.request
        index = start
        end = len(pipeline)
        try:
            while index < end:
                stage = pipeline[index]
                if stage.http is not None:
                    rv = await stage.http(request, _CallNext(self, ctx, plan, index + 1))
                    response = rv if isinstance(rv, Response) else self.make_response(rv)
                    break
                fn = stage.request
                if fn is not None:
                    rv = fn(request)
                    if stage.request_async:
                        rv = await rv
                    if rv is not None:
                        response = rv if isinstance(rv, Response) else self.make_response(rv)
                        break
                index += 1
            else:
                response = await self._dispatch_plan(ctx, plan)
        except Exception as e:
            response = await self._middleware_error_response(e, plan)
        while index > start:
            index -= 1
            stage = pipeline[index]
            fn = stage.response
            if fn is not None:
                try:
                    rv = fn(request, response)
                    if stage.response_async:
                        rv = await rv
                    response = rv if isinstance(rv, Response) else self.make_response(rv)
                except Exception as e:
                    # The error response still goes out through the outer middleware.
                    response = await self._middleware_error_response(e, plan)
        return response

    async def _dispatch_plan(self, ctx: AppContext, plan: RoutePlan) -> Response:
        # The pipeline's innermost step; mirrors the dispatch branch of _handle_http.
        if plan.on_lane:
            pool = self._lane_pool
            lane = await pool.acquire()
            try:
                return await lane.run(  # type: ignore[no-any-return]
                    copy_context(),
                    run_on_lane,
                    self,
                    ctx,
                    plan,
                    asyncio.get_running_loop(),
                )
            finally:
                pool.release(lane)
        return await run_on_loop(self, ctx, plan)  # type: ignore[arg-type]

    async def _middleware_error_response(self, e: Exception, plan: RoutePlan) -> Response:
        """The response for an exception raised by middleware, via the app's handlers.

        An HTTPException renders through its error handler (or as itself); anything
        else takes the unhandled-error path: propagate in testing/debug, else a 500
        through the 500 handler.
        """
        blueprints = plan.hooks.blueprints
        selected = self._select_user_exception_handler(e, blueprints)
        if selected is None:
            rv = self._begin_handle_exception(e)
            selected = self._find_error_handler_call(rv, blueprints)
            if selected is None:
                return self.make_response(rv)
            e = rv
        elif selected is e:
            return self.make_response(e)
        fn, is_async = selected
        rv = fn(e)
        if is_async:
            rv = await rv
        return self.make_response(rv)

"""The application object: registration, configuration and the ASGI entry point.

``Veloce`` composes the pieces rather than being them: the URL map
(``core.router``), the config, the JSON provider, the worker lane pool, the lifespan
handler and the frozen route plans. Its request path is:

``__call__`` → match the route (no Request yet) → read the body (bounded by
``MAX_CONTENT_LENGTH``) → build the Request and bind the context (one ContextVar
set) → run the route's plan (``veloce.dispatch``) → send the response.

Flask parity: the public methods named after Flask's (``add_url_rule``,
``make_response``, ``handle_user_exception``, ``url_for``...) behave as in Flask 3.1.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import types
import typing as t
from contextvars import copy_context
from datetime import timedelta
from functools import cached_property

from veloce import signals
from veloce.app_blueprints import BlueprintRegistry
from veloce.app_cli import CommandLine
from veloce.app_errors import ErrorHandling
from veloce.app_lifecycle import RequestLifecycle, absolute_redirect
from veloce.app_middleware import MiddlewareRegistry
from veloce.app_mounts import MountRegistry
from veloce.app_run import AppRun
from veloce.app_static import AppStatic
from veloce.app_templating import TemplateRendering
from veloce.app_urls import URLBuilding
from veloce.app_websockets import WebSocketRoutes
from veloce.config import DEFAULT_CONFIG, Config, ConfigAttribute
from veloce.core.asgi import content_length
from veloce.core.body import BODY_SPOOL_THRESHOLD, read_body
from veloce.core.concurrency import LanePool
from veloce.core.context import _cv_ctx
from veloce.core.exceptions import (
    Aborter,
    HTTPException,
    RequestRedirect,
)
from veloce.core.lifespan import Lifespan
from veloce.core.plan import HookPlan, RoutePlan, call_flag, find_request_param, tag
from veloce.core.request import Request
from veloce.core.response import Response
from veloce.core.router import Map
from veloce.core.rules import Rule
from veloce.ctx import AppContext, RequestContext, _AppCtxGlobals
from veloce.dispatch import run_on_lane, run_on_loop
from veloce.helpers import get_debug_flag
from veloce.json.provider import DefaultJSONProvider, JSONProvider
from veloce.resources import InstanceResources
from veloce.scaffold import Scaffold, _endpoint_from_view_func, setupmethod
from veloce.sessions import SecureCookieSessionInterface, SessionInterface
from veloce.signals import appcontext_popped, appcontext_pushed, send_on_loop
from veloce.utils import find_instance_path

if t.TYPE_CHECKING:
    from veloce.blueprints import Blueprint
    from veloce.testing import AsyncTestClient, TestClient

__all__ = ["Veloce"]

T_teardown = t.TypeVar("T_teardown", bound=t.Callable[..., t.Any])
T_handler = t.TypeVar("T_handler", bound=t.Callable[..., t.Any])


def _make_timedelta(value: timedelta | int | None) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


class Veloce(
    MiddlewareRegistry,
    MountRegistry,
    BlueprintRegistry,
    RequestLifecycle,
    URLBuilding,
    ErrorHandling,
    TemplateRendering,
    AppStatic,
    CommandLine,
    AppRun,
    WebSocketRoutes,
    InstanceResources,
    Scaffold,
):
    """A Flask-shaped application that is an ASGI callable.

    Args:
        import_name: the module or package the app lives in (``__name__``); used to
            find templates and static files. Defaults to ``"__main__"``.
        static_url_path, static_folder, static_host, host_matching,
        subdomain_matching, template_folder, instance_path, instance_relative_config:
            as in Flask.
        package_root: the directory of ``import_name`` (Flask's ``root_path``).
        lifespan: an async context manager factory ``lifespan(app)`` entered at
            startup and left at shutdown.
        on_startup, on_shutdown: callables run at startup / shutdown.

    Flask parity: ``Flask(import_name, ...)`` accepts the same arguments except that
    Flask's ``root_path`` is called ``package_root`` here (``root_path`` is the ASGI
    mount prefix); the ``flask`` compat class maps it.
    """

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    config_class = Config
    aborter_class = Aborter
    url_rule_class = Rule
    url_map_class = Map
    app_ctx_globals_class = _AppCtxGlobals
    app_context_class = AppContext
    request_context_class = RequestContext
    #: How sessions are loaded and saved (Flask's cookie format by default).
    session_interface: SessionInterface = SecureCookieSessionInterface()
    default_config: dict[str, t.Any] = DEFAULT_CONFIG

    #: The ASGI mount prefix this app is served under ("" at the root). Requests carry
    #: their own ``root_path`` from the server; this is the app-level default.
    root_path: str = ""

    #: Whether an HTTP error without a handler renders Werkzeug's HTML page (Flask)
    #: or Veloce's JSON ``{"detail": ...}`` body.
    html_error_pages: bool = False

    debug = ConfigAttribute[bool]("DEBUG")
    testing = ConfigAttribute[bool]("TESTING")
    secret_key = ConfigAttribute[str | bytes | None]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME", get_converter=_make_timedelta
    )

    def __init__(
        self,
        import_name: str = "__main__",
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        package_root: str | None = None,
        *,
        lifespan: t.Callable[[t.Any], t.AsyncContextManager[t.Any]] | None = None,
        on_startup: t.Iterable[t.Callable[[], t.Any]] | None = None,
        on_shutdown: t.Iterable[t.Callable[[], t.Any]] | None = None,
    ) -> None:
        super().__init__(
            import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            package_root=package_root,
        )
        if instance_path is not None and not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute."
                " A relative path was given instead."
            )
        self._instance_path = instance_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        self.config = self.config_class(
            self.instance_path if instance_relative_config else self.package_root, defaults
        )
        self.static_host = static_host
        self.subdomain_matching = subdomain_matching
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.extensions: dict[str, t.Any] = {}
        self.url_build_error_handlers: list[t.Callable[..., t.Any]] = []
        self.teardown_appcontext_funcs: list[t.Callable[..., t.Any]] = []
        self.shell_context_processors: list[t.Callable[[], dict[str, t.Any]]] = []
        self._lifespan = Lifespan(lifespan, on_startup, on_shutdown)
        self._json: JSONProvider | None = None
        self._got_first_request = False
        self._frozen = False
        self._plans: dict[str, RoutePlan] = {}
        self._hook_plans: dict[tuple[str, ...], HookPlan] = {}
        self._app_plan: RoutePlan | None = None
        self._appcontext_teardowns: tuple[tuple[t.Callable[..., t.Any], bool], ...] = ()
        self._async_flags: dict[t.Any, bool] = {}
        self._lane_pool_instance: LanePool | None = None
        self._before_first_request_funcs: list[t.Callable[..., t.Any]] = []
        self._first_request_pending = False
        self._first_request_lock: asyncio.Lock | None = None
        self._session_at_push = False
        self._blueprints: dict[str, Blueprint] = {}
        self._template_filters: dict[str, t.Callable[..., t.Any]] = {}
        self._template_tests: dict[str, t.Callable[..., t.Any]] = {}
        self._template_globals: dict[str, t.Callable[..., t.Any]] = {}
        self._add_static_route(static_host, host_matching)

    # -- identity and configuration --------------------------------------------------

    @cached_property
    def name(self) -> str:
        """The app's name: the import name, or the script's name for ``__main__``."""
        if self.import_name == "__main__":
            fn: str | None = getattr(sys.modules["__main__"], "__file__", None)
            if fn is None:
                return "__main__"
            return os.path.splitext(os.path.basename(fn))[0]
        return self.import_name

    @cached_property
    def logger(self) -> logging.Logger:
        """The ``logging`` logger named after the app (Flask's setup)."""
        from veloce.logging import create_logger

        return create_logger(self)

    @property
    def instance_path(self) -> str:
        """The writable per-deployment folder (not created).

        Flask parity: ``instance/`` beside the top-level package (or module), or
        ``<prefix>/var/<name>-instance`` for an installed package; a constructor
        argument overrides it.
        """
        if self._instance_path is None:
            self._instance_path = find_instance_path(self.import_name, self.name)
        return self._instance_path

    @property
    def json(self) -> JSONProvider:
        """The JSON provider, built from ``json_provider_class`` on first use."""
        provider = self._json
        if provider is None:
            provider = self._json = self.json_provider_class(self)
        return provider

    @json.setter
    def json(self, value: JSONProvider) -> None:
        self._json = value

    @cached_property
    def aborter(self) -> Aborter:
        """The callable ``abort`` uses in this app's contexts."""
        return self.aborter_class()

    @property
    def signal_namespace(self) -> types.ModuleType:
        """The :mod:`veloce.signals` module, where the app's signals live.

        ``app.signal_namespace.request_started is veloce.signals.request_started``.
        """
        return signals

    @property
    def got_first_request(self) -> bool:
        """True once the app has started handling its first request."""
        return self._got_first_request

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called"
                " on the application. It has already handled its first"
                " request, any changes will not be applied"
                " consistently.\n"
                "Make sure all imports, decorators, functions, etc."
                " needed to set up the application are done before"
                " running it."
            )

    # -- registration ----------------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register ``view_func`` for ``rule`` under ``endpoint``.

        Flask parity: default methods ``("GET",)`` (or ``view_func.methods``), HEAD
        added for GET, OPTIONS added and answered automatically unless disabled,
        ``AssertionError`` when another function already owns the endpoint.
        ``view_func=None`` registers an endpoint-only rule (attach the view later
        with :meth:`endpoint`).
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for"
                ' example: @app.route(..., methods=["POST"])'
            )
        methods = {item.upper() for item in methods}
        required_methods = set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
        if provide_automatic_options is None:
            if "OPTIONS" not in methods and self.config["PROVIDE_AUTOMATIC_OPTIONS"]:
                provide_automatic_options = True
                required_methods.add("OPTIONS")
            else:
                provide_automatic_options = False
        methods |= required_methods
        rule_obj = self.url_rule_class(rule, methods=methods, **options)
        rule_obj.provide_automatic_options = provide_automatic_options
        self.url_map.add(rule_obj)
        if view_func is not None:
            old_func = self.view_functions.get(endpoint)
            if old_func is not None and old_func != view_func:
                raise AssertionError(
                    "View function mapping is overwriting an existing"
                    f" endpoint function: {endpoint}"
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def teardown_appcontext(self, f: T_teardown) -> T_teardown:
        """Run ``f(exc)`` whenever an app context (and so every request) ends."""
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def shell_context_processor(self, f: T_handler) -> T_handler:
        """Register a function whose dict is added to ``veloce shell``'s namespace."""
        self.shell_context_processors.append(f)
        return f

    @setupmethod
    def on_event(self, event: str) -> t.Callable[[T_handler], T_handler]:
        """Decorator for ``"startup"`` / ``"shutdown"`` handlers (ASGI lifespan)."""

        def decorator(f: T_handler) -> T_handler:
            self.add_event_handler(event, f)
            return f

        return decorator

    @setupmethod
    def add_event_handler(self, event: str, func: t.Callable[[], t.Any]) -> None:
        """Register ``func`` for ``"startup"`` or ``"shutdown"``."""
        if event == "startup":
            self._lifespan.on_startup.append(func)
        elif event == "shutdown":
            self._lifespan.on_shutdown.append(func)
        else:
            raise ValueError(f"unknown lifespan event {event!r}; use 'startup' or 'shutdown'")

    @setupmethod
    def before_serving(self, f: T_handler) -> T_handler:
        """Run ``f`` once when the server starts (lifespan startup)."""
        self._lifespan.on_startup.append(f)
        return f

    @setupmethod
    def after_serving(self, f: T_handler) -> T_handler:
        """Run ``f`` once when the server stops (lifespan shutdown)."""
        self._lifespan.on_shutdown.append(f)
        return f

    def lifespan_context(self) -> t.AsyncContextManager[t.Any]:
        """``async with app.lifespan_context():`` runs startup, then shutdown on exit."""
        return self._lifespan.context(self)

    # -- freezing: registries become plans -------------------------------------------

    def freeze(self) -> None:
        """Turn the registries into per-route plans; later registration raises.

        Called on the first request; call it yourself to pay the cost up front.
        """
        self._got_first_request = True
        self._hook_plans.clear()
        self._plans.clear()
        self._appcontext_teardowns = tag(reversed(self.teardown_appcontext_funcs))
        self._first_request_pending = bool(self._before_first_request_funcs)
        self._app_plan = RoutePlan(None, None, self._hook_plan(()))
        for rule in self.url_map.iter_rules():
            endpoint = rule.endpoint
            if endpoint not in self._plans:
                self._plans[endpoint] = self._build_route_plan(rule)
        self._compose_middleware()
        self._session_at_push = self._eager_session()
        self._freeze_templates()
        self._frozen = True

    def _hook_plan(self, blueprints: tuple[str, ...]) -> HookPlan:
        plan = self._hook_plans.get(blueprints)
        if plan is None:
            outer_first = (None, *reversed(blueprints))
            inner_first = (*blueprints, None)

            def collect(registry: dict[t.Any, list[t.Any]], names: t.Iterable[t.Any],
                        reverse: bool) -> list[t.Any]:
                out: list[t.Any] = []
                for name in names:
                    funcs = registry.get(name) or ()
                    out.extend(reversed(funcs) if reverse else funcs)
                return out

            plan = HookPlan(
                blueprints,
                tag(collect(self.url_value_preprocessors, outer_first, False)),
                tag(collect(self.before_request_funcs, outer_first, False)),
                tag(collect(self.after_request_funcs, inner_first, True)),
                tag(collect(self.teardown_request_funcs, inner_first, True)),
            )
            self._hook_plans[blueprints] = plan
        return plan

    def _build_route_plan(self, rule: Rule) -> RoutePlan:
        endpoint = rule.endpoint
        blueprint = endpoint.rpartition(".")[0]
        chain: list[str] = []
        while blueprint:
            chain.append(blueprint)
            blueprint = blueprint.rpartition(".")[0]
        view = self.view_functions.get(endpoint)
        request_param = None
        if view is not None:
            request_param = find_request_param(view, rule.arguments, self.request_class)
        return RoutePlan(endpoint, view, self._hook_plan(tuple(chain)), request_param)

    def _route_plan(self, rule: Rule) -> RoutePlan:
        plan = self._plans.get(rule.endpoint)
        if plan is None or plan.view is not self.view_functions.get(rule.endpoint):
            plan = self._plans[rule.endpoint] = self._build_route_plan(rule)
        return plan

    def _is_async(self, fn: t.Any) -> t.Any:
        """``fn``'s call flag, cached: True (async), False (sync) or the falsy INLINE."""
        flag = self._async_flags.get(fn)
        if flag is None:
            flag = self._async_flags[fn] = call_flag(fn)
        return flag

    @property
    def _lane_pool(self) -> LanePool:
        pool = self._lane_pool_instance
        if pool is None:
            pool = self._lane_pool_instance = LanePool(int(self.config["WORKER_THREADS"]))
        return pool

    # -- ASGI ------------------------------------------------------------------------

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        """The ASGI application: ``http``, ``websocket`` and ``lifespan`` scopes."""
        if self._asgi_stack is not None and self._enter_asgi_stack(scope):
            # ASGI middleware registered: go through it; it calls back in here.
            await self._asgi_stack(scope, receive, send)
            return
        kind = scope["type"]
        if kind == "http":
            if not self._frozen:
                self.freeze()
            await self._handle_http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan.handle(self, scope, receive, send)
        elif kind == "websocket":
            if not self._frozen:
                self.freeze()
            await self._handle_websocket(scope, receive, send)
        else:
            raise RuntimeError(f"unsupported ASGI scope type {kind!r}")

    async def _handle_http(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        routing_exception: HTTPException | None = None
        rule = None
        args = None
        try:
            rule, args = self._match_scope(scope)
        except HTTPException as e:
            routing_exception = e
        limit = self.config["MAX_CONTENT_LENGTH"]
        try:
            body = await read_body(
                receive,
                content_length(scope) if limit is not None else None,
                limit,
                spool_threshold=BODY_SPOOL_THRESHOLD,
            )
        except HTTPException as e:
            body = b""
            if routing_exception is None:
                routing_exception = e
        request = self.request_class(scope, body, self)
        trusted_hosts = self.config["TRUSTED_HOSTS"]
        if trusted_hosts is not None:
            request.trusted_hosts = trusted_hosts
        if rule is not None:
            request.url_rule = rule
            request.view_args = args
            plan = self._route_plan(rule)
        else:
            plan = self._app_plan  # type: ignore[assignment]
        if routing_exception is not None:
            request.routing_exception = absolute_redirect(request, routing_exception)
        ctx = self.request_context_class(self, request)
        token = _cv_ctx.set(ctx)
        try:
            if appcontext_pushed.receivers:
                await send_on_loop(appcontext_pushed, self)
            if self._first_request_pending:
                await self._run_before_first_request()
            extensions = scope.get("extensions")
            if extensions:
                preserve = extensions.get("veloce.preserve_context")
                if preserve is not None:
                    preserve(ctx)
            try:
                if self._pipeline is not None:
                    response = await self._run_pipeline(ctx, plan)
                elif plan.on_lane:
                    pool = self._lane_pool
                    lane = pool.try_acquire() or await pool.acquire()
                    loop = asyncio.get_running_loop()
                    try:
                        response = await lane.run(
                            copy_context(), run_on_lane, self, ctx, plan, loop, loop=loop
                        )
                    finally:
                        pool.release(lane)
                else:
                    response = await run_on_loop(self, ctx, plan)
            except Exception as e:
                if self.debug and not self.testing:
                    await self._send_debug_page(e, request, scope, receive, send)
                raise
        finally:
            _cv_ctx.reset(token)
            if appcontext_popped.receivers:
                await send_on_loop(appcontext_popped, self)
            if request.routing_exception is not None:
                # Raised in dispatch, it holds a traceback whose frames hold the request
                # that holds it: drop the traceback so refcounting frees the request
                # (a 404 flood would otherwise feed the cyclic garbage collector).
                request.routing_exception.__traceback__ = None
        if extensions and self._asgi_stack is None:
            # Veloce's built-in server can write a buffered response without ASGI dicts.
            write_direct = extensions.get("veloce.http.response")
            if write_direct is not None and write_direct(response):
                return
        await response(scope, receive, send)

    @property
    def accepts_direct_response(self) -> bool:
        """Whether a server may offer the ``veloce.http.response`` scope extension.

        The built-in server then lets ``_handle_http`` hand it the finished response to
        encode and write in one go, skipping the two ASGI messages. Only an unmodified
        ``__call__`` qualifies: an override may wrap ``send``, which must not be bypassed.
        """
        return type(self).__call__ is Veloce.__call__

    async def _send_debug_page(
        self, e: Exception, request: Request, scope: t.Any, receive: t.Any, send: t.Any
    ) -> None:
        """Debug mode: answer with the read-only traceback page, then let ``e`` propagate.

        Flask propagates the error to the server (Werkzeug's debugger renders it);
        Veloce renders the page itself and still re-raises, so the server logs the error
        and a test client raises it, as with Flask.
        """
        from veloce.debug import debug_response

        await debug_response(e, request=request, app_name=self.name)(scope, receive, send)

    def _eager_session(self) -> bool:
        """Whether sessions open at push: any interface but the stock cookie one.

        A custom ``open_session`` may have side effects (Flask opens it at push), the
        stock one has none, so it opens on first use.
        """
        return type(self.session_interface) is not SecureCookieSessionInterface

    def _open_session(self, request: Request) -> t.Any:
        interface = self.session_interface
        session = interface.open_session(self, request)
        if session is None:
            session = interface.make_null_session(self)
        return session

    def _save_session(self, ctx: AppContext, response: Response) -> None:
        """Save the session as Flask's ``process_response`` does.

        A cookie session nobody touched is opened here only when Flask would re-send
        it anyway: a permanent session with ``SESSION_REFRESH_EACH_REQUEST``.
        """
        session = ctx._session
        interface = self.session_interface
        if session is None:
            request = ctx.request
            if (
                request is None
                or request._header(b"cookie") is None  # no cookie at all: nothing to refresh
                or not self.config["SESSION_REFRESH_EACH_REQUEST"]
                or interface.get_cookie_name(self) not in request.cookies
            ):
                return
            session = ctx._session = self._open_session(request)
            if not session.permanent:
                return
        if interface.is_null_session(session):
            return
        request = ctx.request
        state = request.scope.get("state") if request is not None else None
        if state and state.get("session") is session:
            # A session middleware published it (scope["state"]["session"]): it saves it.
            return
        interface.save_session(self, session, response)

    # -- responses -------------------------------------------------------------------

    def make_response(self, rv: t.Any) -> Response:
        """Coerce a view's return value into a response (Flask's table).

        An HTTPException returned (not raised) renders as its error response.
        """
        kind = type(rv)
        if kind is str:
            # The commonest results first: the same as the table below gives them.
            return self.response_class(rv)
        if kind is dict:
            return self.json.response(rv)  # type: ignore[no-any-return]
        if isinstance(rv, HTTPException):
            return self.make_error_response(rv)
        from veloce.core.coerce import make_response_from

        ctx = _cv_ctx.get(None)
        view_name = None
        if ctx is not None and ctx.request is not None and ctx.request.url_rule is not None:
            view_name = ctx.request.url_rule.endpoint
        return make_response_from(
            rv,
            response_class=self.response_class,
            json_response=self.json.response,
            view_name=view_name,
        )

    def make_error_response(self, e: HTTPException) -> Response:
        """The response for an unhandled HTTPException.

        Werkzeug's HTML page when ``html_error_pages`` is set (the Flask compat
        class), else Veloce's JSON ``{"detail": ...}`` with the same headers.
        """
        if self.html_error_pages or e.response is not None or isinstance(e, RequestRedirect):
            return e.get_response()
        from veloce.core.exceptions import json_error_body

        headers = [(k, v) for k, v in e.get_headers() if k.lower() != "content-type"]
        response = self.response_class(
            json_error_body(e), e.code, headers, mimetype="application/json"
        )
        return response

    def redirect(self, location: str, code: int = 302) -> Response:
        """A redirect response built with this app's ``response_class``."""
        from veloce.core.response import redirect

        return redirect(location, code, self.response_class)

    def make_default_options_response(self) -> Response:
        """The automatic OPTIONS answer: empty body, ``Allow`` listing the methods."""
        ctx = _cv_ctx.get(None)
        if ctx is not None and ctx.request is not None:
            methods = self._request_adapter(ctx.request).allowed_methods()
        else:
            methods = self.url_map.allowed_methods("/")
        response = self.response_class()
        response.headers["Allow"] = ", ".join(methods)
        return response

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the exception routing (or body reading) stored on the request."""
        raise request.routing_exception  # type: ignore[misc]

    def _automatic_response(self, request: Request, plan: RoutePlan) -> t.Any:
        """What to answer instead of calling the view, or None to call it."""
        if request.routing_exception is not None:
            self.raise_routing_exception(request)
        if request.method == "OPTIONS" and request.url_rule.provide_automatic_options:
            return self.make_default_options_response()
        if plan.view is None:
            raise RuntimeError(
                f"The endpoint {plan.endpoint!r} was registered without a view function;"
                " attach one with @app.endpoint(...) before it is requested."
            )
        return None

    # -- testing -----------------------------------------------------------------------

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> TestClient:
        """A client that sends requests through this app's ASGI interface."""
        from veloce.testing import TestClient

        return TestClient(self, use_cookies=use_cookies, **kwargs)

    def async_test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> AsyncTestClient:
        """The ``async with``-able counterpart of :meth:`test_client`."""
        from veloce.testing import AsyncTestClient

        return AsyncTestClient(self, use_cookies=use_cookies, **kwargs)

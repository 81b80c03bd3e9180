"""Flask's public request-lifecycle methods, and the contexts tests build by hand.

The ASGI path runs requests through the frozen plans of ``veloce.dispatch``; these
methods are the same steps exposed one by one, synchronously, as Flask exposes them:
``preprocess_request``, ``dispatch_request``, ``full_dispatch_request``,
``finalize_request``, ``process_response``, ``do_teardown_*``. They work inside
``app.test_request_context()``, where, as in Flask, no hook runs unless called.
Async hooks are run to completion through :meth:`ensure_sync`.
"""

from __future__ import annotations

import asyncio
import sys
import typing as t

from veloce.core.context import _cv_ctx
from veloce.core.exceptions import HTTPException, RequestRedirect
from veloce.core.plan import HookPlan, is_async_callable
from veloce.signals import (
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
    send,
)

if t.TYPE_CHECKING:
    from veloce.core.response import Response
    from veloce.ctx import AppContext

__all__ = ["RequestLifecycle"]

T_handler = t.TypeVar("T_handler", bound=t.Callable[..., t.Any])

_sentinel: t.Any = object()

_no_request_msg = """\
Working outside of request context.

This typically means that you attempted to use functionality that needed
an active HTTP request. Consult the documentation on testing for
information about how to avoid this problem.\
"""


def _current_ctx() -> AppContext:
    ctx = _cv_ctx.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(_no_request_msg)
    return ctx  # type: ignore[no-any-return]


def absolute_redirect(request: t.Any, exc: HTTPException) -> HTTPException:
    """Turn the router's relative redirect into Werkzeug's absolute one.

    The router knows paths only; the redirect target (and its description) is
    ``scheme://host`` + the script root + that path, as Werkzeug builds it.
    """
    if isinstance(exc, RequestRedirect) and exc.new_url.startswith("/"):
        return RequestRedirect(f"{request.host_url[:-1]}{request.root_path}{exc.new_url}")
    return exc


class RequestLifecycle:
    """Contexts and the step-by-step request methods of the app."""

    config: t.Any
    view_functions: dict[str, t.Callable[..., t.Any]]
    teardown_appcontext_funcs: list[t.Callable[..., t.Any]]
    _before_first_request_funcs: list[t.Callable[..., t.Any]]

    # -- contexts ------------------------------------------------------------------------

    def app_context(self) -> AppContext:
        """``with app.app_context():`` binds ``current_app`` and a fresh ``g``."""
        return self.app_context_class(self)  # type: ignore[attr-defined,no-any-return]

    def request_context(self, scope: t.Mapping[str, t.Any], body: bytes = b"") -> AppContext:
        """A request context for an ASGI scope: routed, but no hook has run."""
        request = self.request_class(dict(scope), body, self)  # type: ignore[attr-defined]
        try:
            adapter = self.create_url_adapter(request)  # type: ignore[attr-defined]
            rule, args = adapter.match(return_rule=True)
        except HTTPException as e:
            request.routing_exception = absolute_redirect(request, e)
        else:
            request.url_rule, request.view_args = rule, args
        return self.request_context_class(self, request)  # type: ignore[attr-defined,no-any-return]

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> AppContext:
        """A request context built from test-client arguments, as Flask's.

        Accepts ``EnvironBuilder``'s arguments (``path``, ``base_url``,
        ``query_string``, ``method``, ``headers``, ``data``, ``json``,
        ``content_type``, ``environ_base``, ...); the base URL defaults to the app's
        ``SERVER_NAME``, ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``. The spec's
        ``body=`` is accepted as an alias of ``data=``. Hooks do not run unless you
        call :meth:`preprocess_request`.
        """
        from veloce.testing.base import ClientBase

        if "body" in kwargs:
            kwargs["data"] = kwargs.pop("body")
        # Flask's EnvironBuilder(app, path, base_url, subdomain, url_scheme, *rest),
        # where *rest are Werkzeug's (query_string, method, input_stream, content_type).
        names = (
            "path",
            "base_url",
            "subdomain",
            "url_scheme",
            "query_string",
            "method",
            "input_stream",
            "content_type",
        )
        if len(args) > len(names):
            raise TypeError(
                f"test_request_context() takes at most {len(names)} positional arguments"
            )
        kwargs.update(zip(names, args, strict=False))
        path = kwargs.pop("path", "/")
        method = kwargs.pop("method", "GET")
        # Flask's EnvironBuilder, unlike its test client, sets no REMOTE_ADDR and no
        # User-Agent.
        builder = ClientBase(self, use_cookies=False)
        builder.environ_base = {}
        kwargs.setdefault("client", None)
        built = builder._prepare(path, method, kwargs)
        return self.request_context(built.scope, built.body)

    # -- hooks -----------------------------------------------------------------------------

    def before_first_request(self, f: T_handler) -> T_handler:
        """Run ``f`` once, before the first request is handled (sync or async).

        Concurrent first requests wait for the hooks to finish; they run exactly once,
        in registration order, with the first request's context bound.
        """
        self._check_setup_finished("before_first_request")  # type: ignore[attr-defined]
        self._before_first_request_funcs.append(f)
        return f

    async def _run_before_first_request(self) -> None:
        lock = self._first_request_lock  # type: ignore[attr-defined]
        if lock is None:
            lock = self._first_request_lock = asyncio.Lock()  # type: ignore[attr-defined]
        async with lock:
            if not self._first_request_pending:  # type: ignore[attr-defined]
                return
            from veloce.core.concurrency import run_sync

            for fn in self._before_first_request_funcs:
                if is_async_callable(fn):
                    await fn()
                else:
                    await run_sync(self._lane_pool, fn)  # type: ignore[attr-defined]
            self._first_request_pending = False  # type: ignore[attr-defined]

    def _hook_plan_now(self, blueprints: tuple[str, ...]) -> HookPlan:
        if not self._frozen:  # type: ignore[attr-defined]
            self._hook_plans.clear()  # type: ignore[attr-defined]
        return self._hook_plan(blueprints)  # type: ignore[attr-defined,no-any-return]

    def _current_hooks(self) -> HookPlan:
        return self._hook_plan_now(tuple(_current_ctx().request.blueprints))

    def preprocess_request(self) -> t.Any:
        """Run the url_value_preprocessors, then the before_request hooks.

        Returns the first non-None value a hook returns (the short-circuit response),
        else None.
        """
        request = _current_ctx().request
        hooks = self._current_hooks()
        for fn, _ in hooks.url_value_preprocessors:
            self.ensure_sync(fn)(request.endpoint, request.view_args)
        for fn, _ in hooks.before:
            rv = self.ensure_sync(fn)()
            if rv is not None:
                return rv
        return None

    def dispatch_request(self) -> t.Any:
        """Call the matched view (or raise the routing error); returns its value."""
        request = _current_ctx().request
        if request.routing_exception is not None:
            self.raise_routing_exception(request)  # type: ignore[attr-defined]
        rule = request.url_rule
        if getattr(rule, "provide_automatic_options", False) and request.method == "OPTIONS":
            return self.make_default_options_response()  # type: ignore[attr-defined]
        view = self.view_functions[rule.endpoint]
        return self.ensure_sync(view)(**(request.view_args or {}))

    def full_dispatch_request(self, request: t.Any = None) -> Response:
        """Hooks, view, error handling and response processing, as one request."""
        self._got_first_request = True  # type: ignore[attr-defined]
        try:
            if request_started.receivers:
                send(request_started, self)  # type: ignore[arg-type]
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)  # type: ignore[attr-defined]
        return self.finalize_request(rv)

    def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> Response:
        """Turn ``rv`` into a response and run :meth:`process_response` on it."""
        response = self.make_response(rv)  # type: ignore[attr-defined]
        try:
            response = self.process_response(response)
            if request_finished.receivers:
                send(request_finished, self, response=response)  # type: ignore[arg-type]
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception(  # type: ignore[attr-defined]
                "Request finalizing failed with an error while handling an error"
            )
        return response  # type: ignore[no-any-return]

    def process_response(self, response: Response) -> Response:
        """Run ``after_this_request`` callbacks, then the after_request hooks."""
        ctx = _current_ctx()
        for fn in ctx._after_request_functions or ():
            response = self.ensure_sync(fn)(response)
        for fn, _ in self._current_hooks().after:
            response = self.ensure_sync(fn)(response)
        self._save_session(ctx, response)  # type: ignore[attr-defined]
        return response

    def do_teardown_request(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Run the teardown_request callbacks (blueprints first, each list reversed).

        Without an argument, the exception being handled (if any) is passed, as in
        Flask.
        """
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        ctx = _cv_ctx.get(None)
        blueprints: tuple[str, ...] = ()
        if ctx is not None and ctx.request is not None:
            blueprints = tuple(ctx.request.blueprints)
        for fn, _ in self._hook_plan_now(blueprints).teardown:
            self.ensure_sync(fn)(exc)
        if request_tearing_down.receivers:
            send(request_tearing_down, self, exc=exc)  # type: ignore[arg-type]

    def do_teardown_appcontext(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Run the teardown_appcontext callbacks in reverse registration order."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        for fn in reversed(self.teardown_appcontext_funcs):
            self.ensure_sync(fn)(exc)
        if appcontext_tearing_down.receivers:
            send(appcontext_tearing_down, self, exc=exc)  # type: ignore[arg-type]

    # -- sync/async bridging -------------------------------------------------------------

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """``func`` if it is sync, else a sync wrapper running it to completion."""
        if self._is_async(func):  # type: ignore[attr-defined]
            return self.async_to_sync(func)
        return func

    @staticmethod
    def async_to_sync(func: t.Callable[..., t.Awaitable[t.Any]]) -> t.Callable[..., t.Any]:
        """A sync wrapper for ``func``.

        On a worker lane the coroutine runs on the request's event loop (the thread
        waits); in a thread without a running loop it runs on a fresh loop. Calling
        it on the event loop thread itself raises ``RuntimeError``, since blocking the
        loop to wait for the loop would deadlock.
        """
        from veloce.core.concurrency import lane_loop

        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                pass
            else:
                raise RuntimeError(
                    f"cannot run async {getattr(func, '__name__', func)!r} synchronously"
                    " on the event loop thread; await it instead"
                )
            loop = lane_loop()
            if loop is not None and loop.is_running():
                return asyncio.run_coroutine_threadsafe(func(*args, **kwargs), loop).result()
            return asyncio.run(func(*args, **kwargs))  # type: ignore[arg-type]

        wrapper.__name__ = getattr(func, "__name__", "wrapper")
        wrapper.__wrapped__ = func  # type: ignore[attr-defined]
        return wrapper

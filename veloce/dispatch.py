"""The request pipeline, in two shapes: all on one worker thread, or on the loop.

Flask's order is the same in both: url_value_preprocessors and before_request hooks,
the view (unless a hook answered), ``make_response``, ``after_this_request``
callbacks and after_request hooks; errors go through ``handle_user_exception`` and,
if unhandled, ``handle_exception`` (500 or propagate); teardown callbacks always run.

* :func:`run_on_lane` runs a request whose view is sync. It executes on a worker
  thread (one lane per request), so every sync stage shares that thread; an async
  hook met on the way runs on the loop while the thread waits for it.
* :func:`run_on_loop` runs a request whose view is async (or that has no view,
  e.g. a 404). Sync hooks and handlers go to one lane acquired on first need.

The two functions mirror each other line for line; keep them that way.
"""

from __future__ import annotations

import asyncio
import contextvars
import typing as t
from types import CoroutineType

from veloce.core.plan import INLINE
from veloce.signals import (
    appcontext_tearing_down,
    got_request_exception,
    request_finished,
    request_started,
    request_tearing_down,
    send_on_loop,
)

if t.TYPE_CHECKING:
    from veloce.app import Veloce
    from veloce.core.concurrency import Lane, LanePool
    from veloce.core.plan import RoutePlan
    from veloce.core.response import Response
    from veloce.ctx import AppContext

__all__ = ["LoopStages", "run_on_lane", "run_on_loop"]


# -- one worker thread per request ----------------------------------------------------


def _call_from_lane(
    loop: asyncio.AbstractEventLoop, fn: t.Any, is_async: bool, *args: t.Any
) -> t.Any:
    if is_async:
        return asyncio.run_coroutine_threadsafe(fn(*args), loop).result()
    return fn(*args)


def run_on_lane(
    app: Veloce, ctx: AppContext, plan: RoutePlan, loop: asyncio.AbstractEventLoop
) -> Response:
    """The whole request on the current (worker) thread; returns the response."""
    error: BaseException | None = None
    try:
        try:
            if app._session_at_push and ctx._session is None:
                ctx._session = app._open_session(ctx.request)
            return _full_dispatch_on_lane(app, ctx, plan, loop)
        except Exception as e:
            error = e
            return _handle_exception_on_lane(app, ctx, plan, loop, e)
        except BaseException as e:
            error = e
            raise
    finally:
        if (
            plan.hooks.teardown
            or app._appcontext_teardowns
            or request_tearing_down.receivers
            or appcontext_tearing_down.receivers
        ):
            _teardown_on_lane(app, ctx, plan, loop, error)


def _full_dispatch_on_lane(
    app: Veloce, ctx: AppContext, plan: RoutePlan, loop: asyncio.AbstractEventLoop
) -> Response:
    request = ctx.request
    hooks = plan.hooks
    try:
        rv = None
        if request_started.receivers:
            request_started.send(app, _async_wrapper=app.ensure_sync)
        for fn, is_async in hooks.url_value_preprocessors:
            _call_from_lane(loop, fn, is_async, request.endpoint, request.view_args)
        for fn, is_async in hooks.before:
            rv = _call_from_lane(loop, fn, is_async)
            if rv is not None:
                break
        else:
            rv = app._automatic_response(request, plan)
            if rv is None:
                args = request.view_args or {}
                if plan.request_param is not None:
                    args = {**args, plan.request_param: request}
                rv = plan.view(**args)  # type: ignore[misc]
                if type(rv) is CoroutineType:
                    # A sync wrapper (a decorator) around an async view: finish it on
                    # the loop, as Flask's async support does.
                    rv = asyncio.run_coroutine_threadsafe(rv, loop).result()
    except Exception as e:
        rv = _handle_user_exception_on_lane(app, ctx, plan, loop, e)
        if rv is e:
            # An HTTPException rendered as is: its traceback holds this frame, which
            # holds it as ``rv``. Nothing reads the traceback any more; dropping it lets
            # refcounting free the request instead of the cyclic garbage collector.
            e.__traceback__ = None
    return _finalize_on_lane(app, ctx, plan, loop, rv, False)


def _handle_user_exception_on_lane(
    app: Veloce, ctx: AppContext, plan: RoutePlan, loop: asyncio.AbstractEventLoop, e: Exception
) -> t.Any:
    handler = app._select_user_exception_handler(e, plan.hooks.blueprints)
    if handler is None:
        raise e
    if handler is e:
        return e
    fn, is_async = handler
    return _call_from_lane(loop, fn, is_async, e)


def _finalize_on_lane(
    app: Veloce,
    ctx: AppContext,
    plan: RoutePlan,
    loop: asyncio.AbstractEventLoop,
    rv: t.Any,
    from_error_handler: bool,
) -> Response:
    response = app.make_response(rv)
    try:
        if ctx._after_request_functions:
            for fn in ctx._after_request_functions:
                response = _call_from_lane(loop, fn, app._is_async(fn), response)
        for fn, is_async in plan.hooks.after:
            response = _call_from_lane(loop, fn, is_async, response)
        app._save_session(ctx, response)
        if request_finished.receivers:
            request_finished.send(app, _async_wrapper=app.ensure_sync, response=response)
    except Exception:
        if not from_error_handler:
            raise
        app.logger.exception("Request finalizing failed with an error while handling an error")
    return response


def _handle_exception_on_lane(
    app: Veloce, ctx: AppContext, plan: RoutePlan, loop: asyncio.AbstractEventLoop, e: Exception
) -> Response:
    if got_request_exception.receivers:
        got_request_exception.send(app, _async_wrapper=app.ensure_sync, exception=e)
    server_error = app._begin_handle_exception(e)
    handler = app._find_error_handler_call(server_error, plan.hooks.blueprints)
    if handler is not None:
        fn, is_async = handler
        server_error = _call_from_lane(loop, fn, is_async, server_error)
    return _finalize_on_lane(app, ctx, plan, loop, server_error, True)


def _teardown_on_lane(
    app: Veloce,
    ctx: AppContext,
    plan: RoutePlan,
    loop: asyncio.AbstractEventLoop,
    error: BaseException | None,
) -> None:
    # Flask 3.1: a raising teardown_request callback stops the ones after it, and the
    # teardown_appcontext callbacks still run (they are in the app context's pop).
    try:
        for fn, is_async in plan.hooks.teardown:
            _call_from_lane(loop, fn, is_async, error)
        if request_tearing_down.receivers:
            request_tearing_down.send(app, _async_wrapper=app.ensure_sync, exc=error)
    finally:
        for fn, is_async in app._appcontext_teardowns:
            _call_from_lane(loop, fn, is_async, error)
        if appcontext_tearing_down.receivers:
            appcontext_tearing_down.send(app, _async_wrapper=app.ensure_sync, exc=error)


# -- on the event loop ---------------------------------------------------------------


class LoopStages:
    """Runs the sync stages of one loop-driven request on a single lane.

    The lane (and the context copy it runs in) is taken on first need, so a request
    with only async stages never touches a thread.
    """

    __slots__ = ("pool", "lane", "context")

    def __init__(self, pool: LanePool) -> None:
        self.pool = pool
        self.lane: Lane | None = None
        self.context: contextvars.Context | None = None

    async def call(self, fn: t.Callable[..., t.Any], is_async: t.Any, *args: t.Any) -> t.Any:
        if is_async:
            return await fn(*args)
        if is_async is INLINE:
            return fn(*args)  # marked nonblocking: no thread hand-off
        lane = self.lane
        if lane is None:
            lane = self.lane = await self.pool.acquire()
            self.context = contextvars.copy_context()
        return await lane.run(self.context, fn, *args)  # type: ignore[arg-type]

    def release(self) -> None:
        if self.lane is not None:
            self.pool.release(self.lane)
            self.lane = None


async def run_on_loop(app: Veloce, ctx: AppContext, plan: RoutePlan) -> Response:
    """The whole request on the loop; sync stages on one lane. Returns the response."""
    stages = LoopStages(app._lane_pool)
    error: BaseException | None = None
    try:
        try:
            if app._session_at_push and ctx._session is None:
                ctx._session = await stages.call(app._open_session, False, ctx.request)
            return await _full_dispatch_on_loop(app, ctx, plan, stages)
        except Exception as e:
            error = e
            return await _handle_exception_on_loop(app, ctx, plan, stages, e)
        except BaseException as e:
            error = e
            raise
    finally:
        try:
            if (
                plan.hooks.teardown
                or app._appcontext_teardowns
                or request_tearing_down.receivers
                or appcontext_tearing_down.receivers
            ):
                await _teardown_on_loop(app, ctx, plan, stages, error)
        finally:
            stages.release()


async def _full_dispatch_on_loop(
    app: Veloce, ctx: AppContext, plan: RoutePlan, stages: LoopStages
) -> Response:
    request = ctx.request
    hooks = plan.hooks
    try:
        rv = None
        if request_started.receivers:
            await send_on_loop(request_started, app)
        for fn, is_async in hooks.url_value_preprocessors:
            await stages.call(fn, is_async, request.endpoint, request.view_args)
        for fn, is_async in hooks.before:
            rv = await stages.call(fn, is_async)
            if rv is not None:
                break
        else:
            rv = app._automatic_response(request, plan)
            if rv is None:
                args = request.view_args or {}
                if plan.request_param is not None:
                    args = {**args, plan.request_param: request}
                rv = plan.view(**args)  # type: ignore[misc]
                if plan.view_is_async or type(rv) is CoroutineType:
                    rv = await rv  # (a nonblocking sync wrapper may return a coroutine)
    except Exception as e:
        rv = await _handle_user_exception_on_loop(app, ctx, plan, stages, e)
        if rv is e:
            e.__traceback__ = None  # see _full_dispatch_on_lane
    return await _finalize_on_loop(app, ctx, plan, stages, rv, False)


async def _handle_user_exception_on_loop(
    app: Veloce, ctx: AppContext, plan: RoutePlan, stages: LoopStages, e: Exception
) -> t.Any:
    handler = app._select_user_exception_handler(e, plan.hooks.blueprints)
    if handler is None:
        raise e
    if handler is e:
        return e
    fn, is_async = handler
    return await stages.call(fn, is_async, e)


async def _finalize_on_loop(
    app: Veloce,
    ctx: AppContext,
    plan: RoutePlan,
    stages: LoopStages,
    rv: t.Any,
    from_error_handler: bool,
) -> Response:
    response = app.make_response(rv)
    try:
        if ctx._after_request_functions:
            for fn in ctx._after_request_functions:
                response = await stages.call(fn, app._is_async(fn), response)
        for fn, is_async in plan.hooks.after:
            response = await stages.call(fn, is_async, response)
        app._save_session(ctx, response)
        if request_finished.receivers:
            await send_on_loop(request_finished, app, response=response)
    except Exception:
        if not from_error_handler:
            raise
        app.logger.exception("Request finalizing failed with an error while handling an error")
    return response


async def _handle_exception_on_loop(
    app: Veloce, ctx: AppContext, plan: RoutePlan, stages: LoopStages, e: Exception
) -> Response:
    if got_request_exception.receivers:
        await send_on_loop(got_request_exception, app, exception=e)
    server_error = app._begin_handle_exception(e)
    handler = app._find_error_handler_call(server_error, plan.hooks.blueprints)
    if handler is not None:
        fn, is_async = handler
        server_error = await stages.call(fn, is_async, server_error)
    return await _finalize_on_loop(app, ctx, plan, stages, server_error, True)


async def _teardown_on_loop(
    app: Veloce,
    ctx: AppContext,
    plan: RoutePlan,
    stages: LoopStages,
    error: BaseException | None,
) -> None:
    try:
        for fn, is_async in plan.hooks.teardown:
            await stages.call(fn, is_async, error)
        if request_tearing_down.receivers:
            await send_on_loop(request_tearing_down, app, exc=error)
    finally:
        for fn, is_async in app._appcontext_teardowns:
            await stages.call(fn, is_async, error)
        if appcontext_tearing_down.receivers:
            await send_on_loop(appcontext_tearing_down, app, exc=error)

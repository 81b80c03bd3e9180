"""``stream_with_context``: keep the request context for a streamed response body.

A streamed body is iterated after the view returned, when the request context is
gone. Wrapping the generator binds the request's context around every step. As in
Flask 3.1, the request's teardown callbacks run when the view's response is ready and
run once more when the stream ends (Flask re-pushes the contexts for the stream).

Flask parity: accepts a generator (sync or async), an iterable, or a generator
function (used as a decorator).
"""

from __future__ import annotations

import functools
import inspect
import typing as t

from veloce.core.context import _cv_ctx
from veloce.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_tearing_down,
    send,
    send_on_loop,
)

__all__ = ["stream_with_context"]

_no_ctx_msg = (
    "'stream_with_context' can only be used when a request"
    " context is active, such as in a view function."
)

T_gen = t.TypeVar("T_gen")


def _bound_ctx() -> t.Any:
    ctx = _cv_ctx.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(_no_ctx_msg)
    return ctx


def _sync_stream(ctx: t.Any, iterator: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
    error: BaseException | None = None
    if appcontext_pushed.receivers:
        send(appcontext_pushed, ctx.app)
    try:
        while True:
            token = _cv_ctx.set(ctx)
            try:
                item = next(iterator)
            except StopIteration:
                return
            except BaseException as e:
                error = e
                raise
            finally:
                _cv_ctx.reset(token)
            yield item
    finally:
        token = _cv_ctx.set(ctx)
        try:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
        finally:
            _cv_ctx.reset(token)
            _teardown_after_stream(ctx, error)


async def _async_stream(ctx: t.Any, iterator: t.AsyncIterator[t.Any]) -> t.AsyncIterator[t.Any]:
    error: BaseException | None = None
    if appcontext_pushed.receivers:
        await send_on_loop(appcontext_pushed, ctx.app)
    try:
        while True:
            token = _cv_ctx.set(ctx)
            try:
                item = await iterator.__anext__()
            except StopAsyncIteration:
                return
            except BaseException as e:
                error = e
                raise
            finally:
                _cv_ctx.reset(token)
            yield item
    finally:
        token = _cv_ctx.set(ctx)
        try:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()
        finally:
            _cv_ctx.reset(token)
            await _teardown_after_stream_async(ctx, error)


def _teardown_after_stream(ctx: t.Any, exc: BaseException | None) -> None:
    """Tear down again when a sync stream ends, as Flask 3.1's re-pushed contexts do.

    A sync stream is consumed on the event loop, where an async teardown callback
    cannot be waited for: it is scheduled as a task instead.
    """
    import asyncio

    app = ctx.app
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None

    def call(fn: t.Callable[..., t.Any], is_async: bool) -> None:
        if not is_async:
            fn(exc)
        elif loop is None:
            app.ensure_sync(fn)(exc)
        else:
            loop.create_task(fn(exc))

    blueprints = tuple(ctx.request.blueprints) if ctx.request is not None else ()
    token = _cv_ctx.set(ctx)
    try:
        try:
            for fn, is_async in app._hook_plan(blueprints).teardown:
                call(fn, is_async)
            if request_tearing_down.receivers:
                send(request_tearing_down, app, exc=exc)
        finally:
            for fn, is_async in app._appcontext_teardowns:
                call(fn, is_async)
            if appcontext_tearing_down.receivers:
                send(appcontext_tearing_down, app, exc=exc)
    finally:
        _cv_ctx.reset(token)
    if appcontext_popped.receivers:
        send(appcontext_popped, app)


async def _teardown_after_stream_async(ctx: t.Any, exc: BaseException | None) -> None:
    """The async-stream counterpart of :func:`_teardown_after_stream` (awaits hooks)."""
    app = ctx.app
    blueprints = tuple(ctx.request.blueprints) if ctx.request is not None else ()
    token = _cv_ctx.set(ctx)
    try:
        try:
            for fn, is_async in app._hook_plan(blueprints).teardown:
                rv = fn(exc)
                if is_async:
                    await rv
            if request_tearing_down.receivers:
                await send_on_loop(request_tearing_down, app, exc=exc)
        finally:
            for fn, is_async in app._appcontext_teardowns:
                rv = fn(exc)
                if is_async:
                    await rv
            if appcontext_tearing_down.receivers:
                await send_on_loop(appcontext_tearing_down, app, exc=exc)
    finally:
        _cv_ctx.reset(token)
    if appcontext_popped.receivers:
        await send_on_loop(appcontext_popped, app)


def stream_with_context(generator_or_function: t.Any) -> t.Any:
    """Run a streamed body with the current request context bound.

    Use it on the generator a view returns::

        return stream_with_context(generate())

    or as a decorator on the generator function.
    """
    if inspect.isgeneratorfunction(generator_or_function) or inspect.isasyncgenfunction(
        generator_or_function
    ):
        func = generator_or_function

        @functools.wraps(func)
        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return stream_with_context(func(*args, **kwargs))

        return decorator
    ctx = _bound_ctx()
    if hasattr(generator_or_function, "__anext__") or hasattr(
        generator_or_function, "__aiter__"
    ):
        iterator = generator_or_function.__aiter__()
        return _async_stream(ctx, iterator)
    return _sync_stream(ctx, iter(generator_or_function))

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
            ctx.app._stream_teardown(ctx, error)


async def _async_stream(ctx: t.Any, iterator: t.AsyncIterator[t.Any]) -> t.AsyncIterator[t.Any]:
    error: BaseException | None = None
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
            await ctx.app._stream_teardown_async(ctx, error)


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

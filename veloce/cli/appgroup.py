"""``AppGroup`` and ``with_appcontext``: click commands that run in the app context.

``AppGroup`` is what ``app.cli`` and ``blueprint.cli`` are: a ``click.Group`` whose
commands run inside the app context and may be ``async def``.
"""

from __future__ import annotations

import asyncio
import inspect
import typing as t
from functools import update_wrapper

import click

from veloce.cli.discovery import ScriptInfo
from veloce.core.context import current_app_or_none

__all__ = ["AppGroup", "pass_script_info", "with_appcontext"]

T_callback = t.TypeVar("T_callback", bound=t.Callable[..., t.Any])

#: Passes the invocation's ScriptInfo (created on demand) as the first argument.
pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: T_callback) -> T_callback:
    """Run the command callback ``f`` inside the loaded app's context.

    When no app context is active, the app is loaded through the invocation's
    :class:`ScriptInfo` and its context lives as long as the click context (so
    subcommands see it too). Commands of ``app.cli`` and ``blueprint.cli`` get this
    automatically.

    Flask parity: ``flask.cli.with_appcontext``.
    """

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if current_app_or_none() is None:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return t.cast(T_callback, update_wrapper(decorator, f))


def _run_coroutine_function(f: t.Callable[..., t.Awaitable[t.Any]]) -> t.Callable[..., t.Any]:
    """A sync callback that runs ``async def f`` to completion on a fresh event loop.

    The loop's task copies the current context, so ``current_app`` and ``g`` pushed
    by :func:`with_appcontext` are visible inside ``f``.
    """

    def runner(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return asyncio.run(f(*args, **kwargs))  # type: ignore[arg-type]

    return update_wrapper(runner, f)


class AppGroup(click.Group):
    """A ``click.Group`` whose commands run in the app context and may be async.

    ``@group.command(...)`` wraps the callback in :func:`with_appcontext` (unless
    ``with_appcontext=False`` is passed) and runs an ``async def`` callback on a
    fresh event loop; ``@group.group(...)`` makes nested ``AppGroup``\\ s.

    Flask parity: ``flask.cli.AppGroup``; async callbacks are a Veloce addition.
    """

    def command(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Command]:
        """``click.Group.command``, with the app context and async support added."""
        wrap_for_ctx = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            if inspect.iscoroutinefunction(f):
                f = _run_coroutine_function(f)
            if wrap_for_ctx:
                f = with_appcontext(f)
            return t.cast(click.Command, click.Group.command(self, *args, **kwargs)(f))

        return decorator

    def group(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Group]:
        """``click.Group.group`` with ``cls=AppGroup`` by default."""
        kwargs.setdefault("cls", AppGroup)
        decorator = super().group(*args, **kwargs)
        return t.cast(t.Callable[[t.Callable[..., t.Any]], click.Group], decorator)

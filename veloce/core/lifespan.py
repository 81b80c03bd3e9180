"""The ASGI lifespan protocol: startup and shutdown handlers and a lifespan context.

One :class:`Lifespan` per app collects ``on_startup``/``on_shutdown`` callables (sync
or async) and an optional ``lifespan(app)`` async context manager factory. The
server drives it through :meth:`Lifespan.handle`; tests and embedders use
:meth:`Lifespan.context` directly, without a server.
"""

from __future__ import annotations

import contextlib
import inspect
import traceback
import typing as t

__all__ = ["Lifespan"]

LifespanFactory = t.Callable[[t.Any], t.AsyncContextManager[t.Any]]


async def _call(fn: t.Callable[[], t.Any]) -> None:
    rv = fn()
    if inspect.isawaitable(rv):
        await rv


class Lifespan:
    """Startup/shutdown callables plus an optional lifespan context factory."""

    def __init__(
        self,
        lifespan: LifespanFactory | None = None,
        on_startup: t.Iterable[t.Callable[[], t.Any]] | None = None,
        on_shutdown: t.Iterable[t.Callable[[], t.Any]] | None = None,
    ) -> None:
        self.factory = lifespan
        self.on_startup: list[t.Callable[[], t.Any]] = list(on_startup or ())
        self.on_shutdown: list[t.Callable[[], t.Any]] = list(on_shutdown or ())
        self._stack: contextlib.AsyncExitStack | None = None

    async def startup(self, app: t.Any) -> t.Any:
        """Enter the lifespan context (if any), then run the startup handlers in order.

        Returns what the lifespan context yielded (a state mapping, or None).
        """
        stack = contextlib.AsyncExitStack()
        state = None
        if self.factory is not None:
            state = await stack.enter_async_context(self.factory(app))
        self._stack = stack
        for handler in self.on_startup:
            await _call(handler)
        return state

    async def shutdown(self, app: t.Any) -> None:
        """Run the shutdown handlers in order, then leave the lifespan context."""
        try:
            for handler in self.on_shutdown:
                await _call(handler)
        finally:
            stack, self._stack = self._stack, None
            if stack is not None:
                await stack.aclose()

    @contextlib.asynccontextmanager
    async def context(self, app: t.Any) -> t.AsyncIterator[t.Any]:
        """Startup on entry, shutdown on exit, independent of any server."""
        state = await self.startup(app)
        try:
            yield state
        finally:
            await self.shutdown(app)

    async def handle(self, app: t.Any, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        """Speak the ASGI lifespan protocol with the server."""
        started = False
        message = await receive()
        if message["type"] != "lifespan.startup":  # pragma: no cover - protocol violation
            return
        try:
            state = await self.startup(app)
            if state is not None and "state" in scope:
                scope["state"].update(state)
        except BaseException:
            await send({"type": "lifespan.startup.failed", "message": traceback.format_exc()})
            raise
        started = True
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        if message["type"] != "lifespan.shutdown":  # pragma: no cover - protocol violation
            return
        try:
            if started:
                await self.shutdown(app)
        except BaseException:
            await send({"type": "lifespan.shutdown.failed", "message": traceback.format_exc()})
            raise
        await send({"type": "lifespan.shutdown.complete"})

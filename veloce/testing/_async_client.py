"""The async in-memory test client, :class:`AsyncTestClient`.

It shares everything but the running of the request coroutine with the sync
:class:`~veloce.testing.client.TestClient` (both build on
:class:`~veloce.testing.base.ClientBase`); it has a module of its own so that each
client reads on its own. Import it from :mod:`veloce.testing`.
"""

from __future__ import annotations

import asyncio
import contextlib
import typing as t

from veloce.testing import _session_transaction
from veloce.testing.base import ClientBase
from veloce.testing.websocket import AsyncWebSocketTestSession, client_websocket_scope

if t.TYPE_CHECKING:
    from types import TracebackType

    from veloce.sessions import SessionMixin
    from veloce.testing.wrappers import TestResponse

__all__ = ["AsyncTestClient"]


class AsyncTestClient(ClientBase):
    """Async in-memory test client: the same API as :class:`TestClient`, awaited.

    Each request runs as a task on the caller's running loop (so the app shares the
    test's loop, and its context changes stay inside the task). Unlike ``with`` on the
    sync client, ``async with`` does not keep the last request's context bound:
    requests from one async client usually run concurrently (``asyncio.gather``), and a
    context bound in one task cannot be unbound from another.

    Example::

        async with AsyncTestClient(app) as client:
            response = await client.get("/")
    """

    async def open(
        self,
        path: t.Any = "/",
        method: str = "GET",
        *,
        data: t.Any = None,
        json: t.Any = None,
        query_string: t.Any = None,
        headers: t.Any = None,
        content_type: str | None = None,
        follow_redirects: bool | None = None,
        base_url: str | None = None,
        environ_base: t.Mapping[str, t.Any] | None = None,
        buffered: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send one request (and its redirects); see :meth:`TestClient.open`."""
        kwargs.update(
            data=data,
            json=json,
            query_string=query_string,
            headers=headers,
            content_type=content_type,
            base_url=base_url,
            environ_base=environ_base,
        )
        request = self._prepare(path, method, kwargs)
        task = asyncio.get_running_loop().create_task(self._send(request, follow_redirects))
        return await task

    async def get(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``GET``."""
        return await self.open(path, "GET", **kwargs)

    async def post(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``POST``."""
        return await self.open(path, "POST", **kwargs)

    async def put(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``PUT``."""
        return await self.open(path, "PUT", **kwargs)

    async def patch(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``PATCH``."""
        return await self.open(path, "PATCH", **kwargs)

    async def delete(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``DELETE``."""
        return await self.open(path, "DELETE", **kwargs)

    async def head(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``HEAD``."""
        return await self.open(path, "HEAD", **kwargs)

    async def options(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``OPTIONS``."""
        return await self.open(path, "OPTIONS", **kwargs)

    async def trace(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``TRACE``."""
        return await self.open(path, "TRACE", **kwargs)

    async def request(
        self,
        method: str,
        path: str,
        json: t.Any = None,
        data: t.Any = None,
        headers: t.Any = None,
        content: bytes | str | None = None,
        files: t.Any = None,
        params: t.Any = None,
        follow_redirects: bool | None = None,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Verb-agnostic request; see :meth:`TestClient.request`."""
        path = self._httpx_arguments(path, data=data, content=content, params=params, kwargs=kwargs)
        return await self.open(
            path,
            method.upper(),
            json=json,
            headers=headers,
            files=files,
            follow_redirects=follow_redirects,
            **kwargs,
        )

    def websocket_connect(
        self,
        path: str,
        subprotocols: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> AsyncWebSocketTestSession:
        """Open an in-memory WebSocket against the app (use it with ``async with``).

        The async twin of :meth:`TestClient.websocket_connect`: the app runs as a task
        on the test's own loop and every session method is awaited::

            async with client.websocket_connect("/ws") as ws:
                await ws.send_text("hi")
                assert await ws.receive_text() == "echo: hi"
        """
        scope = client_websocket_scope(self, path, subprotocols, headers)
        return AsyncWebSocketTestSession(self.application, scope)

    @contextlib.asynccontextmanager
    async def session_transaction(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.AsyncIterator[SessionMixin]:
        """``async with client.session_transaction() as session:``.

        The same as :meth:`TestClient.session_transaction`: opened from the jar,
        saved back into it when the block ends without an exception.
        """
        ctx, session = _session_transaction.begin(self, args, kwargs)
        yield session
        _session_transaction.end(self, ctx, session)

    async def aclose(self) -> None:
        """Release what the client holds (its context stack; nothing is preserved)."""
        self._end_preserve()

    async def __aenter__(self) -> AsyncTestClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

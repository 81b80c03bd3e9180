"""Running one HTTP exchange against an ASGI app, and driving it from sync code.

:func:`run_asgi` plays the server's part of the ASGI protocol for a single request:
it hands the body over in one ``http.request`` message, collects the response start
and every body chunk, and answers later ``receive()`` calls with ``http.disconnect``
once the response is complete (what a server does when the client goes away).

:class:`LoopRunner` gives the sync :class:`~veloce.testing.TestClient` an event loop of
its own: created on first use, run in the calling thread, or in a helper thread when
the caller already runs a loop, and always closed (tasks cancelled, async generators
and the default executor shut down) by :meth:`LoopRunner.close`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
import typing as t
from functools import partial

__all__ = ["Exchange", "LoopRunner", "run_asgi"]

T_result = t.TypeVar("T_result")


class Exchange:
    """The server side of one request/response cycle.

    Per-exchange state: the request body (sent once), the response status, raw
    headers and body chunks, and whether the final body message arrived.
    """

    __slots__ = ("_body", "_request_sent", "_done", "status", "headers", "chunks", "complete")

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._request_sent = False
        self._done: asyncio.Event | None = None
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.complete = False

    def _done_event(self) -> asyncio.Event:
        if self._done is None:
            self._done = asyncio.Event()
        return self._done

    async def receive(self) -> dict[str, t.Any]:
        """ASGI ``receive``: the body first, then ``http.disconnect`` after the response."""
        if not self._request_sent:
            self._request_sent = True
            return {"type": "http.request", "body": self._body, "more_body": False}
        if not self.complete:
            await self._done_event().wait()
        return {"type": "http.disconnect"}

    async def send(self, message: t.Mapping[str, t.Any]) -> None:
        """ASGI ``send``: validate the message order and buffer the response."""
        kind = message["type"]
        if kind == "http.response.start":
            if self.status is not None:
                raise RuntimeError("ASGI app sent 'http.response.start' twice")
            self.status = int(message["status"])
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", ())]
        elif kind == "http.response.body":
            if self.status is None:
                raise RuntimeError(
                    "ASGI app sent 'http.response.body' before 'http.response.start'"
                )
            if self.complete:
                raise RuntimeError("ASGI app sent 'http.response.body' after the last chunk")
            chunk = message.get("body", b"")
            if chunk:
                self.chunks.append(bytes(chunk))
            if not message.get("more_body", False):
                self.finish()
        else:
            raise RuntimeError(f"ASGI app sent an unexpected message type {kind!r}")

    def finish(self) -> None:
        """Mark the response complete and wake any pending ``receive()``."""
        self.complete = True
        if self._done is not None:
            self._done.set()


async def run_asgi(
    app: t.Any,
    scope: dict[str, t.Any],
    body: bytes,
    *,
    raise_server_exceptions: bool = True,
) -> Exchange:
    """Call ``app(scope, receive, send)`` once and return the buffered exchange.

    An exception escaping the app propagates (Flask's test client surfaces errors the
    same way); with ``raise_server_exceptions=False`` it becomes a 500 response
    instead, or the response already started is returned as it stands.

    Raises:
        RuntimeError: the app returned without starting a response, or broke the
            message order.
    """
    exchange = Exchange(body)
    try:
        await app(scope, exchange.receive, exchange.send)
    except Exception:
        if raise_server_exceptions:
            raise
        if exchange.status is None:
            exchange.status = 500
            exchange.headers = [(b"content-type", b"text/plain; charset=utf-8")]
            exchange.chunks = [b"Internal Server Error"]
    finally:
        exchange.finish()
    if exchange.status is None:
        raise RuntimeError("ASGI app returned without sending 'http.response.start'")
    return exchange


def _shutdown_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on ``loop``, release its resources and close it."""
    try:
        tasks = asyncio.all_tasks(loop)
        for task in tasks:
            task.cancel()
        if tasks:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


def _serve_forever(loop: asyncio.AbstractEventLoop) -> None:
    # Helper-thread body: serve until ``stop()``, then clean up on this same thread.
    try:
        loop.run_forever()
    finally:
        _shutdown_loop(loop)


def _start_task(
    loop: asyncio.AbstractEventLoop,
    context: contextvars.Context,
    coro: t.Coroutine[t.Any, t.Any, T_result],
    future: concurrent.futures.Future[T_result],
) -> None:
    # Runs on the helper thread's loop; the task starts from a copy of the caller's context.
    task = context.run(loop.create_task, coro)
    task.add_done_callback(partial(_copy_outcome, future))


def _copy_outcome(future: concurrent.futures.Future[t.Any], task: asyncio.Task[t.Any]) -> None:
    if task.cancelled():
        future.cancel()
    elif task.exception() is not None:
        future.set_exception(t.cast("BaseException", task.exception()))
    else:
        future.set_result(task.result())


class LoopRunner:
    """Runs coroutines to completion for sync callers on a privately owned loop.

    Lifetimes: ``_loop`` lives from the first :meth:`run` in a thread without a
    running loop until :meth:`close`; ``_thread``/``_thread_loop`` exist from the first
    :meth:`run` made while a loop is already running in the caller's thread (an async
    test using the sync client) until :meth:`close`. After ``close`` the runner can be
    used again and creates fresh loops.
    """

    __slots__ = ("_loop", "_thread", "_thread_loop", "_lock")

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def run(self, coro: t.Coroutine[t.Any, t.Any, T_result]) -> T_result:
        """Run ``coro`` and return its result (or raise its exception)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loop = self._loop
            if loop is None:
                loop = self._loop = asyncio.new_event_loop()
            if not loop.is_running():
                return loop.run_until_complete(coro)
        return self._run_in_thread(coro)

    def _run_in_thread(self, coro: t.Coroutine[t.Any, t.Any, T_result]) -> T_result:
        with self._lock:
            if self._thread_loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=_serve_forever, args=(loop,), name="veloce-testclient", daemon=True
                )
                thread.start()
                self._thread_loop, self._thread = loop, thread
            loop = self._thread_loop
        future: concurrent.futures.Future[T_result] = concurrent.futures.Future()
        loop.call_soon_threadsafe(_start_task, loop, contextvars.copy_context(), coro, future)
        return future.result()

    def close(self) -> None:
        """Close every loop this runner created; safe to call more than once."""
        with self._lock:
            loop, self._loop = self._loop, None
            thread_loop, self._thread_loop = self._thread_loop, None
            thread, self._thread = self._thread, None
        if thread_loop is not None and thread is not None:
            thread_loop.call_soon_threadsafe(thread_loop.stop)
            thread.join()
        if loop is not None and not loop.is_closed():
            if loop.is_running():
                # Closed from inside a request running on this loop: keep it for later.
                self._loop = loop
                return
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                _shutdown_loop(loop)
            else:
                # Another loop runs in this thread; shut ours down from a helper thread.
                closer = threading.Thread(target=_shutdown_loop, args=(loop,))
                closer.start()
                closer.join()

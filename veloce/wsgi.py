"""Run a WSGI application (a legacy Flask app) as an ASGI application.

The point is gradual migration: ``app.mount("/legacy", flask_app)`` serves the unported
app next to native routes. A WSGI app blocks, so each request runs on a worker thread
of a bounded pool, start to finish on the *same* thread (the WSGI call, the iteration
of its body and ``close()``), as under a threaded WSGI server: Flask's
``stream_with_context`` pushes a context in the generator and must pop it in the same
``contextvars`` context. Body chunks are handed to the event loop one at a time and
the thread waits for each ``send`` to finish, so a slow client slows the producer
instead of filling memory.

The request body is read on the loop before the thread starts (bounded by
``max_content_length``: 413 beyond) and given to the app as ``wsgi.input``.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import logging
import sys
import threading
import typing as t
import weakref
from concurrent.futures import ThreadPoolExecutor

from veloce.core.asgi import content_length
from veloce.core.body import BODY_SPOOL_THRESHOLD, read_body
from veloce.core.exceptions import ClientDisconnected, RequestEntityTooLarge

if t.TYPE_CHECKING:
    from types import TracebackType

__all__ = ["WSGIMiddleware"]

logger = logging.getLogger("veloce.wsgi")

_ExcInfo: t.TypeAlias = "tuple[type[BaseException], BaseException, TracebackType | None]"
_Limit: t.TypeAlias = "int | None | t.Callable[[], int | None]"

_PLAIN = [(b"content-type", b"text/plain; charset=utf-8")]


class _Cancelled(Exception):
    """The ASGI side went away (task cancelled); the worker stops producing."""


def _plain(status: int, text: bytes) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    headers = [*_PLAIN, (b"content-length", str(len(text)).encode())]
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": text},
    )


def build_environ(scope: t.Mapping[str, t.Any], body: t.Any) -> dict[str, t.Any]:
    """The PEP 3333 environ for an ASGI HTTP ``scope`` and its already-read ``body``.

    ``SCRIPT_NAME`` is the scope's ``root_path`` (the mount prefix) and ``PATH_INFO``
    the rest of ``path`` (ASGI servers put the prefix in both). Strings are "bytes as
    latin-1", as PEP 3333 requires: a UTF-8 path is re-encoded so a WSGI framework
    decodes it back exactly.
    """
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    if isinstance(body, (bytes, bytearray)):
        stream: t.Any = io.BytesIO(body)
    else:  # a SpooledBody: its temporary file, rewound
        stream = body.file
        stream.seek(0)
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": stream,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        # The body is complete: readers need not trust CONTENT_LENGTH (chunked uploads).
        "wsgi.input_terminated": True,
        "asgi.scope": scope,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"] = client[0]
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "CONTENT_TYPE" or name == "CONTENT_LENGTH":
            key = name
        else:
            key = "HTTP_" + name
        if key in environ:
            # Repeated headers are joined, as a WSGI server folds them (Cookie with "; ").
            value = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + value
        environ[key] = value
    return environ


class _Exchange:
    """One request's WSGI side: ``start_response``, ``write`` and the body pump.

    Lives on the worker thread; every message goes to the loop through
    ``run_coroutine_threadsafe`` and the thread waits for it (back-pressure).
    """

    def __init__(self, send: t.Any, loop: asyncio.AbstractEventLoop, head: bool) -> None:
        self.send = send
        self.loop = loop
        self.head = head
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.started = False
        self.cancelled = threading.Event()

    def start_response(
        self,
        status: str,
        headers: list[tuple[str, str]],
        exc_info: _ExcInfo | None = None,
    ) -> t.Callable[[bytes], None]:
        if exc_info is not None:
            try:
                if self.started:
                    # PEP 3333: too late to change the status; re-raise the app's error.
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise RuntimeError("start_response() called twice without exc_info")
        if not isinstance(status, str) or not status[:3].isdigit():
            raise TypeError(f"WSGI status must be a str like '200 OK', not {status!r}")
        encoded = []
        for name, value in headers:
            # latin-1 per PEP 3333; a non-latin-1 header is the app's bug -> 500.
            encoded.append((name.lower().encode("latin-1"), value.encode("latin-1")))
        self.status = int(status[:3])
        self.headers = encoded
        return self.write

    def _push(self, message: dict[str, t.Any]) -> None:
        if self.cancelled.is_set():
            raise _Cancelled()
        future = asyncio.run_coroutine_threadsafe(self.send(message), self.loop)
        while True:
            try:
                future.result(timeout=1.0)
                return
            except TimeoutError:
                # A slow client is fine; a request whose task is gone must not pin
                # this thread forever (a stopped loop never runs the send).
                if self.cancelled.is_set():
                    future.cancel()
                    raise _Cancelled() from None

    def write(self, data: bytes) -> None:
        """Send ``data`` (and the headers first, once): PEP 3333's ``write``."""
        if self.status is None:
            raise RuntimeError("write() called before start_response()")
        if not self.started:
            self.started = True
            self._push(
                {"type": "http.response.start", "status": self.status, "headers": self.headers}
            )
        if data and not self.head:
            self._push({"type": "http.response.body", "body": bytes(data), "more_body": True})

    def run(self, app: t.Any, environ: dict[str, t.Any]) -> None:
        """Call the app, pump its body, close it; runs on the worker thread."""
        iterable = app(environ, self.start_response)
        try:
            for chunk in iterable:
                if chunk:
                    self.write(chunk)
                    if self.head:
                        break
            if self.status is None:
                raise RuntimeError("the WSGI app returned without calling start_response()")
            self.write(b"")
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        self._push({"type": "http.response.body", "body": b"", "more_body": False})


class WSGIMiddleware:
    """An ASGI application that serves a WSGI application on a bounded thread pool.

    Args:
        app: the WSGI callable ``app(environ, start_response)``, e.g. a ``flask.Flask``.
        workers: the pool size: at most this many requests run the WSGI app at once,
            the others wait for a thread. Threads start on demand.
        max_content_length: the largest request body accepted (413 beyond); an int,
            ``None`` for no limit, or a callable returning either (read per request,
            so ``app.mount`` can follow the mounting app's ``MAX_CONTENT_LENGTH``).

    Only ``http`` scopes are served: a WebSocket handshake is refused (WSGI has no
    WebSockets) and lifespan events are acknowledged without reaching the app.

    An exception escaping the WSGI app before it started its response becomes a
    plain 500 (and is logged on ``veloce.wsgi``); after the response started it
    propagates, so the server aborts the truncated response.
    """

    def __init__(self, app: t.Any, workers: int = 40, max_content_length: _Limit = None) -> None:
        if workers < 1:
            raise ValueError(f"WSGIMiddleware needs at least one worker, not {workers}")
        self.app = app
        self.workers = workers
        self.max_content_length = max_content_length
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    @property
    def executor(self) -> ThreadPoolExecutor:
        """The request thread pool, created on the first request."""
        executor = self._executor
        if executor is None:
            with self._executor_lock:
                executor = self._executor
                if executor is None:
                    executor = self._executor = ThreadPoolExecutor(
                        self.workers, thread_name_prefix="veloce-wsgi"
                    )
                    # Idle threads end with the adapter (apps built per test, reloads).
                    weakref.finalize(self, executor.shutdown, wait=False)
        return executor

    def shutdown(self) -> None:
        """Stop the worker threads (after the running requests); a new pool starts on demand."""
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1000})
        elif kind == "lifespan":
            while True:
                message = await receive()
                event = message["type"].rpartition(".")[2]
                await send({"type": f"lifespan.{event}.complete"})
                if event == "shutdown":
                    return
        else:
            raise RuntimeError(f"unsupported ASGI scope type {kind!r}")

    async def _http(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        limit = self.max_content_length
        if callable(limit):
            limit = limit()
        try:
            body = await read_body(
                receive,
                content_length(scope) if limit is not None else None,
                limit,
                spool_threshold=BODY_SPOOL_THRESHOLD,
            )
        except RequestEntityTooLarge:
            for message in _plain(413, b"Request Entity Too Large"):
                await send(message)
            return
        except ClientDisconnected:
            return
        try:
            await self._run(scope, body, send)
        finally:
            if not isinstance(body, (bytes, bytearray)):
                body.close()

    async def _run(self, scope: t.Any, body: t.Any, send: t.Any) -> None:
        environ = build_environ(scope, body)
        loop = asyncio.get_running_loop()
        exchange = _Exchange(send, loop, scope["method"] == "HEAD")
        context = contextvars.copy_context()
        future = loop.run_in_executor(
            self.executor, context.run, exchange.run, self.app, environ
        )
        try:
            await future
        except asyncio.CancelledError:
            exchange.cancelled.set()
            raise
        except _Cancelled:
            return
        except Exception:
            if exchange.started:
                raise
            logger.exception("Exception in WSGI application %r", self.app)
            for message in _plain(500, b"Internal Server Error"):
                await send(message)

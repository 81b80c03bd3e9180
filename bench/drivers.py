"""In-process drivers: call an app the way a server would, without sockets or parsing.

The benchmark measures framework cost, so the drivers keep their own per-request cost
small and *equal* across targets of the same interface: every ASGI target gets a fresh
scope copy, a fresh :class:`_Exchange` (receive/send pair) and freshly built messages,
as uvicorn gives it; every WSGI target gets a fresh environ copy and start_response, as
a WSGI server gives it. The bare ASGI floor pays exactly the ASGI driver's cost, which
is why every result is reported as a multiple of it.
"""

from __future__ import annotations

import asyncio
import io
import sys
from dataclasses import dataclass
from time import perf_counter_ns
from typing import Any

__all__ = ["AsgiDriver", "BenchError", "HttpRequest", "Reply", "WsgiDriver"]

_HOST = "127.0.0.1"
_PORT = 8000
# The same request headers for every target, as (name, value) byte pairs.
_REQUEST_HEADERS = [
    (b"host", b"%s:%d" % (_HOST.encode(), _PORT)),
    (b"user-agent", b"veloce-bench"),
    (b"accept", b"*/*"),
]
_LIFESPAN_TIMEOUT = 10.0


class BenchError(Exception):
    """A target misbehaved (wrong answer, failed lifespan); the message names it."""


@dataclass(frozen=True)
class HttpRequest:
    """One request as the drivers send it: method, ``path?query`` target and body.

    A body comes with its content type; the drivers add ``content-length`` as a
    server would.
    """

    method: str
    target: str
    body: bytes = b""
    content_type: str | None = None

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The request headers: the common ones plus the body's type and length."""
        extra = []
        if self.content_type is not None:
            extra.append((b"content-type", self.content_type.encode("latin-1")))
        if self.body or self.method not in ("GET", "HEAD"):
            extra.append((b"content-length", b"%d" % len(self.body)))
        return _REQUEST_HEADERS + extra

    def __str__(self) -> str:
        return f"{self.method} {self.target}"


@dataclass(frozen=True)
class Reply:
    """One complete response, for verification (never built while timing)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        """Return the first value of the header ``name`` (lower-case), or None."""
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


class _Exchange:
    """The receive/send pair of one ASGI request, shaped like uvicorn's.

    ``receive`` hands out the request body once; a second call blocks until the
    response is complete and then reports ``http.disconnect``. Quart reads ``receive`` in
    a background task until it sees the disconnect, so answering it early would cancel
    the response, and answering ``http.request`` again would make it spin.
    """

    __slots__ = ("_body_read", "_request_body", "_waiter", "body", "finished", "headers", "status")

    def __init__(self, request_body: bytes = b"") -> None:
        self._request_body = request_body
        self._body_read = False
        self._waiter: asyncio.Future[None] | None = None
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""
        self.finished = False

    async def receive(self) -> dict[str, Any]:
        if not self._body_read:
            self._body_read = True
            return {"type": "http.request", "body": self._request_body, "more_body": False}
        if not self.finished:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", ()))
        elif kind == "http.response.body":
            self.body += message.get("body", b"")
            if not message.get("more_body", False):
                self.finished = True
                if self._waiter is not None and not self._waiter.done():
                    self._waiter.set_result(None)


def _http_scope(request: HttpRequest, state: dict[str, Any]) -> dict[str, Any]:
    path, _, query = request.target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": (_HOST, _PORT),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": request.method,
        "root_path": "",
        "path": path,
        "raw_path": path.encode("ascii"),
        "query_string": query.encode("ascii"),
        "headers": request.headers(),
        "state": state,
    }


class AsgiDriver:
    """Drive an ASGI app with ``await app(scope, receive, send)``.

    Lifespan runs in uvicorn's "auto" mode: the startup event is sent, and an app that
    raises or returns before answering it is treated as not using lifespan (the bare
    floor does that). Startup or shutdown *failure* messages are errors.
    """

    def __init__(self, name: str, app: Any) -> None:
        self.name = name
        self.app = app
        self.lifespan = "off"
        self._state: dict[str, Any] = {}
        self._scopes: dict[HttpRequest, dict[str, Any]] = {}
        self._to_app: asyncio.Queue[dict[str, Any]] | None = None
        self._from_app: asyncio.Queue[dict[str, Any]] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Run the lifespan startup, if the app takes part in it."""
        self._to_app = asyncio.Queue()
        self._from_app = asyncio.Queue()
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self._state,
        }
        self._task = asyncio.ensure_future(self.app(scope, self._to_app.get, self._from_app.put))
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._lifespan_reply(self._task, self._from_app, "startup")
        if message is None:
            self._task = None
            return
        if message["type"] != "lifespan.startup.complete":
            raise BenchError(f"{self.name}: lifespan startup failed: {message}")
        self.lifespan = "on"

    async def stop(self) -> None:
        """Run the lifespan shutdown if startup completed."""
        if self._task is None or self._to_app is None or self._from_app is None:
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        message = await self._lifespan_reply(self._task, self._from_app, "shutdown")
        if message is not None and message["type"] != "lifespan.shutdown.complete":
            raise BenchError(f"{self.name}: lifespan shutdown failed: {message}")
        if not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    async def _lifespan_reply(
        self,
        task: asyncio.Task[None],
        from_app: asyncio.Queue[dict[str, Any]],
        phase: str,
    ) -> dict[str, Any] | None:
        """Return the app's answer to a lifespan event, or None if the app ended instead."""
        reply = asyncio.ensure_future(from_app.get())
        done, _ = await asyncio.wait(
            {reply, task}, timeout=_LIFESPAN_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if reply in done:
            return reply.result()
        reply.cancel()
        await asyncio.gather(reply, return_exceptions=True)
        if not done:
            raise BenchError(f"{self.name}: no lifespan {phase} answer in {_LIFESPAN_TIMEOUT}s")
        # The app left the lifespan protocol: fine before startup (no lifespan support),
        # and fine at shutdown too. Retrieve the exception so asyncio does not log it.
        task.exception()
        return None

    def _scope(self, request: HttpRequest) -> dict[str, Any]:
        scope = self._scopes.get(request)
        if scope is None:
            scope = self._scopes[request] = _http_scope(request, self._state)
        return scope

    async def request(self, request: HttpRequest) -> Reply:
        """Make one request and return the complete response."""
        exchange = _Exchange(request.body)
        scope = dict(self._scope(request))
        scope["state"] = self._state.copy()
        await self.app(scope, exchange.receive, exchange.send)
        if not exchange.finished:
            raise BenchError(f"{self.name}: {request} returned before finishing its response")
        return Reply(exchange.status, exchange.headers, exchange.body)

    async def batch(self, request: HttpRequest, count: int) -> int:
        """Make ``count`` requests back to back; return the elapsed nanoseconds.

        Each request gets a scope copy with its own shallow copy of the lifespan
        state, as uvicorn gives it, so a view that writes ``request.state`` writes
        only its own request's state.
        """
        app = self.app
        template = self._scope(request)
        state = self._state
        body = request.body
        exchange = _Exchange(body)
        start = perf_counter_ns()
        for _ in range(count):
            exchange = _Exchange(body)
            scope = dict(template)
            scope["state"] = state.copy()
            await app(scope, exchange.receive, exchange.send)
        elapsed = perf_counter_ns() - start
        if exchange.status != 200:
            raise BenchError(f"{self.name}: {request} answered {exchange.status} while timing")
        return elapsed


class _StartResponse:
    """The start_response callable of one WSGI request."""

    __slots__ = ("headers", "status")

    def __init__(self) -> None:
        self.status = ""
        self.headers: list[tuple[str, str]] = []

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        self.status = status
        self.headers = headers
        return _write

    @property
    def code(self) -> int:
        return int(self.status.split(" ", 1)[0]) if self.status else 0


def _write(data: bytes) -> None:
    raise BenchError("the benchmark apps never use the WSGI write() callable")


def _environ(request: HttpRequest) -> dict[str, Any]:
    path, _, query = request.target.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": _HOST,
        "SERVER_PORT": str(_PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers():
        key = name.decode("latin-1").upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        environ[key] = value.decode("latin-1")
    return environ


class WsgiDriver:
    """Drive a Flask app through ``app.wsgi_app(environ, start_response)``.

    ``wsgi_app`` rather than ``app`` so no WSGI middleware hook sits in between, the
    returned iterable is drained and closed as a server must, and the environ is a
    fresh copy of a prebuilt one per request, with a fresh ``wsgi.input`` stream.
    """

    lifespan = "n/a (WSGI)"

    def __init__(self, name: str, app: Any) -> None:
        self.name = name
        self.app = app
        self._environs: dict[HttpRequest, dict[str, Any]] = {}

    async def start(self) -> None:
        """Nothing to start: WSGI has no lifespan."""

    async def stop(self) -> None:
        """Nothing to stop."""

    def _environ(self, request: HttpRequest) -> dict[str, Any]:
        environ = self._environs.get(request)
        if environ is None:
            environ = self._environs[request] = _environ(request)
        return environ

    async def request(self, request: HttpRequest) -> Reply:
        """Make one request and return the complete response."""
        start_response = _StartResponse()
        environ = dict(self._environ(request))
        environ["wsgi.input"] = io.BytesIO(request.body)
        result = self.app.wsgi_app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = [
            (key.lower().encode("latin-1"), value.encode("latin-1"))
            for key, value in start_response.headers
        ]
        return Reply(start_response.code, headers, body)

    async def batch(self, request: HttpRequest, count: int) -> int:
        """Make ``count`` requests back to back; return the elapsed nanoseconds."""
        wsgi_app = self.app.wsgi_app
        template = self._environ(request)
        body = request.body
        bytes_io = io.BytesIO
        start_response = _StartResponse()
        start = perf_counter_ns()
        for _ in range(count):
            start_response = _StartResponse()
            environ = dict(template)
            environ["wsgi.input"] = bytes_io(body)
            result = wsgi_app(environ, start_response)
            b"".join(result)
            close = getattr(result, "close", None)
            if close is not None:
                close()
        elapsed = perf_counter_ns() - start
        if start_response.code != 200:
            raise BenchError(
                f"{self.name}: {request} answered {start_response.status!r} while timing"
            )
        return elapsed

"""One server process: bind, run the app's lifespan, serve until a signal, drain, stop.

:class:`Server` owns the event loop's view of a listening socket. It is handed a socket
already bound (by :func:`bind_socket`) so that a supervisor can bind once and share the
socket with worker processes or reloaded children; the server never binds twice.

Shutdown is graceful, in uvicorn's order: stop accepting, let each connection finish the
request it is serving (idle keep-alive connections close at once), wait up to
``graceful_timeout`` for in-flight requests, then cancel what is left and run the
lifespan shutdown. A second SIGINT/SIGTERM skips the wait.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import threading
import typing as t

from veloce.server.config import ServerConfig, ServerState
from veloce.server.logging import ERROR_LOGGER
from veloce.server.protocol import HttpProtocol

if t.TYPE_CHECKING:
    import ssl

    from veloce._types import ASGIApp, Message

__all__ = ["LIFESPAN_FAILED_EXIT_CODE", "Lifespan", "Server", "banner", "bind_socket"]

logger = logging.getLogger(ERROR_LOGGER)

#: Exit status of a process whose app failed its lifespan startup (uvicorn's value).
LIFESPAN_FAILED_EXIT_CODE = 3

#: How often the drain loop checks for finished connections, in seconds.
_DRAIN_POLL = 0.05


def bind_socket(host: str, port: int, *, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on ``host:port`` (IPv6 when ``host`` contains a colon).

    ``SO_REUSEADDR`` lets a restarted server bind while old connections sit in
    TIME_WAIT. The socket is inheritable so a reloader can pass it to its children.

    Raises:
        OSError: The address is in use or cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted sockets only when
    # the listener's proto says TCP (otherwise Nagle + delayed ACK stall each response).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def banner(url: str, *, app_hint: str | None = None, workers: int = 1) -> str:
    """The startup text: where the server listens and that it is not for production."""
    target = app_hint or "your_module:app"
    lines = [
        "WARNING: This is Veloce's development server. Do not use it in a production"
        " deployment.",
        f"In production run the app under uvicorn instead: uvicorn {target}",
        f" * Running on {url}" + (f" with {workers} workers" if workers > 1 else ""),
        "Press CTRL+C to quit",
    ]
    return "\n".join(lines) + "\n"


class Lifespan:
    """Drive the app's ASGI lifespan: startup before serving, shutdown after.

    An app that raises before answering the startup message is taken not to support the
    lifespan protocol (uvicorn's ``auto`` mode): the server logs it and serves anyway.
    """

    def __init__(self, app: ASGIApp, state: dict[str, t.Any]) -> None:
        self.app = app
        self.state = state
        self.supported = True
        self.failed = False
        self.receive_queue: asyncio.Queue[Message] = asyncio.Queue()
        self.startup_event = asyncio.Event()
        self.shutdown_event = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def startup(self) -> bool:
        """Run the startup phase; False if the app reported ``lifespan.startup.failed``."""
        self.task = asyncio.get_running_loop().create_task(self._main())
        await self.receive_queue.put({"type": "lifespan.startup"})
        await self.startup_event.wait()
        return not self.failed

    async def shutdown(self) -> None:
        """Run the shutdown phase (nothing to do if the app has no lifespan support)."""
        if not self.supported or self.task is None or self.task.done():
            return
        await self.receive_queue.put({"type": "lifespan.shutdown"})
        await self.shutdown_event.wait()

    async def _main(self) -> None:
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }
        try:
            await self.app(scope, self.receive, self.send)
        except BaseException as exc:
            if self.startup_event.is_set() and not self.failed:
                logger.error("Exception in the app's lifespan", exc_info=exc)
            elif not self.startup_event.is_set():
                self.supported = False
                logger.info("ASGI 'lifespan' protocol appears unsupported: %r", exc)
        finally:
            self.startup_event.set()
            self.shutdown_event.set()

    async def receive(self) -> Message:
        return await self.receive_queue.get()

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "lifespan.startup.complete":
            self.startup_event.set()
        elif kind == "lifespan.startup.failed":
            self.failed = True
            logger.error("Application startup failed: %s", message.get("message", ""))
            self.startup_event.set()
        elif kind == "lifespan.shutdown.complete":
            self.shutdown_event.set()
        elif kind == "lifespan.shutdown.failed":
            logger.error("Application shutdown failed: %s", message.get("message", ""))
            self.shutdown_event.set()


class Server:
    """Serve one ASGI app on a bound socket in the current process.

    Args:
        app: The ASGI app (a :class:`~veloce.Veloce` or any ASGI 3 callable).
        config: Limits and timeouts for the HTTP protocol.
        ssl_context: Serve HTTPS with this context (``loop.create_server(ssl=...)``).
        graceful_timeout: Seconds in-flight requests get to finish after a stop signal.
    """

    def __init__(
        self,
        app: ASGIApp,
        config: ServerConfig | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
        graceful_timeout: float = 30.0,
    ) -> None:
        self.app = app
        self.config = config if config is not None else ServerConfig()
        self.ssl_context = ssl_context
        self.graceful_timeout = graceful_timeout
        self.state = ServerState()
        self.started = False
        self.exit_code = 0
        self.force_exit = False
        self._should_exit: asyncio.Event | None = None

    def run(self, sock: socket.socket) -> None:
        """Serve on ``sock`` until SIGINT/SIGTERM, in a new event loop.

        Raises:
            SystemExit: The app failed its lifespan startup (code 3).
        """
        asyncio.run(self.serve(sock))
        if self.exit_code:
            raise SystemExit(self.exit_code)

    def handle_exit(self) -> None:
        """Begin a graceful shutdown; called twice, stop waiting for requests."""
        if self._should_exit is None:
            return
        if self._should_exit.is_set():
            self.force_exit = True
        self._should_exit.set()

    async def serve(self, sock: socket.socket) -> None:
        """Lifespan startup, serve until :meth:`handle_exit`, then shut down."""
        loop = asyncio.get_running_loop()
        self._should_exit = asyncio.Event()
        signals = self._install_signal_handlers(loop)
        try:
            lifespan = Lifespan(self.app, self.state.app_state)
            if not await lifespan.startup():
                self.exit_code = LIFESPAN_FAILED_EXIT_CODE
                return
            server = await loop.create_server(
                self._make_protocol, sock=sock, ssl=self.ssl_context, backlog=2048
            )
            self.started = True
            logger.info("Started server process [%d]", os.getpid())
            await self._should_exit.wait()
            logger.info("Shutting down")
            server.close()
            await self._drain()
            await server.wait_closed()
            await lifespan.shutdown()
            logger.info("Finished server process [%d]", os.getpid())
        finally:
            for signum in signals:
                loop.remove_signal_handler(signum)

    def _make_protocol(self) -> HttpProtocol:
        return HttpProtocol(self.config, self.app, self.state)

    def _install_signal_handlers(self, loop: asyncio.AbstractEventLoop) -> list[int]:
        if threading.current_thread() is not threading.main_thread() or sys.platform == "win32":
            return []
        installed = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            # An ignored signal stays ignored: a supervisor (workers, reloader) handles
            # Ctrl+C itself and stops this process with SIGTERM.
            if signal.getsignal(signum) is signal.SIG_IGN:
                continue
            loop.add_signal_handler(signum, self.handle_exit)
            installed.append(signum)
        return installed

    async def _drain(self) -> None:
        """Close idle connections, wait for in-flight requests, then cut off the rest."""
        for connection in list(self.state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.graceful_timeout
        while (self.state.connections or self.state.tasks) and not self.force_exit:
            if loop.time() >= deadline:
                logger.warning(
                    "%d requests still running after %.1fs; cancelling them",
                    len(self.state.tasks),
                    self.graceful_timeout,
                )
                break
            await asyncio.sleep(_DRAIN_POLL)
        for task in list(self.state.tasks):
            task.cancel()
        for connection in list(self.state.connections):
            connection.transport.close()
        if self.state.tasks:
            await asyncio.gather(*self.state.tasks, return_exceptions=True)

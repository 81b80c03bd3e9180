"""In-process servers for the server tests: the built-in one and uvicorn, side by side.

Each runs on its own event loop in a daemon thread, bound to a free loopback port, so
one test can drive the same ASGI app through both over real sockets.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

from veloce.server import HttpProtocol, ServerConfig, ServerState

__all__ = ["HOST", "WAIT", "BuiltinServer", "UvicornServer", "listening_socket"]

HOST = "127.0.0.1"
WAIT = 10.0


def listening_socket() -> socket.socket:
    """A non-blocking TCP listener on a free loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    sock.listen(128)
    sock.setblocking(False)
    return sock


class BuiltinServer:
    """veloce.server.HttpProtocol behind loop.create_server; ``options`` → ServerConfig."""

    name = "builtin"

    def __init__(self, app: Any, **options: Any) -> None:
        self.app = app
        self.config = ServerConfig(**options)
        self.state = ServerState()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        sock = listening_socket()
        self.port = sock.getsockname()[1]
        self.server = self.call(self._create(sock))

    def call(self, coro: Any) -> Any:
        """Run ``coro`` on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(WAIT)

    async def _create(self, sock: socket.socket) -> asyncio.Server:
        loop = self.loop
        return await loop.create_server(
            lambda: HttpProtocol(self.config, self.app, self.state, loop), sock=sock
        )

    async def _close(self) -> None:
        self.server.close()
        for connection in list(self.state.connections):
            connection.shutdown()
        await self.server.wait_closed()
        for task in list(self.state.tasks):
            task.cancel()
        await asyncio.sleep(0)

    def stop(self) -> None:
        self.call(self._close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT)
        self.loop.close()


class UvicornServer:
    """uvicorn.Server(...).serve() on a pre-bound socket; ``options`` → uvicorn.Config."""

    name = "uvicorn"

    def __init__(self, app: Any, **options: Any) -> None:
        import uvicorn

        sock = listening_socket()
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, lifespan="off", log_config=None, log_level="critical", **options
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=asyncio.run, args=(self.server.serve(sockets=[sock]),), daemon=True
        )
        self.thread.start()
        started = threading.Event()
        for _ in range(int(WAIT / 0.01)):
            if self.server.started:
                started.set()
                break
            started.wait(0.01)
        assert started.is_set(), "uvicorn did not start"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(WAIT)

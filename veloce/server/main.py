"""``run()``: serve an app with the built-in server, alone, in workers, or under the reloader.

This is the one entry point ``app.run()`` and ``veloce run`` share. It binds the socket
once, prints the development banner, and then serves in this process, forks workers
(:mod:`veloce.server.workers`), or supervises a reloading child
(:mod:`veloce.server.reload`). A reloader's child re-enters here and serves on the
socket it inherited instead of binding again.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import signal
import socket
import sys
import typing as t

from veloce.server.config import ServerConfig
from veloce.server.logging import configure_logging
from veloce.server.reload import SOCKET_FD_ENV, Reloader, is_reloader_child
from veloce.server.serve import Server, banner, bind_socket
from veloce.server.workers import Supervisor

if t.TYPE_CHECKING:
    import ssl

    from veloce._types import ASGIApp

__all__ = ["run"]


def _url(sock: socket.socket, host: str, https: bool) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"{'https' if https else 'http'}://{shown}:{port}"


def run(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    access_log: bool = True,
    ssl_context: ssl.SSLContext | None = None,
    debug: bool = False,
    reload: bool = False,
    extra_files: t.Iterable[str] = (),
    exclude_patterns: t.Iterable[str] = (),
    graceful_timeout: float = 30.0,
    config: ServerConfig | None = None,
    app_hint: str | None = None,
) -> None:
    """Serve ``app`` until SIGINT/SIGTERM.

    Args:
        app: The ASGI app.
        host: The interface to bind (``0.0.0.0`` for all IPv4 interfaces).
        port: The TCP port; 0 picks a free one (shown in the banner).
        workers: Worker processes sharing the socket (POSIX; not with ``reload``).
        access_log: Log one line per response on the ``veloce.access`` logger.
        ssl_context: Serve HTTPS with this context.
        debug: Show the server's DEBUG messages.
        reload: Restart the server when a ``*.py`` file under the working directory
            (or one of ``extra_files``) changes; needs ``veloce[reload]``.
        extra_files: More files watched by the reloader.
        exclude_patterns: ``fnmatch`` patterns the reloader ignores.
        graceful_timeout: Seconds in-flight requests get to finish on shutdown.
        config: Protocol limits and timeouts (defaults: :class:`ServerConfig`).
        app_hint: The ``module:attribute`` shown in the banner's uvicorn command.

    Raises:
        ValueError: ``reload`` combined with more than one worker.
        RuntimeError: The reloader or workers are unavailable on this system.
        SystemExit: The app failed its lifespan startup (code 3).
    """
    if reload and workers > 1:
        raise ValueError("the reloader cannot be combined with more than one worker")
    configure_logging(access_log=access_log, debug=debug)
    config = dataclasses.replace(config or ServerConfig(), access_log=access_log)
    server = Server(app, config, ssl_context=ssl_context, graceful_timeout=graceful_timeout)
    if is_reloader_child():
        # The reloader acts on Ctrl+C and stops this child with SIGTERM.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        inherited = socket.socket(fileno=int(os.environ[SOCKET_FD_ENV]))
        server.run(inherited)
        return
    sock = bind_socket(host, port)
    try:
        text = banner(
            _url(sock, host, ssl_context is not None), app_hint=app_hint, workers=workers
        )
        sys.stderr.write(text)
        sys.stderr.flush()
        if reload:
            Reloader(
                sock,
                extra_files=extra_files,
                exclude_patterns=exclude_patterns,
                stop_timeout=graceful_timeout + 5,
            ).run()
        elif workers > 1:
            target = functools.partial(server.run, sock)
            Supervisor(target, workers, stop_timeout=graceful_timeout + 5).run()
        else:
            server.run(sock)
    finally:
        sock.close()

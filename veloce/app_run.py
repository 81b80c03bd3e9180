"""``app.run()``: serve the app on Veloce's built-in development server.

A mixin of :class:`~veloce.Veloce`. The server is imported when ``run`` is called, so
importing an app never loads the server.
"""

from __future__ import annotations

import os
import sys
import typing as t

if t.TYPE_CHECKING:
    import ssl

__all__ = ["AppRun"]

#: ``app.run()`` keywords passed on to :func:`veloce.server.main.run`.
_SERVER_OPTIONS = frozenset({"extra_files", "exclude_patterns", "graceful_timeout", "config"})
#: Werkzeug ``run_simple`` keywords that mean nothing to an async server.
_IGNORED_OPTIONS = frozenset({"threaded", "load_dotenv"})


class AppRun:
    """The ``run`` method of :class:`~veloce.Veloce`."""

    import_name: str
    debug: bool

    def _uvicorn_hint(self) -> str:
        """``module:app`` for the banner's production command."""
        module = self.import_name
        if module == "__main__":
            main_file = getattr(sys.modules.get("__main__"), "__file__", None) or "app.py"
            module = os.path.splitext(os.path.basename(main_file))[0]
        return f"{module}:app"

    def run(
        self,
        host: str = "127.0.0.1",
        port: int = 8000,
        workers: int = 1,
        access_log: bool = True,
        ssl_context: ssl.SSLContext | None = None,
        debug: bool | None = None,
        use_reloader: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Start the built-in development server and serve until Ctrl+C (or SIGTERM).

        The server is for local development only. In production run the app under a
        hardened ASGI server (``uvicorn your_module:app``); it says so on startup.

        Args:
            host: The interface to bind; ``0.0.0.0`` listens on all IPv4 interfaces.
            port: The TCP port.
            workers: Processes sharing the port (POSIX); cannot be combined with the
                reloader.
            access_log: Log one line per response, in uvicorn's format.
            ssl_context: An :class:`ssl.SSLContext` that turns on HTTPS, handed to
                ``loop.create_server(ssl=...)``; ``None`` serves plain HTTP.
            debug: Set :attr:`debug` first (``None`` keeps it).
            use_reloader: Restart on code changes (``veloce[reload]``); defaults to
                :attr:`debug` when one worker serves.
            **options: ``extra_files``, ``exclude_patterns`` (for the reloader),
                ``graceful_timeout`` (seconds in-flight requests get on shutdown),
                ``config`` (a :class:`~veloce.server.config.ServerConfig`), and
                ``processes`` (an alias of ``workers``).

        Raises:
            TypeError: An option the server does not know.
            ValueError: The reloader combined with several workers.

        Flask parity: same purpose and keywords where they make sense. Werkzeug's
        ``threaded`` and Flask's ``load_dotenv`` are accepted and ignored;
        ``use_debugger`` and friends are not (debug pages follow :attr:`debug`). The
        default port is 8000, not 5000.
        """
        if debug is not None:
            self.debug = bool(debug)
        workers = int(options.pop("processes", workers))
        if use_reloader is None:
            use_reloader = self.debug and workers == 1
        unknown = set(options) - _SERVER_OPTIONS - _IGNORED_OPTIONS
        if unknown:
            raise TypeError(f"app.run() got unexpected options: {', '.join(sorted(unknown))}")
        server_options = {key: value for key, value in options.items() if key in _SERVER_OPTIONS}

        from veloce.server.main import run

        run(
            self,  # type: ignore[arg-type]
            host=host,
            port=port,
            workers=workers,
            access_log=access_log,
            ssl_context=ssl_context,
            debug=self.debug,
            reload=use_reloader,
            app_hint=self._uvicorn_hint(),
            **server_options,
        )

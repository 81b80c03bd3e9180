"""Restart the server when source files change (``watchfiles``, the ``reload`` extra).

The supervising process binds the socket once and re-runs the *same command* in a
child process that inherits it, as Werkzeug's reloader does. Re-running the command
(rather than forking) is what makes a reload see the edited code, and it works the same
for ``veloce run`` and for a script calling ``app.run(use_reloader=True)``. Because the
socket outlives the children, clients never see the port closed between restarts.

The child knows it is one from two environment variables: :data:`RUN_MAIN_ENV` (serve,
do not supervise) and :data:`SOCKET_FD_ENV` (the inherited listening socket).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import signal
import subprocess
import sys
import threading
import typing as t
from pathlib import Path

from veloce.server.logging import ERROR_LOGGER

if t.TYPE_CHECKING:
    import socket
    import types

__all__ = ["RUN_MAIN_ENV", "SOCKET_FD_ENV", "Reloader", "is_reloader_child", "restart_command"]

#: Set to ``"true"`` in the child process that serves under the reloader.
RUN_MAIN_ENV = "VELOCE_RUN_MAIN"
#: The file descriptor of the listening socket the child inherits.
SOCKET_FD_ENV = "VELOCE_SERVER_FD"

logger = logging.getLogger(ERROR_LOGGER)


def is_reloader_child() -> bool:
    """True in the process a reloader started to serve the app."""
    return os.environ.get(RUN_MAIN_ENV) == "true"


def restart_command() -> list[str]:
    """The command line that started this process, to run it again.

    ``python -m package`` is rebuilt from ``__main__.__spec__`` (``sys.argv[0]`` is then
    the module's file, which would not import as part of its package).
    """
    args = [sys.executable, *(f"-W{option}" for option in sys.warnoptions)]
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:
        name = spec.name
        if name.endswith(".__main__"):
            name = name[: -len(".__main__")]
        return [*args, "-m", name, *sys.argv[1:]]
    return [*args, *sys.argv]


class _SourceFilter:
    """Which changed paths trigger a reload: ``*.py`` and the extra files, minus excludes."""

    def __init__(self, extra_files: t.Iterable[str], exclude_patterns: t.Iterable[str]) -> None:
        self.extra = {str(Path(path).resolve()) for path in extra_files}
        self.excludes = list(exclude_patterns)

    def __call__(self, change: t.Any, path: str) -> bool:
        if self.excludes and any(
            fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern)
            for pattern in self.excludes
        ):
            return False
        return path.endswith(".py") or path in self.extra


class Reloader:
    """Serve in a child process and restart it when a watched file changes.

    Args:
        sock: The bound listening socket, inherited by every child.
        extra_files: Files besides ``*.py`` whose change triggers a reload.
        exclude_patterns: ``fnmatch`` patterns of paths that never trigger one.
        stop_timeout: Seconds a child gets to shut down gracefully before it is killed.

    Raises:
        RuntimeError: ``watchfiles`` is not installed.
    """

    def __init__(
        self,
        sock: socket.socket,
        *,
        extra_files: t.Iterable[str] = (),
        exclude_patterns: t.Iterable[str] = (),
        stop_timeout: float = 30.0,
    ) -> None:
        try:
            import watchfiles
        except ImportError:
            raise RuntimeError(
                "the reloader needs watchfiles: install 'veloce[reload]'"
                " (pip install 'veloce[reload]'), or run without --reload"
            ) from None
        self._watch = watchfiles.watch
        self.sock = sock
        extra = list(extra_files)
        self.filter = _SourceFilter(extra, exclude_patterns)
        dirs = [os.getcwd(), *(os.path.dirname(os.path.abspath(path)) for path in extra)]
        self.dirs = list(dict.fromkeys(dirs))
        self.stop_timeout = stop_timeout
        self.should_exit = threading.Event()
        self.child: subprocess.Popen[bytes] | None = None

    def _handle_signal(self, signum: int, frame: types.FrameType | None) -> None:
        self.should_exit.set()

    def start_child(self) -> None:
        """Run the command again in a child that serves on the inherited socket."""
        fd = self.sock.fileno()
        env = {**os.environ, RUN_MAIN_ENV: "true", SOCKET_FD_ENV: str(fd)}
        self.child = subprocess.Popen(restart_command(), env=env, pass_fds=(fd,))

    def stop_child(self) -> None:
        """Ask the child to shut down gracefully (SIGTERM); kill it after the timeout."""
        child, self.child = self.child, None
        if child is None or child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    def run(self) -> None:
        """Supervise until SIGINT/SIGTERM, restarting the child on each change."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handle_signal)
        logger.info("Watching %s for changes", ", ".join(self.dirs))
        self.start_child()
        try:
            for changes in self._watch(
                *self.dirs,
                watch_filter=self.filter,
                stop_event=self.should_exit,
                yield_on_timeout=True,
                rust_timeout=500,
                raise_interrupt=False,
            ):
                if self.should_exit.is_set():
                    break
                if not changes:
                    continue
                names = sorted({os.path.relpath(path) for _, path in changes})
                logger.info("Detected changes in %s, reloading", ", ".join(names))
                self.stop_child()
                self.start_child()
        finally:
            self.stop_child()

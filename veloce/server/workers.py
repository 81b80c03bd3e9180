"""Several worker processes serving one pre-bound socket.

The supervisor binds nothing itself: it is given a serving function and forks it into
``workers`` processes *after* the app is loaded and the socket bound, so every worker
shares the loaded app's code pages and accepts on the same socket (the kernel spreads
connections among the accepting processes). Forking is POSIX-only; elsewhere use
uvicorn's ``--workers``.

The supervisor forwards SIGINT/SIGTERM to the workers, which shut down gracefully, and
replaces a worker that dies while the server is running.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
import traceback
import typing as t

from veloce.server.logging import ERROR_LOGGER

if t.TYPE_CHECKING:
    import types

__all__ = ["Supervisor"]

logger = logging.getLogger(ERROR_LOGGER)

#: How often the supervisor checks for exited workers, in seconds.
_POLL_INTERVAL = 0.1


class Supervisor:
    """Fork ``workers`` processes that each call ``target`` and keep them running.

    Args:
        target: Serves until SIGINT/SIGTERM in the worker process, then returns.
        workers: How many worker processes to keep.
        stop_timeout: Seconds workers get to finish after a stop signal before SIGKILL.

    Raises:
        RuntimeError: The platform cannot fork.
    """

    def __init__(
        self, target: t.Callable[[], None], workers: int, *, stop_timeout: float = 30.0
    ) -> None:
        if not hasattr(os, "fork"):
            raise RuntimeError(
                "several workers need os.fork(), which this platform lacks; run one worker,"
                " or serve the app with uvicorn --workers"
            )
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.target = target
        self.workers = workers
        self.stop_timeout = stop_timeout
        self.pids: set[int] = set()
        self.should_exit = False
        self.force_exit = False

    def _handle_signal(self, signum: int, frame: types.FrameType | None) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True

    def _spawn(self) -> None:
        pid = os.fork()
        if pid:
            self.pids.add(pid)
            return
        # In the worker: Ctrl+C reaches the whole process group, but only the supervisor
        # acts on it (ignored here, so a forwarded SIGTERM is the first stop signal, not
        # a second, forcing one). Never return into the supervisor's loop.
        code = 0
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            self.target()
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def _reap(self) -> list[tuple[int, int]]:
        """Collect exited workers without blocking: ``(pid, exit code)`` pairs."""
        exited = []
        for pid in list(self.pids):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self.pids.discard(pid)
                exited.append((pid, os.waitstatus_to_exitcode(status)))
        return exited

    def run(self) -> None:
        """Fork the workers, supervise them, and stop them all on SIGINT/SIGTERM."""
        previous = {
            signum: signal.signal(signum, self._handle_signal)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            logger.info("Started parent process [%d]", os.getpid())
            for _ in range(self.workers):
                self._spawn()
            while not self.should_exit:
                time.sleep(_POLL_INTERVAL)
                for pid, code in self._reap():
                    if not self.should_exit:
                        logger.warning("Worker [%d] exited with code %d; restarting", pid, code)
                        self._spawn()
            self._stop()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        logger.info("Stopped parent process [%d]", os.getpid())

    def _stop(self) -> None:
        for pid in self.pids:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        forwarded = False
        while self.pids and time.monotonic() < deadline:
            if self.force_exit and not forwarded:
                # A second Ctrl+C: tell the workers to stop waiting for requests.
                forwarded = True
                for pid in self.pids:
                    os.kill(pid, signal.SIGTERM)
            self._reap()
            time.sleep(_POLL_INTERVAL / 2)
        for pid in self.pids:
            logger.warning("Worker [%d] did not stop in time; killing it", pid)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self.pids.clear()

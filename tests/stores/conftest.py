"""A real ``redis-server`` on 127.0.0.1 for the Redis store tests.

One server per test process (each xdist worker starts its own) on a free port, with
persistence off. It is stopped by PID at the end of the session. Without a
``redis-server`` binary the tests that need it fail and say how to install it:
skipping would let CI pass without ever exercising the store.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import typing as t

import pytest

_START_ATTEMPTS = 5
_READY_TIMEOUT = 15.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _start(binary: str, workdir: str) -> tuple[subprocess.Popen[bytes], int, str]:
    """Start a server on a free port; returns it once it answers PING."""
    log = ""
    for _ in range(_START_ATTEMPTS):
        port = _free_port()
        log_path = os.path.join(workdir, f"redis-{port}.log")
        with open(log_path, "wb") as log_file:
            proc = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    workdir,
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + _READY_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            if _answers_ping(port):
                return proc, port, log_path
            time.sleep(0.05)
        _stop(proc)
        with open(log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        # Most likely another process took the port between probing and binding.
    raise RuntimeError(f"redis-server did not start after {_START_ATTEMPTS} attempts:\n{log}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[str]:
    """``redis://127.0.0.1:<port>/0`` of a private redis-server for this test process."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "redis-server is not installed, so the Redis session store cannot be tested:"
            " install it (apt-get install redis-server, or brew install redis); .ci/run"
            " installs it automatically",
            pytrace=False,
        )
    proc, port, _ = _start(binary, str(tmp_path_factory.mktemp("redis")))
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(proc)

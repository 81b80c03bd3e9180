"""Helpers for tests that run a real server process: ports, readiness, stop by PID."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest

__all__ = ["HOST", "STARTUP_TIMEOUT", "STOP_TIMEOUT", "free_port", "stop", "wait_until_accepting"]

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server by its PID; kill it if it ignores SIGTERM."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def wait_until_accepting(
    process: subprocess.Popen[bytes], port: int, log: Path, name: str = "the server"
) -> None:
    """Poll until ``port`` accepts connections; fail with the process output otherwise.

    A bounded readiness wait, not a timing assertion.
    """
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        code = process.poll()
        if code is not None:
            pytest.fail(
                f"{name} exited with status {code} before accepting connections; "
                f"its output:\n{log.read_text(errors='replace')}"
            )
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{name} did not accept connections on {HOST}:{port} within "
                    f"{STARTUP_TIMEOUT:.0f}s; its output:\n{log.read_text(errors='replace')}"
                )
            time.sleep(0.05)

"""The built-in server as users start it: real processes, real sockets, real signals.

Each test starts ``veloce run`` (or a script calling ``app.run()``) in a subprocess,
talks HTTP to it, and stops it by PID with SIGINT or SIGTERM, checking what the process
printed and how it exited. Readiness and shutdown are awaited by polling, never timed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import typing as t

import pytest

from veloce.server.logging import access_line
from veloce.server.reload import RUN_MAIN_ENV, Reloader, restart_command
from veloce.server.serve import Lifespan, banner

__all__: list[str] = []

ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DEADLINE = 30.0

SLOW_APP = '''
import asyncio
import os
import pathlib
import time

from veloce import Veloce

MARKS = pathlib.Path(os.environ["MARKS_DIR"])

app = Veloce(
    __name__,
    on_startup=[lambda: (MARKS / "startup").write_text(str(os.getpid()))],
    on_shutdown=[lambda: (MARKS / "shutdown").write_text(str(os.getpid()))],
)


@app.route("/")
def index():
    return "ok"


@app.route("/slow")
async def slow():
    (MARKS / "slow-started").write_text("1")
    await asyncio.sleep(1.0)
    return "slow done"


@app.route("/pid")
async def pid():
    time.sleep(0.2)  # blocks this worker's loop, so concurrent requests go elsewhere
    return str(os.getpid())
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: pathlib.Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VELOCE_", "FLASK_"))}
    env["MARKS_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _get(port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_until_serving(proc: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            _get(port, "/", timeout=2.0)
            return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    output = proc.communicate()[0].decode()
    pytest.fail(f"server did not start:\n{output}")


def _wait_for(path: pathlib.Path) -> None:
    deadline = time.monotonic() + DEADLINE
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)


def _stop(proc: subprocess.Popen[bytes], signum: int) -> str:
    if proc.poll() is None:
        os.kill(proc.pid, signum)
    try:
        return proc.communicate(timeout=DEADLINE)[0].decode()
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[0].decode()


def _start(args: list[str], cwd: pathlib.Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


@pytest.fixture
def slow_app(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "slowapp.py"
    path.write_text(SLOW_APP)
    return path


# -- veloce run ---------------------------------------------------------------------------------


def test_veloce_run_serves_example_on_builtin_server(tmp_path: pathlib.Path) -> None:
    port = _free_port()
    proc = _start(
        ["-m", "veloce", "--app", "examples/hello.py", "run", "--port", str(port)],
        ROOT,
        _env(tmp_path),
    )
    try:
        _wait_until_serving(proc, port)
        status, body = _get(port, "/json?x=1")
    finally:
        output = _stop(proc, signal.SIGTERM)
    assert (status, json.loads(body)) == (200, {"message": "Hello, World!"})
    assert proc.returncode == 0, output
    assert "development server. Do not use it in a production deployment." in output
    assert "uvicorn examples.hello:app" in output
    assert f" * Running on http://{HOST}:{port}" in output
    assert re.search(r'127\.0\.0\.1:\d+ - "GET /json\?x=1 HTTP/1\.1" 200 OK', output), output
    assert "Finished server process" in output


def test_sigint_lets_in_flight_request_finish(
    tmp_path: pathlib.Path, slow_app: pathlib.Path
) -> None:
    port = _free_port()
    proc = _start(
        ["-m", "veloce", "--app", "slowapp.py", "run", "--port", str(port)], tmp_path,
        _env(tmp_path),
    )
    try:
        _wait_until_serving(proc, port)
        assert (tmp_path / "startup").read_text() == str(proc.pid)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pending = pool.submit(_get, port, "/slow")
            _wait_for(tmp_path / "slow-started")
            os.kill(proc.pid, signal.SIGINT)
            assert pending.result(timeout=DEADLINE) == (200, b"slow done")
    finally:
        output = _stop(proc, signal.SIGINT)
    assert proc.returncode == 0, output
    assert "Shutting down" in output
    assert (tmp_path / "shutdown").read_text() == str(proc.pid)
    with pytest.raises(OSError):
        _get(port, "/", timeout=2.0)


def test_two_workers_share_the_port(tmp_path: pathlib.Path, slow_app: pathlib.Path) -> None:
    port = _free_port()
    proc = _start(
        ["-m", "veloce", "--app", "slowapp.py", "run", "--port", str(port), "--workers", "2"],
        tmp_path,
        _env(tmp_path),
    )
    pids: set[bytes] = set()
    try:
        _wait_until_serving(proc, port)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for _ in range(20):
                results = list(pool.map(lambda _: _get(port, "/pid"), range(4)))
                pids.update(body for status, body in results if status == 200)
                if len(pids) == 2:
                    break
    finally:
        output = _stop(proc, signal.SIGTERM)
    assert len(pids) == 2, output
    assert str(proc.pid).encode() not in pids
    assert proc.returncode == 0, output
    assert "with 2 workers" in output
    assert output.count("Finished server process") == 2


def test_reload_restarts_on_code_change(tmp_path: pathlib.Path) -> None:
    import watchfiles  # noqa: F401 - in the test extra; fail loudly if missing
    app_file = tmp_path / "reloadapp.py"
    app_file.write_text(
        "from veloce import Veloce\napp = Veloce(__name__)\n"
        "@app.route('/')\ndef index():\n    return 'one'\n"
    )
    port = _free_port()
    proc = _start(
        ["-m", "veloce", "--app", "reloadapp.py", "run", "--port", str(port), "--reload"],
        tmp_path,
        _env(tmp_path),
    )
    try:
        _wait_until_serving(proc, port)
        assert _get(port, "/") == (200, b"one")
        app_file.write_text(app_file.read_text().replace("'one'", "'two'"))
        deadline = time.monotonic() + DEADLINE
        body = b"one"
        while body != b"two" and time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                body = _get(port, "/", timeout=2.0)[1]
            except OSError:
                continue
    finally:
        output = _stop(proc, signal.SIGINT)
    assert body == b"two", output
    assert "Detected changes in reloadapp.py" in output
    assert proc.returncode == 0, output


# -- app.run() ----------------------------------------------------------------------------------


def test_app_run_in_subprocess(tmp_path: pathlib.Path) -> None:
    script = tmp_path / "runme.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            from veloce import Veloce

            app = Veloce(__name__)

            @app.route("/")
            def index():
                return "from app.run"

            if __name__ == "__main__":
                app.run(port=int(sys.argv[1]), access_log=False)
            """
        )
    )
    port = _free_port()
    proc = _start([str(script), str(port)], tmp_path, _env(tmp_path))
    try:
        _wait_until_serving(proc, port)
        assert _get(port, "/") == (200, b"from app.run")
    finally:
        output = _stop(proc, signal.SIGINT)
    assert proc.returncode == 0, output
    assert "uvicorn runme:app" in output
    assert '"GET / HTTP/1.1"' not in output


def test_app_run_rejects_unknown_options_and_reload_with_workers() -> None:
    from veloce import Veloce

    app = Veloce("runopts")
    with pytest.raises(TypeError, match="use_debugger"):
        app.run(use_debugger=True)
    with pytest.raises(ValueError, match="more than one worker"):
        app.run(workers=2, use_reloader=True)


# -- pieces -------------------------------------------------------------------------------------


def test_access_line_has_uvicorns_shape() -> None:
    scope = {
        "type": "http",
        "client": ("10.0.0.1", 5123),
        "method": "POST",
        "path": "/a b",
        "raw_path": b"/a%20b",
        "query_string": b"q=1",
        "http_version": "1.0",
    }
    assert access_line(scope, 404) == '10.0.0.1:5123 - "POST /a%20b?q=1 HTTP/1.0" 404 Not Found'
    assert access_line({"method": "GET", "path": "/"}, 299) == '- - "GET / HTTP/1.1" 299'


def test_banner_says_development_only_and_names_uvicorn() -> None:
    text = banner("http://127.0.0.1:8000", app_hint="pkg.mod:app", workers=3)
    assert "Do not use it in a production deployment" in text
    assert "uvicorn pkg.mod:app" in text
    assert " * Running on http://127.0.0.1:8000 with 3 workers" in text


def test_reloader_without_watchfiles_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "watchfiles", None)
    with socket.socket() as sock, pytest.raises(RuntimeError, match=r"veloce\[reload\]"):
        Reloader(sock)


def test_restart_command_reruns_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["/x/script.py", "--flag"])
    monkeypatch.setattr(sys.modules["__main__"], "__spec__", None, raising=False)
    assert restart_command()[-2:] == ["/x/script.py", "--flag"]
    assert RUN_MAIN_ENV not in os.environ


async def _lifespan_app_failing(scope: t.Any, receive: t.Any, send: t.Any) -> None:
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no database"})


async def _app_without_lifespan(scope: t.Any, receive: t.Any, send: t.Any) -> None:
    raise RuntimeError(f"unsupported scope {scope['type']}")


def test_lifespan_failure_and_missing_support() -> None:
    async def drive() -> tuple[bool, bool, bool]:
        failed = Lifespan(_lifespan_app_failing, {})
        unsupported = Lifespan(_app_without_lifespan, {})
        started = await unsupported.startup()
        await unsupported.shutdown()
        return await failed.startup(), started, unsupported.supported

    assert asyncio.run(drive()) == (False, True, False)

"""Loopback throughput: real servers over TCP on 127.0.0.1, driven by ``wrk``.

``python -m bench`` measures framework overhead with no sockets. This benchmark puts
the server back in: each target is a separate server process pinned to CPU 0 with
``taskset``, and ``wrk`` (pinned to CPU 1) drives it over loopback. The targets:

- ``builtin``: the native async Veloce app on Veloce's own server;
- ``uvicorn``: the same app on uvicorn with httptools;
- ``starlette`` and ``quart``: their apps on the same uvicorn setup;
- ``flask-sync`` and ``flask-gthread``: the Flask app on gunicorn, one worker, with the
  ``sync`` worker class or ``gthread`` with 8 threads;
- ``bare``: the bare ASGI callable on uvicorn, the floor: the most a uvicorn-hosted
  app can do on this machine.

Targets run interleaved for R rounds, so drift on the machine lands on all of them
alike; each (target, route) gets the median requests/s and median p99 latency over
the rounds. Run ``python -m bench.loopback --help`` for the options.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO

from bench.drivers import HttpRequest, Reply
from bench.report import environment, markdown_table
from bench.targets import ROUTES

__all__ = [
    "FLOOR",
    "TARGETS",
    "LoopbackResults",
    "WrkResult",
    "check_tools",
    "main",
    "measure",
    "parse_wrk",
    "serve",
    "start_server",
    "stop_server",
    "tables",
    "verify_server",
    "wrk_script",
]

_REPO = Path(__file__).resolve().parent.parent
_DEFAULT_RESULTS = Path(__file__).resolve().parent / "LOOPBACK.md"
FLOOR = "bare"
# name -> what runs; the ASGI ones are served by ``serve`` in a child interpreter.
TARGETS: dict[str, str] = {
    "builtin": "Veloce (async views) on its built-in server",
    "uvicorn": "Veloce (async views) on uvicorn, httptools",
    "starlette": "Starlette on uvicorn, httptools",
    "quart": "Quart on uvicorn, httptools",
    "flask-sync": "Flask on gunicorn, 1 sync worker",
    "flask-gthread": "Flask on gunicorn, 1 gthread worker, 8 threads",
    FLOOR: "bare ASGI on uvicorn, httptools (the floor)",
}
_ASGI_APPS = {
    "builtin": "bench.apps.veloce_async",
    "uvicorn": "bench.apps.veloce_async",
    "starlette": "bench.apps.starlette_app",
    "quart": "bench.apps.quart_app",
    FLOOR: "bench.apps.bare_asgi",
}
_GUNICORN = {"flask-sync": ["-k", "sync"], "flask-gthread": ["-k", "gthread", "--threads", "8"]}
DEFAULT_ROUTES = list(ROUTES)
SERVER_CPU = 0
CLIENT_CPU = 1
_STARTUP_TIMEOUT = 20.0
_STOP_TIMEOUT = 5.0
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_RPS_RE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_P99_RE = re.compile(r"^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_TOTAL_RE = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX_RE = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS_RE = re.compile(r"Socket errors:(.*)")

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- server side (runs in the child process) -----------------------------------------


def serve(target: str, port: int) -> None:
    """Serve the ASGI ``target`` on 127.0.0.1:``port`` in this process.

    Runs in the child started by :func:`start_server` (already pinned by ``taskset``),
    so that each server is a fresh interpreter with nothing of another target's state.
    """
    module = _ASGI_APPS.get(target)
    if module is None:
        raise SystemExit(f"unknown ASGI target {target!r}")
    app = __import__(module, fromlist=["app"]).app
    if target == "builtin":
        from veloce.server.main import run

        run(app, host="127.0.0.1", port=port, workers=1, access_log=False)
        return
    import uvicorn

    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, http="httptools"
    )


# --- parent side -----------------------------------------------------------------------


@dataclass
class Server:
    """A running server child: its process, port and captured output."""

    target: str
    port: int
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace").strip()[-4000:]


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run reported."""

    requests_per_second: float
    p99_ms: float
    problems: str
    requests: int = 0


def parse_wrk(text: str) -> WrkResult:
    """Pull requests/s, the p99 latency (in ms), the request count and errors from wrk.

    Raises:
        ValueError: The output lacks ``Requests/sec`` or the ``99%`` line of ``--latency``.
    """
    rps = _RPS_RE.search(text)
    p99 = _P99_RE.search(text)
    if rps is None or p99 is None:
        raise ValueError(f"cannot parse wrk output:\n{text}")
    problems = []
    non_2xx = _NON_2XX_RE.search(text)
    if non_2xx:
        problems.append(f"{non_2xx.group(1)} non-2xx/3xx responses")
    errors = _SOCKET_ERRORS_RE.search(text)
    if errors:
        problems.append(f"socket errors:{errors.group(1).rstrip()}")
    total = _TOTAL_RE.search(text)
    return WrkResult(
        float(rps.group(1)),
        float(p99.group(1)) * _UNITS[p99.group(2)],
        "; ".join(problems),
        int(total.group(1)) if total else 0,
    )


def _lua_string(value: str | bytes) -> str:
    """A Lua string literal for ``value`` (bytes are taken as Latin-1)."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    escaped = "".join(
        ch if ch.isalnum() or ch in " /?&=%.:-_@" else f"\\{ord(ch):03d}" for ch in value
    )
    return f'"{escaped}"'


def _lua_request(request: HttpRequest) -> str:
    headers = "{}"
    if request.content_type is not None:
        headers = "{[" + _lua_string("Content-Type") + "] = "
        headers += _lua_string(request.content_type) + "}"
    body = _lua_string(request.body) if request.body else "nil"
    return (
        f"wrk.format({_lua_string(request.method)}, {_lua_string(request.target)}, "
        f"{headers}, {body})"
    )


def wrk_script(requests: list[HttpRequest]) -> str:
    """A wrk Lua script that sends ``requests`` in turn, one per call, round robin.

    With one request it simply fixes the method, target, headers and body, which is
    how a POST with a form body is driven; with several, a mixed load (memory run).
    """
    lines = ["local requests = {"]
    lines += [f"  {_lua_request(request)}," for request in requests]
    lines += [
        "}",
        "local i = 0",
        "request = function()",
        "  i = i % #requests + 1",
        "  return requests[i]",
        "end",
    ]
    return "\n".join(lines) + "\n"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_command(target: str, port: int) -> list[str]:
    pin = ["taskset", "-c", str(SERVER_CPU), sys.executable]
    if target in _GUNICORN:
        return [
            *pin, "-m", "gunicorn", "-w", "1", *_GUNICORN[target],
            "-b", f"127.0.0.1:{port}", "--log-level", "warning", "bench.apps.flask_app:app",
        ]  # fmt: skip
    return [*pin, "-m", "bench.loopback", "--serve", target, "--port", str(port)]


def start_server(target: str) -> Server:
    """Start ``target`` on a free port, pinned to the server CPU; return at once."""
    port = _free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        _server_command(target, port),
        cwd=_REPO,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return Server(target, port, process, log)


def _fetch(port: int, request: HttpRequest) -> Reply:
    http_request = urllib.request.Request(
        f"http://127.0.0.1:{port}{request.target}",
        data=request.body or None,
        method=request.method,
        headers={"Content-Type": request.content_type} if request.content_type else {},
    )
    try:
        with urllib.request.urlopen(http_request, timeout=5) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, exc.headers, exc.read()
    pairs = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    return Reply(status, pairs, body)


def verify_server(server: Server, routes: list[str]) -> None:
    """Wait until the server answers, then check every route's answer once.

    The check is the in-process one (:meth:`bench.targets.Route.check`).

    Raises:
        RuntimeError: The server died, never answered, or answered wrongly.
    """
    deadline = time.monotonic() + _STARTUP_TIMEOUT
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.target}: server exited with {server.process.returncode}:\n"
                f"{server.output()}"
            )
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.target}: no answer on port {server.port}") from None
            time.sleep(0.05)
    for name in routes:
        route = ROUTES[name]
        problem = route.check(_fetch(server.port, route.request))
        if problem is not None:
            raise RuntimeError(f"{server.target} {route.request}: wrong answer: {problem}")


def stop_server(server: Server) -> None:
    """Terminate the child by PID, then kill it if it has not exited in time."""
    process = server.process
    if process.poll() is None:
        try:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=_STOP_TIMEOUT)
        except ProcessLookupError:
            pass
    server.log.close()


@dataclass(frozen=True)
class WrkSettings:
    """How each wrk run is made."""

    duration: int = 3
    connections: int = 32
    threads: int = 1

    def describe(self) -> str:
        return (
            f"`taskset -c {CLIENT_CPU} wrk -t{self.threads} -c{self.connections} "
            f"-d{self.duration}s --latency [-s script.lua] URL`"
        )


def run_wrk(
    settings: WrkSettings, port: int, requests: list[HttpRequest], duration: int | None = None
) -> WrkResult:
    """Drive 127.0.0.1:``port`` with ``requests`` (a Lua script unless one plain GET)."""
    duration = settings.duration if duration is None else duration
    command = [
        "taskset", "-c", str(CLIENT_CPU),
        "wrk", f"-t{settings.threads}", f"-c{settings.connections}", f"-d{duration}s",
        "--latency",
    ]  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if len(requests) > 1 or requests[0].method != "GET" or requests[0].body:
            script.write(wrk_script(requests))
            script.flush()
            command += ["-s", script.name]
        command.append(f"http://127.0.0.1:{port}{requests[0].target}")
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 30, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def check_tools() -> str | None:
    """An error message when wrk or taskset is missing or the CPUs to pin to do not exist."""
    if shutil.which("wrk") is None:
        return (
            "wrk is not installed; install it (Debian/Ubuntu: `apt-get install -y wrk`) "
            "and run again"
        )
    if shutil.which("taskset") is None:
        return "taskset is not installed (package util-linux); it pins servers and wrk"
    if hasattr(os, "sched_getaffinity"):
        allowed = os.sched_getaffinity(0)
        if not {SERVER_CPU, CLIENT_CPU} <= allowed:
            return f"this benchmark needs CPUs 0 and 1; this process may use {sorted(allowed)}"
    return None


@dataclass
class LoopbackResults:
    """Every wrk run per (target, route), and notes on runs that saw errors."""

    targets: list[str]
    routes: list[str]
    runs: dict[tuple[str, str], list[WrkResult]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def rps(self, target: str, route: str) -> float:
        return statistics.median(r.requests_per_second for r in self.runs[target, route])

    def p99(self, target: str, route: str) -> float:
        return statistics.median(r.p99_ms for r in self.runs[target, route])


def measure(
    targets: list[str],
    routes: list[str],
    rounds: int,
    settings: WrkSettings,
    progress: Progress = _stderr,
) -> LoopbackResults:
    """Start every target, verify it, then run wrk interleaved round by round.

    A target that fails to start or answers wrongly is stopped, left out and named
    in the notes with a ``FAILED`` prefix; the others still run. Servers are always
    stopped by PID, also on failure.

    Raises:
        RuntimeError: A server died while being measured, or wrk failed.
    """
    results = LoopbackResults([], routes)
    servers: dict[str, Server] = {}
    try:
        for target in targets:
            servers[target] = start_server(target)
        for target in targets:
            try:
                verify_server(servers[target], routes)
            except (RuntimeError, OSError) as exc:
                results.notes.append(f"FAILED verification, not measured: {exc}")
                progress(results.notes[-1])
                stop_server(servers.pop(target))
                continue
            results.targets.append(target)
        targets = results.targets
        results.runs = {(t, r): [] for t in targets for r in routes}
        total = rounds * len(targets) * len(routes)
        done = 0
        for round_index in range(rounds):
            shift = round_index % len(targets)
            order = targets[shift:] + targets[:shift]
            for route in routes:
                for target in order:
                    done += 1
                    server = servers[target]
                    if server.process.poll() is not None:
                        raise RuntimeError(f"{target}: server died:\n{server.output()}")
                    result = run_wrk(settings, server.port, [ROUTES[route].request])
                    results.runs[target, route].append(result)
                    progress(
                        f"loopback [{done}/{total}] {route:9} {target:13} "
                        f"{result.requests_per_second:>10,.0f} req/s  p99 {result.p99_ms:.2f} ms"
                        + (f"  ({result.problems})" if result.problems else "")
                    )
                    if result.problems:
                        where = f"round {round_index + 1}, {route}, {target}"
                        results.notes.append(f"{where}: {result.problems}")
    finally:
        for server in servers.values():
            stop_server(server)
    return results


# --- report ----------------------------------------------------------------------------


def tables(results: LoopbackResults) -> list[str]:
    """One table per route: requests/s, p99 and requests/s as a multiple of the floor."""
    lines: list[str] = []
    targets = results.targets
    for route in results.routes:
        rps = {t: results.rps(t, route) for t in targets}
        p99 = {t: results.p99(t, route) for t in targets}
        floor = rps.get(FLOOR)
        rows = [
            [
                f"{target} ({TARGETS[target]})",
                f"{rps[target]:,.0f}",
                f"{min(r.requests_per_second for r in results.runs[target, route]):,.0f}",
                f"{p99[target]:.2f}",
                f"{rps[target] / floor:.2f}" if floor else "n/a",
            ]
            for target in targets
        ]
        lines += [f"### {route} (`{ROUTES[route].request}`)", ""]
        header = ["target", "req/s (median)", "req/s (min)", "p99 ms (median)", "× floor req/s"]
        lines += markdown_table(header, rows, "l" + "r" * 4)
        if "builtin" in rps and "uvicorn" in rps:
            lines += [
                "",
                f"builtin / uvicorn: requests/s **{rps['builtin'] / rps['uvicorn']:.2f}×** "
                f"(above 1: builtin is faster), p99 {p99['builtin'] / p99['uvicorn']:.2f}× "
                "(below 1: builtin is faster).",
            ]
        lines.append("")
    return lines


def versions() -> str:
    """Versions of the servers and of wrk, for the report."""
    found = []
    for package in ("uvicorn", "httptools", "uvloop", "gunicorn"):
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} (not installed)")
    try:
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10, check=False)
        found.append(" ".join(wrk.stdout.split()[:2]) or "wrk (version unknown)")
    except (OSError, subprocess.SubprocessError):
        found.append("wrk (version unknown)")
    return ", ".join(found)


def _markdown(command: str, settings: WrkSettings, rounds: int, body: list[str],
              notes: list[str]) -> str:
    env = environment(_REPO)
    env.insert(5, ("servers and client", versions()))
    lines = [
        "# Loopback results",
        "",
        f"Real servers over TCP on 127.0.0.1: each server process pinned to CPU {SERVER_CPU},",
        f"`wrk` pinned to CPU {CLIENT_CPU}. This measures server + framework throughput.",
        "See `bench/README.md` (\"Loopback\") for the method.",
        "",
        "Command (from the repository root):",
        "",
        "```",
        command,
        "```",
        "",
        f"Each wrk run: {settings.describe()}; {rounds} rounds, targets interleaved "
        "(order rotated each round); medians over the rounds.",
        "",
        *[f"- **{label}**: {value}" for label, value in env],
        "",
        *body,
    ]
    while lines[-1] == "":
        lines.pop()
    if notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


# --- command line ----------------------------------------------------------------------


def csv_choice(choices: list[str]) -> Callable[[str], list[str]]:
    """An argparse type: a comma-separated, non-empty subset of ``choices``."""

    def parse(value: str) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        bad = [item for item in items if item not in choices]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(choices)}")
        return items

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.loopback", description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (default 2)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c (default 32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk -t (default 1)")
    parser.add_argument(
        "--routes", type=csv_choice(list(ROUTES)), default=DEFAULT_ROUTES,
        help="comma-separated subset of: " + ",".join(ROUTES),
    )  # fmt: skip
    parser.add_argument(
        "--targets", type=csv_choice(list(TARGETS)), default=list(TARGETS),
        help="comma-separated subset of: " + ",".join(TARGETS),
    )  # fmt: skip
    parser.add_argument("--results", type=Path, default=_DEFAULT_RESULTS)
    parser.add_argument("--no-results", action="store_true", help="print only; write no file")
    parser.add_argument("--serve", choices=list(_ASGI_APPS), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the loopback benchmark; returns the process exit status."""
    raw = sys.argv[1:] if argv is None else argv
    parser = _parser()
    args = parser.parse_args(raw)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    if min(args.rounds, args.duration, args.connections, args.threads) < 1:
        parser.error("--rounds, --duration, --connections and --threads must be at least 1")
    problem = check_tools()
    if problem:
        print(f"bench.loopback: {problem}", file=sys.stderr)
        return 2
    targets = [t for t in TARGETS if t in args.targets]
    settings = WrkSettings(args.duration, args.connections, args.threads)
    try:
        results = measure(targets, args.routes, args.rounds, settings)
    except (RuntimeError, ValueError, OSError, subprocess.SubprocessError) as exc:
        print(f"bench.loopback: {exc}", file=sys.stderr)
        return 1
    body = tables(results)
    print("\n".join(body))
    for note in results.notes:
        print(f"note: {note}", file=sys.stderr)
    if not args.no_results:
        command = "python -m bench.loopback" + (" " + " ".join(raw) if raw else "")
        text = _markdown(command, settings, args.rounds, body, results.notes)
        args.results.write_text(text, "utf-8")
        print(f"wrote {args.results}", file=sys.stderr)
    return 1 if any(note.startswith("FAILED") for note in results.notes) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Loopback throughput: real servers over TCP on 127.0.0.1, driven by ``wrk``.

``python -m bench`` measures framework overhead with no sockets. This benchmark puts
the server back in: each target is a separate server process pinned to CPU 0, and
``wrk`` (one thread, pinned to CPU 1) drives it over loopback. The targets are

- ``builtin``: the native async app on Veloce's own server (``veloce.server.main.run``);
- ``uvicorn``: the same app on uvicorn with httptools;
- ``bare``: the bare ASGI callable on uvicorn, the floor: the most a uvicorn-hosted
  app can do on this machine.

Targets run interleaved for R rounds, so drift on the machine lands on all of them
alike; each (target, route) gets the median requests/s and median p99 latency over
the rounds. Run ``python -m bench.loopback --help`` for the options.
"""

from __future__ import annotations

import argparse
import json
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
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from bench.report import environment

__all__ = ["main", "parse_wrk", "serve"]

_REPO = Path(__file__).resolve().parent.parent
_DEFAULT_RESULTS = Path(__file__).resolve().parent / "LOOPBACK.md"
TARGETS = ("builtin", "uvicorn", "bare")
_FLOOR = "bare"
_TARGET_LABELS = {
    "builtin": "Veloce on its built-in server",
    "uvicorn": "Veloce on uvicorn, httptools",
    "bare": "bare ASGI on uvicorn, the floor",
}
# route name -> (path, expected plaintext body; the JSON route is checked by value)
ROUTES: dict[str, tuple[str, str]] = {"plaintext": ("/", "Hello, World!"), "json": ("/json", "")}
_SERVER_CPU = 0
_CLIENT_CPU = 1
_STARTUP_TIMEOUT = 15.0
_STOP_TIMEOUT = 5.0
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_RPS_RE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_P99_RE = re.compile(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_NON_2XX_RE = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS_RE = re.compile(r"Socket errors:(.*)")


# --- server side (runs in the child process) -----------------------------------------


def serve(target: str, port: int) -> None:
    """Pin this process to the server CPU and serve ``target`` on 127.0.0.1:``port``.

    Runs in the child started by :func:`_start_server`, so that each server is a
    fresh interpreter with nothing of the parent's (or another target's) state.
    """
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {_SERVER_CPU})
    if target == "builtin":
        from bench.apps.veloce_async import app
        from veloce.server.main import run

        run(app, host="127.0.0.1", port=port, workers=1, access_log=False)
        return
    import uvicorn

    if target == "uvicorn":
        from bench.apps.veloce_async import app
    elif target == "bare":
        from bench.apps.bare_asgi import app  # type: ignore[assignment]
    else:
        raise SystemExit(f"unknown target {target!r}")
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, http="httptools"
    )


# --- parent side -----------------------------------------------------------------------


@dataclass
class _Server:
    """A running server child: its process, port and captured output."""

    target: str
    port: int
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace").strip()


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run reported."""

    requests_per_second: float
    p99_ms: float
    problems: str


def parse_wrk(text: str) -> WrkResult:
    """Pull requests/s, the p99 latency (in ms) and any error counts from wrk's output.

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
    return WrkResult(
        float(rps.group(1)), float(p99.group(1)) * _UNITS[p99.group(2)], "; ".join(problems)
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(target: str) -> _Server:
    port = _free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.loopback", "--serve", target, "--port", str(port)],
        cwd=_REPO,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return _Server(target, port, process, log)


def _get(port: int, path: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return response.status, response.headers.get("content-type", ""), response.read().decode()


def _verify(server: _Server, routes: list[str]) -> None:
    """Wait until the server answers, then check every route's answer once.

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
    for route in routes:
        path, text = ROUTES[route]
        status, content_type, body = _get(server.port, path)
        if route == "json":
            ok = content_type.startswith("application/json") and json.loads(body) == {
                "message": "Hello, World!"
            }
        else:
            ok = body == text
        if status != 200 or not ok:
            raise RuntimeError(
                f"{server.target} {path}: wrong answer {status} {content_type!r} {body!r}"
            )


def _stop(server: _Server) -> None:
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


def _wrk_command(args: argparse.Namespace, port: int, path: str) -> list[str]:
    return [
        "taskset", "-c", str(_CLIENT_CPU),
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--latency", f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip


def _run_wrk(args: argparse.Namespace, port: int, path: str) -> WrkResult:
    done = subprocess.run(
        _wrk_command(args, port, path),
        capture_output=True,
        text=True,
        timeout=args.duration + 30,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def _check_tools() -> str | None:
    """An error message when wrk or taskset is missing or the CPUs to pin to do not exist."""
    if shutil.which("wrk") is None:
        return (
            "wrk is not installed; install it (Debian/Ubuntu: `apt-get install -y wrk`) "
            "and run again"
        )
    if shutil.which("taskset") is None:
        return "taskset is not installed (package util-linux); it pins wrk to its CPU"
    if hasattr(os, "sched_getaffinity"):
        allowed = os.sched_getaffinity(0)
        if not {_SERVER_CPU, _CLIENT_CPU} <= allowed:
            return f"this benchmark needs CPUs 0 and 1; this process may use {sorted(allowed)}"
    return None


# --- report ----------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table, first column left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)]
    return [line(header), "|" + "|".join(rule) + "|", *[line(row) for row in rows]]


def _tables(
    results: dict[tuple[str, str], list[WrkResult]], targets: list[str], routes: list[str]
) -> list[str]:
    lines: list[str] = []
    for route in routes:
        runs = {target: results[target, route] for target in targets}
        rps = {t: statistics.median(r.requests_per_second for r in runs[t]) for t in targets}
        p99 = {t: statistics.median(r.p99_ms for r in runs[t]) for t in targets}
        rows = []
        for target in targets:
            floor = rps.get(_FLOOR)
            rows.append([
                f"{target} ({_TARGET_LABELS[target]})",
                f"{rps[target]:,.0f}",
                f"{min(r.requests_per_second for r in runs[target]):,.0f}",
                f"{p99[target]:.2f}",
                f"{rps[target] / floor:.2f}" if floor else "n/a",
            ])  # fmt: skip
        lines += [f"### {route} (`GET {ROUTES[route][0]}`)", ""]
        header = ["target", "req/s (median)", "req/s (min)", "p99 ms (median)", "× floor req/s"]
        lines += _table(header, rows)
        if "builtin" in rps and "uvicorn" in rps:
            lines += [
                "",
                f"builtin / uvicorn: requests/s **{rps['builtin'] / rps['uvicorn']:.2f}×** "
                f"(above 1: builtin is faster), p99 {p99['builtin'] / p99['uvicorn']:.2f}× "
                "(below 1: builtin is faster).",
            ]
        lines.append("")
    return lines


def _versions() -> str:
    found = []
    for package in ("uvicorn", "httptools", "uvloop"):
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


def _markdown(command: str, args: argparse.Namespace, body: list[str], notes: list[str]) -> str:
    env = environment(_REPO)
    env.insert(5, ("servers and client", _versions()))
    lines = [
        "# Loopback results",
        "",
        "Real servers over TCP on 127.0.0.1: each server process pinned to CPU "
        f"{_SERVER_CPU}, `wrk` pinned to CPU {_CLIENT_CPU}. This measures server + framework",
        "throughput, unlike `RESULTS.md`. See `bench/README.md` (\"Loopback\") for the method.",
        "",
        "Command (from the repository root):",
        "",
        "```",
        command,
        "```",
        "",
        f"Each wrk run: `taskset -c {_CLIENT_CPU} wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s --latency URL`; {args.rounds} rounds, targets interleaved "
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


def _csv(choices: tuple[str, ...]) -> Any:
    def parse(value: str) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        bad = [item for item in items if item not in choices]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(choices)}")
        return items

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.loopback", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c (default 32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk -t (default 1)")
    parser.add_argument(
        "--routes", type=_csv(tuple(ROUTES)), default=list(ROUTES), help="plaintext,json"
    )
    parser.add_argument(
        "--targets", type=_csv(TARGETS), default=list(TARGETS), help="builtin,uvicorn,bare"
    )
    parser.add_argument("--results", type=Path, default=_DEFAULT_RESULTS)
    parser.add_argument("--no-results", action="store_true", help="print only; write no file")
    parser.add_argument("--serve", choices=TARGETS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the loopback benchmark; returns the process exit status."""
    raw = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(raw)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    problem = _check_tools()
    if problem:
        print(f"bench.loopback: {problem}", file=sys.stderr)
        return 2
    targets = [t for t in TARGETS if t in args.targets]
    servers: dict[str, _Server] = {}
    results: dict[tuple[str, str], list[WrkResult]] = {
        (t, r): [] for t in targets for r in args.routes
    }
    notes: list[str] = []
    try:
        for target in targets:
            servers[target] = _start_server(target)
        for target in targets:
            _verify(servers[target], args.routes)
        total = args.rounds * len(targets) * len(args.routes)
        done = 0
        for round_index in range(args.rounds):
            shift = round_index % len(targets)
            order = targets[shift:] + targets[:shift]
            for route in args.routes:
                for target in order:
                    done += 1
                    server = servers[target]
                    if server.process.poll() is not None:
                        raise RuntimeError(f"{target}: server died:\n{server.output()}")
                    result = _run_wrk(args, server.port, ROUTES[route][0])
                    results[target, route].append(result)
                    print(
                        f"[{done}/{total}] round {round_index + 1} {route:9} {target:8} "
                        f"{result.requests_per_second:>10,.0f} req/s  p99 {result.p99_ms:.2f} ms"
                        + (f"  ({result.problems})" if result.problems else ""),
                        file=sys.stderr,
                    )
                    if result.problems:
                        where = f"round {round_index + 1}, {route}, {target}"
                        notes.append(f"{where}: {result.problems}")
    except (RuntimeError, ValueError, OSError, subprocess.SubprocessError) as exc:
        print(f"bench.loopback: {exc}", file=sys.stderr)
        return 1
    finally:
        for server in servers.values():
            _stop(server)
    body = _tables(results, targets, args.routes)
    print("\n".join(body))
    if not args.no_results:
        command = "python -m bench.loopback" + (" " + " ".join(raw) if raw else "")
        args.results.write_text(_markdown(command, args, body, notes))
        print(f"wrote {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

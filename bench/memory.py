"""Memory: does a server's RSS grow under load? RSS after warm-up vs after N requests.

Each target is started as in :mod:`bench.loopback` (pinned, free port, verified), warmed
up with a few seconds of the mixed load, and its resident set size is read from
``/proc/<pid>/status`` (``VmRSS``, summed over the server's process tree, so a
gunicorn master and its worker count together). Then ``wrk`` drives the same mixed
load (every benchmark route in turn, form POST included) in fixed-length runs until
at least N requests have been answered; the RSS is read again.

    python -m bench.memory [--requests 200000] [--targets uvicorn,builtin]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.loopback import (
    TARGETS,
    Progress,
    WrkSettings,
    check_tools,
    csv_choice,
    run_wrk,
    start_server,
    stop_server,
    verify_server,
)
from bench.report import markdown_table
from bench.targets import ROUTES

__all__ = ["DEFAULT_TARGETS", "MemoryResult", "measure", "parse_vmrss", "rss_kib", "table"]

DEFAULT_TARGETS = ["uvicorn", "builtin", "bare"]
_WARMUP_SECONDS = 2
_CHUNK_SECONDS = 5
_MAX_CHUNKS = 200


@dataclass(frozen=True)
class MemoryResult:
    """RSS of one server after warm-up and after ``requests`` more requests."""

    target: str
    before_kib: int
    after_kib: int
    requests: int
    errors: str

    @property
    def growth(self) -> float:
        """Relative growth, 0.05 = 5%."""
        return self.after_kib / self.before_kib - 1


def parse_vmrss(status: str) -> int:
    """The ``VmRSS`` of a ``/proc/<pid>/status`` text, in KiB.

    Raises:
        ValueError: No ``VmRSS`` line (a kernel thread, or not a status file).
    """
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            value, unit = line.split()[1:3]
            if unit != "kB":
                raise ValueError(f"unexpected VmRSS unit {unit!r}")
            return int(value)
    raise ValueError("no VmRSS line")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def rss_kib(pid: int) -> int:
    """RSS of ``pid`` and all its descendants, in KiB (Linux ``/proc``)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            total += parse_vmrss(Path(f"/proc/{current}/status").read_text())
            pending += _children(current)
        except (OSError, ValueError):
            continue  # the process ended meanwhile
    return total


def _one(
    target: str, requests: int, settings: WrkSettings, progress: Progress | None
) -> MemoryResult:
    mix = [route.request for route in ROUTES.values()]
    server = start_server(target)
    try:
        verify_server(server, list(ROUTES))
        run_wrk(settings, server.port, mix, duration=_WARMUP_SECONDS)
        before = rss_kib(server.process.pid)
        done = 0
        problems = []
        for _ in range(_MAX_CHUNKS):
            if done >= requests:
                break
            result = run_wrk(settings, server.port, mix, duration=_CHUNK_SECONDS)
            if result.requests <= 0:
                raise RuntimeError(f"{target}: wrk reported no requests")
            done += result.requests
            if result.problems:
                problems.append(result.problems)
            if progress is not None:
                progress(f"memory {target:13} {done:>9,} requests")
        if server.process.poll() is not None:
            raise RuntimeError(f"{target}: server died:\n{server.output()}")
        after = rss_kib(server.process.pid)
    finally:
        stop_server(server)
    return MemoryResult(target, before, after, done, "; ".join(problems))


def measure(
    targets: list[str], requests: int, settings: WrkSettings, progress: Progress | None = None
) -> list[MemoryResult]:
    """RSS before and after ``requests`` requests, for each target in turn.

    Raises:
        RuntimeError: A server failed to start, answered wrongly or died; wrk failed.
    """
    return [_one(target, requests, settings, progress) for target in targets]


def table(results: list[MemoryResult]) -> list[str]:
    """The Markdown table: RSS after warm-up, after the load, growth."""
    rows = [
        [
            f"{r.target} ({TARGETS[r.target]})",
            f"{r.before_kib / 1024:.1f}",
            f"{r.after_kib / 1024:.1f}",
            f"{r.requests:,}",
            f"{r.growth * 100:+.1f}%",
        ]
        for r in results
    ]
    header = ["target", "RSS after warm-up MiB", "RSS after load MiB", "requests", "growth"]
    return markdown_table(header, rows, "lrrrr")


def main(argv: list[str] | None = None) -> int:
    """Print the memory table; exit status 2 without wrk, 1 when a server fails."""
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument(
        "--targets", type=csv_choice(list(TARGETS)), default=DEFAULT_TARGETS,
        help="comma-separated subset of: " + ",".join(TARGETS),
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    problem = check_tools()
    if problem:
        print(f"bench.memory: {problem}", file=sys.stderr)
        return 2
    try:
        results = measure(args.targets, args.requests, WrkSettings(), progress=print)
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"bench.memory: {exc}", file=sys.stderr)
        return 1
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

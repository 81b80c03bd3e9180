"""Instructions per request under callgrind: a count that a noisy machine cannot blur.

Time per request moves with whatever else runs on the machine; the number of
instructions executed does not. For each target, one child interpreter runs under
``valgrind --tool=callgrind`` and, per route, makes a warm-up batch, then a batch of
N requests, then a batch of 2N. Before each batch it calls ``os.getppid()``, and
callgrind is told to dump its counters whenever ``getppid`` is entered
(``--dump-before=getppid``), so every batch lands in its own profile part. Then

    instructions per request = (Ir(2N batch) - Ir(N batch)) / N

so the fixed cost of a batch (the loop set-up, the marker itself) cancels, and the
interpreter's start-up is in a part of its own that is never used.

    python -m bench.callgrind [--requests 200] [--targets veloce-async,starlette]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.report import markdown_table
from bench.targets import ROUTES, TARGETS, load, verify

__all__ = ["DEFAULT_TARGETS", "measure", "parse_parts", "per_request", "table"]

_REPO = Path(__file__).resolve().parent.parent
DEFAULT_TARGETS = ["veloce-async", "veloce-sync", "starlette"]
_MARKER = "getppid"
_PART_RE = re.compile(r"^part:\s*(\d+)\s*$", re.MULTILINE)
_TOTALS_RE = re.compile(r"^(?:totals|summary):\s*(\d+)", re.MULTILINE)
_TIMEOUT = 1800

Progress = Callable[[str], None]


# --- child (runs under valgrind) --------------------------------------------------------


async def _child(target: str, routes: list[str], requests: int) -> None:
    driver = load(TARGETS[target])
    await driver.start()
    chosen = [ROUTES[name] for name in routes]
    await verify(driver, chosen)
    for route in chosen:
        for count in (max(requests // 2, 1), requests, 2 * requests):
            gc.collect()
            os.getppid()  # the marker: callgrind starts a new part here
            await driver.batch(route.request, count)
    gc.collect()
    os.getppid()
    await driver.stop()


# --- parent -------------------------------------------------------------------------------


def parse_parts(texts: list[str]) -> dict[int, int]:
    """Map part number -> instructions (Ir), from the text of callgrind output files.

    Raises:
        ValueError: A file has no ``part:`` or no ``totals:``/``summary:`` line.
    """
    parts: dict[int, int] = {}
    for text in texts:
        part = _PART_RE.search(text)
        totals = _TOTALS_RE.search(text)
        if part is None or totals is None:
            raise ValueError("not a callgrind output file (no part/totals line)")
        parts[int(part.group(1))] = int(totals.group(1))
    return parts


def per_request(parts: dict[int, int], routes: list[str], requests: int) -> dict[str, float]:
    """Instructions per request for each route, from the parts of one child's run.

    Part 1 is start-up; each route then has three parts (warm-up, N, 2N); one last
    part is the shutdown.

    Raises:
        ValueError: The number of parts does not match (something else called the marker).
    """
    expected = 2 + 3 * len(routes)
    if sorted(parts) != list(range(1, expected + 1)):
        raise ValueError(
            f"expected callgrind parts 1..{expected}, got {sorted(parts)}: did something "
            f"else call {_MARKER}()?"
        )
    result = {}
    for index, route in enumerate(routes):
        single, double = parts[3 + 3 * index], parts[4 + 3 * index]
        result[route] = (double - single) / requests
    return result


def _run_one(target: str, routes: list[str], requests: int, workdir: Path) -> subprocess.Popen[str]:
    out = workdir / target
    out.mkdir()
    command = [
        "valgrind", "--tool=callgrind", f"--dump-before={_MARKER}",
        f"--callgrind-out-file={out}/callgrind.out",
        sys.executable, "-m", "bench.callgrind", "--child", target,
        "--routes", ",".join(routes), "--requests", str(requests),
    ]  # fmt: skip
    return subprocess.Popen(
        command,
        cwd=_REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _collect(target: str, process: subprocess.Popen[str], workdir: Path) -> dict[int, int]:
    output, _ = process.communicate(timeout=_TIMEOUT)
    if process.returncode != 0:
        raise RuntimeError(f"callgrind run of {target} failed ({process.returncode}):\n"
                           + output[-4000:])
    files = sorted((workdir / target).glob("callgrind.out*"))
    return parse_parts([path.read_text(errors="replace") for path in files])


def measure(
    targets: list[str],
    routes: list[str],
    requests: int,
    jobs: int = 2,
    progress: Progress | None = None,
) -> dict[str, dict[str, float]]:
    """Instructions per request, ``{target: {route: Ir}}``; ``jobs`` children at a time.

    Raises:
        RuntimeError: valgrind is missing or a child failed (wrong answer included).
    """
    if shutil.which("valgrind") is None:
        raise RuntimeError("valgrind is not installed (Debian/Ubuntu: apt-get install valgrind)")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
        workdir = Path(tmp)
        pending = list(targets)
        while pending:
            batch, pending = pending[:jobs], pending[jobs:]
            running = [(t, _run_one(t, routes, requests, workdir)) for t in batch]
            try:
                for target, process in running:
                    parts = _collect(target, process, workdir)
                    results[target] = per_request(parts, routes, requests)
                    if progress is not None:
                        progress(f"callgrind {target}: done")
            finally:
                for _, process in running:
                    if process.poll() is None:
                        process.kill()
                        process.wait()
    return results


def table(results: dict[str, dict[str, float]], routes: list[str], baseline: str) -> list[str]:
    """Instructions per request per route and target, and each as a multiple of ``baseline``."""
    targets = list(results)
    header = ["route", *[f"{t} Ir/req" for t in targets]]
    header += [f"{t} ÷ {baseline}" for t in targets if t != baseline and baseline in results]
    rows = []
    for route in routes:
        row = [route] + [f"{results[t][route]:,.0f}" for t in targets]
        if baseline in results:
            row += [
                f"{results[t][route] / results[baseline][route]:.2f}×"
                for t in targets
                if t != baseline
            ]
        rows.append(row)
    return markdown_table(header, rows, "l" + "r" * (len(header) - 1))


def _csv(choices: list[str]) -> Callable[[str], list[str]]:
    def parse(value: str) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items or any(item not in choices for item in items):
            raise argparse.ArgumentTypeError(f"choose from {', '.join(choices)}")
        return items

    return parse


def main(argv: list[str] | None = None) -> int:
    """Print the instructions-per-request table (or, with --child, be the measured child)."""
    parser = argparse.ArgumentParser(prog="python -m bench.callgrind", description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="N (default 200)")
    parser.add_argument(
        "--targets", type=_csv(list(TARGETS)), default=DEFAULT_TARGETS,
        help="comma-separated subset of: " + ",".join(TARGETS),
    )  # fmt: skip
    parser.add_argument(
        "--routes", type=_csv(list(ROUTES)), default=list(ROUTES),
        help="comma-separated subset of: " + ",".join(ROUTES),
    )  # fmt: skip
    parser.add_argument("--child", choices=list(TARGETS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    if args.child:
        asyncio.run(_child(args.child, args.routes, args.requests))
        return 0
    try:
        results = measure(args.targets, args.routes, args.requests, progress=print)
    except (RuntimeError, ValueError, OSError, subprocess.SubprocessError) as exc:
        print(f"bench.callgrind: {exc}", file=sys.stderr)
        return 1
    print("\n".join(table(results, args.routes, "starlette")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``python -m bench`` command: load targets, verify them, time them interleaved, report."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.drivers import AsgiDriver, BenchError, WsgiDriver
from bench.report import Stats, comparison_table, environment, noisy, route_table
from bench.targets import FLOOR, ROUTES, TARGETS, Route, load, verify

__all__ = ["PARTS", "InProcess", "main"]

_REPO = Path(__file__).resolve().parent.parent
_DEFAULT_RESULTS = _REPO / "bench" / "RESULTS.md"
_VELOCE = ("veloce-sync", "veloce-async", "veloce-nonblocking")
PARTS = ("inprocess", "callgrind", "loopback", "memory")

Driver = AsgiDriver | WsgiDriver


def _names(value: str, known: dict[str, object], what: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown) or '(none given)'}; choose from "
            + ", ".join(known)
        )
    return names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="In-process benchmark of Veloce against a bare ASGI floor, Starlette, "
        "Flask and Quart. Batches of requests per target, targets interleaved round by round.",
    )
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument(
        "--batch", type=int, default=2000, help="requests per batch (default 2000)"
    )
    parser.add_argument(
        "--routes",
        type=lambda v: _names(v, ROUTES, "route"),
        default=list(ROUTES),
        help="comma-separated subset of: " + ", ".join(ROUTES),
    )
    parser.add_argument(
        "--targets",
        type=lambda v: _names(v, TARGETS, "target"),
        default=list(TARGETS),
        help="comma-separated subset of: " + ", ".join(TARGETS)
        + f" (the floor, {FLOOR!r}, always runs)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=_DEFAULT_RESULTS,
        help="where to write the Markdown report (default bench/RESULTS.md)",
    )
    parser.add_argument(
        "--no-results", action="store_true", help="print the tables only; write no file"
    )
    parts = parser.add_argument_group(
        "parts", "Which measurements to run. Without these options only the in-process part "
        "runs (as before); --all runs everything and regenerates RESULTS.md and results.png."
    )
    parts.add_argument(
        "--all", action="store_true", help="run every part: " + ", ".join(PARTS)
    )
    parts.add_argument(
        "--parts",
        type=lambda v: _names(v, dict.fromkeys(PARTS), "part"),
        default=None,
        help="comma-separated subset of: " + ", ".join(PARTS) + " (default: inprocess)",
    )
    parts.add_argument(
        "--loopback-rounds", type=int, default=2, help="loopback rounds (default 2)"
    )
    parts.add_argument(
        "--loopback-duration", type=int, default=3, help="seconds per wrk run (default 3)"
    )
    parts.add_argument(
        "--memory-requests",
        type=int,
        default=200_000,
        help="requests between the two RSS readings (default 200000)",
    )
    parts.add_argument(
        "--callgrind-requests",
        type=int,
        default=100,
        help="N for callgrind: batches of N and 2N requests (default 100)",
    )
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="in-process: do not pin the timing to one CPU (see README: thread hand-offs"
        " across CPUs cost several times more on small VMs)",
    )
    return parser


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load(names: list[str], notes: list[str]) -> list[Driver]:
    drivers = []
    for name in names:
        try:
            drivers.append(load(TARGETS[name]))
        except ImportError as exc:
            note = f"{name}: skipped, not importable ({type(exc).__name__}: {exc})"
            _progress(note)
            notes.append(note)
    return drivers


async def _prepare(drivers: list[Driver], routes: list[Route], notes: list[str]) -> list[Driver]:
    """Start and verify every driver; return the ones that answered correctly."""
    ready = []
    for driver in drivers:
        try:
            await driver.start()
            await verify(driver, routes)
        except BenchError as exc:
            note = f"FAILED verification, not timed: {exc}"
            _progress(note)
            notes.append(note)
            continue
        except Exception as exc:  # any crash of a framework is a reportable failure
            note = f"FAILED to start, not timed: {driver.name}: {type(exc).__name__}: {exc}"
            _progress(note)
            notes.append(note)
            continue
        ready.append(driver)
    return ready


async def _measure(
    drivers: list[Driver], routes: list[Route], rounds: int, batch: int
) -> dict[str, dict[str, list[float]]]:
    """µs/request samples per route and target, one sample per batch.

    Targets are interleaved: each round runs one batch of every target on every route,
    with the target order rotated each round so that no target always runs right after
    the same neighbour. One untimed warm-up round comes first. The objects alive after
    warm-up are frozen out of the garbage collector and a collection runs before each
    batch, so a batch never pays for an earlier target's garbage.
    """
    samples = {route.name: {d.name: [] for d in drivers} for route in routes}
    for route in routes:
        for driver in drivers:
            await driver.batch(route.request, batch)
    gc.collect()
    gc.freeze()
    try:
        for index in range(rounds):
            _progress(f"round {index + 1}/{rounds}")
            shift = index % len(drivers)
            order = drivers[shift:] + drivers[:shift]
            for route in routes:
                for driver in order:
                    gc.collect()
                    elapsed = await driver.batch(route.request, batch)
                    samples[route.name][driver.name].append(elapsed / batch / 1000)
    finally:
        gc.unfreeze()
    return samples


async def _run(
    drivers: list[Driver], routes: list[Route], args: argparse.Namespace, notes: list[str]
) -> tuple[list[Driver], dict[str, dict[str, list[float]]]]:
    loop = asyncio.get_running_loop()
    notes.append(f"event loop: {type(loop).__module__}.{type(loop).__qualname__}")
    ready = await _prepare(drivers, routes, notes)
    try:
        if not any(d.name == FLOOR for d in ready):
            raise BenchError(f"the floor target {FLOOR!r} did not run; no ratios possible")
        samples = await _measure(ready, routes, args.rounds, args.batch)
    finally:
        for driver in ready:
            try:
                await driver.stop()
            except BenchError as exc:
                notes.append(str(exc))
    return ready, samples


def _report(
    ready: list[Driver], routes: list[Route], samples: dict[str, dict[str, list[float]]]
) -> list[str]:
    others = [d.name for d in ready if d.name != FLOOR and d.name not in _VELOCE]
    lines: list[str] = []
    busy: set[str] = set()
    for route in routes:
        stats = {name: Stats.of(values) for name, values in samples[route.name].items()}
        busy.update(noisy(stats))
        lines += [f"## {route.name}: {route.request}", "", *route_table(stats, FLOOR), ""]
        comparison = comparison_table(stats, list(_VELOCE), others)
        if comparison:
            lines += [
                "Veloce speedup: other median / Veloce median (the same for the mins);"
                " above 1 = Veloce faster.",
                "",
                *comparison,
                "",
            ]
    if busy:
        lines += [
            "**Noisy run**: the median is more than 15% above the min for"
            f" {', '.join(sorted(busy))}. Something else was using the CPU; trust the min"
            " columns more than the medians, or rerun on a quiet machine.",
            "",
        ]
    return lines


@dataclass
class InProcess:
    """What the in-process part measured, ready for the report and the goals."""

    settings: str
    stats: dict[str, dict[str, Stats]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: bool = False


def _pin_to_one_cpu(notes: list[str]) -> set[int] | None:
    """Pin this process (and the threads it starts from now on) to its first CPU.

    Why: every target runs on one core in a one-process-per-core deployment, and a
    thread hand-off between two CPUs of a small VM costs several times one on the
    same CPU; unpinned, sync-view numbers measure the hypervisor's scheduler.
    Returns the previous affinity to restore, or None when there is nothing to pin.
    """
    if not hasattr(os, "sched_getaffinity"):
        return None
    allowed = os.sched_getaffinity(0)
    if len(allowed) < 2:
        return None
    cpu = min(allowed)
    os.sched_setaffinity(0, {cpu})
    notes.append(f"in-process timing pinned to CPU {cpu} (--no-pin to disable)")
    return allowed


def run_inprocess(args: argparse.Namespace) -> InProcess:
    """Load, verify and time the targets in this process; never raises BenchError."""
    names = [FLOOR] + [name for name in args.targets if name != FLOOR]
    routes = [ROUTES[name] for name in args.routes]
    result = InProcess(
        f"{args.rounds} timed rounds × {args.batch} requests per target and route"
        " (plus one warm-up round); µs per request."
    )
    saved_affinity = _pin_to_one_cpu(result.notes) if not args.no_pin else None
    try:
        drivers = _load(names, result.notes)
        ready, samples = asyncio.run(_run(drivers, routes, args, result.notes))
    except BenchError as exc:
        _progress(f"error: {exc}")
        result.notes.append(f"FAILED: {exc}")
        result.failed = True
        return result
    finally:
        if saved_affinity is not None:
            os.sched_setaffinity(0, saved_affinity)
    result.failed = any(note.startswith("FAILED") for note in result.notes)
    result.stats = {
        route.name: {name: Stats.of(values) for name, values in samples[route.name].items()}
        for route in routes
    }
    result.lines = _report(ready, routes, samples)
    lifespans = ", ".join(f"{d.name}: {d.lifespan}" for d in ready)
    result.notes.append(f"lifespan: {lifespans}")
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the selected parts; return the exit status (1 if any target failed)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if min(args.rounds, args.batch, args.loopback_rounds, args.loopback_duration,
           args.memory_requests, args.callgrind_requests) < 1:
        parser.error("counts, rounds and durations must be at least 1")
    parts = list(PARTS) if args.all else (args.parts or ["inprocess"])
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    inprocess = run_inprocess(args) if "inprocess" in parts else None
    if inprocess is not None:
        print(inprocess.settings)
        print()
        print("\n".join(inprocess.lines).rstrip())
        if inprocess.notes:
            print()
            print("\n".join(f"note: {note}" for note in inprocess.notes))
    from bench import suite  # the other parts and the report; imported only now

    outcome = suite.run_parts(parts, args, inprocess, _progress)
    if not args.no_results:
        text = suite.results_markdown(command, environment(_REPO), args, outcome)
        args.results.write_text(text, "utf-8")
        _progress(f"wrote {args.results}")
    return 1 if outcome.failed else 0

"""``python -m bench --all``: the parts after the in-process one, and the one report.

The in-process part runs in :mod:`bench.runner`; this module runs the callgrind,
loopback and memory parts (each only if its tool is present, otherwise the report
says why not), checks the issue's targets (:mod:`bench.goals`), draws the chart
(:mod:`bench.chart`) and writes ``RESULTS.md`` with every table of the run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench import callgrind, chart, goals, loopback, memory
from bench.loopback import LoopbackResults, Progress
from bench.memory import MemoryResult

if TYPE_CHECKING:
    from bench.runner import InProcess

__all__ = ["Outcome", "results_markdown", "run_parts"]

_PART_ERRORS = (RuntimeError, ValueError, OSError, subprocess.SubprocessError)


@dataclass
class Outcome:
    """Everything one run measured; a part that did not run stays None."""

    parts: list[str]
    routes: list[str]
    inprocess: InProcess | None = None
    instructions: dict[str, dict[str, float]] | None = None
    loopback: LoopbackResults | None = None
    memory: list[MemoryResult] | None = None
    settings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: bool = False


def run_parts(
    parts: list[str],
    args: argparse.Namespace,
    inprocess: InProcess | None,
    progress: Progress,
) -> Outcome:
    """Run the selected parts after the in-process one; failures become notes."""
    outcome = Outcome(parts, list(args.routes), inprocess)
    if inprocess is not None:
        outcome.failed = inprocess.failed
    if "callgrind" in parts:
        _callgrind(outcome, args, progress)
    wrk_problem = loopback.check_tools() if {"loopback", "memory"} & set(parts) else None
    settings = loopback.WrkSettings(duration=args.loopback_duration)
    if "loopback" in parts:
        if wrk_problem:
            outcome.notes.append(f"loopback: not run: {wrk_problem}")
        else:
            _loopback(outcome, args, settings, progress)
    if "memory" in parts:
        if wrk_problem:
            outcome.notes.append(f"memory: not run: {wrk_problem}")
        else:
            _memory(outcome, args, settings, progress)
    return outcome


def _callgrind(outcome: Outcome, args: argparse.Namespace, progress: Progress) -> None:
    if shutil.which("valgrind") is None:
        outcome.notes.append("callgrind: not run: valgrind is not installed")
        return
    targets = [t for t in callgrind.DEFAULT_TARGETS if t in args.targets]
    try:
        outcome.instructions = callgrind.measure(
            targets, outcome.routes, args.callgrind_requests, progress=progress
        )
    except _PART_ERRORS as exc:
        outcome.notes.append(f"FAILED callgrind: {exc}")
        outcome.failed = True
        return
    outcome.settings.append(
        f"callgrind: batches of N={args.callgrind_requests} and 2N requests per route;"
        " instructions per request = (Ir(2N) − Ir(N)) / N."
    )


def _loopback(
    outcome: Outcome, args: argparse.Namespace, settings: loopback.WrkSettings, progress: Progress
) -> None:
    targets = list(loopback.TARGETS)
    try:
        outcome.loopback = loopback.measure(
            targets, outcome.routes, args.loopback_rounds, settings, progress
        )
    except _PART_ERRORS as exc:
        outcome.notes.append(f"FAILED loopback: {exc}")
        outcome.failed = True
        return
    outcome.notes += [f"loopback: {note}" for note in outcome.loopback.notes]
    outcome.failed |= any(note.startswith("FAILED") for note in outcome.loopback.notes)
    outcome.settings.append(
        f"loopback: each wrk run {settings.describe()}; {args.loopback_rounds} rounds,"
        " targets interleaved; servers pinned to CPU "
        f"{loopback.SERVER_CPU} with taskset; {loopback.versions()}."
    )


def _memory(
    outcome: Outcome, args: argparse.Namespace, settings: loopback.WrkSettings, progress: Progress
) -> None:
    outcome.memory = []
    for target in memory.DEFAULT_TARGETS:
        try:
            outcome.memory += memory.measure([target], args.memory_requests, settings, progress)
        except _PART_ERRORS as exc:
            outcome.notes.append(f"FAILED memory, {target}: {exc}")
            outcome.failed = True
    outcome.notes += [f"memory, {m.target}: {m.errors}" for m in outcome.memory if m.errors]
    outcome.settings.append(
        f"memory: VmRSS of the server's process tree after start-up and a warm-up, and"
        f" again after at least {args.memory_requests:,} requests of the mixed load"
        " (every route in turn)."
    )


def _demote(lines: list[str]) -> list[str]:
    """Turn the in-process tables' ``##`` headings into ``###`` under their section."""
    return ["#" + line if line.startswith("## ") else line for line in lines]


def results_markdown(
    command: str, env: list[tuple[str, str]], args: argparse.Namespace, outcome: Outcome
) -> str:
    """The whole RESULTS.md: how and where it ran, the targets, the chart, every table."""
    png = args.results.parent / "results.png"
    inprocess_stats = outcome.inprocess.stats if outcome.inprocess else None
    skipped = chart.draw(png, inprocess_stats, outcome.loopback, "bare", loopback.FLOOR)
    checks = goals.evaluate(
        outcome.routes, inprocess_stats, outcome.loopback, outcome.memory, outcome.instructions
    )
    lines = [
        "# Benchmark results",
        "",
        "Generated by the command below; `bench/README.md` explains the method.",
        "Compare ratios within this run, not absolute numbers across runs or machines.",
        "",
        "Command (from the repository root):",
        "",
        "```",
        command,
        "```",
        "",
        f"Parts run: {', '.join(outcome.parts)}.",
        "",
    ]
    settings = outcome.settings
    if outcome.inprocess is not None:
        settings = [f"in-process: {outcome.inprocess.settings}", *settings]
    lines += [*[f"- {line}" for line in settings], ""]
    lines += [*[f"- **{label}**: {value}" for label, value in env], ""]
    lines += [
        "## Targets (issue 11)",
        "",
        "Ratios of medians from this run (the ratio of the minimums in parentheses where"
        " there is one). \"not measured\": the part did not run or the target was not selected.",
        "",
        *goals.goals_table(checks),
        "",
        "## Chart",
        "",
    ]
    if skipped is None:
        lines += [
            "Per route, each framework's cost relative to the floor (lower is better).",
            "",
            f"![cost relative to the floor]({png.name})",
            "",
        ]
    else:
        lines += [f"Chart skipped: {skipped}.", ""]
    if outcome.inprocess is not None:
        lines += ["## In-process (µs per request)", "", *_demote(outcome.inprocess.lines)]
    if outcome.instructions:
        lines += [
            "## Instructions per request (callgrind)",
            "",
            *callgrind.table(outcome.instructions, outcome.routes, "starlette"),
            "",
        ]
    if outcome.loopback is not None:
        lines += ["## Loopback (wrk)", "", *loopback.tables(outcome.loopback)]
    if outcome.memory:
        lines += ["## Memory (RSS)", "", *memory.table(outcome.memory), ""]
    notes = (outcome.inprocess.notes if outcome.inprocess else []) + outcome.notes
    while lines[-1] == "":
        lines.pop()
    if notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"

"""Turn per-batch timings into tables, and record the machine they were measured on."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "Stats",
    "comparison_table",
    "environment",
    "markdown_table",
    "noisy",
    "route_table",
]

_PACKAGES = ("veloce", "flask", "werkzeug", "starlette", "quart", "orjson")
_QUIET: dict[str, Any] = {"capture_output": True, "text": True, "timeout": 10, "check": False}


@dataclass(frozen=True)
class Stats:
    """µs per request of one target on one route, over all timed rounds."""

    median: float
    minimum: float
    rounds: int

    @classmethod
    def of(cls, samples: list[float]) -> Stats:
        return cls(statistics.median(samples), min(samples), len(samples))


def markdown_table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    """A Markdown table padded to line up in a terminal too; ``align`` is "l"/"r" per column."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = [
        "-" * (w + 1) + ":" if side == "r" else "-" * (w + 2)
        for w, side in zip(widths, align, strict=True)
    ]
    return [line(header), "|" + "|".join(rule) + "|", *[line(row) for row in rows]]


def route_table(stats: dict[str, Stats], floor: str) -> list[str]:
    """One route: each target's median and min µs/request and its multiple of the floor."""
    base = stats[floor]
    rows = []
    for name, s in stats.items():
        rows.append(
            [
                name,
                f"{s.median:.2f}",
                f"{s.minimum:.2f}",
                f"{s.median / base.median:.2f}×",
                f"{s.minimum / base.minimum:.2f}×",
                f"{s.median - base.median:+.2f}" if name != floor else "",
                f"{s.median / s.minimum:.2f}",
            ]
        )
    header = [
        "target", "median µs", "min µs", "× floor", "× floor (min)", "µs over floor", "median/min"
    ]
    return markdown_table(header, rows, "lrrrrrr")


def comparison_table(stats: dict[str, Stats], ours: list[str], others: list[str]) -> list[str]:
    """Each Veloce target against each other framework: other median / Veloce median.

    Above 1 means Veloce answers faster (2.00× = half the time per request). The same
    ratio of the minimums follows in parentheses: on a busy machine it is the steadier one.
    """
    ours = [name for name in ours if name in stats]
    others = [name for name in others if name in stats]
    if not ours or not others:
        return []
    rows = [
        [mine]
        + [
            f"{stats[other].median / stats[mine].median:.2f}×"
            f" ({stats[other].minimum / stats[mine].minimum:.2f}×)"
            for other in others
        ]
        for mine in ours
    ]
    header = ["Veloce target", *[f"vs {o}" for o in others]]
    return markdown_table(header, rows, "l" + "r" * len(others))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_revision(repo: Path) -> str:
    """The checked-out commit plus a dirty marker, read-only; "unknown" without git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=repo, **_QUIET
        )
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
            cwd=repo,
            **_QUIET,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    revision = head.stdout.strip() if head.returncode == 0 else "no commit yet"
    if dirty.returncode == 0 and dirty.stdout.strip():
        revision += " (with uncommitted changes)"
    return revision


def _load_average() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def noisy(stats: dict[str, Stats], threshold: float = 1.15) -> list[str]:
    """Targets whose median is well above their minimum: the machine was busy meanwhile."""
    return [name for name, s in stats.items() if s.median > s.minimum * threshold]


def environment(repo: Path) -> list[tuple[str, str]]:
    """The facts needed to reproduce or compare a run, as (label, value) pairs."""
    versions = []
    for package in _PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("machine", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("cpu", f"{_cpu_model()}, {os.cpu_count()} logical CPUs"),
        # Pinning matters: a sync view's hand-off to a worker thread costs far more when
        # the two threads wake each other across CPUs (run under `taskset -c 0` to pin).
        ("cpu affinity", ", ".join(str(c) for c in sorted(os.sched_getaffinity(0)))),
        (
            "python",
            f"{platform.python_implementation()} {sys.version.split()[0]}"
            f" ({platform.python_compiler()})",
        ),
        ("packages", ", ".join(versions)),
        ("veloce revision", _git_revision(repo)),
        ("load average at the end (1, 5, 15 min)", _load_average()),
    ]

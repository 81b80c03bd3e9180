"""The performance targets of issue 11, checked against one run's measurements.

Each target is a ratio with a bound. The checks are pure functions of the measured
numbers, so the same run that produced the tables also says met or missed; a part
that did not run (no ``wrk``, no ``valgrind``, skipped by option) leaves its targets
"not measured" rather than silently passing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.report import markdown_table

if TYPE_CHECKING:
    from bench.loopback import LoopbackResults
    from bench.memory import MemoryResult
    from bench.report import Stats

__all__ = ["Check", "evaluate", "goals_table"]

_SERVER_NAMES = {"uvicorn": "uvicorn", "builtin": "its built-in server"}


@dataclass(frozen=True)
class Check:
    """One target on one route (or server): its measured ratio and whether it is met."""

    goal: str
    where: str
    ratio: float | None
    bound: str
    met: bool | None
    detail: str = ""

    def cell(self) -> str:
        if self.ratio is None or self.met is None:
            return "not measured"
        mark = "met" if self.met else "**missed**"
        return f"{self.ratio:.2f}× {mark}" + (f" ({self.detail})" if self.detail else "")


def _ratio_checks(
    goal: str,
    bound: str,
    stats: dict[str, dict[str, Stats]] | None,
    routes: list[str],
    ratio: Callable[[dict[str, Stats]], tuple[float, float] | None],
    ok: Callable[[float], bool],
) -> list[Check]:
    checks = []
    for route in routes:
        pair = ratio(stats[route]) if stats and route in stats else None
        if pair is None:
            checks.append(Check(goal, route, None, bound, None))
        else:
            median, minimum = pair
            checks.append(Check(goal, route, median, bound, ok(median), f"min {minimum:.2f}×"))
    return checks


def _over(a: str, b: str) -> Callable[[dict[str, Stats]], tuple[float, float] | None]:
    """Time of ``a`` divided by time of ``b`` (medians, mins), if both were measured."""

    def ratio(per_target: dict[str, Stats]) -> tuple[float, float] | None:
        if a not in per_target or b not in per_target:
            return None
        x, y = per_target[a], per_target[b]
        return x.median / y.median, x.minimum / y.minimum

    return ratio


def evaluate(
    routes: list[str],
    inprocess: dict[str, dict[str, Stats]] | None,
    loopback: LoopbackResults | None,
    memory: list[MemoryResult] | None,
    instructions: dict[str, dict[str, float]] | None,
) -> list[Check]:
    """Every target of the issue, per route, with the measured ratio."""
    checks = []
    checks += _ratio_checks(
        "in-process, async views: Veloce time ÷ Starlette time", "≤ 1.00",
        inprocess, routes, _over("veloce-async", "starlette"), lambda r: r <= 1.0,
    )  # fmt: skip
    checks += _ratio_checks(
        "in-process, async views: Flask time ÷ Veloce time", "≥ 5",
        inprocess, routes, _over("flask", "veloce-async"), lambda r: r >= 5.0,
    )  # fmt: skip
    checks += _ratio_checks(
        "in-process, async views: Quart time ÷ Veloce time", "≥ 10",
        inprocess, routes, _over("quart", "veloce-async"), lambda r: r >= 10.0,
    )  # fmt: skip
    checks += _ratio_checks(
        "in-process, the Flask code unchanged: Flask time ÷ Veloce (sync views) time", "≥ 2",
        inprocess, routes, _over("flask", "veloce-sync"), lambda r: r >= 2.0,
    )  # fmt: skip
    for route in routes:
        value = None
        if instructions and {"veloce-async", "starlette"} <= set(instructions):
            value = instructions["veloce-async"][route] / instructions["starlette"][route]
        checks.append(
            Check(
                "(supplementary) instructions per request: Veloce async ÷ Starlette",
                route, value, "≤ 1.00", None if value is None else value <= 1.0,
            )
        )  # fmt: skip
    for route in routes:
        goal = "loopback: requests/s, Veloce on uvicorn ÷ the bare app on uvicorn"
        checks.append(_loopback(goal, loopback, route, ("uvicorn", "bare"), "≥ 0.80"))
    for route in routes:
        goal = "loopback: requests/s, Veloce's built-in server ÷ Veloce on uvicorn"
        checks.append(_loopback(goal, loopback, route, ("builtin", "uvicorn"), "> 1.00"))
    for target in ("uvicorn", "builtin"):
        found = [m for m in memory or [] if m.target == target]
        goal = "memory: RSS growth over the load, Veloce on " + _SERVER_NAMES[target]
        if not found:
            checks.append(Check(goal, target, None, "< 5%", None))
            continue
        result = found[0]
        growth = result.growth
        checks.append(
            Check(
                goal, f"{result.requests:,} requests", 1 + growth, "< 1.05",
                growth < 0.05, f"{growth * 100:+.1f}%",
            )
        )  # fmt: skip
    return checks


def _loopback(
    goal: str, results: LoopbackResults | None, route: str, pair: tuple[str, str], bound: str
) -> Check:
    """``pair[0]`` requests/s ÷ ``pair[1]`` requests/s against ``bound`` ("≥ x" or "> x")."""
    ours, base = pair
    if results is None or route not in results.routes or not {ours, base} <= set(results.targets):
        return Check(goal, route, None, bound, None)
    ratio = results.rps(ours, route) / results.rps(base, route)
    limit = float(bound.split()[1])
    met = ratio >= limit if bound.startswith("≥") else ratio > limit
    return Check(goal, route, ratio, bound, met)


def goals_table(checks: list[Check]) -> list[str]:
    """One row per target; the measured ratio and met/missed per route (or server)."""
    rows = [[c.goal, c.where, c.bound, c.cell()] for c in checks]
    return markdown_table(["target", "route", "bound", "measured (median; min)"], rows, "llll")

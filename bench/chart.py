"""The PNG chart of RESULTS.md: per route, each framework's cost as a multiple of the floor.

matplotlib is optional (the ``bench-chart`` extra) and imported only here, only when a
chart is drawn; without it the report says the chart was skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.loopback import LoopbackResults
    from bench.report import Stats

__all__ = ["draw"]


def draw(
    path: Path,
    inprocess: dict[str, dict[str, Stats]] | None,
    loopback: LoopbackResults | None,
    floor: str,
    loopback_floor: str,
) -> str | None:
    """Write the chart to ``path``; return why it was skipped, or None when written.

    Left: in-process time per request ÷ the floor's (lower is better, log scale).
    Right, when the loopback part ran: the floor's requests/s ÷ each server's, so that
    it reads the same way (cost relative to the floor, lower is better).
    """
    if not inprocess and loopback is None:
        return "nothing measured to chart"
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install -e '.[bench-chart]')"
    panels = []
    if inprocess:
        routes = list(inprocess)
        targets = [t for t in next(iter(inprocess.values())) if t != floor]
        values = {
            t: [inprocess[r][t].median / inprocess[r][floor].median for r in routes]
            for t in targets
        }
        panels.append(("in-process: time per request ÷ bare ASGI", routes, values))
    if loopback is not None:
        routes = loopback.routes
        targets = [t for t in loopback.targets if t != loopback_floor]
        values = {
            t: [loopback.rps(loopback_floor, r) / loopback.rps(t, r) for r in routes]
            for t in targets
        }
        panels.append(("loopback: bare-on-uvicorn req/s ÷ target req/s", routes, values))
    figure, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), 4.5), squeeze=False)
    for axis, (title, routes, values) in zip(axes[0], panels, strict=True):
        width = 0.8 / max(len(values), 1)
        for index, (target, heights) in enumerate(values.items()):
            offsets = [r + (index - (len(values) - 1) / 2) * width for r in range(len(routes))]
            axis.bar(offsets, heights, width, label=target)
        axis.set_yscale("log")
        axis.axhline(1.0, color="black", linewidth=0.8)
        axis.set_xticks(range(len(routes)), routes)
        axis.set_ylabel("× the floor (lower is better)")
        axis.set_title(title)
        axis.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return None

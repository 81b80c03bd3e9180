"""A stand-in forecast service: slow on purpose, and it counts calls in flight.

``create_stub(delay)`` returns an ASGI app answering ``GET /forecast/<city>`` after
``delay`` seconds. ``stub.extensions["stats"]`` records how many calls were in flight
at once (``peak``), which is how the tests see concurrency without timing anything.
With ``gather_at=N`` each call also waits (up to ``hold`` seconds) until N calls are
in flight, so N concurrent callers reliably overlap however slow the machine is, and
callers that are not concurrent show up as a peak below N.
``Atlantis`` answers 404; ``Slowtown`` takes ten times longer (to trip timeouts).
"""

from __future__ import annotations

import asyncio
import dataclasses

from veloce import Veloce, abort


@dataclasses.dataclass
class Stats:
    calls: int = 0
    in_flight: int = 0
    peak: int = 0


def create_stub(delay: float = 0.2, gather_at: int | None = None, hold: float = 5.0) -> Veloce:
    stub = Veloce(__name__)
    stats = Stats()
    stub.extensions["stats"] = stats
    everyone_in = asyncio.Event()

    @stub.get("/forecast/<city>")
    async def forecast(city: str):
        if city == "Atlantis":
            abort(404)
        stats.calls += 1
        stats.in_flight += 1
        stats.peak = max(stats.peak, stats.in_flight)
        try:
            if gather_at is not None:
                if stats.in_flight >= gather_at:
                    everyone_in.set()
                try:
                    await asyncio.wait_for(everyone_in.wait(), hold)
                except asyncio.TimeoutError:
                    pass  # not concurrent after all: the peak tells the test
            await asyncio.sleep(delay * (10 if city == "Slowtown" else 1))
        finally:
            stats.in_flight -= 1
        return {"city": city, "sky": "clear" if len(city) % 2 else "rain", "high": 20}

    return stub


app = create_stub()

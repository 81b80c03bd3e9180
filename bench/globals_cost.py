"""What Flask's request globals cost on Veloce: ``/plain`` vs ``/ctx``, same app.

``/ctx`` is the Flask idiom: a ``before_request`` hook sets ``g.user`` and the view
returns ``g.user + request.args.get("a")``. ``/plain`` returns a constant. Both are
measured with sync views (Flask code as is) and with async views, interleaved round by
round in one process; the difference is the price of the hook plus the globals.

    python -m bench.globals_cost [--rounds 15] [--batch 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from bench.drivers import AsgiDriver, BenchError, HttpRequest
from veloce import Veloce, g, request


def build(asynchronous: bool) -> Veloce:
    """One app with both routes; views and hook sync or async."""
    app = Veloce(__name__)

    if asynchronous:

        @app.before_request
        async def load_user():
            if request.endpoint == "ctx":
                g.user = "ann"

        @app.route("/plain")
        async def plain():
            return "ann-x"

        @app.route("/ctx")
        async def ctx():
            return g.user + "-" + request.args.get("a")

    else:

        @app.before_request
        def load_user():
            if request.endpoint == "ctx":
                g.user = "ann"

        @app.route("/plain")
        def plain():
            return "ann-x"

        @app.route("/ctx")
        def ctx():
            return g.user + "-" + request.args.get("a")

    return app


async def measure(rounds: int, batch: int) -> dict[str, list[float]]:
    targets = {
        "sync": AsgiDriver("veloce-sync", build(False)),
        "async": AsgiDriver("veloce-async", build(True)),
    }
    for driver in targets.values():
        await driver.start()
        for path in ("/plain", "/ctx?a=x"):
            reply = await driver.request(HttpRequest("GET", path))
            if reply.status != 200 or reply.body != b"ann-x":
                raise BenchError(f"{driver.name}: GET {path} answered wrongly: {reply}")
    results: dict[str, list[float]] = {}
    for _ in range(rounds):
        for kind, driver in targets.items():
            for name, path in (("plain", "/plain"), ("ctx", "/ctx?a=x")):
                elapsed = await driver.batch(HttpRequest("GET", path), batch)
                results.setdefault(f"{kind} {name}", []).append(elapsed / batch / 1000)
    for driver in targets.values():
        await driver.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=2000)
    args = parser.parse_args()
    results = asyncio.run(measure(args.rounds, args.batch))
    print(f"{'route':<14}{'median µs':>12}{'min µs':>10}")
    for name, samples in results.items():
        print(f"{name:<14}{statistics.median(samples):>12.2f}{min(samples):>10.2f}")
    for kind in ("sync", "async"):
        extra = min(results[f"{kind} ctx"]) - min(results[f"{kind} plain"])
        print(f"{kind}: hook + g + request.args cost {extra:+.2f} µs per request (min)")


if __name__ == "__main__":
    main()

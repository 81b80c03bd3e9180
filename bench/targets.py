"""What is benchmarked: the routes, the targets, and how to load and check each target."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any

from bench.drivers import AsgiDriver, BenchError, Reply, WsgiDriver

__all__ = [
    "FLOOR",
    "ROUTES",
    "TARGETS",
    "Route",
    "Target",
    "load",
    "verify",
]


@dataclass(frozen=True)
class Route:
    """One benchmarked request and the answer every target must give to it."""

    name: str
    path: str
    text: str | None = None
    json: Any = None

    def check(self, reply: Reply) -> str | None:
        """Return why ``reply`` is wrong for this route, or None when it is right."""
        if reply.status != 200:
            return f"status {reply.status}, body {reply.body[:200]!r}"
        if self.text is not None:
            if reply.body != self.text.encode():
                return f"body {reply.body[:200]!r}, expected {self.text!r}"
            return None
        content_type = reply.header(b"content-type") or b""
        if not content_type.startswith(b"application/json"):
            return f"content-type {content_type!r}, expected application/json"
        try:
            value = json.loads(reply.body)
        except ValueError:
            return f"body {reply.body[:200]!r} is not JSON"
        if value != self.json:
            return f"JSON {value!r}, expected {self.json!r}"
        return None


ROUTES: dict[str, Route] = {
    route.name: route
    for route in (
        Route("plaintext", "/", text="Hello, World!"),
        Route("json", "/json", json={"message": "Hello, World!"}),
        Route("user", "/users/42", json={"id": 42}),
    )
}


@dataclass(frozen=True)
class Target:
    """One framework build of the benchmark app: its module and interface."""

    name: str
    module: str
    interface: str  # "asgi" or "wsgi"
    description: str


FLOOR = "bare"

TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        Target(FLOOR, "bench.apps.bare_asgi", "asgi", "bare ASGI callable (the floor)"),
        Target("starlette", "bench.apps.starlette_app", "asgi", "Starlette, async endpoints"),
        Target("flask", "bench.apps.flask_app", "wsgi", "Flask, sync views, via wsgi_app"),
        Target("quart", "bench.apps.quart_app", "asgi", "Quart, async views"),
        Target("veloce-sync", "bench.apps.veloce_sync", "asgi", "Veloce, Flask-style sync views"),
        Target("veloce-async", "bench.apps.veloce_async", "asgi", "Veloce, async views"),
    )
}


def load(target: Target) -> AsgiDriver | WsgiDriver:
    """Import the target's app and wrap it in its driver.

    Raises:
        ImportError: the framework (or the Veloce API the app uses) is not available;
            the caller reports the target as skipped.
    """
    module = importlib.import_module(target.module)
    app = module.app
    if target.interface == "wsgi":
        return WsgiDriver(target.name, app)
    return AsgiDriver(target.name, app)


async def verify(driver: AsgiDriver | WsgiDriver, routes: list[Route]) -> None:
    """Make each request once and check the answer before anything is timed.

    Raises:
        BenchError: naming the target, the route and what was wrong.
    """
    for route in routes:
        try:
            reply = await driver.request(route.path)
        except BenchError:
            raise
        except Exception as exc:
            raise BenchError(
                f"{driver.name}: GET {route.path} raised {type(exc).__name__}: {exc}"
            ) from exc
        problem = route.check(reply)
        if problem is not None:
            raise BenchError(f"{driver.name}: GET {route.path} answered wrongly: {problem}")

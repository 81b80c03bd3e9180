"""What is benchmarked: the routes, the targets, and how to load and check each target."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any

import jinja2

from bench.apps.common import CTX_USER, ITEMS, TEMPLATE, TEMPLATE_DIR, TITLE
from bench.drivers import AsgiDriver, BenchError, HttpRequest, Reply, WsgiDriver

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
    """One benchmarked request and the answer every target must give to it.

    A text answer is compared byte for byte (with the content type's prefix when
    ``content_type`` is given); a JSON answer is parsed and compared by value, since
    serializers differ in whitespace.
    """

    name: str
    request: HttpRequest
    text: str | None = None
    json: Any = None
    content_type: str | None = None

    @property
    def path(self) -> str:
        """The request target (path and query), as the tables show it."""
        return self.request.target

    def check(self, reply: Reply) -> str | None:
        """Return why ``reply`` is wrong for this route, or None when it is right."""
        if reply.status != 200:
            return f"status {reply.status}, body {reply.body[:200]!r}"
        if self.text is not None:
            if reply.body != self.text.encode():
                return f"body {reply.body[:200]!r}, expected {self.text!r}"
            content_type = reply.header(b"content-type") or b""
            if self.content_type and not content_type.startswith(self.content_type.encode()):
                return f"content-type {content_type!r}, expected {self.content_type}"
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


def _reference_page() -> str:
    """The template page as plain Jinja renders it: what every target must send."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
    return env.get_template(TEMPLATE).render(title=TITLE, items=ITEMS)


_FORM_BODY = b"name=ann&email=ann%40example.com&age=33&city=Paris&plan=pro"
_FORM_TYPE = "application/x-www-form-urlencoded"

ROUTES: dict[str, Route] = {
    route.name: route
    for route in (
        Route("plaintext", HttpRequest("GET", "/"), text="Hello, World!"),
        Route("json", HttpRequest("GET", "/json"), json={"message": "Hello, World!"}),
        Route("user", HttpRequest("GET", "/users/42?q=x"), json={"id": 42, "q": "x"}),
        Route("ctx", HttpRequest("GET", "/ctx?a=x"), text=CTX_USER + "x"),
        Route(
            "template",
            HttpRequest("GET", "/template"),
            text=_reference_page(),
            content_type="text/html",
        ),
        Route(
            "form",
            HttpRequest("POST", "/form", _FORM_BODY, _FORM_TYPE),
            json={"name": "ann", "email": "ann@example.com"},
        ),
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
        Target(
            "veloce-nonblocking",
            "bench.apps.veloce_nonblocking",
            "asgi",
            "Veloce, the sync views marked @nonblocking (opt-in: run on the loop)",
        ),
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
            reply = await driver.request(route.request)
        except BenchError:
            raise
        except Exception as exc:
            raise BenchError(
                f"{driver.name}: {route.request} raised {type(exc).__name__}: {exc}"
            ) from exc
        problem = route.check(reply)
        if problem is not None:
            raise BenchError(f"{driver.name}: {route.request} answered wrongly: {problem}")

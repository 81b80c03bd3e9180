"""The benchmark app in idiomatic Starlette (async endpoints, a route list).

``/ctx``: Starlette has no blueprint hooks or ``g``. Its equivalent of a blueprint's
``before_request`` is a pure ASGI middleware on a ``Mount`` that groups the routes it
applies to, writing the user into the request's state (``request.state.user``). That
is the same structure as Flask's (a hook scoped to a group of routes, a per-request
namespace), and a pure ASGI middleware is Starlette's cheapest way to run code before
a group of endpoints. The mount has an empty prefix, so it comes last in the list.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.templating import Jinja2Templates

from bench.apps.common import CTX_USER, ITEMS, TEMPLATE, TEMPLATE_DIR, TITLE

__all__ = ["app"]

templates = Jinja2Templates(directory=TEMPLATE_DIR)


async def index(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, World!")


async def json_message(request: Request) -> JSONResponse:
    return JSONResponse({"message": "Hello, World!"})


async def user(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["id"], "q": request.query_params.get("q")})


async def template(request: Request) -> Response:
    return templates.TemplateResponse(request, TEMPLATE, {"title": TITLE, "items": ITEMS})


async def form(request: Request) -> JSONResponse:
    data = await request.form()
    return JSONResponse({"name": data["name"], "email": data["email"]})


class LoadUser:
    """The ``before_request`` of the ``/ctx`` group: sets ``request.state.user``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["user"] = CTX_USER
        await self.app(scope, receive, send)


async def show_user(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.state.user + request.query_params.get("a"))


app = Starlette(
    routes=[
        Route("/", index),
        Route("/json", json_message),
        Route("/users/{id:int}", user),
        Route("/template", template),
        Route("/form", form, methods=["POST"]),
        Mount("", routes=[Route("/ctx", show_user)], middleware=[Middleware(LoadUser)]),
    ]
)

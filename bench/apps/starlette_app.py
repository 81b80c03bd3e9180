"""The benchmark app in idiomatic Starlette (async endpoints, a route list)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

__all__ = ["app"]


async def index(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, World!")


async def json_message(request: Request) -> JSONResponse:
    return JSONResponse({"message": "Hello, World!"})


async def user(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["id"]})


app = Starlette(
    routes=[
        Route("/", index),
        Route("/json", json_message),
        Route("/users/{id:int}", user),
    ]
)

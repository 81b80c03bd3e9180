"""The benchmark app in Quart (Flask's API on asyncio, so async views)."""

from __future__ import annotations

from quart import Quart

__all__ = ["app"]

app = Quart(__name__)


@app.route("/")
async def index() -> str:
    return "Hello, World!"


@app.route("/json")
async def json_message() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.route("/users/<int:id>")
async def user(id: int) -> dict[str, int]:
    return {"id": id}

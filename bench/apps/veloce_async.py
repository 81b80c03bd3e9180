"""The benchmark app in Veloce with ``async def`` views (the native fast path)."""

from __future__ import annotations

from veloce import Veloce

__all__ = ["app"]

app = Veloce(__name__)


@app.route("/")
async def index() -> str:
    return "Hello, World!"


@app.route("/json")
async def json_message() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.route("/users/<int:id>")
async def user(id: int) -> dict[str, int]:
    return {"id": id}

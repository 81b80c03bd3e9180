"""The benchmark app in Quart (Flask's API on asyncio, so async views)."""

from __future__ import annotations

from quart import Blueprint, Quart, g, render_template, request

from bench.apps.common import CTX_USER, ITEMS, TITLE

__all__ = ["app"]

app = Quart(__name__)
ctx = Blueprint("ctx", __name__)


@app.route("/")
async def index() -> str:
    return "Hello, World!"


@app.route("/json")
async def json_message() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.route("/users/<int:id>")
async def user(id: int) -> dict[str, object]:
    return {"id": id, "q": request.args.get("q")}


@app.route("/template")
async def template() -> str:
    return await render_template("items.html", title=TITLE, items=ITEMS)


@app.post("/form")
async def form() -> dict[str, str]:
    data = await request.form
    return {"name": data["name"], "email": data["email"]}


@ctx.before_request
async def load_user() -> None:
    g.user = CTX_USER


@ctx.route("/ctx")
async def show_user() -> str:
    return g.user + request.args.get("a")


app.register_blueprint(ctx)

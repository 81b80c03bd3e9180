"""The benchmark app in Veloce with ``async def`` views and hook (the native fast path).

The same code as ``veloce_sync`` with every view and the hook declared ``async``.
"""

from __future__ import annotations

from bench.apps.common import CTX_USER, ITEMS, TITLE
from veloce import Blueprint, Veloce, g, render_template, request

__all__ = ["app"]

app = Veloce(__name__)
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
    return render_template("items.html", title=TITLE, items=ITEMS)


@app.post("/form")
async def form() -> dict[str, str]:
    return {"name": request.form["name"], "email": request.form["email"]}


@ctx.before_request
async def load_user() -> None:
    g.user = CTX_USER


@ctx.route("/ctx")
async def show_user() -> str:
    return g.user + request.args.get("a")


app.register_blueprint(ctx)

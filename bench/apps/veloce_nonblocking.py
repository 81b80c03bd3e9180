"""The Flask-style sync app again, each view and the hook marked ``@nonblocking``.

The documented opt-in for sync code that never blocks: Veloce then calls it on the
event loop instead of handing the request to a worker thread. Compare with
``veloce_sync`` (same code, no marks) for the cost of that hand-off, and with
``veloce_async`` (the same views as ``async def``).
"""

from __future__ import annotations

from bench.apps.common import CTX_USER, ITEMS, TITLE
from veloce import Blueprint, Veloce, g, nonblocking, render_template, request

__all__ = ["app"]

app = Veloce(__name__)
ctx = Blueprint("ctx", __name__)


@app.route("/")
@nonblocking
def index() -> str:
    return "Hello, World!"


@app.route("/json")
@nonblocking
def json_message() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.route("/users/<int:id>")
@nonblocking
def user(id: int) -> dict[str, object]:
    return {"id": id, "q": request.args.get("q")}


@app.route("/template")
@nonblocking
def template() -> str:
    return render_template("items.html", title=TITLE, items=ITEMS)


@app.post("/form")
@nonblocking
def form() -> dict[str, str]:
    return {"name": request.form["name"], "email": request.form["email"]}


@ctx.before_request
@nonblocking
def load_user() -> None:
    g.user = CTX_USER


@ctx.route("/ctx")
@nonblocking
def show_user() -> str:
    return g.user + request.args.get("a")


app.register_blueprint(ctx)

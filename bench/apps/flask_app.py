"""The benchmark app in plain Flask (sync views; the harness calls ``app.wsgi_app``)."""

from __future__ import annotations

from flask import Blueprint, Flask, g, render_template, request

from bench.apps.common import CTX_USER, ITEMS, TITLE

__all__ = ["app"]

app = Flask(__name__)
ctx = Blueprint("ctx", __name__)


@app.route("/")
def index() -> str:
    return "Hello, World!"


@app.route("/json")
def json_message() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.route("/users/<int:id>")
def user(id: int) -> dict[str, object]:
    return {"id": id, "q": request.args.get("q")}


@app.route("/template")
def template() -> str:
    return render_template("items.html", title=TITLE, items=ITEMS)


@app.post("/form")
def form() -> dict[str, str]:
    return {"name": request.form["name"], "email": request.form["email"]}


@ctx.before_request
def load_user() -> None:
    g.user = CTX_USER


@ctx.route("/ctx")
def show_user() -> str:
    return g.user + request.args.get("a")


app.register_blueprint(ctx)

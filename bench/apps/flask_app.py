"""The benchmark app in plain Flask (sync views; the harness calls ``app.wsgi_app``)."""

from __future__ import annotations

from flask import Flask

__all__ = ["app"]

app = Flask(__name__)


@app.route("/")
def index() -> str:
    return "Hello, World!"


@app.route("/json")
def json_message() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.route("/users/<int:id>")
def user(id: int) -> dict[str, int]:
    return {"id": id}

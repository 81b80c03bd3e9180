"""The benchmark app in Veloce with sync views, written exactly as the Flask app is.

This is the migration case: unchanged Flask view code on Veloce. Compare it with
``flask_app`` for the "drop-in" speedup and with ``veloce_async`` for the cost of
running sync views off the event loop.
"""

from __future__ import annotations

from veloce import Veloce

__all__ = ["app"]

app = Veloce(__name__)


@app.route("/")
def index() -> str:
    return "Hello, World!"


@app.route("/json")
def json_message() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.route("/users/<int:id>")
def user(id: int) -> dict[str, int]:
    return {"id": id}

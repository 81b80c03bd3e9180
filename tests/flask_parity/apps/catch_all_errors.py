"""A catch-all ``errorhandler(Exception)``: it also receives HTTP exceptions."""

from __future__ import annotations

from flask import Flask, abort, json, jsonify
from werkzeug.exceptions import HTTPException

app = Flask(__name__)
app.testing = True


@app.errorhandler(Exception)
def handle_everything(e):
    if isinstance(e, HTTPException):
        # The pattern from Flask's docs: keep the exception's response, swap the body.
        response = e.get_response()
        response.data = json.dumps({"kind": "http", "name": e.name, "code": e.code,
                                    "description": e.description})
        response.content_type = "application/json"
        return response
    return jsonify(kind="other", name=type(e).__name__, message=str(e)), 500


@app.route("/value-error")
def value_error():
    raise ValueError("boom")


@app.route("/abort/<int:code>")
def abort_code(code):
    abort(code)


@app.route("/post-only", methods=["POST"])
def post_only():
    return "posted"


@app.route("/slash/")
def slash():
    return "slash"


CASES = [
    {"id": "catches_value_error", "path": "/value-error"},
    {"id": "catches_abort_404", "path": "/abort/404"},
    {"id": "catches_abort_403", "path": "/abort/403"},
    {"id": "catches_routing_404", "path": "/nowhere"},
    {"id": "catches_routing_405", "method": "POST", "path": "/abort/404"},
    {"id": "slash_redirect_not_handled", "path": "/slash"},
]

"""500 handling outside testing mode: the 500 handler and ``original_exception``."""

from __future__ import annotations

import logging

from flask import Flask, abort, jsonify
from werkzeug.exceptions import InternalServerError

app = Flask(__name__)
app.testing = False
app.config["PROPAGATE_EXCEPTIONS"] = False
app.logger.setLevel(logging.CRITICAL)  # the unhandled errors below are expected


@app.errorhandler(500)
def handle_500(e):
    original = e.original_exception
    return jsonify(
        handler_got=type(e).__name__,
        code=e.code,
        description=e.description,
        original=None if original is None else [type(original).__name__, str(original)],
    ), 500


@app.route("/value-error")
def value_error():
    raise ValueError("boom")


@app.route("/zero-division")
def zero_division():
    return str(1 / 0)


@app.route("/abort-500")
def abort_500():
    abort(500)


@app.route("/raise-internal")
def raise_internal():
    raise InternalServerError("explicit description")


@app.route("/none")
def returns_none():
    return None


@app.route("/missing-arg")
def missing_arg():
    from flask import request

    return request.args["nope"]


CASES = [
    {"id": "handler_gets_original_exception", "path": "/value-error"},
    {"id": "handler_gets_original_builtin_error", "path": "/zero-division"},
    {"id": "abort_500_has_no_original", "path": "/abort-500"},
    {"id": "raised_internal_server_error", "path": "/raise-internal"},
    {"id": "view_returning_none_is_500", "path": "/none"},
    {"id": "not_found_unaffected", "path": "/nowhere"},
    {"id": "bad_request_key_error_not_debug", "path": "/missing-arg"},
]

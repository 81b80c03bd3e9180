"""Unhandled exceptions outside testing mode, with no error handlers: the default pages."""

from __future__ import annotations

import logging

from flask import Flask, abort

app = Flask(__name__)
app.logger.setLevel(logging.CRITICAL)  # the unhandled errors below are expected


@app.route("/value-error")
def value_error():
    raise ValueError("boom")


@app.route("/abort-500")
def abort_500():
    abort(500)


@app.route("/type-error")
def type_error():
    return 42


CASES = [
    {"id": "unhandled_exception_500_page", "path": "/value-error"},
    {"id": "abort_500_page", "path": "/abort-500"},
    {"id": "bad_return_type_500_page", "path": "/type-error"},
    {"id": "head_on_failing_view", "method": "HEAD", "path": "/value-error"},
]

"""``open_resource`` and ``open_instance_resource``, as the Flask tutorial's ``init-db`` uses them.

Paths are relative to the app's root (``data/``) and its instance folder; the views
answer with what they read, or with the error Flask raises, caught in the view so the
message itself is compared.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask, current_app

HERE = os.path.dirname(os.path.abspath(__file__))

app = Flask(
    __name__,
    root_path=os.path.join(HERE, "data"),
    instance_path=os.path.join(HERE, "data", "instance"),
)
app.testing = True
bp = Blueprint("bp", __name__, root_path=os.path.join(HERE, "data"))


def _attempt(opener, *args, **kwargs):
    try:
        with opener(*args, **kwargs) as f:
            data = f.read()
    except Exception as e:  # noqa: BLE001 - the error is the answer
        return f"{type(e).__name__}: {e}"
    return data if isinstance(data, str) else data.decode("utf-8")


@app.route("/text")
def text():
    return _attempt(current_app.open_resource, "settings.cfg", "r")


@app.route("/binary")
def binary():
    return _attempt(current_app.open_resource, "settings.json")


@app.route("/encoding")
def encoding():
    return _attempt(current_app.open_resource, "settings.toml", "r", encoding="utf-8")


@app.route("/write-mode")
def write_mode():
    return _attempt(current_app.open_resource, "settings.cfg", "w")


@app.route("/missing")
def missing():
    answer = _attempt(current_app.open_resource, "nope.sql")
    return answer.split(":")[0]  # FileNotFoundError (the message has an absolute path)


@app.route("/instance")
def instance():
    names = sorted(os.listdir(current_app.instance_path))
    return _attempt(current_app.open_instance_resource, names[0]) if names else "empty"


@app.route("/blueprint")
def blueprint():
    return _attempt(bp.open_resource, "settings.cfg")


app.register_blueprint(bp)

CASES = [
    {"id": "text_mode", "path": "/text"},
    {"id": "binary_default", "path": "/binary"},
    {"id": "text_with_encoding", "path": "/encoding"},
    {"id": "write_mode_refused", "path": "/write-mode"},
    {"id": "missing_file", "path": "/missing"},
    {"id": "instance_resource", "path": "/instance"},
    {"id": "blueprint_resource", "path": "/blueprint"},
]

"""Request hooks: before/after/teardown order, short-circuits, g, URL processors."""

from __future__ import annotations

from flask import Flask, after_this_request, g, jsonify, request, url_for

app = Flask(__name__)
app.testing = True

#: What the hooks saw, per request; read back through /log in a later step.
LOG: list[str] = []


@app.before_request
def first_before():
    if request.path == "/log":
        return None
    LOG.clear()
    LOG.append("before1")
    g.seen = ["before1"]
    if request.args.get("stop") == "1":
        return "stopped by before_request", 403
    return None


@app.before_request
def second_before():
    if request.path == "/log":
        return None
    LOG.append("before2")
    g.seen.append("before2")


@app.after_request
def first_after(response):
    if request.path != "/log":
        LOG.append("after1")
        response.headers["X-After1"] = "1"
    return response


@app.after_request
def second_after(response):
    if request.path != "/log":
        LOG.append("after2")
        response.headers["X-Order"] = ",".join(LOG)
    return response


@app.teardown_request
def teardown(exc):
    if request.path != "/log":
        LOG.append(f"teardown:{type(exc).__name__ if exc else None}")


@app.teardown_appcontext
def teardown_app(exc):
    if LOG and not LOG[-1].startswith("teardown_app"):
        LOG.append(f"teardown_app:{type(exc).__name__ if exc else None}")


@app.url_value_preprocessor
def pull_lang(endpoint, values):
    if values and "lang" in values:
        g.lang = values.pop("lang")


@app.url_defaults
def add_lang(endpoint, values):
    if "lang" in values or not getattr(g, "lang", None):
        return
    if app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = g.lang


@app.route("/view")
def view():
    LOG.append("view")
    return jsonify(g=g.seen, has_g_attr="seen" in g, g_get=g.get("missing", "dflt"))


@app.route("/error")
def error():
    LOG.append("view")
    raise ValueError("view failed")


@app.errorhandler(ValueError)
def handle_value_error(e):
    LOG.append("errorhandler")
    return "handled", 500


@app.route("/unhandled")
def unhandled():
    LOG.append("view")
    raise KeyError("nobody handles this")


@app.route("/this-request")
def this_request():
    @after_this_request
    def add_header(response):
        LOG.append("after_this_request")
        response.headers["X-This-Request"] = "yes"
        return response

    return "ok"


@app.route("/replace-response")
def replace_response():
    @after_this_request
    def replace(response):
        return app.response_class("replaced", status=202)

    return "original"


@app.route("/<lang>/page")
def localized(lang=None):
    return jsonify(lang=g.lang, link=url_for("localized"), view_args=request.view_args)


@app.route("/log")
def log():
    return jsonify(LOG)


CASES = [
    {"id": "hook_order_header_and_g", "path": "/view"},
    {"id": "before_request_short_circuit_runs_after", "path": "/view?stop=1"},
    {"id": "full_order_with_teardown", "steps": [{"path": "/view"}, {"path": "/log"}]},
    {"id": "short_circuit_order", "steps": [{"path": "/view?stop=1"}, {"path": "/log"}]},
    {"id": "error_handler_then_after_request", "path": "/error"},
    {"id": "error_handler_order_and_teardown_exc", "steps": [
        {"path": "/error"}, {"path": "/log"}]},
    {"id": "unhandled_error_propagates", "path": "/unhandled"},
    {"id": "unhandled_error_teardown_gets_exc", "steps": [
        {"path": "/unhandled"}, {"path": "/log"}]},
    {"id": "not_found_runs_hooks", "steps": [{"path": "/nowhere"}, {"path": "/log"}]},
    {"id": "after_this_request_header", "path": "/this-request"},
    {"id": "after_this_request_order", "steps": [{"path": "/this-request"}, {"path": "/log"}]},
    {"id": "after_this_request_replaces_response", "path": "/replace-response"},
    {"id": "url_value_preprocessor_and_url_defaults", "path": "/fr/page"},
]

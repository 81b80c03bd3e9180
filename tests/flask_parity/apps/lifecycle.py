"""The request lifecycle in testing mode: hook order, short-circuits, teardown arguments.

Every hook appends what it saw to ``LOG`` (cleared by the first hook of each request);
a later ``/log`` step returns it, so a case compares the whole sequence: URL value
preprocessors, before_request hooks in registration order, the view, the
after_this_request callbacks in registration order, after_request hooks in reverse
registration order, teardown_request and teardown_appcontext (reverse order, with the
exception they were given).

Query arguments steer the hooks: ``stop=<n>`` makes before hook n answer, ``abort=<code>``
aborts in the first before hook, ``raise=<kind>`` raises in the second, ``atr=1``
registers an after_this_request callback in a before hook, ``abort_after=<code>``
aborts in an after hook, ``replace=1`` replaces the response in an after hook,
``after_none=1`` makes the last after hook return None, ``teardown_raise=1`` makes a
teardown callback raise.
"""

from __future__ import annotations

import logging

from flask import Flask, abort, after_this_request, g, jsonify, redirect, request, url_for
from werkzeug.exceptions import HTTPException, NotFound

# Cases that switch testing off log their 500s; keep them off stderr (configured before
# app.logger is first used, so Flask adds no handler of its own).
logging.getLogger(__name__).addHandler(logging.NullHandler())

app = Flask(__name__)
app.testing = True

#: What the hooks saw during the last request (not counting /log itself).
LOG: list[str] = []


def tracking() -> bool:
    return request.path != "/log"


def describe(exc):
    return None if exc is None else f"{type(exc).__name__}:{exc}"


class ViewError(Exception):
    """Handled by an error handler."""


class UnhandledError(Exception):
    """No handler: propagates in testing mode."""


class ReturnsHTTPError(Exception):
    """Its handler returns (not raises) an HTTPException."""


@app.url_value_preprocessor
def preprocess(endpoint, values):
    if not tracking():
        return
    LOG.clear()
    g.tracked = True  # teardown_appcontext runs after the request is unbound
    LOG.append(f"url_value_preprocessor:{endpoint}:{None if values is None else sorted(values)}")
    if values and "lang" in values:
        g.lang = values.pop("lang")
    if values and values.get("n") == 0:
        abort(400, "n must not be zero")


@app.before_request
def before1():
    if not tracking():
        return None
    LOG.append("before1")
    g.trail = ["before1"]
    if request.args.get("teardown_app_raise"):
        g.teardown_app_raise = True
    if request.args.get("atr"):
        @after_this_request
        def from_before(response):
            LOG.append("after_this_request:before1")
            response.headers["X-From-Before"] = "1"
            return response
    if "abort" in request.args:
        abort(int(request.args["abort"]))
    if request.args.get("abort_response"):
        abort(app.response_class("aborted with a response", status=451,
                                 headers={"X-Aborted": "1"}))
    if request.args.get("login") and request.endpoint != "login":
        return redirect(url_for("login", next=request.path))
    if request.args.get("stop") == "1":
        return "stopped by before1", 403
    return None


@app.before_request
def before2():
    if not tracking():
        return None
    LOG.append("before2")
    g.trail.append("before2")
    if request.args.get("stop") == "2":
        return {"stopped_by": "before2", "trail": g.trail}
    if request.args.get("stop") == "empty":
        return ""
    kind = request.args.get("raise")
    if kind == "handled":
        raise ViewError("raised in before2")
    if kind == "unhandled":
        raise UnhandledError("raised in before2")
    return None


@app.before_request
def before3():
    if tracking():
        LOG.append("before3")
        g.trail.append("before3")


@app.after_request
def after0(response):
    # Registered first, so it runs last.
    if not tracking():
        return response
    LOG.append(f"after0:{response.status_code}")
    if request.args.get("after_none"):
        return None
    return response


@app.after_request
def after1(response):
    if not tracking():
        return response
    LOG.append(f"after1:{response.status_code}")
    response.headers["X-Trail"] = ",".join(g.get("trail", []))
    if "abort_after" in request.args:
        abort(int(request.args["abort_after"]))
    return response


@app.after_request
def after2(response):
    # Registered last, so it runs first.
    if not tracking():
        return response
    LOG.append(f"after2:{response.status_code}")
    if request.args.get("replace"):
        return app.response_class("replaced by after2", status=202, headers={"X-Replaced": "1"})
    return response


@app.teardown_request
def teardown1(exc):
    if tracking():
        LOG.append(f"teardown1:{describe(exc)}:g={sorted(g)}")


@app.teardown_request
def teardown2(exc):
    if tracking():
        LOG.append(f"teardown2:{describe(exc)}")
        if request.args.get("teardown_raise"):
            raise RuntimeError("teardown2 failed")


@app.teardown_appcontext
def teardown_app1(exc):
    if g.get("tracked"):
        LOG.append(f"teardown_app1:{describe(exc)}")


@app.teardown_appcontext
def teardown_app2(exc):
    if g.get("tracked"):
        LOG.append(f"teardown_app2:{describe(exc)}:g={sorted(g)}")
        if g.get("teardown_app_raise"):
            raise RuntimeError("teardown_app2 failed")


@app.errorhandler(ViewError)
def handle_view_error(e):
    LOG.append(f"errorhandler:{describe(e)}")
    return f"handled {e}", 409


@app.errorhandler(403)
def handle_403(e):
    LOG.append(f"errorhandler_403:{type(e).__name__}")

    @after_this_request
    def from_handler(response):
        LOG.append("after_this_request:errorhandler_403")
        response.headers["X-From-Handler"] = "1"
        return response

    return "forbidden by handler", 403


@app.errorhandler(ReturnsHTTPError)
def handle_returning_http(e):
    LOG.append("errorhandler_returns_http_exception")
    return NotFound("returned, not raised")


@app.route("/login")
def login():
    LOG.append("view:login")
    return f"login page, next={request.args.get('next')}"


@app.route("/view", methods=["GET", "POST"])
def view():
    LOG.append("view")
    return jsonify(trail=g.trail)


@app.route("/item/<int:n>")
def item(n):
    LOG.append(f"view:item:{n}")
    return jsonify(n=n, view_args=request.view_args)


@app.route("/<lang>/localized")
def localized():
    # The URL value preprocessor popped "lang", so the view takes no argument.
    LOG.append("view:localized")
    return jsonify(lang=g.lang, view_args=request.view_args)


@app.route("/dir/")
def directory():
    LOG.append("view:dir")
    return "dir"


@app.route("/raise/<kind>")
def raise_kind(kind):
    LOG.append(f"view:raise:{kind}")
    if kind == "handled":
        raise ViewError("raised in view")
    if kind == "unhandled":
        raise UnhandledError("raised in view")
    if kind == "http":
        raise HTTPException(description="bare HTTPException")
    if kind == "returns_http":
        raise ReturnsHTTPError()
    raise AssertionError(kind)


@app.route("/abort/<int:code>")
def abort_code(code):
    LOG.append(f"view:abort:{code}")
    abort(code)


@app.route("/args-missing")
def args_missing():
    LOG.append("view:args_missing")
    return request.args["missing"]


@app.route("/this-request")
def this_request():
    @after_this_request
    def first(response):
        LOG.append("after_this_request:first")
        response.headers["X-First"] = "1"
        return response

    @after_this_request
    def second(response):
        LOG.append(f"after_this_request:second:{response.headers.get('X-First')}")
        response.headers["X-Second"] = "2"
        return response

    LOG.append("view:this_request")
    if request.args.get("fail") == "handled":
        raise ViewError("after registering callbacks")
    if request.args.get("fail") == "unhandled":
        raise UnhandledError("after registering callbacks")
    return "this request"


@app.route("/this-request-replace")
def this_request_replace():
    @after_this_request
    def replace(response):
        LOG.append(f"after_this_request:replace:{response.status_code}")
        return app.response_class("replaced by callback", status=201)

    return "original"


@app.route("/g/set/<value>")
def g_set(value):
    g.value = value
    return jsonify(sorted(g))


@app.route("/g/read")
def g_read():
    return jsonify(names=sorted(g), value=g.get("value", "absent"))


@app.route("/log")
def log():
    return jsonify(LOG)


CASES = [
    {"id": "full_order", "steps": [{"path": "/view"}, {"path": "/log"}]},
    {"id": "full_order_response", "path": "/view"},
    {"id": "first_before_short_circuits", "steps": [{"path": "/view?stop=1"}, {"path": "/log"}]},
    {"id": "first_before_short_circuit_response", "path": "/view?stop=1"},
    {"id": "second_before_returns_dict", "steps": [{"path": "/view?stop=2"}, {"path": "/log"}]},
    {"id": "before_returns_empty_string", "steps": [
        {"path": "/view?stop=empty"}, {"path": "/log"}]},
    {"id": "before_raises_handled", "steps": [
        {"path": "/view?raise=handled"}, {"path": "/log"}]},
    {"id": "before_raises_unhandled", "steps": [
        {"path": "/view?raise=unhandled"}, {"path": "/log"}]},
    {"id": "abort_in_before_code_handler", "steps": [
        {"path": "/view?abort=403"}, {"path": "/log"}]},
    {"id": "abort_in_before_no_handler", "steps": [
        {"path": "/view?abort=404"}, {"path": "/log"}]},
    {"id": "abort_in_before_after_this_request_runs", "steps": [
        {"path": "/view?abort=404&atr=1"}, {"path": "/log"}]},
    {"id": "abort_in_after_request_propagates", "steps": [
        {"path": "/view?abort_after=404"}, {"path": "/log"}]},
    {"id": "abort_in_url_value_preprocessor", "steps": [{"path": "/item/0"}, {"path": "/log"}]},
    {"id": "url_value_preprocessor_values", "steps": [{"path": "/item/7"}, {"path": "/log"}]},
    {"id": "url_value_preprocessor_pops_value", "steps": [
        {"path": "/de/localized"}, {"path": "/log"}]},
    {"id": "hooks_on_not_found", "steps": [{"path": "/nowhere"}, {"path": "/log"}]},
    {"id": "hooks_on_method_not_allowed", "steps": [
        {"method": "PUT", "path": "/view"}, {"path": "/log"}]},
    {"id": "hooks_on_automatic_options", "steps": [
        {"method": "OPTIONS", "path": "/view"}, {"path": "/log"}]},
    {"id": "hooks_on_head", "steps": [{"method": "HEAD", "path": "/view"}, {"path": "/log"}]},
    {"id": "hooks_on_slash_redirect", "steps": [{"path": "/dir"}, {"path": "/log"}]},
    {"id": "after_request_replaces_response", "steps": [
        {"path": "/view?replace=1"}, {"path": "/log"}]},
    {"id": "after_request_returning_none", "steps": [
        {"path": "/view?after_none=1"}, {"path": "/log"}]},
    {"id": "view_error_handled_teardown_gets_none", "steps": [
        {"path": "/raise/handled"}, {"path": "/log"}]},
    {"id": "view_error_unhandled_teardown_gets_exc", "steps": [
        {"path": "/raise/unhandled"}, {"path": "/log"}]},
    {"id": "bare_http_exception_from_view", "steps": [{"path": "/raise/http"}, {"path": "/log"}]},
    {"id": "abort_in_view_teardown_gets_none", "steps": [
        {"path": "/abort/404"}, {"path": "/log"}]},
    {"id": "abort_in_view_code_handler", "steps": [{"path": "/abort/403"}, {"path": "/log"}]},
    {"id": "teardown_raising_stops_later_teardowns", "steps": [
        {"path": "/view?teardown_raise=1"}, {"path": "/log"}]},
    {"id": "teardown_appcontext_raising_stops_later_ones", "steps": [
        {"path": "/view?teardown_app_raise=1"}, {"path": "/log"}]},
    {"id": "after_this_request_order", "steps": [
        {"path": "/this-request"}, {"path": "/log"}]},
    {"id": "after_this_request_headers", "path": "/this-request"},
    {"id": "after_this_request_from_before_hook", "steps": [
        {"path": "/this-request?atr=1"}, {"path": "/log"}]},
    {"id": "after_this_request_on_short_circuit", "steps": [
        {"path": "/view?stop=1&atr=1"}, {"path": "/log"}]},
    {"id": "after_this_request_on_handled_error", "steps": [
        {"path": "/this-request?fail=handled"}, {"path": "/log"}]},
    {"id": "after_this_request_skipped_on_unhandled_error", "steps": [
        {"path": "/this-request?fail=unhandled"}, {"path": "/log"}]},
    {"id": "after_this_request_replaces_response", "steps": [
        {"path": "/this-request-replace"}, {"path": "/log"}]},
    {"id": "trap_http_exceptions_propagates", "config": {"TRAP_HTTP_EXCEPTIONS": True},
     "steps": [{"path": "/abort/404"}, {"path": "/log"}]},
    {"id": "trap_http_exceptions_code_handler_still_used", "config": {
        "TRAP_HTTP_EXCEPTIONS": True}, "steps": [{"path": "/abort/403"}, {"path": "/log"}]},
    {"id": "trap_http_exceptions_routing_not_found", "config": {"TRAP_HTTP_EXCEPTIONS": True},
     "steps": [{"path": "/nowhere"}, {"path": "/log"}]},
    {"id": "trap_http_exceptions_slash_redirect", "config": {"TRAP_HTTP_EXCEPTIONS": True},
     "path": "/dir"},
    {"id": "trap_http_exceptions_not_testing_is_500", "config": {
        "TRAP_HTTP_EXCEPTIONS": True, "TESTING": False},
     "steps": [{"path": "/abort/404"}, {"path": "/log"}]},
    {"id": "trap_bad_request_errors_propagates_key_error", "config": {
        "TRAP_BAD_REQUEST_ERRORS": True}, "steps": [{"path": "/args-missing"}, {"path": "/log"}]},
    {"id": "trap_bad_request_errors_propagates_abort_400", "config": {
        "TRAP_BAD_REQUEST_ERRORS": True}, "path": "/abort/400"},
    {"id": "trap_bad_request_errors_leaves_405", "config": {"TRAP_BAD_REQUEST_ERRORS": True},
     "method": "PUT", "path": "/view"},
    {"id": "bad_request_key_error_page", "path": "/args-missing"},
    {"id": "debug_propagates_bad_request_key_error", "config": {"DEBUG": True},
     "path": "/args-missing"},
    {"id": "debug_trap_false_shows_key_in_page", "config": {
        "DEBUG": True, "TRAP_BAD_REQUEST_ERRORS": False}, "path": "/args-missing"},
    {"id": "abort_with_response_in_before", "steps": [
        {"path": "/view?abort_response=1"}, {"path": "/log"}]},
    {"id": "before_request_redirects_to_login", "steps": [
        {"path": "/view?login=1"}, {"path": "/log"}]},
    {"id": "error_handler_returns_http_exception", "steps": [
        {"path": "/raise/returns_http"}, {"path": "/log"}]},
    {"id": "after_this_request_in_error_handler", "steps": [
        {"path": "/abort/403"}, {"path": "/log"}]},
    {"id": "g_is_fresh_per_request", "steps": [{"path": "/g/set/1"}, {"path": "/g/read"}]},
    {"id": "post_runs_same_hooks", "steps": [
        {"method": "POST", "path": "/view", "kwargs": {"data": {"a": "1"}}}, {"path": "/log"}]},
]

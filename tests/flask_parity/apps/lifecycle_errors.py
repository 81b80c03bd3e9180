"""Error handling outside testing mode: handler selection, the 500 path, logging, traps.

``app.testing`` is off, so unhandled exceptions become 500 responses (unless a case
sets ``PROPAGATE_EXCEPTIONS`` or ``DEBUG`` through its ``config``). Hooks and error
handlers append to ``LOG`` and ``app.logger`` records are captured into it too, so a
``/log`` step shows the order of events, what teardown received and what was logged.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask, abort, g, jsonify, request
from werkzeug.exceptions import (
    BadRequest,
    BadRequestKeyError,
    Forbidden,
    HTTPException,
    InternalServerError,
    NotFound,
)
from werkzeug.routing import RequestRedirect

#: Configured before ``app.logger`` is first used, so Flask adds no stderr handler.
LOGGER_NAME = __name__

app = Flask(__name__)

#: Events of the last request (cleared by its first hook), read back through /log.
LOG: list[str] = []


class CapturingHandler(logging.Handler):
    """Keeps what ``app.logger`` emits, in the LOG, instead of printing it."""

    def emit(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        LOG.append(
            f"log:{record.name}:{record.levelname}:{record.getMessage()}"
            f":{None if exc is None else type(exc).__name__}"
        )


logging.getLogger(LOGGER_NAME).addHandler(CapturingHandler())


def describe(exc):
    return None if exc is None else f"{type(exc).__name__}:{exc}"


class SubNotFound(NotFound):
    description = "A more specific not-found."


class Teapot(HTTPException):
    code = 418
    description = "I am a teapot."


class AppError(Exception):
    pass


class HandlerFails(Exception):
    """Its handler raises."""


class HandlerAborts(Exception):
    """Its handler calls abort(403)."""


class Unhandled(Exception):
    pass


@app.before_request
def before():
    if request.path == "/log":
        return None
    LOG.clear()
    g.tracked = True
    LOG.append("before")
    if request.args.get("raise") == "before":
        raise Unhandled("raised in before_request")
    return None


@app.after_request
def after(response):
    if request.path == "/log":
        return response
    LOG.append(f"after:{response.status_code}")
    response.headers["X-After"] = str(response.status_code)
    mode = request.args.get("after")
    if mode == "abort_on_200" and response.status_code == 200:
        abort(403)
    if mode == "abort_always":
        abort(403)
    if mode == "raise_on_500" and response.status_code == 500:
        raise RuntimeError("after_request failed on the 500 response")
    return response


@app.teardown_request
def teardown(exc):
    if request.path != "/log":
        LOG.append(f"teardown:{describe(exc)}")
        if request.args.get("teardown") == "raise":
            raise RuntimeError("teardown failed")


@app.teardown_appcontext
def teardown_app(exc):
    if g.get("tracked"):
        LOG.append(f"teardown_app:{describe(exc)}")


@app.errorhandler(500)
def handle_500(e):
    original = e.original_exception
    LOG.append(f"handler_500:{type(e).__name__}:{describe(original)}")
    if isinstance(original, AppError) and str(original) == "500 handler raises":
        raise LookupError("raised by the 500 handler")
    return jsonify(
        handler="500",
        type=type(e).__name__,
        code=e.code,
        description=e.description,
        original=None if original is None else [type(original).__name__, str(original)],
    ), 500


@app.errorhandler(404)
def handle_404(e):
    LOG.append(f"handler_404:{type(e).__name__}")
    return jsonify(handler="404", type=type(e).__name__, description=e.description), 404


@app.errorhandler(SubNotFound)
def handle_sub_not_found(e):
    LOG.append(f"handler_sub_not_found:{type(e).__name__}")
    return jsonify(handler="SubNotFound", type=type(e).__name__), 404


@app.errorhandler(Teapot)
def handle_teapot_class(e):
    return jsonify(handler="Teapot class"), 418


@app.errorhandler(418)
def handle_teapot_code(e):
    # Registered after the class handler for the same code: replaces it.
    return jsonify(handler="418 code", type=type(e).__name__), 418


@app.errorhandler(HTTPException)
def handle_http(e):
    LOG.append(f"handler_http:{type(e).__name__}:{e.code}")
    body = {"handler": "HTTPException", "type": type(e).__name__, "code": e.code,
            "description": e.description}
    if getattr(e, "valid_methods", None):
        body["valid_methods"] = sorted(e.valid_methods)
    return jsonify(body), e.code or 500


@app.errorhandler(KeyError)
def handle_key_error(e):
    LOG.append(f"handler_key_error:{type(e).__name__}")
    return jsonify(handler="KeyError", type=type(e).__name__), 400


@app.errorhandler(LookupError)
def handle_lookup_error(e):
    LOG.append(f"handler_lookup_error:{type(e).__name__}")
    return jsonify(handler="LookupError", type=type(e).__name__), 400


@app.errorhandler(AppError)
def handle_app_error(e):
    LOG.append(f"handler_app_error:{describe(e)}")
    if str(e) == "500 handler raises":
        raise e  # unhandled again: goes to the 500 handler, which raises
    return jsonify(handler="AppError", message=str(e)), 422


@app.errorhandler(HandlerFails)
def handle_fails(e):
    LOG.append("handler_fails")
    raise ValueError("raised inside an error handler")


@app.errorhandler(HandlerAborts)
def handle_aborts(e):
    LOG.append("handler_aborts")
    abort(403)


@app.route("/ok")
def ok():
    LOG.append("view")
    return "ok"


@app.route("/raise/<kind>")
def raise_kind(kind):
    LOG.append(f"view:{kind}")
    if kind == "value":
        raise ValueError("boom")
    if kind == "zero":
        return str(1 / 0)
    if kind == "not_found":
        raise NotFound()
    if kind == "sub_not_found":
        raise SubNotFound()
    if kind == "teapot":
        raise Teapot()
    if kind == "key":
        raise KeyError("k")
    if kind == "index":
        raise IndexError("i")
    if kind == "app":
        raise AppError("app failure")
    if kind == "handler_fails":
        raise HandlerFails()
    if kind == "handler_aborts":
        raise HandlerAborts()
    if kind == "500_handler_raises":
        raise AppError("500 handler raises")
    if kind == "internal":
        raise InternalServerError("explicit 500")
    if kind == "unhandled":
        raise Unhandled("nobody handles this")
    raise AssertionError(kind)


@app.route("/abort/<int:code>")
def abort_code(code):
    LOG.append(f"view:abort:{code}")
    abort(code)


@app.route("/args-missing")
def args_missing():
    LOG.append("view:args_missing")
    return request.args["missing"]


@app.route("/dir/")
def directory():
    return "dir"


@app.route("/log")
def log():
    return jsonify(LOG)


# -- call cases: the error-handling methods called directly ------------------------------


def attempt(fn):
    """``{"ok": fn()}`` or ``{"raised": [type name, message]}``."""
    try:
        return {"ok": fn()}
    except Exception as exc:
        return {"raised": [type(exc).__name__, str(exc)]}


def as_response(rv):
    """What a handler's return value becomes, in comparable form."""
    if isinstance(rv, HTTPException):
        return {"exception": type(rv).__name__, "code": rv.code}
    response = app.make_response(rv)
    return {"status": response.status_code, "json": response.get_json(silent=True)}


def _handle_user(exc):
    try:
        raise exc
    except Exception as e:
        return as_response(app.handle_user_exception(e))


def handle_user_exception_directly():
    LOG.clear()
    with app.test_request_context("/ok"):
        result = {
            "key_error": attempt(lambda: _handle_user(KeyError("k"))),
            "index_error": attempt(lambda: _handle_user(IndexError("i"))),
            "not_found": attempt(lambda: _handle_user(NotFound())),
            "sub_not_found": attempt(lambda: _handle_user(SubNotFound())),
            "forbidden": attempt(lambda: _handle_user(Forbidden())),
            "redirect": attempt(lambda: _handle_user(RequestRedirect("http://localhost/x/"))),
            "unhandled": attempt(lambda: _handle_user(Unhandled("nobody"))),
        }
    result["log"] = list(LOG)
    return result


def handle_http_exception_directly():
    with app.test_request_context("/ok"):
        return {
            "forbidden": as_response(app.handle_http_exception(Forbidden())),
            "not_found": as_response(app.handle_http_exception(NotFound())),
            "redirect": as_response(app.handle_http_exception(RequestRedirect("http://x/"))),
            "no_code": as_response(app.handle_http_exception(HTTPException())),
        }


def handle_exception_directly():
    LOG.clear()
    with app.test_request_context("/ok"):
        try:
            raise Unhandled("passed to handle_exception")
        except Unhandled as e:
            response = app.handle_exception(e)
        result = {"status": response.status_code, "json": response.get_json(),
                  "x_after": response.headers.get("X-After")}
    result["log"] = list(LOG)
    return result


def trap_http_exception_decisions():
    cases = {"not_found": NotFound(), "bad_request": BadRequest(),
             "key_error": BadRequestKeyError("k"), "forbidden": Forbidden()}
    settings = {
        "defaults": {},
        "trap_http": {"TRAP_HTTP_EXCEPTIONS": True},
        "trap_bad_request": {"TRAP_BAD_REQUEST_ERRORS": True},
        "trap_bad_request_false_debug": {"TRAP_BAD_REQUEST_ERRORS": False, "DEBUG": True},
        "debug": {"DEBUG": True},
    }
    result = {}
    saved = {key: app.config[key]
             for key in ("TRAP_HTTP_EXCEPTIONS", "TRAP_BAD_REQUEST_ERRORS", "DEBUG")}
    try:
        for name, overrides in settings.items():
            app.config.update(saved)
            app.config.update(overrides)
            result[name] = {key: app.trap_http_exception(e) for key, e in cases.items()}
    finally:
        app.config.update(saved)
    return result


def log_exception_directly():
    LOG.clear()
    with app.test_request_context("/some/path", method="PUT"):
        try:
            raise ValueError("logged by hand")
        except ValueError:
            app.log_exception(sys.exc_info())
    return list(LOG)


def errorhandler_registration():
    fresh = Flask("lifecycle_errors_registration")

    def handler(e):
        return "handled", 500

    fresh.register_error_handler(418, handler)
    fresh.register_error_handler(NotFound, handler)
    fresh.register_error_handler(KeyError, handler)
    fresh.errorhandler(500)(handler)
    fresh.errorhandler(HTTPException)(handler)
    spec = {
        str(name): {str(code): sorted(cls.__name__ for cls in handlers)
                    for code, handlers in by_code.items()}
        for name, by_code in fresh.error_handler_spec.items()
    }
    return {
        "spec": spec,
        "unknown_code": attempt(lambda: fresh.errorhandler(999)(handler)),
        "instance": attempt(lambda: fresh.errorhandler(ValueError())(handler)),
        "not_exception": attempt(lambda: fresh.errorhandler(int)(handler)),
        "register_instance": attempt(lambda: fresh.register_error_handler(KeyError("k"), handler)),
    }


CASES = [
    {"id": "unhandled_goes_to_500_handler", "steps": [
        {"path": "/raise/unhandled"}, {"path": "/log"}]},
    {"id": "unhandled_builtin_original_exception", "path": "/raise/zero"},
    {"id": "before_request_raises_500", "steps": [{"path": "/ok?raise=before"}, {"path": "/log"}]},
    {"id": "explicit_internal_server_error", "steps": [
        {"path": "/raise/internal"}, {"path": "/log"}]},
    {"id": "abort_500_no_original", "steps": [{"path": "/abort/500"}, {"path": "/log"}]},
    {"id": "code_handler_for_not_found", "steps": [
        {"path": "/raise/not_found"}, {"path": "/log"}]},
    {"id": "abort_404_uses_code_handler", "path": "/abort/404"},
    {"id": "routing_404_uses_code_handler", "path": "/no/such/route"},
    {"id": "subclass_handler_beats_code_handler", "steps": [
        {"path": "/raise/sub_not_found"}, {"path": "/log"}]},
    {"id": "later_registration_for_same_code_wins", "path": "/raise/teapot"},
    {"id": "abort_418_uses_code_handler", "path": "/abort/418"},
    {"id": "http_exception_catch_all_for_403", "steps": [
        {"path": "/abort/403"}, {"path": "/log"}]},
    {"id": "http_exception_catch_all_for_405", "method": "POST", "path": "/ok"},
    {"id": "http_exception_catch_all_for_bad_request_key_error", "steps": [
        {"path": "/args-missing"}, {"path": "/log"}]},
    {"id": "mro_exact_key_error_handler", "path": "/raise/key"},
    {"id": "mro_base_lookup_error_handler", "path": "/raise/index"},
    {"id": "app_error_handler", "path": "/raise/app"},
    {"id": "exception_in_error_handler_is_500", "steps": [
        {"path": "/raise/handler_fails"}, {"path": "/log"}]},
    {"id": "abort_in_error_handler_is_500", "steps": [
        {"path": "/raise/handler_aborts"}, {"path": "/log"}]},
    {"id": "exception_in_500_handler_escapes", "steps": [
        {"path": "/raise/500_handler_raises"}, {"path": "/log"}]},
    {"id": "abort_in_after_request_is_500", "steps": [
        {"path": "/ok?after=abort_on_200"}, {"path": "/log"}]},
    {"id": "abort_in_after_request_every_time", "steps": [
        {"path": "/ok?after=abort_always"}, {"path": "/log"}]},
    {"id": "after_request_fails_on_error_response", "steps": [
        {"path": "/raise/unhandled?after=raise_on_500"}, {"path": "/log"}]},
    {"id": "teardown_raising_escapes", "steps": [
        {"path": "/ok?teardown=raise"}, {"path": "/log"}]},
    {"id": "redirect_not_handled_by_catch_all", "path": "/dir"},
    {"id": "propagate_exceptions_true", "config": {"PROPAGATE_EXCEPTIONS": True},
     "steps": [{"path": "/raise/unhandled"}, {"path": "/log"}]},
    {"id": "propagate_exceptions_false_in_debug", "config": {
        "PROPAGATE_EXCEPTIONS": False, "DEBUG": True}, "steps": [
        {"path": "/raise/unhandled"}, {"path": "/log"}]},
    {"id": "debug_propagates_unhandled", "config": {"DEBUG": True},
     "steps": [{"path": "/raise/unhandled"}, {"path": "/log"}]},
    {"id": "trap_http_exceptions_code_handler_still_used", "config": {
        "TRAP_HTTP_EXCEPTIONS": True}, "steps": [{"path": "/abort/404"}, {"path": "/log"}]},
    {"id": "trap_http_exceptions_class_handler_still_used", "config": {
        "TRAP_HTTP_EXCEPTIONS": True}, "steps": [{"path": "/abort/403"}, {"path": "/log"}]},
    {"id": "trap_http_exceptions_routing_404", "config": {"TRAP_HTTP_EXCEPTIONS": True},
     "steps": [{"path": "/no/such/route"}, {"path": "/log"}]},
    {"id": "trap_http_exceptions_slash_redirect", "config": {"TRAP_HTTP_EXCEPTIONS": True},
     "steps": [{"path": "/dir"}, {"path": "/log"}]},
    {"id": "trap_bad_request_errors_key_error", "config": {"TRAP_BAD_REQUEST_ERRORS": True},
     "steps": [{"path": "/args-missing"}, {"path": "/log"}]},
    {"id": "trap_bad_request_errors_abort_400", "config": {"TRAP_BAD_REQUEST_ERRORS": True},
     "steps": [{"path": "/abort/400"}, {"path": "/log"}]},
    {"id": "trap_bad_request_errors_leaves_403", "config": {"TRAP_BAD_REQUEST_ERRORS": True},
     "path": "/abort/403"},
    {"id": "trap_bad_request_errors_false_in_debug", "config": {
        "TRAP_BAD_REQUEST_ERRORS": False, "DEBUG": True}, "steps": [
        {"path": "/args-missing"}, {"path": "/log"}]},
    {"id": "debug_traps_bad_request_key_error", "config": {"DEBUG": True},
     "steps": [{"path": "/args-missing"}, {"path": "/log"}]},
    {"id": "debug_leaves_plain_bad_request", "config": {"DEBUG": True}, "path": "/abort/400"},
    {"id": "handle_user_exception_directly", "call": "handle_user_exception_directly"},
    {"id": "handle_http_exception_directly", "call": "handle_http_exception_directly"},
    {"id": "handle_exception_directly", "call": "handle_exception_directly"},
    {"id": "trap_http_exception_decisions", "call": "trap_http_exception_decisions"},
    {"id": "log_exception_directly", "call": "log_exception_directly"},
    {"id": "errorhandler_registration", "call": "errorhandler_registration"},
]

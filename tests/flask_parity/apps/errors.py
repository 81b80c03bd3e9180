"""abort, HTTP exceptions and error handlers, with app.testing on (exceptions propagate)."""

from __future__ import annotations

from flask import Flask, Response, abort, jsonify, request
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException, NotFound

app = Flask(__name__)
app.testing = True


class AppError(Exception):
    """Base of the app's own errors; handled by MRO."""


class SpecificError(AppError):
    pass


class Unhandled(Exception):
    pass


class PaymentRequired(HTTPException):
    code = 402
    description = "Pay up first."


class Gone(HTTPException):
    code = 410
    description = "It is gone."


@app.errorhandler(AppError)
def handle_app_error(e):
    return jsonify(handler="AppError", type=type(e).__name__, message=str(e)), 409


@app.errorhandler(LookupError)
def handle_lookup(e):
    return f"lookup handler: {type(e).__name__}", 422, {"X-Handler": "lookup"}


@app.errorhandler(Forbidden)
def handle_forbidden(e):
    return jsonify(code=e.code, name=e.name, description=e.description), e.code


@app.errorhandler(418)
def handle_teapot(e):
    return "short and stout"


@app.errorhandler(405)
def handle_405(e):
    return jsonify(valid_methods=sorted(e.valid_methods or [])), 405


def handle_gone(e):
    return Response(f"gone handler: {e.description}", status=e.code, mimetype="text/plain")


app.register_error_handler(Gone, handle_gone)


@app.route("/abort/<int:code>")
def abort_code(code):
    abort(code)


@app.route("/abort-description")
def abort_description():
    abort(403, description="You shall not pass.")


@app.route("/abort-400-description")
def abort_400_description():
    abort(400, "Missing the widget.")


@app.route("/abort-response")
def abort_response():
    abort(Response("custom abort body", status=451, headers={"X-Abort": "yes"}))


@app.route("/abort-unknown")
def abort_unknown():
    abort(999)


@app.route("/raise/<kind>")
def raise_kind(kind):
    if kind == "not_found":
        raise NotFound()
    if kind == "not_found_description":
        raise NotFound("No such widget.")
    if kind == "bad_request":
        raise BadRequest("Bad widget.")
    if kind == "custom_http":
        raise PaymentRequired()
    if kind == "gone":
        raise Gone()
    if kind == "specific":
        raise SpecificError("specific went wrong")
    if kind == "base":
        raise AppError("base went wrong")
    if kind == "key_error":
        raise KeyError("k")
    if kind == "index_error":
        raise IndexError("i")
    if kind == "unhandled":
        raise Unhandled("nobody handles this")
    if kind == "value_error":
        raise ValueError("boom")
    if kind == "http_with_response":
        raise HTTPException(response=Response("attached", status=499))
    raise AssertionError(kind)


@app.route("/post-only", methods=["POST"])
def post_only():
    return "posted"


@app.route("/args-missing")
def args_missing():
    return request.args["missing"]


@app.route("/form-missing", methods=["POST"])
def form_missing():
    return request.form["missing"]


@app.route("/exc-str/<int:code>")
def exc_str(code):
    try:
        abort(code)
    except HTTPException as e:
        return jsonify(str=str(e), repr=repr(e), name=e.name, code=e.code,
                       description=e.description)


CASES = [
    {"id": "abort_404_page", "path": "/abort/404"},
    {"id": "abort_400_page", "path": "/abort/400"},
    {"id": "abort_401_page", "path": "/abort/401"},
    {"id": "abort_409_page", "path": "/abort/409"},
    {"id": "abort_413_page", "path": "/abort/413"},
    {"id": "abort_429_page", "path": "/abort/429"},
    {"id": "abort_500_page_not_propagated", "path": "/abort/500"},
    {"id": "abort_501_page", "path": "/abort/501"},
    {"id": "abort_503_page", "path": "/abort/503"},
    {"id": "abort_403_with_description_handled", "path": "/abort-description"},
    {"id": "abort_400_with_description", "path": "/abort-400-description"},
    {"id": "abort_response", "path": "/abort-response"},
    {"id": "abort_unknown_code_raises", "path": "/abort-unknown"},
    {"id": "handler_by_code_returns_str", "path": "/abort/418"},
    {"id": "handler_by_class_forbidden", "path": "/abort/403"},
    {"id": "handler_405_valid_methods", "path": "/post-only"},
    {"id": "raise_not_found", "path": "/raise/not_found"},
    {"id": "raise_not_found_description", "path": "/raise/not_found_description"},
    {"id": "raise_bad_request_message", "path": "/raise/bad_request"},
    {"id": "raise_custom_http_exception", "path": "/raise/custom_http"},
    {"id": "register_error_handler_class", "path": "/raise/gone"},
    {"id": "handler_by_base_class_mro", "path": "/raise/specific"},
    {"id": "handler_exact_base_class", "path": "/raise/base"},
    {"id": "handler_builtin_base_key_error", "path": "/raise/key_error"},
    {"id": "handler_builtin_base_index_error", "path": "/raise/index_error"},
    {"id": "http_exception_with_response", "path": "/raise/http_with_response"},
    {"id": "unhandled_propagates_in_testing", "path": "/raise/unhandled"},
    {"id": "value_error_propagates_in_testing", "path": "/raise/value_error"},
    {"id": "bad_request_key_error_args_uses_lookup_handler", "path": "/args-missing"},
    {"id": "bad_request_key_error_form", "method": "POST", "path": "/form-missing",
     "kwargs": {"data": {"a": "1"}}},
    {"id": "exception_str_and_repr_404", "path": "/exc-str/404"},
    {"id": "exception_str_and_repr_400", "path": "/exc-str/400"},
    {"id": "not_found_unrouted", "path": "/no/such/page"},
]

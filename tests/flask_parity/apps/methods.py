"""HTTP methods: HEAD, automatic OPTIONS, 404 and 405 pages, method-specific rules."""

from __future__ import annotations

from flask import Flask, Response, request

app = Flask(__name__)
app.testing = True


@app.route("/get")
def get_only():
    return "hello from GET"


@app.route("/post", methods=["POST"])
def post_only():
    return "posted"


@app.route("/both", methods=["GET", "POST"])
def both():
    return f"method={request.method}"


@app.get("/split")
def split_get():
    return "split GET"


@app.post("/split")
def split_post():
    return "split POST"


@app.route("/any-method", methods=["GET", "PUT", "DELETE", "PATCH"])
def any_method():
    return request.method


@app.route("/own-options", methods=["GET", "OPTIONS"])
def own_options():
    if request.method == "OPTIONS":
        return "custom options", 200, {"X-Options": "mine"}
    return "get"


def no_auto_options():
    return f"method={request.method}"


no_auto_options.provide_automatic_options = False
app.add_url_rule("/no-auto-options", view_func=no_auto_options)


@app.route("/head-stream")
def head_stream():
    def generate():
        yield "chunk1 "
        yield "chunk2"

    return Response(generate(), mimetype="text/plain")


@app.route("/head-explicit", methods=["HEAD", "GET"])
def head_explicit():
    return f"method={request.method}", 200, {"X-Method": request.method}


CASES = [
    {"id": "not_found_page", "path": "/nowhere"},
    {"id": "not_found_page_post", "method": "POST", "path": "/nowhere"},
    {"id": "head_on_get_route", "method": "HEAD", "path": "/get"},
    {"id": "head_sees_request_method_head", "method": "HEAD", "path": "/head-explicit"},
    {"id": "head_streamed_body", "method": "HEAD", "path": "/head-stream"},
    {"id": "head_on_post_only_is_405", "method": "HEAD", "path": "/post"},
    {"id": "options_on_get_route", "method": "OPTIONS", "path": "/get"},
    {"id": "options_on_post_route", "method": "OPTIONS", "path": "/post"},
    {"id": "options_merges_rules", "method": "OPTIONS", "path": "/split"},
    {"id": "options_custom_handler", "method": "OPTIONS", "path": "/own-options"},
    {"id": "options_disabled_is_405", "method": "OPTIONS", "path": "/no-auto-options"},
    {"id": "options_unknown_path_is_404", "method": "OPTIONS", "path": "/nowhere"},
    {"id": "method_not_allowed_post", "method": "POST", "path": "/get"},
    {"id": "method_not_allowed_get", "path": "/post"},
    {"id": "method_not_allowed_merged_allow", "method": "PUT", "path": "/split"},
    {"id": "method_not_allowed_custom_verb", "method": "PROPFIND", "path": "/get"},
    {"id": "two_rules_get", "path": "/split"},
    {"id": "two_rules_post", "method": "POST", "path": "/split"},
    {"id": "methods_list_post", "method": "POST", "path": "/both"},
    {"id": "methods_put", "method": "PUT", "path": "/any-method"},
    {"id": "methods_delete", "method": "DELETE", "path": "/any-method"},
    {"id": "methods_patch", "method": "PATCH", "path": "/any-method"},
    {"id": "methods_lowercase_verb", "method": "put", "path": "/any-method"},
]

"""redirect(): codes, bodies, Location rendering, and following redirects in the client."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from werkzeug.utils import redirect as werkzeug_redirect

app = Flask(__name__)
app.testing = True


@app.route("/target", methods=["GET", "POST", "PUT"])
def target():
    return {"method": request.method, "args": request.args.to_dict(),
            "form": request.form.to_dict(), "data": request.get_data(as_text=True)}


@app.route("/to/<int:code>", methods=["GET", "POST", "PUT"])
def to_code(code):
    return redirect("/target?from=x", code=code)


@app.route("/default")
def default():
    return redirect("/target")


@app.route("/unicode")
def unicode_location():
    return redirect("/tärget/ü?q=é")


@app.route("/query")
def query():
    return redirect("/target?a=1&b=<2>")


@app.route("/external")
def external():
    return redirect("https://example.com/path?x=1")


@app.route("/relative")
def relative():
    return redirect("target")


@app.route("/url-for")
def via_url_for():
    return redirect(url_for("target", q="a b"))


@app.route("/app-redirect")
def app_redirect():
    return app.redirect("/target", 303)


@app.route("/werkzeug")
def werkzeug_utils():
    return werkzeug_redirect("/target", 301)


@app.route("/loop")
def loop():
    return redirect("/loop")


@app.route("/chain/<int:n>")
def chain(n):
    return redirect(url_for("chain", n=n - 1) if n > 1 else "/target")


CASES = [
    {"id": "default_302", "path": "/default"},
    {"id": "code_301", "path": "/to/301"},
    {"id": "code_303", "path": "/to/303"},
    {"id": "code_307", "path": "/to/307"},
    {"id": "code_308", "path": "/to/308"},
    {"id": "unicode_location", "path": "/unicode"},
    {"id": "query_escaped_in_body", "path": "/query"},
    {"id": "external_location", "path": "/external"},
    {"id": "relative_location_kept", "path": "/relative"},
    {"id": "url_for_location", "path": "/url-for"},
    {"id": "app_redirect_method", "path": "/app-redirect"},
    {"id": "werkzeug_utils_redirect", "path": "/werkzeug"},
    {"id": "follow_302_post_becomes_get", "method": "POST", "path": "/to/302",
     "kwargs": {"data": {"a": "1"}, "follow_redirects": True}},
    {"id": "follow_303_put_becomes_get", "method": "PUT", "path": "/to/303",
     "kwargs": {"data": "body", "follow_redirects": True}},
    {"id": "follow_307_keeps_method_and_body", "method": "POST", "path": "/to/307",
     "kwargs": {"data": {"a": "1"}, "follow_redirects": True}},
    {"id": "follow_308_keeps_method_and_body", "method": "PUT", "path": "/to/308",
     "kwargs": {"data": "raw", "content_type": "text/plain", "follow_redirects": True}},
    {"id": "follow_chain_history", "path": "/chain/3", "kwargs": {"follow_redirects": True}},
    {"id": "follow_loop_raises", "path": "/loop", "kwargs": {"follow_redirects": True}},
    {"id": "follow_relative", "path": "/relative", "kwargs": {"follow_redirects": True}},
]

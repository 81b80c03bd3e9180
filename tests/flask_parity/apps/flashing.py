"""Message flashing: flash() stores in the session, get_flashed_messages() takes them out.

The session cookie is recorded by what it decodes to, so Flask's storage format
(``"_flashes"``: a list of ``(category, message)`` tuples) is compared on every
response that writes it. ``steps`` cases carry the cookie from the flashing request to
the reading one, also across a followed redirect.
"""

from __future__ import annotations

from flask import (
    Flask,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)

app = Flask(__name__)
app.testing = True
app.secret_key = "flashing parity secret"


def attempt(fn):
    """``{"ok": fn()}`` or ``{"raised": [type name, message]}``."""
    try:
        return {"ok": fn()}
    except Exception as exc:
        return {"raised": [type(exc).__name__, str(exc)]}


@app.route("/flash")
def flash_messages():
    # ?m=text:category pairs; a bare text uses the default category.
    for item in request.args.getlist("m"):
        text, sep, category = item.partition(":")
        if sep:
            flash(text, category)
        else:
            flash(text)
    return "flashed"


@app.route("/flash-object")
def flash_object():
    flash({"code": 7, "fields": ["a", "b"]}, "structured")
    flash(("tuple", "message"), "tuple")
    return "flashed"


@app.route("/messages")
def messages():
    categories = request.args.get("filter")
    return jsonify(
        get_flashed_messages(
            with_categories=request.args.get("with") == "1",
            category_filter=categories.split(",") if categories else (),
        )
    )


@app.route("/messages-string-filter/<categories>")
def messages_string_filter(categories):
    # A str filter: Flask tests membership with ``in``, so it is a substring test.
    return jsonify(get_flashed_messages(with_categories=True, category_filter=categories))


@app.route("/messages-twice")
def messages_twice():
    first = get_flashed_messages(with_categories=True)
    second = get_flashed_messages(with_categories=True)
    filtered = get_flashed_messages(category_filter=["error"])
    return jsonify(first=first, second=second, filtered=filtered, left=session.get("_flashes"))


@app.route("/filter-then-all")
def filter_then_all():
    errors = get_flashed_messages(category_filter=["error"])
    everything = get_flashed_messages()
    return jsonify(errors=errors, everything=everything)


@app.route("/read-in-nested-app-context")
def read_in_nested_app_context():
    # An app context pushed inside the request still belongs to that request.
    with app.app_context():
        inner = get_flashed_messages()
    return jsonify(inner=inner, outer=get_flashed_messages())


@app.route("/flash-and-read")
def flash_and_read():
    flash("same request", "info")
    return jsonify(get_flashed_messages(with_categories=True))


@app.route("/read-then-flash")
def read_then_flash():
    before = get_flashed_messages()
    flash("after reading", "info")
    return jsonify(before=before, again=get_flashed_messages(), stored=session.get("_flashes"))


@app.route("/flash-redirect")
def flash_redirect():
    flash("saved!", "success")
    return redirect(url_for("messages", **{"with": "1"}))


@app.route("/flash-redirect-chain/<int:hops>")
def flash_redirect_chain(hops):
    flash(f"hop {hops}")
    if hops:
        return redirect(url_for("flash_redirect_chain", hops=hops - 1))
    return redirect(url_for("messages"))


@app.route("/peek")
def peek():
    # Reading the session directly leaves the flashes in place.
    return jsonify(flashes=session.get("_flashes"), keys=sorted(session))


@app.route("/flash-with-other-data")
def flash_with_other_data():
    session["user"] = "ann"
    flash("welcome")
    return "ok"


@app.route("/untouched")
def untouched():
    return "no flashing"


def flash_outside_request():
    return attempt(lambda: flash("nowhere"))


def get_outside_request():
    return attempt(get_flashed_messages)


def flash_in_app_context_only():
    with app.app_context():
        return [attempt(lambda: flash("no request")), attempt(get_flashed_messages)]


def flash_in_test_request_context():
    with app.test_request_context("/"):
        flash("queued", "info")
        stored = [list(item) for item in session["_flashes"]]
        read = get_flashed_messages(with_categories=True)
        return {"stored": stored, "read": [list(item) for item in read],
                "left": "_flashes" in session}


def flash_via_session_transaction():
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_flashes"] = [("warning", "planted")]
    return client.get("/messages?with=1").get_json()


def flashes_visible_in_session_transaction():
    client = app.test_client()
    client.get("/flash?m=one:info&m=two")
    with client.session_transaction() as sess:
        return [list(item) for item in sess.get("_flashes", [])]


CASES = [
    {"id": "flash_default_category", "path": "/flash?m=hello"},
    {"id": "flash_with_category", "path": "/flash?m=bad+input:error"},
    {"id": "flash_several", "path": "/flash?m=one&m=two:info&m=three:error"},
    {"id": "flash_unicode", "path": "/flash?m=caf%C3%A9+%E2%98%83:warning"},
    {"id": "flash_objects", "path": "/flash-object"},
    {"id": "flash_then_read", "steps": [{"path": "/flash?m=hello"}, {"path": "/messages"}]},
    {"id": "read_removes_flashes", "steps": [
        {"path": "/flash?m=hello"}, {"path": "/messages"}, {"path": "/messages"}]},
    {"id": "flash_accumulates_across_requests", "steps": [
        {"path": "/flash?m=one"}, {"path": "/flash?m=two:info"}, {"path": "/messages?with=1"}]},
    {"id": "with_categories", "steps": [
        {"path": "/flash?m=one&m=two:info&m=three:error"}, {"path": "/messages?with=1"}]},
    {"id": "category_filter", "steps": [
        {"path": "/flash?m=one&m=two:info&m=three:error&m=four:warning"},
        {"path": "/messages?filter=error,warning"}]},
    {"id": "category_filter_with_categories", "steps": [
        {"path": "/flash?m=one&m=two:info&m=three:error"},
        {"path": "/messages?filter=info,message&with=1"}]},
    {"id": "category_filter_no_match", "steps": [
        {"path": "/flash?m=one&m=two:info"}, {"path": "/messages?filter=error"},
        {"path": "/messages"}]},
    {"id": "category_filter_string_substring", "steps": [
        {"path": "/flash?m=a:err&m=b:error&m=c:or&m=d:warning"},
        {"path": "/messages-string-filter/error"}]},
    {"id": "repeated_calls_same_request", "steps": [
        {"path": "/flash?m=one&m=two:error"}, {"path": "/messages-twice"}]},
    {"id": "filter_then_all_same_request", "steps": [
        {"path": "/flash?m=one&m=two:error"}, {"path": "/filter-then-all"}]},
    {"id": "nested_app_context_shares_cache", "steps": [
        {"path": "/flash?m=one&m=two:error"}, {"path": "/read-in-nested-app-context"}]},
    {"id": "no_flashes_empty_list", "path": "/messages"},
    {"id": "no_flashes_with_categories", "path": "/messages?with=1"},
    {"id": "flash_and_read_same_request", "path": "/flash-and-read"},
    {"id": "read_then_flash_same_request", "path": "/read-then-flash"},
    {"id": "read_then_flash_kept_for_next", "steps": [
        {"path": "/flash?m=old"}, {"path": "/read-then-flash"}, {"path": "/messages?with=1"}]},
    {"id": "flash_across_redirect", "steps": [
        {"path": "/flash-redirect", "kwargs": {"follow_redirects": True}},
        {"path": "/messages"}]},
    {"id": "flash_redirect_unfollowed", "steps": [
        {"path": "/flash-redirect"}, {"path": "/peek"}, {"path": "/messages?with=1"}]},
    {"id": "flash_across_redirect_chain",
     "path": "/flash-redirect-chain/2", "kwargs": {"follow_redirects": True}},
    {"id": "peek_keeps_flashes", "steps": [
        {"path": "/flash?m=hello"}, {"path": "/peek"}, {"path": "/messages"}]},
    {"id": "read_keeps_other_session_data", "steps": [
        {"path": "/flash-with-other-data"}, {"path": "/messages"}, {"path": "/peek"}]},
    {"id": "untouched_keeps_flashes", "steps": [
        {"path": "/flash?m=hello"}, {"path": "/untouched"}, {"path": "/messages"}]},
    {"id": "flash_without_secret_key", "config": {"SECRET_KEY": None},
     "path": "/flash?m=hello"},
    {"id": "read_without_secret_key", "config": {"SECRET_KEY": None}, "path": "/messages"},
    {"id": "flash_bad_cookie", "client_cookies": {"session": "tampered.value.here"},
     "steps": [{"path": "/messages"}, {"path": "/flash?m=fresh"}, {"path": "/messages"}]},
    {"id": "flash_outside_request", "call": "flash_outside_request"},
    {"id": "get_outside_request", "call": "get_outside_request"},
    {"id": "flash_in_app_context_only", "call": "flash_in_app_context_only"},
    {"id": "flash_in_test_request_context", "call": "flash_in_test_request_context"},
    {"id": "flash_via_session_transaction", "call": "flash_via_session_transaction"},
    {"id": "flashes_visible_in_session_transaction",
     "call": "flashes_visible_in_session_transaction"},
]

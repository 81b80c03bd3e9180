"""Sessions: the signed cookie session, its flags and config, bad cookies, custom backends.

The HTTP cases drive ``app`` (the stock ``SecureCookieSessionInterface``); the runner
records a ``Set-Cookie`` for the session by what it decodes to, ``Expires`` as a delta
from the request time, and the ``Vary`` header as sent. ``call`` cases cover what needs
code between requests: cookies signed, tampered or truncated here, secret-key
rotation, ``client.session_transaction()``, and two apps with custom
``session_interface`` objects that log when Flask opens and saves their sessions.
"""

from __future__ import annotations

import hashlib
import time
import uuid

from flask import Flask, abort, jsonify, make_response, request, session
from flask.sessions import (
    SecureCookieSessionInterface,
    SessionInterface,
    SessionMixin,
    session_json_serializer,
)
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import Markup

SECRET = "sessions parity secret"

app = Flask(__name__)
app.testing = True
app.secret_key = SECRET


def state():
    """What the view sees of the session, without changing its flags."""
    return {
        "data": {key: repr(value) for key, value in session.items()},
        "permanent": session.permanent,
        "modified": session.modified,
        "new": session.new,
        "type": type(session._get_current_object()).__name__,
    }


@app.route("/untouched")
def untouched():
    return "session not used"


@app.route("/set/<key>/<value>")
def set_value(key, value):
    session[key] = value
    return jsonify(modified=session.modified)


@app.route("/update", methods=["POST"])
def update():
    session.update(request.get_json())
    return jsonify(modified=session.modified)


@app.route("/get/<key>")
def get_value(key):
    return jsonify(value=session.get(key))


@app.route("/item/<key>")
def get_item(key):
    return jsonify(value=session[key])


@app.route("/contains/<key>")
def contains(key):
    return jsonify(found=key in session)


@app.route("/length")
def length():
    return jsonify(length=len(session), truthy=bool(session))


@app.route("/dump")
def dump():
    return jsonify(state())


@app.route("/delete/<key>")
def delete(key):
    del session[key]
    return jsonify(modified=session.modified)


@app.route("/pop/<key>")
def pop(key):
    return jsonify(value=session.pop(key, None), modified=session.modified)


@app.route("/setdefault/<key>/<value>")
def setdefault(key, value):
    return jsonify(value=session.setdefault(key, value), modified=session.modified)


@app.route("/popitem")
def popitem():
    return jsonify(item=list(session.popitem()), modified=session.modified)


@app.route("/clear")
def clear():
    session.clear()
    return jsonify(modified=session.modified)


@app.route("/permanent/<flag>")
def permanent(flag):
    session.permanent = flag == "on"
    return jsonify(state())


@app.route("/permanent-login/<user>")
def permanent_login(user):
    session.permanent = True
    session["user"] = user
    return "logged in"


@app.route("/mark-modified")
def mark_modified():
    session.modified = True
    return jsonify(state())


@app.route("/nested/init")
def nested_init():
    session["cart"] = ["apple"]
    session["profile"] = {"name": "ann"}
    return jsonify(state())


@app.route("/nested/append")
def nested_append():
    session["cart"].append("pear")
    session["profile"]["name"] = "bob"
    return jsonify(state())


@app.route("/nested/append-and-flag")
def nested_append_and_flag():
    session["cart"].append("pear")
    session.modified = True
    return jsonify(state())


@app.route("/types")
def types():
    session["tuple"] = (1, "two", (3, None))
    session["bytes"] = b"\x00\xffraw"
    session["markup"] = Markup("<b>bold</b>")
    session["uuid"] = uuid.UUID("12345678-1234-5678-1234-567812345678")
    session["none"] = None
    session["float"] = 1.5
    session["unicode"] = "caf\u00e9 \u2603"
    session["dict"] = {" t": "not a tuple", "list": [b"x", (1,)]}
    return "stored"


@app.route("/big/<int:size>")
def big(size):
    # Hex digests barely compress, so the signed cookie grows with ``size``.
    chunks = (hashlib.sha256(str(i).encode()).hexdigest() for i in range(size // 64 + 1))
    session["big"] = "".join(chunks)[:size]
    return "stored"


@app.route("/vary-too")
def vary_too():
    response = make_response(jsonify(value=session.get("a")))
    response.vary.add("Accept-Encoding")
    return response


@app.route("/set-then-abort/<int:code>")
def set_then_abort(code):
    session["before_abort"] = code
    abort(code)


@app.route("/set-then-raise")
def set_then_raise():
    session["before_error"] = True
    raise ValueError("view failed after writing the session")


@app.route("/reassign-response-cookie")
def reassign_response_cookie():
    session["a"] = "from session"
    response = make_response("also a manual cookie")
    response.set_cookie("other", "manual")
    return response


@app.after_request
def after_hook(response):
    # Only touches the session when asked, so other cases keep their Vary header.
    if request.args.get("after") == "write":
        session["written_in_after_request"] = True
    return response


EVENTS: list[str] = []


@app.teardown_request
def teardown(exc):
    EVENTS.append(f"teardown:{exc!r}")


@app.errorhandler(404)
def not_found(error):
    if request.args.get("handler") == "write":
        session["written_in_error_handler"] = True
    return "custom not found", 404


# -- cookies made outside a request ------------------------------------------------------


def attempt(fn):
    """``{"ok": fn()}`` or ``{"raised": [type name, message]}``."""
    try:
        return {"ok": fn()}
    except Exception as exc:
        return {"raised": [type(exc).__name__, str(exc)]}


def signed(data, secret=SECRET):
    """A session cookie value as ``app`` would write it (or another secret would)."""
    other = Flask("sessions_signer")
    other.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(other).dumps(data)


def open_with(value):
    """What ``/dump`` shows when the jar holds ``value`` as the session cookie."""
    client = app.test_client()
    client.set_cookie("session", value)
    response = client.get("/dump")
    return {
        "status": response.status_code,
        "body": response.get_json(),
        "vary": response.headers.get("Vary"),
        "set_cookie": response.headers.getlist("Set-Cookie"),
    }


def bad_cookie_valid_baseline():
    return open_with(signed({"user": "ann"}))


def bad_cookie_tampered_payload():
    payload, _, rest = signed({"user": "ann"}).partition(".")
    forged = signed({"user": "root"}).partition(".")[0]
    return open_with(f"{forged}.{rest}") | {"changed": forged != payload}


_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def bad_cookie_tampered_signature():
    value = signed({"user": "ann"})
    # Flip the top bit of the last character's 6-bit value: its low bits may be base64
    # padding, where a change would decode to the same signature bytes.
    last = _B64URL[_B64URL.index(value[-1]) ^ 32]
    return open_with(value[:-1] + last)


def bad_cookie_truncated():
    value = signed({"user": "ann"})
    return [open_with(value[:cut])["body"] for cut in (1, 10, len(value) // 2, len(value) - 1)]


def bad_cookie_wrong_secret():
    return open_with(signed({"user": "ann"}, secret="another secret"))


def bad_cookie_expired():
    class PastSigner(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 40 * 24 * 3600

    serializer = URLSafeTimedSerializer(
        SECRET,
        salt="cookie-session",
        serializer=session_json_serializer,
        signer=PastSigner,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    return open_with(serializer.dumps({"user": "ann"}))


def bad_cookie_duplicate_names():
    client = app.test_client(use_cookies=False)
    good = signed({"user": "ann"})
    first_good = client.get("/dump", headers={"Cookie": f"session={good}; session=junk"})
    first_bad = client.get("/dump", headers={"Cookie": f"session=junk; session={good}"})
    return [first_good.get_json(), first_bad.get_json()]


def secret_key_rotation():
    client = app.test_client()
    client.get("/set/user/ann")
    old_cookie = client.get_cookie("session").value
    app.config["SECRET_KEY_FALLBACKS"] = [SECRET]
    app.secret_key = "rotated secret"
    try:
        read = client.get("/dump")
        client.get("/set/role/admin")
        new_cookie = client.get_cookie("session").value
        app.config["SECRET_KEY_FALLBACKS"] = []
        after_fallback_removed = client.get("/dump").get_json()
        client.set_cookie("session", old_cookie)
        old_without_fallback = client.get("/dump").get_json()
    finally:
        app.secret_key = SECRET
        app.config["SECRET_KEY_FALLBACKS"] = []
    return {
        "read_with_fallback": read.get_json(),
        "read_sets_cookie": read.headers.getlist("Set-Cookie"),
        "write_resigns": new_cookie != old_cookie,
        "after_fallback_removed": after_fallback_removed,
        "old_without_fallback": old_without_fallback,
    }


# -- client.session_transaction() ------------------------------------------------------


def transaction_then_request():
    client = app.test_client()
    with client.session_transaction() as sess:
        before = dict(sess)
        sess["user"] = "ann"
        sess["ids"] = (1, 2)
    return {"before": before, "request": client.get("/dump").get_json()}


def transaction_reads_request_session():
    client = app.test_client()
    client.get("/set/user/ann")
    with client.session_transaction() as sess:
        return {
            "data": dict(sess),
            "type": type(sess).__name__,
            "permanent": sess.permanent,
            "modified": sess.modified,
            "accessed": sess.accessed,
        }


def transaction_untouched_keeps_cookie():
    client = app.test_client()
    client.get("/set/user/ann")
    before = client.get_cookie("session").value
    with client.session_transaction() as sess:
        sess.get("user")
    return client.get_cookie("session").value == before


def transaction_clear_deletes_cookie():
    client = app.test_client()
    client.get("/set/user/ann")
    with client.session_transaction() as sess:
        sess.clear()
    return {"cookie": client.get_cookie("session"), "request": client.get("/dump").get_json()}


def transaction_permanent():
    client = app.test_client()
    with client.session_transaction() as sess:
        sess.permanent = True
        sess["user"] = "ann"
    cookie = client.get_cookie("session")
    return {"has_expires": cookie.expires is not None, "request": client.get("/dump").get_json()}


def transaction_exception_discards_changes():
    client = app.test_client()
    client.get("/set/user/ann")
    try:
        with client.session_transaction() as sess:
            sess["user"] = "mallory"
            raise LookupError("abandon the transaction")
    except LookupError as exc:
        raised = str(exc)
    return {"raised": raised, "request": client.get("/dump").get_json()}


def transaction_nested_requests():
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["n"] = 1
    client.get("/set/m/2")
    with client.session_transaction() as sess:
        sess["n"] = sess["n"] + 1
    return client.get("/dump").get_json()


def transaction_request_arguments():
    client = app.test_client()
    with client.session_transaction("/anything", base_url="http://other.test") as sess:
        sess["host"] = "other"
    return {
        "localhost": client.get("/dump").get_json()["data"],
        "other_host": client.get("/dump", base_url="http://other.test").get_json()["data"],
    }


def transaction_cookie_config():
    client = app.test_client()
    app.config["SESSION_COOKIE_NAME"] = "sid"
    app.config["SESSION_COOKIE_PATH"] = "/only"
    try:
        with client.session_transaction("/only/here") as sess:
            sess["a"] = 1
        cookie = client.get_cookie("sid", path="/only")
        return {"stored": cookie is not None, "default_path": client.get_cookie("sid")}
    finally:
        app.config["SESSION_COOKIE_NAME"] = "session"
        app.config["SESSION_COOKIE_PATH"] = None


def transaction_without_cookies():
    client = app.test_client(use_cookies=False)

    def run():
        with client.session_transaction() as sess:
            sess["a"] = 1

    return attempt(run)


def transaction_without_secret_key():
    client = app.test_client()
    app.secret_key = None

    def run():
        with client.session_transaction() as sess:
            sess["a"] = 1

    try:
        return attempt(run)
    finally:
        app.secret_key = SECRET


def transaction_runs_teardown():
    EVENTS.clear()
    client = app.test_client()
    with client.session_transaction() as sess:
        EVENTS.append("inside")
        sess["a"] = 1
    return list(EVENTS)


# -- custom session interfaces ---------------------------------------------------------

LOG: list[str] = []

logged = Flask("sessions_logged")
logged.testing = True
logged.secret_key = SECRET


class LoggingInterface(SecureCookieSessionInterface):
    """The stock cookie interface, logging each open and save."""

    def open_session(self, app, request):
        LOG.append(f"open:{request.path}:{request.cookies.get('session') is not None}")
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        LOG.append(f"save:{sorted(session)}:{session.modified}:{session.accessed}")
        super().save_session(app, session, response)
        response.headers["X-Saved"] = "yes"


logged.session_interface = LoggingInterface()


@logged.before_request
def logged_before():
    LOG.append(f"before:{request.path}")


@logged.after_request
def logged_after(response):
    LOG.append(f"after:{response.status_code}")
    return response


@logged.teardown_request
def logged_teardown(exc):
    LOG.append("teardown")


@logged.route("/write")
def logged_write():
    LOG.append("view")
    session["user"] = "ann"
    return "written"


@logged.route("/read")
def logged_read():
    LOG.append("view")
    return jsonify(user=session.get("user"))


@logged.route("/untouched")
def logged_untouched():
    LOG.append("view")
    return "untouched"


def summary(response):
    return {
        "status": response.status_code,
        "body": response.get_data(as_text=True),
        "vary": response.headers.get("Vary"),
        "saved": response.headers.get("X-Saved"),
        "cookies": len(response.headers.getlist("Set-Cookie")),
    }


def custom_interface_request_order():
    LOG.clear()
    client = logged.test_client()
    responses = [summary(client.get(path)) for path in ("/write", "/read", "/untouched")]
    return {"responses": responses, "log": list(LOG)}


def custom_interface_missing_route():
    LOG.clear()
    response = logged.test_client().get("/missing")
    return {"response": summary(response), "log": list(LOG)}


def custom_interface_opens_at_push():
    LOG.clear()
    with logged.test_request_context("/somewhere"):
        LOG.append("inside")
    with logged.test_request_context("/again"):
        LOG.append(f"session:{dict(session)}")
    return list(LOG)


def custom_interface_session_transaction():
    LOG.clear()
    client = logged.test_client()
    with client.session_transaction() as sess:
        LOG.append("transaction")
        sess["user"] = "ann"
    response = client.get("/read")
    return {"log": list(LOG), "read": response.get_json()}


# A server-side store: the cookie holds only an id (Flask's documented pattern).
store = Flask("sessions_store")
store.testing = True

STORE: dict[str, dict] = {}


class ServerSession(dict, SessionMixin):
    def __init__(self, sid, data=None):
        super().__init__(data or {})
        self.sid = sid


class StoreInterface(SessionInterface):
    def open_session(self, app, request):
        sid = request.cookies.get("sid")
        if sid in STORE:
            return ServerSession(sid, STORE[sid])
        return ServerSession(f"sid-{len(STORE) + 1}")

    def save_session(self, app, session, response):
        if not session:
            STORE.pop(session.sid, None)
            if request.cookies.get("sid"):
                response.delete_cookie("sid")
            return
        STORE[session.sid] = dict(session)
        response.set_cookie(
            "sid",
            session.sid,
            httponly=self.get_cookie_httponly(app),
            expires=self.get_expiration_time(app, session),
        )


store.session_interface = StoreInterface()


@store.route("/login/<user>")
def store_login(user):
    session["user"] = user
    return "ok"


@store.route("/whoami")
def store_whoami():
    return jsonify(
        user=session.get("user"),
        type=type(session._get_current_object()).__name__,
        modified=session.modified,
        new=session.new,
        permanent=session.permanent,
    )


@store.route("/logout")
def store_logout():
    session.clear()
    return "bye"


def server_side_store():
    STORE.clear()
    client = store.test_client()
    steps = []
    for path in ("/whoami", "/login/ann", "/whoami", "/logout", "/whoami"):
        response = client.get(path)
        steps.append(
            {
                "path": path,
                "body": response.get_data(as_text=True),
                "set_cookie": response.headers.getlist("Set-Cookie"),
                "vary": response.headers.get("Vary"),
            }
        )
    return {"steps": steps, "store": STORE}


def server_side_transaction():
    STORE.clear()
    client = store.test_client()
    with client.session_transaction() as sess:
        sess["user"] = "bob"
    return {"store": STORE, "whoami": client.get("/whoami").get_json()}


# An interface that opens nothing: Flask falls back to a NullSession.
nothing = Flask("sessions_nothing")
nothing.testing = True
nothing.secret_key = SECRET


class NothingInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        return None


nothing.session_interface = NothingInterface()


@nothing.route("/read")
def nothing_read():
    current = session._get_current_object()
    return jsonify(type=type(current).__name__, value=session.get("a"), items=len(session))


@nothing.route("/write")
def nothing_write():
    session["a"] = 1
    return "unreachable"


def null_interface_requests():
    client = nothing.test_client()
    read = client.get("/read")

    def write():
        return client.get("/write").status_code

    return {
        "read": read.get_json(),
        "read_vary": read.headers.get("Vary"),
        "write": attempt(write),
        "transaction": attempt(lambda: client.session_transaction().__enter__()),
    }


CASES = [
    # -- modified / accessed, Vary, Set-Cookie ----------------------------------------
    {"id": "untouched_no_cookie_no_vary", "path": "/untouched"},
    {"id": "set_value_writes_cookie", "path": "/set/user/ann"},
    {"id": "read_missing_key_varies", "path": "/get/user"},
    {"id": "read_item_missing_key_raises", "path": "/item/user"},
    {"id": "contains_varies", "path": "/contains/user"},
    {"id": "length_varies", "path": "/length"},
    {"id": "dump_fresh_session", "path": "/dump"},
    {"id": "update_from_json", "method": "POST", "path": "/update",
     "kwargs": {"json": {"a": 1, "b": [1, 2], "c": {"d": None}}}},
    {"id": "update_empty_mapping", "method": "POST", "path": "/update", "kwargs": {"json": {}}},
    {"id": "vary_merges_with_view_vary", "path": "/vary-too"},
    {"id": "types_round_trip", "steps": [{"path": "/types"}, {"path": "/dump"}]},
    {"id": "set_then_read", "steps": [{"path": "/set/user/ann"}, {"path": "/get/user"}]},
    {"id": "read_does_not_resend", "steps": [{"path": "/set/user/ann"}, {"path": "/dump"}]},
    {"id": "untouched_with_cookie_sends_nothing",
     "steps": [{"path": "/set/user/ann"}, {"path": "/untouched"}]},
    {"id": "overwrite_value",
     "steps": [{"path": "/set/user/ann"}, {"path": "/set/user/bob"}, {"path": "/dump"}]},
    {"id": "same_value_rewrite_still_modified",
     "steps": [{"path": "/set/user/ann"}, {"path": "/set/user/ann"}]},
    {"id": "delete_key", "steps": [
        {"path": "/set/a/1"}, {"path": "/set/b/2"}, {"path": "/delete/a"}, {"path": "/dump"}]},
    {"id": "delete_missing_key_raises", "path": "/delete/nope"},
    {"id": "pop_present", "steps": [{"path": "/set/a/1"}, {"path": "/set/b/2"},
                                     {"path": "/pop/a"}]},
    {"id": "pop_missing_not_modified", "steps": [{"path": "/set/a/1"}, {"path": "/pop/zzz"}]},
    {"id": "setdefault_missing_modifies", "steps": [{"path": "/set/a/1"},
                                                     {"path": "/setdefault/b/2"}]},
    {"id": "setdefault_present_not_modified", "steps": [{"path": "/set/a/1"},
                                                         {"path": "/setdefault/a/9"}]},
    {"id": "popitem_last", "steps": [{"path": "/set/a/1"}, {"path": "/set/b/2"},
                                      {"path": "/popitem"}]},
    {"id": "popitem_empty_raises", "path": "/popitem"},
    {"id": "mark_modified_resends",
     "steps": [{"path": "/set/user/ann"}, {"path": "/mark-modified"}]},
    {"id": "mark_modified_on_empty_deletes_cookie", "path": "/mark-modified"},
    # -- clearing -------------------------------------------------------------------------
    {"id": "clear_deletes_cookie", "steps": [{"path": "/set/user/ann"}, {"path": "/clear"},
                                             {"path": "/dump"}]},
    {"id": "clear_without_cookie_still_deletes", "path": "/clear"},
    {"id": "pop_last_key_deletes_cookie",
     "steps": [{"path": "/set/user/ann"}, {"path": "/pop/user"}]},
    {"id": "clear_deletes_with_cookie_attributes",
     "config": {"SESSION_COOKIE_DOMAIN": "example.com", "SESSION_COOKIE_PATH": "/",
                "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": "Strict",
                "SESSION_COOKIE_PARTITIONED": True},
     "path": "/clear"},
    # -- nested mutation (not detected, as in Flask) -------------------------------------
    {"id": "nested_mutation_not_detected", "steps": [
        {"path": "/nested/init"}, {"path": "/nested/append"}, {"path": "/dump"}]},
    {"id": "nested_mutation_flagged_is_saved", "steps": [
        {"path": "/nested/init"}, {"path": "/nested/append-and-flag"}, {"path": "/dump"}]},
    # -- permanent sessions and their lifetime ------------------------------------------
    {"id": "permanent_sets_expires", "path": "/permanent-login/ann"},
    {"id": "permanent_flag_alone_is_a_change", "path": "/permanent/on"},
    {"id": "permanent_off_on_empty_session", "path": "/permanent/off"},
    {"id": "not_permanent_no_expires", "path": "/set/user/ann"},
    {"id": "permanent_lifetime_seconds", "config": {"PERMANENT_SESSION_LIFETIME": 600},
     "path": "/permanent-login/ann"},
    {"id": "permanent_then_read", "steps": [{"path": "/permanent-login/ann"},
                                            {"path": "/dump"}]},
    {"id": "permanent_turned_off", "steps": [
        {"path": "/permanent-login/ann"}, {"path": "/permanent/off"}, {"path": "/dump"}]},
    # -- SESSION_REFRESH_EACH_REQUEST ---------------------------------------------------
    {"id": "refresh_permanent_untouched_resends",
     "steps": [{"path": "/permanent-login/ann"}, {"path": "/untouched"}]},
    {"id": "refresh_permanent_read_resends",
     "steps": [{"path": "/permanent-login/ann"}, {"path": "/get/user"}]},
    {"id": "refresh_permanent_on_404_resends",
     "steps": [{"path": "/permanent-login/ann"}, {"path": "/no/such/page"}]},
    {"id": "refresh_disabled_untouched_sends_nothing",
     "config": {"SESSION_REFRESH_EACH_REQUEST": False},
     "steps": [{"path": "/permanent-login/ann"}, {"path": "/untouched"}]},
    {"id": "refresh_disabled_read_sends_nothing",
     "config": {"SESSION_REFRESH_EACH_REQUEST": False},
     "steps": [{"path": "/permanent-login/ann"}, {"path": "/get/user"}]},
    {"id": "refresh_not_permanent_sends_nothing",
     "steps": [{"path": "/set/user/ann"}, {"path": "/untouched"}]},
    # -- cookie attributes from config -------------------------------------------------
    {"id": "cookie_name", "config": {"SESSION_COOKIE_NAME": "my_session"},
     "steps": [{"path": "/set/user/ann"}, {"path": "/get/user"}]},
    {"id": "cookie_domain", "config": {"SESSION_COOKIE_DOMAIN": "example.com"},
     "path": "/set/user/ann"},
    {"id": "cookie_domain_leading_dot", "config": {"SESSION_COOKIE_DOMAIN": ".example.com"},
     "path": "/set/user/ann"},
    {"id": "cookie_path", "config": {"SESSION_COOKIE_PATH": "/set"},
     "steps": [{"path": "/set/user/ann"}, {"path": "/get/user"}, {"path": "/set/user/bob"}]},
    {"id": "cookie_path_from_application_root", "config": {"APPLICATION_ROOT": "/root"},
     "path": "/set/user/ann"},
    {"id": "cookie_not_httponly", "config": {"SESSION_COOKIE_HTTPONLY": False},
     "path": "/set/user/ann"},
    {"id": "cookie_secure", "config": {"SESSION_COOKIE_SECURE": True},
     "path": "/set/user/ann"},
    {"id": "cookie_secure_over_https", "config": {"SESSION_COOKIE_SECURE": True},
     "steps": [{"path": "/set/user/ann", "kwargs": {"base_url": "https://localhost"}},
               {"path": "/get/user", "kwargs": {"base_url": "https://localhost"}},
               {"path": "/get/user"}]},
    {"id": "cookie_samesite_lax", "config": {"SESSION_COOKIE_SAMESITE": "Lax"},
     "path": "/set/user/ann"},
    {"id": "cookie_samesite_strict", "config": {"SESSION_COOKIE_SAMESITE": "Strict"},
     "path": "/set/user/ann"},
    {"id": "cookie_samesite_none", "config": {"SESSION_COOKIE_SAMESITE": "None",
                                               "SESSION_COOKIE_SECURE": True},
     "path": "/set/user/ann"},
    {"id": "cookie_samesite_lowercase", "config": {"SESSION_COOKIE_SAMESITE": "lax"},
     "path": "/set/user/ann"},
    {"id": "cookie_samesite_invalid_raises", "config": {"SESSION_COOKIE_SAMESITE": "Sometimes"},
     "path": "/set/user/ann"},
    {"id": "cookie_partitioned", "config": {"SESSION_COOKIE_PARTITIONED": True},
     "path": "/set/user/ann"},
    {"id": "cookie_no_domain_with_server_name", "config": {"SERVER_NAME": "example.test"},
     "steps": [{"path": "/set/user/ann"}, {"path": "/get/user"}]},
    {"id": "cookie_all_attributes_permanent",
     "config": {"SESSION_COOKIE_NAME": "s", "SESSION_COOKIE_DOMAIN": "example.com",
                "SESSION_COOKIE_PATH": "/p", "SESSION_COOKIE_HTTPONLY": False,
                "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": "Lax",
                "SESSION_COOKIE_PARTITIONED": True, "PERMANENT_SESSION_LIFETIME": 3600},
     "path": "/permanent-login/ann"},
    # -- no SECRET_KEY: the NullSession -------------------------------------------------
    {"id": "no_secret_write_raises", "config": {"SECRET_KEY": None}, "path": "/set/user/ann"},
    {"id": "no_secret_empty_string_write_raises", "config": {"SECRET_KEY": ""},
     "path": "/set/user/ann"},
    {"id": "no_secret_read_is_empty", "config": {"SECRET_KEY": None}, "path": "/get/user"},
    {"id": "no_secret_dump", "config": {"SECRET_KEY": None}, "path": "/dump"},
    {"id": "no_secret_clear_raises", "config": {"SECRET_KEY": None}, "path": "/clear"},
    {"id": "no_secret_permanent_raises", "config": {"SECRET_KEY": None},
     "path": "/permanent/on"},
    {"id": "no_secret_untouched", "config": {"SECRET_KEY": None}, "path": "/untouched"},
    {"id": "no_secret_ignores_cookie", "config": {"SECRET_KEY": None},
     "client_cookies": {"session": "anything"}, "path": "/dump"},
    {"id": "no_secret_not_testing_is_500",
     "config": {"SECRET_KEY": None, "TESTING": False}, "path": "/set/user/ann"},
    # -- size ---------------------------------------------------------------------------
    {"id": "cookie_under_size_limit_no_warning", "path": "/big/5000"},
    {"id": "cookie_over_size_limit_warns", "path": "/big/9000"},
    {"id": "cookie_max_size_config", "config": {"MAX_COOKIE_SIZE": 300}, "path": "/big/500"},
    {"id": "cookie_max_size_zero_disables", "config": {"MAX_COOKIE_SIZE": 0},
     "path": "/big/9000"},
    # -- bad cookies give an empty session ---------------------------------------------
    {"id": "bad_cookie_garbage", "client_cookies": {"session": "garbage"}, "path": "/dump"},
    {"id": "bad_cookie_dots", "client_cookies": {"session": "a.b.c"}, "path": "/dump"},
    {"id": "bad_cookie_base64_json",
     "client_cookies": {"session": "eyJ1c2VyIjoiYW5uIn0.ZZZZZZ.abcdefghijklmnopqrstuvwxyz0"},
     "path": "/dump"},
    {"id": "bad_cookie_compressed_marker",
     "client_cookies": {"session": ".eJzLSM3JyQcABiwCFQ.ZZZZZZ.abcdefghijk"},
     "path": "/dump"},
    {"id": "bad_cookie_empty_value", "client_cookies": {"session": ""}, "path": "/dump"},
    {"id": "bad_cookie_unicode", "client_kwargs": {"use_cookies": False},
     "kwargs": {"headers": {"Cookie": "session=\u00e9t\u00e9.\u2603"}}, "path": "/dump"},
    {"id": "bad_cookie_oversized_incoming", "client_kwargs": {"use_cookies": False},
     "kwargs": {"headers": {"Cookie": "session=" + "x" * 5000}}, "path": "/dump"},
    {"id": "bad_cookie_then_write_replaces", "client_cookies": {"session": "garbage"},
     "path": "/set/user/ann"},
    {"id": "bad_cookie_untouched_left_alone", "client_cookies": {"session": "garbage"},
     "path": "/untouched"},
    {"id": "bad_cookie_valid_baseline", "call": "bad_cookie_valid_baseline"},
    {"id": "bad_cookie_tampered_payload", "call": "bad_cookie_tampered_payload"},
    {"id": "bad_cookie_tampered_signature", "call": "bad_cookie_tampered_signature"},
    {"id": "bad_cookie_truncated", "call": "bad_cookie_truncated"},
    {"id": "bad_cookie_wrong_secret", "call": "bad_cookie_wrong_secret"},
    {"id": "bad_cookie_expired", "call": "bad_cookie_expired"},
    {"id": "bad_cookie_duplicate_names", "call": "bad_cookie_duplicate_names"},
    {"id": "secret_key_rotation", "call": "secret_key_rotation"},
    # -- saving on error paths and in hooks ----------------------------------------------
    {"id": "saved_after_abort_404", "path": "/set-then-abort/404"},
    {"id": "saved_after_abort_403", "path": "/set-then-abort/403"},
    {"id": "view_error_propagates_in_testing", "path": "/set-then-raise"},
    {"id": "saved_on_500_when_not_testing", "config": {"TESTING": False},
     "path": "/set-then-raise"},
    {"id": "written_in_after_request", "path": "/untouched?after=write"},
    {"id": "written_in_error_handler", "path": "/missing?handler=write"},
    {"id": "session_cookie_beside_other_cookie", "path": "/reassign-response-cookie"},
    # -- client.session_transaction() ---------------------------------------------------
    {"id": "transaction_then_request", "call": "transaction_then_request"},
    {"id": "transaction_reads_request_session", "call": "transaction_reads_request_session"},
    {"id": "transaction_untouched_keeps_cookie", "call": "transaction_untouched_keeps_cookie"},
    {"id": "transaction_clear_deletes_cookie", "call": "transaction_clear_deletes_cookie"},
    {"id": "transaction_permanent", "call": "transaction_permanent"},
    {"id": "transaction_exception_discards_changes",
     "call": "transaction_exception_discards_changes"},
    {"id": "transaction_nested_requests", "call": "transaction_nested_requests"},
    {"id": "transaction_request_arguments", "call": "transaction_request_arguments"},
    {"id": "transaction_cookie_config", "call": "transaction_cookie_config"},
    {"id": "transaction_without_cookies", "call": "transaction_without_cookies"},
    {"id": "transaction_without_secret_key", "call": "transaction_without_secret_key"},
    {"id": "transaction_runs_teardown", "call": "transaction_runs_teardown"},
    # -- custom session interfaces ------------------------------------------------------
    {"id": "custom_interface_request_order", "call": "custom_interface_request_order"},
    {"id": "custom_interface_missing_route", "call": "custom_interface_missing_route"},
    {"id": "custom_interface_opens_at_push", "call": "custom_interface_opens_at_push"},
    {"id": "custom_interface_session_transaction",
     "call": "custom_interface_session_transaction"},
    {"id": "server_side_store", "call": "server_side_store"},
    {"id": "server_side_transaction", "call": "server_side_transaction"},
    {"id": "null_interface_requests", "call": "null_interface_requests"},
]

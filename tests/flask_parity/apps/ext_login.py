"""Flask-Login, unmodified: sessions, ``login_required``, remember-me, fresh logins.

Flask-Login leans on many Flask internals at once: ``app.login_manager`` and
``app.after_request`` (the remember cookie), a context processor (``current_user`` in
templates), ``current_user`` as a ``werkzeug.local.LocalProxy`` over ``g._login_user``,
``url_for`` on the login view, ``request.blueprint``, ``flash``, the signed cookie
session and its blinker signals (``user_logged_in``...). The session identifier hashes
the client's address and ``User-Agent``, so every request here sends the same agent
(the two test clients' default agents differ).
"""

from __future__ import annotations

from flask import Blueprint, Flask, get_flashed_messages, jsonify, render_template_string, request
from flask_login import (
    AnonymousUserMixin,
    LoginManager,
    UserMixin,
    confirm_login,
    current_user,
    fresh_login_required,
    login_fresh,
    login_required,
    login_user,
    logout_user,
    user_loaded_from_cookie,
    user_logged_in,
    user_logged_out,
)

app = Flask(__name__)
app.testing = True
app.secret_key = "ext_login parity secret"

login_manager = LoginManager(app)
login_manager.login_view = "login"
login_manager.login_message = "Log in first."
login_manager.refresh_view = "reauth"
login_manager.needs_refresh_message = "Confirm your password."

#: Signal deliveries of the current client, read back by ``/events``.
EVENTS: list[str] = []


class User(UserMixin):
    def __init__(self, user_id: str, name: str, active: bool = True) -> None:
        self.id = user_id
        self.name = name
        self.active = active

    @property
    def is_active(self) -> bool:
        return self.active


class Guest(AnonymousUserMixin):
    name = "guest"


login_manager.anonymous_user = Guest

USERS = {
    "1": User("1", "alice"),
    "2": User("2", "bob"),
    "3": User("3", "carol", active=False),
}
TOKENS = {"token-bob": "2"}


@login_manager.user_loader
def load_user(user_id):
    return USERS.get(user_id)


@login_manager.request_loader
def load_user_from_request(req):
    token = req.headers.get("X-Api-Token")
    return USERS.get(TOKENS.get(token, ""))


@user_logged_in.connect_via(app)
def _logged_in(sender, user, **extra):
    EVENTS.append(f"in:{user.name}")


@user_logged_out.connect_via(app)
def _logged_out(sender, user, **extra):
    EVENTS.append(f"out:{user.name if user else None}")


@user_loaded_from_cookie.connect_via(app)
def _from_cookie(sender, user, **extra):
    EVENTS.append(f"cookie:{user.name}")


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return jsonify(page="login", next=request.args.get("next"),
                       flashes=get_flashed_messages(with_categories=True))
    user = USERS.get(request.form.get("user_id", ""))
    if user is None:
        return jsonify(error="unknown user"), 401
    remember = request.form.get("remember") == "yes"
    ok = login_user(user, remember=remember)
    return jsonify(logged_in=ok, user=current_user.name, fresh=login_fresh())


@app.route("/logout")
def logout():
    logout_user()
    return jsonify(user=current_user.name, authenticated=current_user.is_authenticated)


@app.route("/reauth", methods=["GET", "POST"])
def reauth():
    if request.method == "POST":
        confirm_login()
        return jsonify(fresh=login_fresh())
    return jsonify(page="reauth", next=request.args.get("next"),
                   flashes=get_flashed_messages(with_categories=True))


@app.route("/me")
def me():
    return jsonify(
        user=current_user.name,
        authenticated=current_user.is_authenticated,
        anonymous=current_user.is_anonymous,
        id=current_user.get_id(),
        fresh=login_fresh(),
        proxy_type=type(current_user._get_current_object()).__name__,
    )


@app.route("/profile")
@login_required
def profile():
    return render_template_string(
        "{% if current_user.is_authenticated %}Hello {{ current_user.name }}"
        "{% else %}anonymous{% endif %}"
    )


@app.route("/settings", methods=["GET", "POST"])
@fresh_login_required
def settings():
    return jsonify(settings_for=current_user.name)


@app.route("/async-profile")
@login_required
async def async_profile():
    return jsonify(user=current_user.name, authenticated=current_user.is_authenticated)


@app.route("/async-login", methods=["POST"])
async def async_login():
    ok = login_user(USERS[request.form["user_id"]], remember=True)
    return jsonify(logged_in=ok, user=current_user.name)


@app.route("/events")
def events():
    seen = list(EVENTS)
    EVENTS.clear()
    return jsonify(seen)


admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.route("/login")
def admin_login():
    return "admin login page"


@admin.route("/panel")
@login_required
def panel():
    return f"panel of {current_user.name}"


app.register_blueprint(admin)
login_manager.blueprint_login_views = {"admin": "admin.admin_login"}


AGENT = "parity-agent/1.0"


def remember_me_restores_login():
    """Log in with remember-me, drop the session cookie, come back with the cookie."""
    client = app.test_client()
    headers = {"User-Agent": AGENT}
    EVENTS.clear()
    client.post("/login", data={"user_id": "1", "remember": "yes"}, headers=headers)
    cookie_name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    remember = client.get_cookie(cookie_name)
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    me_response = client.get("/me", headers=headers)
    fresh_response = client.get("/settings", headers=headers)
    return {
        "has_remember_cookie": remember is not None,
        "remember_http_only": remember.http_only if remember else None,
        "me": me_response.get_json(),
        "settings_status": fresh_response.status_code,
        "settings_location": fresh_response.headers.get("Location"),
        "events": list(EVENTS),
    }


def tampered_remember_cookie_is_ignored():
    client = app.test_client()
    client.set_cookie("remember_token", "1|not-a-valid-digest")
    return client.get("/me", headers={"User-Agent": AGENT}).get_json()


def current_user_outside_request():
    with app.test_request_context("/"):
        anon = current_user.name
        login_user(USERS["2"])
        logged = current_user.name
    with app.app_context():
        no_request = type(current_user._get_current_object()).__name__
    return {"anon": anon, "logged": logged, "app_ctx_only": no_request}


CASES = [
    {**case, "steps": [
        {**step, "kwargs": {**step.get("kwargs", {}),
                            "headers": {"User-Agent": "parity-agent/1.0",
                                        **step.get("kwargs", {}).get("headers", {})}}}
        for step in case["steps"]
    ]}
    for case in [
        {"id": "anonymous_user", "steps": [{"path": "/me"}]},
        {"id": "login_required_redirects_with_next", "steps": [{"path": "/profile?tab=1"}]},
        {"id": "login_redirect_flashes_message", "steps": [
            {"path": "/profile"},
            {"path": "/login?next=%2Fprofile"},
        ]},
        {"id": "login_required_follow_redirect", "steps": [
            {"path": "/profile", "kwargs": {"follow_redirects": True}},
        ]},
        {"id": "login_then_profile_template", "steps": [
            {"method": "POST", "path": "/login", "kwargs": {"data": {"user_id": "1"}}},
            {"path": "/profile"},
            {"path": "/me"},
        ]},
        {"id": "login_unknown_user", "steps": [
            {"method": "POST", "path": "/login", "kwargs": {"data": {"user_id": "9"}}},
            {"path": "/me"},
        ]},
        {"id": "login_inactive_user_refused", "steps": [
            {"method": "POST", "path": "/login", "kwargs": {"data": {"user_id": "3"}}},
            {"path": "/me"},
        ]},
        {"id": "logout_clears_user", "steps": [
            {"method": "POST", "path": "/login", "kwargs": {"data": {"user_id": "2"}}},
            {"path": "/logout"},
            {"path": "/profile"},
        ]},
        {"id": "signals_fire_on_login_logout", "steps": [
            {"path": "/events"},
            {"method": "POST", "path": "/login", "kwargs": {"data": {"user_id": "1"}}},
            {"path": "/logout"},
            {"path": "/events"},
        ]},
        {"id": "remember_me_sets_cookie", "steps": [
            {"method": "POST", "path": "/login",
             "kwargs": {"data": {"user_id": "1", "remember": "yes"}}},
            {"path": "/me"},
        ]},
        {"id": "logout_clears_remember_cookie", "steps": [
            {"method": "POST", "path": "/login",
             "kwargs": {"data": {"user_id": "1", "remember": "yes"}}},
            {"path": "/logout"},
            {"path": "/me"},
        ]},
        {"id": "fresh_login_allows_settings", "steps": [
            {"method": "POST", "path": "/login", "kwargs": {"data": {"user_id": "1"}}},
            {"path": "/settings"},
        ]},
        {"id": "fresh_required_anonymous_redirects_to_login", "steps": [
            {"path": "/settings"},
        ]},
        {"id": "request_loader_token", "steps": [
            {"path": "/me", "kwargs": {"headers": {"X-Api-Token": "token-bob"}}},
            {"path": "/profile", "kwargs": {"headers": {"X-Api-Token": "token-bob"}}},
            {"path": "/profile", "kwargs": {"headers": {"X-Api-Token": "wrong"}}},
        ]},
        {"id": "blueprint_login_view", "steps": [
            {"path": "/admin/panel"},
        ]},
        {"id": "blueprint_panel_logged_in", "steps": [
            {"method": "POST", "path": "/login", "kwargs": {"data": {"user_id": "2"}}},
            {"path": "/admin/panel"},
        ]},
        {"id": "async_view_login_required", "steps": [
            {"path": "/async-profile"},
            {"method": "POST", "path": "/async-login", "kwargs": {"data": {"user_id": "1"}}},
            {"path": "/async-profile"},
            {"path": "/logout"},
            {"path": "/async-profile"},
        ]},
        {"id": "strong_protection_agent_change_logs_out",
         "config": {"SESSION_PROTECTION": "strong"}, "steps": [
            {"method": "POST", "path": "/login",
             "kwargs": {"data": {"user_id": "1", "remember": "yes"}}},
            {"path": "/me", "kwargs": {"headers": {"User-Agent": "another-agent/2"}}},
            {"path": "/me", "kwargs": {"headers": {"User-Agent": "another-agent/2"}}},
         ]},
        {"id": "basic_protection_agent_change_marks_unfresh", "steps": [
            {"method": "POST", "path": "/login", "kwargs": {"data": {"user_id": "2"}}},
            {"path": "/me", "kwargs": {"headers": {"User-Agent": "another-agent/2"}}},
            {"path": "/settings", "kwargs": {"headers": {"User-Agent": "another-agent/2"}}},
         ]},
        {"id": "login_disabled_config", "config": {"LOGIN_DISABLED": True}, "steps": [
            {"path": "/profile"},
        ]},
        {"id": "login_required_exempts_options", "steps": [
            {"method": "OPTIONS", "path": "/profile"},
        ]},
    ]
] + [
    {"id": "remember_me_restores_login", "call": "remember_me_restores_login"},
    {"id": "tampered_remember_cookie_is_ignored", "call": "tampered_remember_cookie_is_ignored"},
    {"id": "current_user_outside_request", "call": "current_user_outside_request"},
    {"id": "reauth_after_remember", "call": "reauth_after_remember"},
    {"id": "factory_app_with_unauthorized_handler",
     "call": "factory_app_with_unauthorized_handler"},
]


def factory_app_with_unauthorized_handler():
    """``LoginManager()`` + ``init_app`` (app factory) and a JSON ``unauthorized_handler``."""
    other = Flask("ext_login_factory")
    other.testing = True
    other.secret_key = "factory secret"
    manager = LoginManager()
    manager.init_app(other)
    manager.user_loader(USERS.get)

    @manager.unauthorized_handler
    def unauthorized():
        return jsonify(error="login required", path=request.path), 401

    @other.route("/private")
    @login_required
    def private():
        return jsonify(user=current_user.name)

    @other.route("/in/<user_id>")
    def log_in(user_id):
        login_user(USERS[user_id])
        return "ok"

    client = other.test_client()
    headers = {"User-Agent": AGENT}
    denied = client.get("/private", headers=headers)
    client.get("/in/2", headers=headers)
    allowed = client.get("/private", headers=headers)
    return {"denied": [denied.status_code, denied.get_json()],
            "allowed": [allowed.status_code, allowed.get_json()],
            "manager": other.login_manager is manager}


def reauth_after_remember():
    """A remembered (non-fresh) login is sent to the refresh view, then confirmed."""
    client = app.test_client()
    headers = {"User-Agent": AGENT}
    client.post("/login", data={"user_id": "2", "remember": "yes"}, headers=headers)
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    first = client.get("/settings", headers=headers)
    page = client.get(first.headers["Location"], headers=headers).get_json()
    confirmed = client.post("/reauth", headers=headers).get_json()
    after = client.get("/settings", headers=headers)
    return {"first": [first.status_code, first.headers.get("Location")], "page": page,
            "confirmed": confirmed, "after": [after.status_code, after.get_json()]}

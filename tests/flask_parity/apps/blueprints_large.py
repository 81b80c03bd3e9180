"""A large-app shape: three levels of nested blueprints, as a versioned JSON API.

``api`` (``/api``) holds ``v1`` (``/v1/<lang>``, a URL prefix with a variable that
``v1``'s URL processors pop into ``g`` and put back in ``url_for``) and ``v2``
(``/v2``, registration ``url_defaults``). Both hold the same ``users`` blueprint;
``v1`` also holds ``orders``. Every level has before/after/teardown hooks that trace
into ``g`` (echoed in ``X-Trace``) and ``LOG`` (read back through ``/log``), and its
own error handlers, so a case shows which level answered.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, g, jsonify, request, url_for

app = Flask(__name__)
app.testing = True

LOG: list[str] = []


def tracking():
    return request.path != "/log"


def trace(step):
    if tracking():
        g.setdefault("trace", []).append(step)
        LOG.append(step)


def facts(**extra):
    return jsonify({
        "endpoint": request.endpoint,
        "blueprint": request.blueprint,
        "blueprints": request.blueprints,
        "view_args": request.view_args,
        "lang": g.get("lang"),
        **extra,
    })


# -- the app ---------------------------------------------------------------------------


@app.url_value_preprocessor
def app_reset(endpoint, values):
    if tracking():
        LOG.clear()


@app.before_request
def app_before():
    trace("app.before")


@app.after_request
def app_after(response):
    trace("app.after")
    if tracking():
        response.headers["X-Trace"] = ",".join(g.trace)
    return response


@app.teardown_request
def app_teardown(exc):
    if tracking():
        LOG.append(f"app.teardown:{type(exc).__name__ if exc else None}")


@app.errorhandler(404)
def app_not_found(e):
    return jsonify(handler="app.404", description=e.description), 404


@app.errorhandler(LookupError)
def app_lookup(e):
    return jsonify(handler="app.LookupError", error=repr(e)), 410


@app.route("/log")
def log():
    return jsonify(LOG)


@app.route("/")
def home():
    return facts(
        v1_users=url_for("api.v1.users.index", lang="en"),
        v2_user=url_for("api.v2.users.detail", user_id=5),
        order=url_for("api.v1.orders.detail", lang="de", order_id=9, _external=True),
        anchor=url_for("api.v2.users.index", _anchor="top", page=2),
    )


@app.route("/missing-lang")
def missing_lang():
    return url_for("api.v1.users.index")


# -- level 1: api ---------------------------------------------------------------------

api = Blueprint("api", __name__, url_prefix="/api")


@api.before_request
def api_before():
    trace("api.before")
    if request.args.get("deny") == "api":
        return jsonify(denied_by="api"), 401
    return None


@api.after_request
def api_after(response):
    trace("api.after")
    response.headers["X-Api"] = "1"
    return response


@api.teardown_request
def api_teardown(exc):
    if tracking():
        LOG.append("api.teardown")


@api.errorhandler(PermissionError)
def api_permission(e):
    return jsonify(handler="api.PermissionError", blueprint=request.blueprint), 403


@api.errorhandler(400)
def api_bad_request(e):
    return jsonify(handler="api.400", description=e.description), 400


@api.route("/")
def api_index():
    return facts(v1=url_for(".v1.users.index", lang="fr"), v2=url_for(".v2.users.index"))


# -- level 2: v1 (prefix with a variable) and v2 ----------------------------------------

v1 = Blueprint("v1", __name__, url_prefix="/v1/<lang>")


@v1.url_value_preprocessor
def v1_pull_lang(endpoint, values):
    trace(f"v1.uvp:{endpoint}")
    g.lang = values.pop("lang")
    if g.lang not in ("en", "fr", "de"):
        abort(400, description=f"unsupported language {g.lang}")


@v1.url_defaults
def v1_push_lang(endpoint, values):
    if "lang" not in values and "lang" in g:
        values["lang"] = g.lang


@v1.before_request
def v1_before():
    trace("v1.before")


@v1.after_request
def v1_after(response):
    trace("v1.after")
    return response


@v1.teardown_request
def v1_teardown(exc):
    if tracking():
        LOG.append(f"v1.teardown:{type(exc).__name__ if exc else None}")


@v1.errorhandler(ValueError)
def v1_value_error(e):
    return jsonify(handler="v1.ValueError", error=str(e), blueprints=request.blueprints), 422


v2 = Blueprint("v2", __name__, url_prefix="/v2")


@v2.before_request
def v2_before():
    trace("v2.before")


@v2.errorhandler(404)
def v2_not_found(e):
    return jsonify(handler="v2.404", blueprint=request.blueprint), 404


# -- level 3: users (under v1 and v2) and orders (under v1) -----------------------------

users = Blueprint("users", __name__, url_prefix="/users")

USERS = {1: "ada", 2: "grace"}


@users.before_request
def users_before():
    trace(f"users.before:{request.blueprint}")
    if request.args.get("deny") == "users":
        return jsonify(denied_by=request.blueprint), 401
    return None


@users.after_request
def users_after(response):
    trace("users.after")
    response.headers["X-Users"] = request.blueprint
    return response


@users.teardown_request
def users_teardown(exc):
    if tracking():
        LOG.append(f"users.teardown:{request.blueprint}")


@users.errorhandler(KeyError)
def users_key_error(e):
    return jsonify(handler="users.KeyError", missing=e.args[0], blueprint=request.blueprint), 404


@users.route("/")
def index(version=1):
    return facts(
        version=version,
        me=url_for(".index"),
        first=url_for(".detail", user_id=1),
        sibling_orders=url_for("api.v1.orders.index", lang="en"),
        parent=url_for("api.api_index"),
    )


@users.route("/<int:user_id>")
def detail(user_id, version=1):
    return facts(version=version, name=USERS[user_id], back=url_for(".index"))


@users.route("/<int:user_id>/rename", methods=["POST"])
def rename(user_id, version=1):
    if not request.is_json:
        abort(400, description="send JSON")
    raise PermissionError("read-only")


@users.route("/bad-index")
def bad_index(version=1):
    return [][3]


@users.route("/bad-value")
def bad_value(version=1):
    raise ValueError("bad value")


orders = Blueprint("orders", __name__, url_prefix="/orders")


@orders.before_request
def orders_before():
    trace("orders.before")


@orders.errorhandler(Exception)
def orders_anything(e):
    return jsonify(handler="orders.Exception", error=type(e).__name__), 500


@orders.route("/", endpoint="index")
def index_orders():
    return facts(user=url_for("api.v1.users.detail", user_id=2), me=url_for(".index"))



def detail_order(order_id):
    return facts(order=order_id)


orders.add_url_rule("/<int:order_id>", "detail", detail_order)


@orders.route("/lookup")
def lookup():
    return {}["nothing"]


@orders.route("/gone")
def gone():
    abort(404)


v1.register_blueprint(users)
v1.register_blueprint(orders)
v2.register_blueprint(users, url_defaults={"version": 2})
api.register_blueprint(v1)
api.register_blueprint(v2)
app.register_blueprint(api)


def registry():
    return {
        "blueprints": list(app.blueprints),
        "rules": sorted(
            [rule.rule, rule.endpoint, rule.defaults or {}]
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
        ),
    }


CASES = [
    {"id": "registry", "call": "registry"},
    {"id": "home_builds_across_blueprints", "path": "/"},
    {"id": "missing_lang_build_error", "path": "/missing-lang"},
    {"id": "level1_index", "path": "/api/"},
    {"id": "level3_index_v1", "path": "/api/v1/fr/users/"},
    {"id": "level3_index_v2", "path": "/api/v2/users/"},
    {"id": "level3_detail_v1", "path": "/api/v1/de/users/2"},
    {"id": "level3_detail_v2", "path": "/api/v2/users/1"},
    {"id": "level3_slash_redirect", "path": "/api/v1/en/users"},
    {"id": "level3_hook_trace_v1", "steps": [{"path": "/api/v1/en/users/1"}, {"path": "/log"}]},
    {"id": "level3_hook_trace_v2", "steps": [{"path": "/api/v2/users/1"}, {"path": "/log"}]},
    {"id": "level1_short_circuit", "steps": [
        {"path": "/api/v1/en/users/1?deny=api"}, {"path": "/log"}]},
    {"id": "level3_short_circuit", "steps": [
        {"path": "/api/v2/users/?deny=users"}, {"path": "/log"}]},
    {"id": "level3_handler_keyerror", "path": "/api/v1/en/users/99"},
    {"id": "level3_handler_keyerror_trace", "steps": [
        {"path": "/api/v2/users/99"}, {"path": "/log"}]},
    {"id": "level2_handler_valueerror", "path": "/api/v1/en/users/bad-value"},
    {"id": "valueerror_unhandled_under_v2", "path": "/api/v2/users/bad-value"},
    {"id": "app_handler_for_lookup_subclass", "path": "/api/v1/en/users/bad-index"},
    {"id": "level1_handler_permission", "method": "POST", "path": "/api/v2/users/1/rename",
     "kwargs": {"json": {"name": "x"}}},
    {"id": "level1_code_handler_from_abort", "method": "POST",
     "path": "/api/v1/en/users/1/rename", "kwargs": {"data": "x"}},
    {"id": "preprocessor_abort_400", "steps": [
        {"path": "/api/v1/xx/users/"}, {"path": "/log"}]},
    {"id": "method_not_allowed_in_level3", "path": "/api/v1/en/users/1/rename"},
    {"id": "unrouted_under_level2_uses_app_404", "path": "/api/v2/nothing"},
    {"id": "orders_index_url_defaults_inject_lang", "path": "/api/v1/en/orders/"},
    {"id": "orders_detail", "path": "/api/v1/fr/orders/12"},
    {"id": "orders_class_handler_beats_app_class_handler", "path": "/api/v1/en/orders/lookup"},
    {"id": "app_code_handler_beats_orders_class_handler", "path": "/api/v1/en/orders/gone"},
    {"id": "orders_trace", "steps": [{"path": "/api/v1/de/orders/3"}, {"path": "/log"}]},
]

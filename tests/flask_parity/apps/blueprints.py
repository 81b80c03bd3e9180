"""Blueprints: constructor, prefixes, names, nesting, hooks, handlers, record, errors.

Hook order is read back like ``lifecycle.py``: every tracked request clears ``LOG`` in
the app's first URL value preprocessor, each hook appends what it saw, and a later
``/log`` step returns the sequence. Registration errors and registry contents are
``call`` cases on fresh apps, so they do not disturb the main app.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, g, jsonify, request, url_for
from flask.blueprints import BlueprintSetupState

app = Flask(__name__)
app.testing = True

LOG: list[str] = []
#: What ``record`` / ``record_once`` functions saw, in registration order.
RECORDED: list[dict] = []


def tracking():
    return request.path != "/log"


def where():
    """The routing facts of the current request."""
    return {
        "endpoint": request.endpoint,
        "blueprint": request.blueprint,
        "blueprints": request.blueprints,
        "view_args": request.view_args,
    }


def report(**extra):
    """The routing facts plus ``extra``, as JSON."""
    return jsonify({**where(), **extra})


def attempt(fn):
    """``{"ok": fn()}`` or ``{"raised": [type name, message]}``."""
    try:
        return {"ok": fn()}
    except Exception as exc:
        return {"raised": [type(exc).__name__, str(exc)]}


def rules(some_app):
    """The app's rules (without Flask's automatic static route), sorted."""
    return sorted(
        [r.rule, r.endpoint, r.subdomain, sorted(r.methods or ()), r.defaults or {}]
        for r in some_app.url_map.iter_rules()
        if r.endpoint != "static"
    )


@app.url_value_preprocessor
def app_preprocess(endpoint, values):
    if not tracking():
        return
    LOG.clear()
    LOG.append(f"app_uvp:{endpoint}")


@app.before_request
def app_before():
    if tracking():
        LOG.append("app_before")


@app.after_request
def app_after(response):
    if tracking():
        LOG.append("app_after")
    return response


@app.teardown_request
def app_teardown(exc):
    if tracking():
        LOG.append(f"app_teardown:{type(exc).__name__ if exc else None}")


@app.errorhandler(404)
def app_not_found(e):
    return jsonify(handler="app_404", **where()), 404


@app.route("/log")
def log():
    return jsonify(LOG)


@app.route("/plain")
def plain():
    return jsonify(where())


# -- simple: route decorators, add_url_rule, methods, relative url_for -------------------

simple = Blueprint("simple", __name__, url_prefix="/simple")


@simple.route("/")
def index():
    return report(me=url_for(".index"), other=url_for(".echo", value="v"),
                   app=url_for("plain"), absolute=url_for("simple.index", _external=True))


@simple.route("/echo/<value>")
def echo(value):
    return jsonify(where())


@simple.get("/only-get")
def only_get():
    return "get"


@simple.post("/only-post")
def only_post():
    return "post"


@simple.route("/both", methods=["GET", "PUT"])
def both():
    return request.method


def added(page):
    return jsonify(where())


simple.add_url_rule("/added/", "added_view", added, defaults={"page": 1})
simple.add_url_rule("/added/<int:page>", "added_view", added)


def implicit():
    return jsonify(where())


simple.add_url_rule("/implicit", view_func=implicit)


@simple.route("", endpoint="bare")
def bare_prefix():
    return report(rule=request.url_rule.rule)


app.register_blueprint(simple)

# -- prefixes: trailing slashes, overrides, no prefix ------------------------------------

slashy = Blueprint("slashy", __name__, url_prefix="/slashy/")


@slashy.route("/x")
def slashy_x():
    return report(rule=request.url_rule.rule)


app.register_blueprint(slashy)

overridden = Blueprint("overridden", __name__, url_prefix="/ignored")


@overridden.route("/y")
def overridden_y():
    return report(rule=request.url_rule.rule)


app.register_blueprint(overridden, url_prefix="/override")

unprefixed = Blueprint("unprefixed", __name__)


@unprefixed.route("/unprefixed-z")
def unprefixed_z():
    return report(url=url_for(".unprefixed_z"))


app.register_blueprint(unprefixed)

# -- url_defaults on the blueprint and on the registration --------------------------------

defs = Blueprint("defs", __name__, url_prefix="/defs", url_defaults={"kind": "bp"})


@defs.route("/")
@defs.route("/<int:page>")
def defs_page(kind, page=0):
    return jsonify(kind=kind, page=page, url=url_for(".defs_page", page=3))


@defs.route("/own", defaults={"kind": "route", "extra": True})
def defs_own(kind, extra):
    return jsonify(kind=kind, extra=extra)


app.register_blueprint(defs)
app.register_blueprint(defs, name="defs2", url_prefix="/defs2", url_defaults={"kind": "reg"})

# -- the same blueprint twice (name=), record and record_once ---------------------------

multi = Blueprint("multi", __name__)


@multi.record
def record_state(state):
    RECORDED.append({
        "kind": "record",
        "state_class": type(state).__name__,
        "is_setup_state": isinstance(state, BlueprintSetupState),
        "app_is_app": state.app is app,
        "blueprint": state.blueprint.name,
        "name": state.name,
        "name_prefix": state.name_prefix,
        "url_prefix": state.url_prefix,
        "subdomain": state.subdomain,
        "url_defaults": state.url_defaults,
        "first_registration": state.first_registration,
        "options": sorted(state.options),
    })


@multi.record_once
def record_first(state):
    RECORDED.append({"kind": "record_once", "name": state.name})


@multi.route("/show")
def show(x=None):
    return report(x=x, me=url_for(".show"), first=url_for("multi.show"),
                   second=url_for("multi2.show"))


@multi.before_request
def multi_before():
    LOG.append(f"multi_before:{request.blueprint}")


app.register_blueprint(multi, url_prefix="/m1")
app.register_blueprint(multi, url_prefix="/m2", name="multi2", url_defaults={"x": 1})


def recorded():
    return RECORDED


def view_functions():
    return sorted(name for name in app.view_functions if name != "static")


def registered_blueprints():
    return {
        "names": list(app.blueprints),
        "iter": [bp.name for bp in app.iter_blueprints()],
        "same_object": app.blueprints["multi2"] is multi and app.blueprints["multi"] is multi,
        "hook_keys": sorted(k for k in app.before_request_funcs if k is not None),
    }


# -- blueprint hooks and the app_* variants ----------------------------------------------

hooked = Blueprint("hooked", __name__, url_prefix="/hooked")


@hooked.url_value_preprocessor
def hooked_uvp(endpoint, values):
    LOG.append(f"hooked_uvp:{endpoint}:{sorted(values or ())}")
    if values and "lang" in values:
        g.lang = values.pop("lang")


@hooked.url_defaults
def hooked_url_defaults(endpoint, values):
    if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = getattr(g, "lang", "en")


@hooked.before_request
def hooked_before1():
    LOG.append("hooked_before1")
    if request.args.get("stop"):
        return "stopped by hooked", 203
    return None


@hooked.before_request
def hooked_before2():
    LOG.append("hooked_before2")


@hooked.after_request
def hooked_after1(response):
    LOG.append("hooked_after1")
    response.headers["X-Hooked"] = "1"
    return response


@hooked.after_request
def hooked_after2(response):
    LOG.append("hooked_after2")
    return response


@hooked.teardown_request
def hooked_teardown(exc):
    LOG.append(f"hooked_teardown:{type(exc).__name__ if exc else None}")


@hooked.before_app_request
def everywhere_before():
    if tracking():
        LOG.append("app_wide_before")


@hooked.after_app_request
def everywhere_after(response):
    if tracking():
        LOG.append("app_wide_after")
        response.headers["X-App-Wide"] = "1"
    return response


@hooked.teardown_app_request
def everywhere_teardown(exc):
    if tracking():
        LOG.append("app_wide_teardown")


@hooked.app_url_value_preprocessor
def everywhere_uvp(endpoint, values):
    if tracking():
        LOG.append(f"app_wide_uvp:{endpoint}")


@hooked.app_url_defaults
def everywhere_url_defaults(endpoint, values):
    if endpoint == "plain_with_tag":
        values.setdefault("tag", "from-app-defaults")


@hooked.app_context_processor
def everywhere_context():
    return {}


@hooked.context_processor
def hooked_context():
    return {}


@hooked.route("/<lang>/page")
def hooked_page():
    LOG.append("view")
    return report(lang=g.lang, link=url_for(".hooked_page"),
                   link_other=url_for(".hooked_page", lang="de"),
                   tagged=url_for("plain_with_tag"))


@hooked.route("/boom")
def hooked_boom():
    LOG.append("view")
    raise ValueError("boom")


@hooked.route("/missing")
def hooked_missing():
    abort(404)


@hooked.route("/teapot")
def hooked_teapot():
    abort(418)


@hooked.errorhandler(ValueError)
def hooked_value_error(e):
    LOG.append("hooked_errorhandler")
    return jsonify(handler="hooked_value_error", error=str(e)), 500


@hooked.errorhandler(404)
def hooked_not_found(e):
    return jsonify(handler="hooked_404", **where()), 404


@hooked.app_errorhandler(418)
def everywhere_teapot(e):
    return jsonify(handler="app_wide_418", **where()), 418


@app.route("/plain/<tag>")
def plain_with_tag(tag):
    return report(url=url_for("plain_with_tag"))


@app.route("/plain-teapot")
def plain_teapot():
    abort(418)


app.register_blueprint(hooked)


def context_processors():
    """Who registered what, leaving out Flask's default processor (templating's)."""
    return {
        str(key): [f.__name__ for f in funcs if f.__name__ != "_default_template_ctx_processor"]
        for key, funcs in app.template_context_processors.items()
        if any(f.__name__ != "_default_template_ctx_processor" for f in funcs)
    }


# -- nesting -------------------------------------------------------------------------------

parent = Blueprint("parent", __name__, url_prefix="/parent")
child = Blueprint("child", __name__, url_prefix="/child")
bare_child = Blueprint("bare_child", __name__)


@parent.route("/")
def parent_index():
    return report(child=url_for(".child.child_index"),
                   kid=url_for("parent.kid.child_index"))


@parent.before_request
def parent_before():
    LOG.append(f"parent_before:{request.blueprint}")


@parent.after_request
def parent_after(response):
    LOG.append("parent_after")
    return response


@parent.teardown_request
def parent_teardown(exc):
    LOG.append("parent_teardown")


@parent.url_value_preprocessor
def parent_uvp(endpoint, values):
    LOG.append(f"parent_uvp:{endpoint}")


@parent.errorhandler(KeyError)
def parent_key_error(e):
    return jsonify(handler="parent_key_error", **where()), 400


@child.route("/")
def child_index():
    return report(parent=url_for("parent.parent_index"), me=url_for(".child_index"))


@child.route("/key")
def child_key():
    raise KeyError("inner")


@child.before_request
def child_before():
    LOG.append(f"child_before:{request.blueprint}")


@child.after_request
def child_after(response):
    LOG.append("child_after")
    return response


@child.teardown_request
def child_teardown(exc):
    LOG.append("child_teardown")


@child.url_value_preprocessor
def child_uvp(endpoint, values):
    LOG.append(f"child_uvp:{endpoint}")


@bare_child.route("/bare-child")
def bare_child_view():
    return report(rule=request.url_rule.rule)


parent.register_blueprint(child)
parent.register_blueprint(child, name="kid", url_prefix="/kid")
parent.register_blueprint(bare_child)
app.register_blueprint(parent)

# The same (child) blueprint also under a second parent, and a parent under two prefixes.
other_parent = Blueprint("other_parent", __name__)
other_parent.register_blueprint(child)
app.register_blueprint(other_parent, url_prefix="/other")


# -- registration details on fresh apps ----------------------------------------------------


def constructor_attributes():
    bp = Blueprint("attrs", __name__, static_folder="static/", static_url_path="/assets/",
                   template_folder="tpl", url_prefix="/p", subdomain="sub",
                   url_defaults={"a": 1}, cli_group="grp")
    derived = Blueprint("derived", __name__, static_folder="files",
                        root_path="/srv/somewhere")
    nothing = Blueprint("nothing", "nothing_module", cli_group=None)
    return {
        "attrs": {
            "name": bp.name, "import_name": bp.import_name, "url_prefix": bp.url_prefix,
            "subdomain": bp.subdomain, "url_values_defaults": bp.url_values_defaults,
            "static_folder": bp.static_folder, "static_url_path": bp.static_url_path,
            "has_static_folder": bp.has_static_folder, "template_folder": bp.template_folder,
            "root_path": bp.root_path, "cli_group": bp.cli_group,
            "deferred": len(bp.deferred_functions),
        },
        "derived": [derived.root_path, derived.static_folder, derived.static_url_path],
        "nothing": [nothing.static_folder, nothing.static_url_path,
                    nothing.has_static_folder, nothing.cli_group, nothing.url_prefix,
                    nothing.subdomain, nothing.url_values_defaults],
        "repr": repr(bp),
    }


def constructor_errors():
    return {
        "empty": attempt(lambda: Blueprint("", __name__)),
        "dotted": attempt(lambda: Blueprint("a.b", __name__)),
    }


def add_url_rule_errors():
    bp = Blueprint("errs", __name__)

    def dotted_view():
        return ""

    dotted_view.__name__ = "dotted.view"
    return {
        "endpoint": attempt(lambda: bp.add_url_rule("/a", "a.b", lambda: "")),
        "view_name": attempt(lambda: bp.add_url_rule("/b", view_func=dotted_view)),
    }


def duplicate_names():
    fresh = Flask(__name__)
    first = Blueprint("dup", __name__)
    second = Blueprint("dup", __name__)
    fresh.register_blueprint(first)
    outer = Blueprint("outer", __name__)
    outer.register_blueprint(Blueprint("inner", __name__))
    outer.register_blueprint(Blueprint("inner", __name__))
    return {
        "same_blueprint": attempt(lambda: fresh.register_blueprint(first)),
        "different_blueprint": attempt(lambda: fresh.register_blueprint(second)),
        "renamed_ok": attempt(lambda: fresh.register_blueprint(second, name="dup2")),
        "nested_duplicate": attempt(lambda: fresh.register_blueprint(outer)),
        "names": list(fresh.blueprints),
        "same_name_other_object_nests": attempt(
            lambda: Blueprint("me", __name__).register_blueprint(Blueprint("me", __name__))),
        "on_itself_same_object": attempt(lambda: _self_register()),
    }


def _self_register():
    bp = Blueprint("itself", __name__)
    bp.register_blueprint(bp)


def late_setup():
    fresh = Flask(__name__)
    bp = Blueprint("late", __name__)

    @bp.route("/late")
    def late_view():
        return "late"

    fresh.register_blueprint(bp)
    results = {
        "route": attempt(lambda: bp.route("/more")(lambda: "")),
        "before_request": attempt(lambda: bp.before_request(lambda: None)),
        "record": attempt(lambda: bp.record(lambda state: None)),
        "nest": attempt(lambda: bp.register_blueprint(Blueprint("n", __name__))),
        "second_registration": attempt(lambda: fresh.register_blueprint(bp, name="late2")),
    }
    fresh.test_client().get("/late")
    results["after_first_request"] = attempt(
        lambda: fresh.register_blueprint(Blueprint("after", __name__)))
    return results


def subdomains():
    fresh = Flask(__name__)
    fresh.config["SERVER_NAME"] = "example.test"
    api = Blueprint("api", __name__, subdomain="api", url_prefix="/api")
    v1 = Blueprint("v1", __name__, subdomain="v1", url_prefix="/v1")
    inherit = Blueprint("inherit", __name__)
    overridden_sub = Blueprint("osub", __name__, subdomain="ignored")
    for bp in (api, v1, inherit, overridden_sub):
        bp.add_url_rule("/r", "r", lambda: "")
    v1.register_blueprint(Blueprint("deep", __name__, subdomain="x"))
    api.register_blueprint(v1)
    api.register_blueprint(inherit)
    api.register_blueprint(overridden_sub, subdomain="given")
    fresh.register_blueprint(api)
    fresh.register_blueprint(api, name="api2", subdomain="other", url_prefix="/")
    return rules(fresh)


def subdomain_requests():
    fresh = Flask(__name__, subdomain_matching=True)
    fresh.config["SERVER_NAME"] = "example.test"
    api = Blueprint("api", __name__, subdomain="api")
    v1 = Blueprint("v1", __name__, subdomain="v1", url_prefix="/v1")

    @api.route("/r")
    def api_r():
        return jsonify(endpoint=request.endpoint, blueprints=request.blueprints,
                       me=url_for(".api_r"), child=url_for("api.v1.v1_r"))

    @v1.route("/r")
    def v1_r():
        return jsonify(endpoint=request.endpoint, me=url_for(".v1_r"),
                       parent=url_for("api.api_r"))

    api.register_blueprint(v1)
    fresh.register_blueprint(api)
    client = fresh.test_client()
    seen = []
    for host in ("api.example.test", "v1.api.example.test", "example.test"):
        for path in ("/r", "/v1/r"):
            response = client.get(path, base_url=f"http://{host}")
            seen.append([host, path, response.status_code,
                         response.get_json() if response.is_json else None])
    return seen


def prefix_composition():
    fresh = Flask(__name__)
    a = Blueprint("a", __name__, url_prefix="/a/")
    b = Blueprint("b", __name__, url_prefix="b/")
    c = Blueprint("c", __name__)
    d = Blueprint("d", __name__, url_prefix="/d")
    for bp in (a, b, c, d):
        bp.add_url_rule("/r", "r", lambda: "")
    for bp in (a, b, d):  # without any prefix these would not start with a slash
        bp.add_url_rule("", "empty", lambda: "")
        bp.add_url_rule("plain", "plain", lambda: "")
    c.register_blueprint(d)
    b.register_blueprint(c)
    a.register_blueprint(b)
    a.register_blueprint(d, name="d_over", url_prefix="/over/")
    fresh.register_blueprint(a)
    fresh.register_blueprint(a, name="a2", url_prefix="/")
    fresh.register_blueprint(c, name="top_c")
    return rules(fresh)


def url_defaults_composition():
    fresh = Flask(__name__)
    outer = Blueprint("outer", __name__, url_prefix="/o", url_defaults={"o": 1})
    inner = Blueprint("inner", __name__, url_prefix="/i", url_defaults={"i": 2})
    inner.add_url_rule("/r", "r", lambda **kw: "")
    inner.add_url_rule("/s", "s", lambda **kw: "", defaults={"i": 3, "s": 4})
    outer.register_blueprint(inner, url_defaults={"reg": 5})
    fresh.register_blueprint(outer)
    return rules(fresh)


CASES = [
    {"id": "app_route_has_no_blueprint", "path": "/plain"},
    {"id": "route_endpoint_and_url_for", "path": "/simple/"},
    {"id": "route_with_variable", "path": "/simple/echo/abc"},
    {"id": "get_decorator", "path": "/simple/only-get"},
    {"id": "get_decorator_wrong_method", "method": "POST", "path": "/simple/only-get"},
    {"id": "post_decorator", "method": "POST", "path": "/simple/only-post"},
    {"id": "route_methods", "method": "PUT", "path": "/simple/both"},
    {"id": "route_methods_options", "method": "OPTIONS", "path": "/simple/both"},
    {"id": "add_url_rule_defaults", "path": "/simple/added/"},
    {"id": "add_url_rule_variable", "path": "/simple/added/7"},
    {"id": "add_url_rule_defaults_redirect", "path": "/simple/added/1"},
    {"id": "add_url_rule_endpoint_from_function", "path": "/simple/implicit"},
    {"id": "empty_rule_is_the_prefix", "path": "/simple"},
    {"id": "prefix_trailing_slash_joined", "path": "/slashy/x"},
    {"id": "prefix_overridden_at_registration", "path": "/override/y"},
    {"id": "prefix_overridden_old_prefix_404", "path": "/ignored/y"},
    {"id": "no_prefix", "path": "/unprefixed-z"},
    {"id": "blueprint_url_defaults", "path": "/defs/"},
    {"id": "blueprint_url_defaults_variable", "path": "/defs/5"},
    {"id": "route_defaults_over_blueprint_defaults", "path": "/defs/own"},
    {"id": "registration_url_defaults", "path": "/defs2/"},
    {"id": "registration_url_defaults_variable", "path": "/defs2/9"},
    {"id": "registered_twice_first", "path": "/m1/show"},
    {"id": "registered_twice_second", "path": "/m2/show"},
    {"id": "registered_twice_hooks_follow_name", "steps": [
        {"path": "/m2/show"}, {"path": "/log"}]},
    {"id": "record_and_record_once", "call": "recorded"},
    {"id": "view_functions_names", "call": "view_functions"},
    {"id": "blueprints_registry", "call": "registered_blueprints"},
    {"id": "hooks_order", "steps": [{"path": "/hooked/fr/page"}, {"path": "/log"}]},
    {"id": "hooks_response", "path": "/hooked/fr/page"},
    {"id": "blueprint_before_request_short_circuit", "steps": [
        {"path": "/hooked/fr/page?stop=1"}, {"path": "/log"}]},
    {"id": "blueprint_errorhandler_class", "path": "/hooked/boom"},
    {"id": "blueprint_errorhandler_hook_order", "steps": [
        {"path": "/hooked/boom"}, {"path": "/log"}]},
    {"id": "blueprint_errorhandler_code_from_abort", "path": "/hooked/missing"},
    {"id": "unrouted_404_under_prefix_uses_app_handler", "path": "/hooked/nowhere"},
    {"id": "app_errorhandler_from_blueprint_in_blueprint", "path": "/hooked/teapot"},
    {"id": "app_errorhandler_from_blueprint_in_app", "path": "/plain-teapot"},
    {"id": "app_wide_hooks_on_app_route", "steps": [{"path": "/plain"}, {"path": "/log"}]},
    {"id": "app_wide_hooks_on_404", "steps": [{"path": "/nowhere"}, {"path": "/log"}]},
    {"id": "app_url_defaults_from_blueprint", "path": "/plain/given"},
    {"id": "app_context_processor_registry", "call": "context_processors"},
    {"id": "nested_parent", "path": "/parent/"},
    {"id": "nested_child", "path": "/parent/child/"},
    {"id": "nested_child_renamed", "path": "/parent/kid/"},
    {"id": "nested_child_without_prefix", "path": "/parent/bare-child"},
    {"id": "nested_child_under_other_parent", "path": "/other/child/"},
    {"id": "nested_hooks_order", "steps": [{"path": "/parent/child/"}, {"path": "/log"}]},
    {"id": "nested_hooks_order_renamed", "steps": [{"path": "/parent/kid/"}, {"path": "/log"}]},
    {"id": "nested_hooks_not_for_other_parent", "steps": [
        {"path": "/other/child/"}, {"path": "/log"}]},
    {"id": "nested_parent_errorhandler_catches_child", "path": "/parent/child/key"},
    {"id": "nested_error_not_handled_under_other_parent", "path": "/other/child/key"},
    {"id": "constructor_attributes", "call": "constructor_attributes"},
    {"id": "constructor_errors", "call": "constructor_errors"},
    {"id": "add_url_rule_errors", "call": "add_url_rule_errors"},
    {"id": "duplicate_names", "call": "duplicate_names"},
    {"id": "late_setup_errors", "call": "late_setup"},
    {"id": "subdomain_composition", "call": "subdomains"},
    {"id": "subdomain_requests", "call": "subdomain_requests"},
    {"id": "prefix_composition", "call": "prefix_composition"},
    {"id": "url_defaults_composition", "call": "url_defaults_composition"},
]

"""url_for: relative and external URLs, values, escaping, config, hooks and blueprints.

Views build URLs from a table of named expressions (``/build/<what>``) and answer with
the URL, or with the exception type and message (``BuildError`` text included). The
``call`` cases build outside a request: with and without ``SERVER_NAME``, inside an
app context and through ``app.url_for`` directly.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Flask, g, jsonify, request, url_for
from werkzeug.routing import BaseConverter, BuildError

app = Flask(__name__, static_folder=None)
app.testing = True


class ListConverter(BaseConverter):
    """Comma-separated items; each item quoted by the base ``to_url``."""

    def to_python(self, value):
        return value.split(",")

    def to_url(self, value):
        return ",".join(BaseConverter.to_url(self, item) for item in value)


class UpperConverter(BaseConverter):
    """Builds upper-case, matches anything."""

    def to_url(self, value):
        return BaseConverter.to_url(self, str(value).upper())


app.url_map.converters["list"] = ListConverter
app.url_map.converters["upper"] = UpperConverter


def attempt(fn):
    """``fn()``, or ``"raised Type: message"`` for what it raises."""
    try:
        return fn()
    except Exception as exc:
        return f"raised {type(exc).__name__}: {exc}"


def text(value):
    return jsonify(value=value)


@app.route("/")
def index():
    return "index"


@app.route("/str/<name>")
def string(name):
    return name


@app.route("/int/<int:n>")
def integer(n):
    return str(n)


@app.route("/float/<float:x>")
def floating(x):
    return str(x)


@app.route("/path/<path:rest>")
def path(rest):
    return rest


@app.route("/<path:whole>/edit")
def edit(whole):
    return whole


@app.route("/uuid/<uuid:u>")
def by_uuid(u):
    return str(u)


@app.route("/any/<any(red, 'dark blue'):colour>")
def any_of(colour):
    return colour


@app.route("/list/<list:items>")
def items(items):
    return ",".join(items)


@app.route("/upper/<upper:word>")
def upper(word):
    return word


@app.route("/ünï/<name>")
def unicode_rule(name):
    return name


@app.route("/page/", defaults={"n": 1})
@app.route("/page/<int:n>")
def page(n):
    return str(n)


@app.route("/lang/<lang>/about")
def about(lang):
    return lang


@app.route("/two/<a>/<b>")
def two(a, b):
    return a + b


def by_method():
    return request.method


app.add_url_rule("/m/get", "by_method", by_method, methods=["GET"])
app.add_url_rule("/m/post", "by_method", by_method, methods=["POST"])
app.add_url_rule("/m/put", "by_method", by_method, methods=["PUT"])


@app.route("/ws-endpoint", websocket=True)
def socket():
    return "socket"


app.add_url_rule("/static-files/<path:name>", "cdn", build_only=True)


@app.route("/sub-only", subdomain="api")
def api_only():
    return "api"


def expects(endpoint, name):
    try:
        return app.url_map.is_endpoint_expecting(endpoint, name)
    except KeyError:  # an unknown endpoint: url_for raises BuildError for it
        return False


@app.url_defaults
def add_lang(endpoint, values):
    if "lang" not in values and expects(endpoint, "lang"):
        values["lang"] = g.get("lang", "en")


@app.before_request
def set_lang():
    g.lang = request.args.get("lang", "en")


def fallback_handler(error, endpoint, values):
    if endpoint == "fallback_target":
        return f"/fallback/{endpoint}?{sorted(values)}"
    if endpoint == "reraise_target":
        raise BuildError("replaced", {}, None)
    return None


app.url_build_error_handlers.append(fallback_handler)


# -- blueprints ----------------------------------------------------------------------

shop = Blueprint("shop", __name__, url_prefix="/shop")
cart = Blueprint("cart", __name__, url_prefix="/cart")
langbp = Blueprint("langbp", __name__, url_prefix="/<lang_code>")


@shop.route("/")
def shop_index():
    return jsonify(
        relative=url_for(".item", id=3),
        absolute=url_for("shop.item", id=3),
        app_level=url_for("index"),
        nested=url_for(".cart.view"),
        external=url_for(".item", id=4, _external=True),
        blueprint=request.blueprint,
    )


@shop.route("/item/<int:id>")
def item(id):
    return jsonify(relative_self=url_for(".item", id=id + 1), endpoint=request.endpoint)


@cart.route("/")
def view():
    return jsonify(
        relative=url_for(".view", page=2),
        parent=url_for("shop.shop_index"),
        blueprints=request.blueprints,
    )


@shop.url_defaults
def shop_defaults(endpoint, values):
    values.setdefault("ref", "shop")


shop.register_blueprint(cart)
app.register_blueprint(shop)


@langbp.url_defaults
def add_language_code(endpoint, values):
    if "lang_code" in values or not g.get("lang_code"):
        return
    if expects(endpoint, "lang_code"):
        values["lang_code"] = g.lang_code


@langbp.url_value_preprocessor
def pull_lang_code(endpoint, values):
    g.lang_code = values.pop("lang_code")


@langbp.route("/welcome")
def welcome():
    return jsonify(code=g.lang_code, url=url_for(".welcome"), other=url_for(".welcome",
                                                                            lang_code="fr"))


app.register_blueprint(langbp)


@app.route("/relative-outside-blueprint")
def relative_outside_blueprint():
    return text(url_for(".index"))


# -- the table of URLs built inside a request ----------------------------------------

TARGETS = {
    "relative": lambda: url_for("integer", n=42),
    "index": lambda: url_for("index"),
    "external": lambda: url_for("integer", n=1, _external=True),
    "external_false": lambda: url_for("integer", n=1, _external=False),
    "scheme_https": lambda: url_for("integer", n=1, _scheme="https", _external=True),
    "scheme_implies_external": lambda: url_for("integer", n=1, _scheme="https"),
    "scheme_other_becomes_http": lambda: url_for("index", _scheme="ftp", _external=True),
    "scheme_wss_becomes_https": lambda: url_for("index", _scheme="wss", _external=True),
    "scheme_without_external": lambda: url_for("index", _scheme="https", _external=False),
    "anchor": lambda: url_for("index", _anchor="top"),
    "anchor_quoted": lambda: url_for("index", _anchor="a b/ü?#%&=x"),
    "anchor_empty": lambda: url_for("index", _anchor=""),
    "anchor_with_query": lambda: url_for("index", q="1", _anchor="sec"),
    "method_post": lambda: url_for("by_method", _method="POST"),
    "method_put": lambda: url_for("by_method", _method="PUT"),
    "method_default_get": lambda: url_for("by_method"),
    "method_not_allowed": lambda: url_for("integer", n=1, _method="POST"),
    "query_extra": lambda: url_for("index", q="x y", page=2),
    "query_list_repeats": lambda: url_for("index", tag=["a", "b", "c"]),
    "query_tuple": lambda: url_for("index", tag=("x", "y")),
    "query_none_dropped": lambda: url_for("index", a=None, b="1"),
    "query_unicode": lambda: url_for("index", name="Zoë", emoji="🦀"),
    "query_reserved": lambda: url_for("index", q="a&b=c?d#e/f+g%h"),
    "query_int_bool": lambda: url_for("index", n=3, flag=True, zero=0),
    "query_empty_string": lambda: url_for("index", empty=""),
    "query_order_kept": lambda: url_for("index", z=1, a=2, m=3),
    "query_with_path_value": lambda: url_for("integer", n=5, extra="e"),
    "defaults_omitted": lambda: url_for("page", n=1),
    "defaults_other_value": lambda: url_for("page", n=2),
    "defaults_no_value": lambda: url_for("page"),
    "converter_int": lambda: url_for("integer", n=7),
    "converter_int_from_str": lambda: url_for("integer", n="7"),
    "converter_float": lambda: url_for("floating", x=1.5),
    "converter_path": lambda: url_for("path", rest="a b/c/ü.txt"),
    "converter_path_leading_slash": lambda: url_for("path", rest="/abs"),
    "converter_path_prefix_rule": lambda: url_for("edit", whole="/etc/x"),
    "converter_uuid_object": lambda: url_for(
        "by_uuid", u=uuid.UUID("12345678-1234-5678-1234-567812345678")),
    "converter_any": lambda: url_for("any_of", colour="dark blue"),
    "converter_any_invalid": lambda: url_for("any_of", colour="green"),
    "converter_custom_list": lambda: url_for("items", items=["x", "y z", "ü"]),
    "converter_custom_upper": lambda: url_for("upper", word="abc"),
    "escape_slash_in_string": lambda: url_for("string", name="a/b"),
    "escape_reserved_in_string": lambda: url_for("string", name="?#%&=+;:@$!*'(),"),
    "escape_space_and_unicode": lambda: url_for("string", name="Zoë Ä 🦀"),
    "escape_unicode_rule_text": lambda: url_for("unicode_rule", name="x"),
    "escape_dot_segments": lambda: url_for("string", name=".."),
    "escape_tilde_dash_underscore": lambda: url_for("string", name="a~b-c_d.e"),
    "two_values": lambda: url_for("two", a="1", b="2"),
    "websocket_rule": lambda: url_for("socket"),
    "websocket_rule_https": lambda: url_for("socket", _scheme="https", _external=True),
    "build_only_rule": lambda: url_for("cdn", name="css/site.css"),
    "other_subdomain": lambda: url_for("api_only"),
    "url_defaults_injected": lambda: url_for("about"),
    "url_defaults_explicit_wins": lambda: url_for("about", lang="de"),
    "missing_value": lambda: url_for("integer"),
    "missing_two_values": lambda: url_for("two"),
    "unknown_endpoint": lambda: url_for("no_such_endpoint"),
    "close_endpoint_suggested": lambda: url_for("integr", n=1),
    "wrong_values_suggested": lambda: url_for("two", a="1", c="3"),
    "wrong_method_suggested": lambda: url_for("integer", n=1, _method="DELETE"),
    "build_error_handler_value": lambda: url_for("fallback_target", x=1, _anchor="a"),
    "build_error_handler_reraises": lambda: url_for("reraise_target"),
    "blueprint_from_app": lambda: url_for("shop.item", id=9),
    "blueprint_nested_from_app": lambda: url_for("shop.cart.view"),
    "relative_endpoint_at_app_level": lambda: url_for(".integer", n=2),
    "relative_unknown_endpoint_at_app_level": lambda: url_for(".nothing"),
}


@app.route("/build/<what>", methods=["GET", "POST"])
def build(what):
    return text(attempt(TARGETS[what]))


# -- outside a request ----------------------------------------------------------------


def without_server_name():
    results = {"no_context": attempt(lambda: app.url_for("index"))}
    with app.app_context():
        results["app_context"] = attempt(lambda: url_for("index"))
    return results


def with_server_name():
    results = {"no_context": attempt(lambda: app.url_for("integer", n=1))}
    with app.app_context():
        for name in ("index", "external_false", "scheme_https", "scheme_without_external",
                     "query_list_repeats", "other_subdomain", "websocket_rule", "anchor_quoted",
                     "relative_endpoint_at_app_level", "missing_value", "blueprint_from_app",
                     "method_post", "build_error_handler_value"):
            results[name] = attempt(TARGETS[name])
    return results


def app_context_then_request():
    with app.app_context():
        outer = attempt(lambda: url_for("index"))
        with app.test_request_context("/shop/"):
            inner = attempt(lambda: url_for(".item", id=1))
        after = attempt(lambda: url_for("index"))
    return [outer, inner, after]


def test_request_context_urls():
    results = {}
    with app.test_request_context("/", base_url="https://secure.test:8443/root/"):
        results["root"] = [url_for("index"), url_for("integer", n=1, _external=True)]
    with app.test_request_context("/shop/item/1"):
        results["blueprint"] = [url_for(".item", id=2), url_for(".cart.view")]
    with app.test_request_context("/m/post", method="POST"):
        results["post_prefers_post_rule"] = url_for("by_method")
    with app.test_request_context("/m/put", method="PUT"):
        results["put_prefers_put_rule"] = url_for("by_method")
    with app.test_request_context("/", subdomain="api"):
        results["from_subdomain"] = [url_for("api_only"), url_for("index")]
    return results


def build_error_attributes():
    with app.test_request_context():
        try:
            url_for("two", a="x", _method="GET")
        except BuildError as exc:
            return {"endpoint": exc.endpoint, "values": dict(exc.values), "method": exc.method,
                    "str": str(exc), "is_lookup_error": isinstance(exc, LookupError)}
    return None


CASES = [
    *[{"id": f"build_{name}", "path": f"/build/{name}"} for name in [
        "relative", "index", "external", "external_false", "scheme_https",
        "scheme_implies_external", "scheme_other_becomes_http", "scheme_wss_becomes_https",
        "scheme_without_external", "anchor", "anchor_quoted", "anchor_empty",
        "anchor_with_query", "method_post", "method_put", "method_default_get",
        "method_not_allowed", "query_extra", "query_list_repeats", "query_tuple",
        "query_none_dropped", "query_unicode", "query_reserved", "query_int_bool",
        "query_empty_string", "query_order_kept", "query_with_path_value",
        "defaults_omitted", "defaults_other_value", "defaults_no_value", "converter_int",
        "converter_int_from_str", "converter_float", "converter_path",
        "converter_path_leading_slash", "converter_path_prefix_rule",
        "converter_uuid_object", "converter_any", "converter_any_invalid",
        "converter_custom_list", "converter_custom_upper", "escape_slash_in_string",
        "escape_reserved_in_string", "escape_space_and_unicode", "escape_unicode_rule_text",
        "escape_dot_segments", "escape_tilde_dash_underscore", "two_values",
        "websocket_rule", "websocket_rule_https", "build_only_rule", "other_subdomain",
        "url_defaults_injected", "url_defaults_explicit_wins", "missing_value",
        "missing_two_values", "unknown_endpoint", "close_endpoint_suggested",
        "wrong_values_suggested", "wrong_method_suggested", "build_error_handler_value",
        "build_error_handler_reraises", "blueprint_from_app", "blueprint_nested_from_app",
        "relative_endpoint_at_app_level", "relative_unknown_endpoint_at_app_level",
    ]],
    {"id": "post_request_prefers_post_rule", "method": "POST", "path": "/build/method_default_get"},
    {"id": "url_defaults_from_request_state", "path": "/build/url_defaults_injected?lang=fr"},
    {"id": "https_request_external", "path": "/build/external",
     "kwargs": {"base_url": "https://localhost/"}},
    {"id": "https_request_relative", "path": "/build/relative",
     "kwargs": {"base_url": "https://localhost/"}},
    {"id": "host_with_port_external", "path": "/build/external",
     "kwargs": {"base_url": "http://example.test:8080/"}},
    {"id": "host_default_port_dropped", "path": "/build/external",
     "kwargs": {"base_url": "https://example.test:443/"}},
    {"id": "host_is_lowercased", "path": "/build/external",
     "kwargs": {"headers": {"Host": "MiXeD.Example"}}},
    {"id": "root_path_relative", "path": "/build/relative",
     "kwargs": {"base_url": "http://localhost/app/"}},
    {"id": "root_path_external", "path": "/build/external",
     "kwargs": {"base_url": "http://localhost/app/"}},
    {"id": "root_path_nested", "path": "/build/converter_path",
     "kwargs": {"base_url": "http://localhost/a/b/"}},
    {"id": "root_path_other_subdomain", "path": "/build/other_subdomain",
     "kwargs": {"base_url": "http://localhost/app/"}},
    {"id": "server_name_external_in_request", "path": "/build/external",
     "config": {"SERVER_NAME": "example.com"}},
    {"id": "server_name_external_other_host", "path": "/build/external",
     "config": {"SERVER_NAME": "example.com"},
     "kwargs": {"base_url": "http://other.test/"}},
    {"id": "server_name_subdomain_rule", "path": "/build/other_subdomain",
     "config": {"SERVER_NAME": "example.com:5000"}},
    {"id": "server_name_relative_in_request", "path": "/build/relative",
     "config": {"SERVER_NAME": "example.com", "APPLICATION_ROOT": "/ignored"}},
    {"id": "preferred_scheme_ignored_in_request", "path": "/build/external",
     "config": {"PREFERRED_URL_SCHEME": "https"}},
    {"id": "blueprint_relative_urls", "path": "/shop/"},
    {"id": "blueprint_relative_self", "path": "/shop/item/3"},
    {"id": "blueprint_nested_relative", "path": "/shop/cart/"},
    {"id": "blueprint_url_value_preprocessor_and_defaults", "path": "/de/welcome"},
    {"id": "relative_endpoint_outside_blueprint", "path": "/relative-outside-blueprint"},
    {"id": "outside_request_without_server_name", "call": "without_server_name"},
    {"id": "outside_request_with_server_name", "call": "with_server_name",
     "config": {"SERVER_NAME": "Example.COM:8080", "APPLICATION_ROOT": "/root",
                "PREFERRED_URL_SCHEME": "https"}},
    {"id": "outside_request_default_root_and_scheme", "call": "with_server_name",
     "config": {"SERVER_NAME": "example.com"}},
    {"id": "outside_request_application_root_trailing_slash", "call": "with_server_name",
     "config": {"SERVER_NAME": "example.com", "APPLICATION_ROOT": "/root/"}},
    {"id": "outside_request_empty_preferred_scheme", "call": "with_server_name",
     "config": {"SERVER_NAME": "example.com", "PREFERRED_URL_SCHEME": ""}},
    {"id": "outside_request_other_scheme", "call": "with_server_name",
     "config": {"SERVER_NAME": "example.com", "PREFERRED_URL_SCHEME": "ftp"}},
    {"id": "app_context_then_request", "call": "app_context_then_request",
     "config": {"SERVER_NAME": "example.com"}},
    {"id": "test_request_context_urls", "call": "test_request_context_urls"},
    {"id": "build_error_attributes", "call": "build_error_attributes"},
]

"""Matching corners: subdomains, hosts, trusted hosts, priority, slashes, redirects.

The module's app uses ``subdomain_matching`` with ``SERVER_NAME``; ``call`` cases
build small apps for the other host set-ups (``subdomain_matching=False``,
``host_matching``) and send them requests, returning what each request answered.
Most views answer with the endpoint and the typed view arguments, so a case shows
which rule won.
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request, url_for

# No static folder: no "static" rule, whatever the working directory holds.
app = Flask(__name__, subdomain_matching=True, static_folder=None)
app.testing = True
app.config["SERVER_NAME"] = "example.test"


def typed(values):
    return {k: [v if isinstance(v, (str, int, float)) else str(v), type(v).__name__]
            for k, v in (values or {}).items()}


def show(**values):
    return jsonify(endpoint=request.endpoint, args=typed(values), rule=request.url_rule.rule)


def add(rule, endpoint, **options):
    app.add_url_rule(rule, endpoint, show, **options)


# -- subdomains ------------------------------------------------------------------------

add("/", "root")
add("/", "api_root", subdomain="api")
add("/", "user_root", subdomain="<user>")
add("/dash", "tenant_dash", subdomain="<tenant>")
add("/deep", "deep", subdomain="a.b")
add("/both", "both_default")
add("/both", "both_api", subdomain="api")
add("/folder/", "api_folder", subdomain="api")
add("/posts", "api_posts", subdomain="api", methods=["GET", "POST"])


@app.route("/links", subdomain="api")
def api_links():
    return jsonify(
        same=url_for("api_posts"),
        default_domain=url_for("root"),
        tenant=url_for("tenant_dash", tenant="acme"),
        external_same=url_for("api_posts", _external=True),
        subdomain=request.url_rule.subdomain,
    )


@app.route("/links")
def links():
    return jsonify(api=url_for("api_posts"), root=url_for("root"))


org = Blueprint("org", __name__, subdomain="<org>", url_prefix="/org")


@org.route("/home")
def org_home(org):
    return jsonify(org=org, me=url_for(".org_home", org=org),
                   other=url_for(".org_home", org="other"), root=url_for("root"),
                   subdomain=request.url_rule.subdomain)


app.register_blueprint(org)
admin = Blueprint("admin", __name__)
admin.add_url_rule("/panel", "panel", show)
app.register_blueprint(admin, subdomain="admin", url_prefix="/adm")


# -- priority: overlapping rules, registered in no particular order --------------------

PRIORITY = [
    ("/p/<path:rest>", "p_path"),
    ("/p/<a>/<b>", "p_two"),
    ("/p/<int:n>", "p_int"),
    ("/p/<name>", "p_string"),
    ("/p/static", "p_static"),
    ("/p/<float:x>", "p_float"),
    ("/p/<a>/edit", "p_edit"),
    ("/p/<any(xx, yy):k>", "p_any"),
    ("/p/<string(length=2):two>", "p_len2"),
    ("/p/<a>.<ext>", "p_dotted"),
    ("/p/<a>.json", "p_json"),
    ("/p/x-<int:n>", "p_prefixed_int"),
    ("/p/<path:rest>/edit", "p_path_edit"),
    ("/p/<int:n>/<path:rest>", "p_int_path"),
    ("/p/static/<name>", "p_static_name"),
    ("/p/<int(signed=True):s>/s", "p_signed"),
    ("/p/<uuid:u>", "p_uuid"),
    ("/p/<int(fixed_digits=3):f>/f", "p_fixed"),
    ("/p/<int:n>/f", "p_int_f"),
]
for _rule, _endpoint in PRIORITY:
    add(_rule, _endpoint)

# -- slashes ---------------------------------------------------------------------------

add("/m/a/b", "merged")
add("/m/dir/", "merged_dir")
add("/nm//x", "not_merged", merge_slashes=False)
add("/mp/<path:p>", "merged_path")
add("/loose/", "loose", strict_slashes=False)
add("/leaf", "leaf")

# -- redirects, build-only rules, endpoint-only rules ----------------------------------

app.add_url_rule("/r/int/<int:n>", "r_string", redirect_to="/p/<n>")
app.add_url_rule("/r/relative/<name>", "r_relative", redirect_to="p/<name>")
app.add_url_rule("/r/external", "r_external", redirect_to="https://elsewhere.test/x?y=1")
app.add_url_rule("/r/callable/<int:n>", "r_callable",
                 redirect_to=lambda adapter, n: adapter.build("p_int", {"n": n * 2}))
app.add_url_rule("/r/callable-external/<name>", "r_callable_external",
                 redirect_to=lambda adapter, name: adapter.build("p_string", {"name": name},
                                                                 force_external=True))
app.add_url_rule("/r/post", "r_post", redirect_to="/p/posted", methods=["POST"])
app.add_url_rule("/built/<path:name>", "built_only", build_only=True)
add("/page/", "page", defaults={"n": 1})
add("/page/<int:n>", "page")
app.add_url_rule("/late", "late")
app.add_url_rule("/stub", "stub")


@app.endpoint("late")
def late():
    return jsonify(endpoint=request.endpoint, view=app.view_functions["late"].__name__)


@app.route("/stub-link")
def stub_link():
    return jsonify(url=url_for("stub"), built=url_for("built_only", name="a b.css"))


# -- introspection -------------------------------------------------------------------------


def describe_rule(rule):
    return {
        "rule": rule.rule,
        "endpoint": rule.endpoint,
        "methods": sorted(rule.methods or ()),
        "subdomain": rule.subdomain,
        "host": rule.host,
        "defaults": rule.defaults,
        "arguments": sorted(rule.arguments),
        "build_only": rule.build_only,
        "strict_slashes": rule.strict_slashes,
        "merge_slashes": rule.merge_slashes,
        "redirect_to": rule.redirect_to if isinstance(rule.redirect_to, str) else None,
        "websocket": rule.websocket,
        # Werkzeug's repr lists the methods in set order, which varies by process.
        "repr": repr(rule).split(" (")[0],
        "str": str(rule),
    }


def url_map_rules():
    return [describe_rule(rule) for rule in app.url_map.iter_rules()]


def url_map_endpoint_rules():
    return {
        "page": [describe_rule(rule) for rule in app.url_map.iter_rules("page")],
        "expects_n": app.url_map.is_endpoint_expecting("page", "n"),
        "expects_x": app.url_map.is_endpoint_expecting("page", "x"),
        "unknown": attempt(lambda: list(app.url_map.iter_rules("nope"))),
        "flags": [app.url_map.strict_slashes, app.url_map.merge_slashes,
                  app.url_map.redirect_defaults, app.url_map.host_matching,
                  app.url_map.default_subdomain],
    }


def view_functions():
    return {name: getattr(fn, "__name__", None) for name, fn in app.view_functions.items()}


def attempt(fn):
    try:
        return fn()
    except Exception as exc:
        return f"raised {type(exc).__name__}: {exc}"


def endpoint_overwrite():
    other = Flask("endpoint_overwrite", static_folder=None)
    other.add_url_rule("/a", "a", lambda: "a")
    return attempt(lambda: other.add_url_rule("/b", "a", lambda: "b"))


# -- other host set-ups, through their own apps -----------------------------------------


def answer(response):
    body = response.get_json(silent=True)
    return [response.status_code, response.headers.get("Location"),
            body if body is not None else response.get_data(as_text=True)[:60]]


def send_all(other, requests):
    client = other.test_client()
    return {f"{method} {url}": answer(client.open(url, method=method))
            for method, url in requests}


def make_app(name, **kwargs):
    other = Flask(name, static_folder=None, **kwargs)
    other.testing = True
    other.add_url_rule("/", "root", show)
    other.add_url_rule("/", "api_root", show, subdomain="api")
    other.add_url_rule("/only-api", "only_api", show, subdomain="api")
    other.add_url_rule("/dir/", "dir", show)
    return other


SUBDOMAIN_REQUESTS = [
    ("GET", "http://example.test/"),
    ("GET", "http://api.example.test/"),
    ("GET", "http://api.example.test/only-api"),
    ("GET", "http://other.test/"),
    ("GET", "http://api.other.test/dir"),
    ("GET", "http://localhost/only-api"),
    ("OPTIONS", "http://api.example.test/"),
]


def subdomain_matching_off_with_server_name():
    other = make_app("subdomains_off")
    other.config["SERVER_NAME"] = "example.test"
    return send_all(other, SUBDOMAIN_REQUESTS)


def subdomain_matching_off_without_server_name():
    return send_all(make_app("subdomains_off_no_server"), SUBDOMAIN_REQUESTS)


def subdomain_matching_without_server_name():
    return send_all(make_app("subdomains_on_no_server", subdomain_matching=True),
                    SUBDOMAIN_REQUESTS)


def host_matching():
    other = Flask("host_matching", host_matching=True, static_folder=None)
    other.testing = True
    other.add_url_rule("/", "a_root", show, host="a.test")
    other.add_url_rule("/", "tenant_root", show, host="<tenant>.b.test")
    other.add_url_rule("/x", "a_x", show, host="a.test")
    other.add_url_rule("/x", "port_x", show, host="a.test:8080")
    other.add_url_rule("/nohost", "nohost", show)
    other.add_url_rule("/dir/", "a_dir", show, host="a.test")

    @other.route("/links", host="a.test")
    def links():
        return jsonify(same=url_for("a_x"), tenant=url_for("tenant_root", tenant="t1"),
                       nohost=url_for("nohost"), external=url_for("a_x", _external=True))

    results = send_all(other, [
        ("GET", "http://a.test/"),
        ("GET", "http://A.Test/x"),
        ("GET", "http://acme.b.test/"),
        ("GET", "http://a.test:8080/x"),
        ("GET", "http://c.test/"),
        ("GET", "http://a.test/nohost"),
        ("GET", "http://localhost/nohost"),
        ("GET", "http://a.test/dir"),
        ("GET", "http://a.test/links"),
    ])
    other.config["SERVER_NAME"] = "a.test"
    with other.app_context():
        results["outside"] = [url_for("a_x"), url_for("tenant_root", tenant="t2"),
                              url_for("a_x", _external=False)]
    return results


def map_merge_slashes_off():
    other = Flask("merge_off", static_folder=None)
    other.testing = True
    other.url_map.merge_slashes = False
    other.add_url_rule("/a/b", "ab", show)
    other.add_url_rule("/c//d", "cd", show)
    other.add_url_rule("/e/f", "ef", show, merge_slashes=True)
    return send_all(other, [("GET", "/a//b"), ("GET", "/a/b"), ("GET", "/c//d"),
                            ("GET", "/c/d"), ("GET", "/e//f")])


def map_strict_slashes_off():
    other = Flask("strict_off", static_folder=None)
    other.testing = True
    other.url_map.strict_slashes = False
    other.add_url_rule("/dir/", "dir", show)
    other.add_url_rule("/strict/", "strict", show, strict_slashes=True)
    return send_all(other, [("GET", "/dir"), ("GET", "/dir/"), ("GET", "/strict")])


def redirect_defaults_off():
    other = Flask("redirect_defaults_off", static_folder=None)
    other.testing = True
    other.url_map.redirect_defaults = False
    other.add_url_rule("/page/", "page", show, defaults={"n": 1})
    other.add_url_rule("/page/<int:n>", "page", show)
    return send_all(other, [("GET", "/page/1"), ("GET", "/page/")])


def subdomain_in_test_request_context():
    results = {}
    with app.test_request_context("/", subdomain="api"):
        results["api"] = [request.endpoint, request.view_args, url_for("root")]
    with app.test_request_context("/dash", subdomain="acme"):
        results["tenant"] = [request.endpoint, request.view_args, url_for(".tenant_dash",
                                                                           tenant="x")]
    with app.test_request_context("/", base_url="http://other.test/"):
        results["mismatch"] = [request.endpoint, type(request.routing_exception).__name__]
    return results


CASES = [
    *[{"id": f"host_{name}", "path": url} for name, url in [
        ("default_domain_root", "http://example.test/"),
        ("static_subdomain_root", "http://api.example.test/"),
        ("wildcard_subdomain_root", "http://bob.example.test/"),
        ("wildcard_subdomain_rule", "http://acme.example.test/dash"),
        ("wildcard_rule_on_default_domain", "http://example.test/dash"),
        ("multi_level_subdomain", "http://a.b.example.test/deep"),
        ("multi_level_subdomain_wildcard", "http://a.b.example.test/"),
        ("same_path_default_domain", "http://example.test/both"),
        ("same_path_api", "http://api.example.test/both"),
        ("same_path_wildcard_falls_through", "http://bob.example.test/both"),
        ("host_is_case_insensitive", "http://API.Example.TEST/"),
        ("host_outside_server_name", "http://other.test/"),
        ("host_with_other_port", "http://example.test:8080/"),
        ("subdomain_trailing_slash_redirect", "http://api.example.test/folder"),
        ("subdomain_redirect_keeps_query", "http://api.example.test/folder?x=1&y=%C3%BC"),
        ("subdomain_merge_slashes_redirect", "http://api.example.test/folder//?q=1"),
        ("subdomain_url_for", "http://api.example.test/links"),
        ("default_domain_url_for", "http://example.test/links"),
        ("subdomain_rule_from_default_domain_is_404", "http://example.test/posts"),
        ("https_subdomain_redirect", "https://api.example.test/folder"),
        ("https_default_port_host", "https://example.test:443/both"),
        ("blueprint_subdomain_converter", "http://acme.example.test/org/home"),
        ("blueprint_subdomain_on_default_domain", "http://example.test/org/home"),
        ("blueprint_registered_with_subdomain", "http://admin.example.test/adm/panel"),
        ("blueprint_registered_subdomain_elsewhere", "http://api.example.test/adm/panel"),
    ]],
    {"id": "host_subdomain_wrong_method", "method": "DELETE",
     "path": "http://api.example.test/posts"},
    {"id": "host_subdomain_follow_redirect", "path": "http://api.example.test/folder",
     "kwargs": {"follow_redirects": True}},
    {"id": "host_subdomain_header_host", "path": "/",
     "kwargs": {"headers": {"Host": "api.example.test"}}},
    *[{"id": f"priority_{name}", "path": path} for name, path in [
        ("static_beats_converters", "/p/static"),
        ("int_beats_float_and_string", "/p/5"),
        ("static_dot_beats_float", "/p/5.5"),
        ("same_weight_first_registered_wins", "/p/ab"),
        ("any_same_weight_as_string", "/p/xx"),
        ("plain_string", "/p/abc"),
        ("two_segments", "/p/a/b"),
        ("path_edit_beats_segment_edit", "/p/a/edit"),
        ("longer_static_prefix", "/p/static/x"),
        ("dotted_json", "/p/f.json"),
        ("dotted_other", "/p/f.txt"),
        ("prefixed_int", "/p/x-5"),
        ("prefixed_not_int", "/p/x-y"),
        ("path_fallback", "/p/a/b/c"),
        ("path_with_static_tail", "/p/a/b/c/edit"),
        ("int_then_path", "/p/7/a/b"),
        ("signed_int", "/p/-3/s"),
        ("uuid_same_weight_as_string", "/p/12345678-1234-5678-1234-567812345678"),
        ("fixed_digits_beats_int", "/p/007/f"),
        ("converter_rejection_ends_match", "/p/7/f"),
        ("empty_segment_path", "/p//x"),
        ("trailing_slash_two_segments", "/p/a/b/"),
    ]],
    *[{"id": f"slashes_{name}", "path": path} for name, path in [
        ("merge_slashes_redirect", "/m//a///b"),
        ("merge_slashes_redirect_keeps_query", "/m//a/b?q=1"),
        ("merge_slashes_branch_without_slash", "/m//dir"),
        ("merge_slashes_branch", "/m//dir//"),
        ("merge_slashes_off_rule_exact", "/nm//x"),
        ("merge_slashes_off_rule_single", "/nm/x"),
        ("merge_slashes_path_converter", "/mp/a//b"),
        ("strict_slashes_off_without", "/loose"),
        ("strict_slashes_off_with", "/loose/"),
        ("leaf_with_slash_is_404", "/leaf/"),
        ("root_path_trailing_redirect", "/m/dir"),
    ]],
    {"id": "slashes_under_root_path", "path": "/m//a/b",
     "kwargs": {"base_url": "http://example.test/app/"}},
    {"id": "slashes_trailing_under_root_path", "path": "/m/dir",
     "kwargs": {"base_url": "http://example.test/app/"}},
    {"id": "slashes_rule_not_on_this_subdomain", "path": "/m/dir",
     "kwargs": {"base_url": "http://api.example.test/app/"}},
    *[{"id": name, "path": path} for name, path in [
        ("redirect_to_string", "/r/int/5"),
        ("redirect_to_string_drops_query", "/r/int/5?a=1"),
        ("redirect_to_relative", "/r/relative/abc"),
        ("redirect_to_external", "/r/external"),
        ("redirect_to_callable_with_adapter", "/r/callable/4"),
        ("redirect_to_callable_external", "/r/callable-external/z%20y"),
        ("redirect_to_wrong_method", "/r/post"),
        ("build_only_never_matches", "/built/a.css"),
        ("defaults_redirect", "/page/1"),
        ("defaults_rule", "/page/"),
        ("endpoint_decorator_attached", "/late"),
        ("endpoint_only_stub_links", "/stub-link"),
    ]],
    {"id": "redirect_to_string_under_root_path", "path": "/r/int/5",
     "kwargs": {"base_url": "http://example.test/app/"}},
    {"id": "redirect_to_relative_under_root_path", "path": "/r/relative/abc",
     "kwargs": {"base_url": "http://example.test/app/"}},
    {"id": "redirect_to_rule_not_on_subdomain", "path": "http://api.example.test/r/int/5"},
    {"id": "redirect_to_https", "path": "https://example.test/r/relative/x"},
    {"id": "redirect_to_post", "method": "POST", "path": "/r/post"},
    {"id": "endpoint_only_stub_is_500", "path": "/stub",
     "config": {"TESTING": False, "PROPAGATE_EXCEPTIONS": False}},
    {"id": "trusted_host_ok", "path": "/both", "config": {"TRUSTED_HOSTS": ["example.test"]}},
    {"id": "trusted_host_suffix", "path": "http://api.example.test/both",
     "config": {"TRUSTED_HOSTS": [".example.test"]}},
    {"id": "trusted_host_rejected", "path": "http://api.example.test/both",
     "config": {"TRUSTED_HOSTS": ["example.test"]}},
    {"id": "trusted_host_rejected_unknown_path", "path": "http://evil.test/nothing",
     "config": {"TRUSTED_HOSTS": ["example.test"]}},
    {"id": "trusted_host_port_ignored", "path": "http://example.test:8000/both",
     "config": {"TRUSTED_HOSTS": ["example.test"], "SERVER_NAME": "example.test:8000"}},
    {"id": "trusted_hosts_empty_list", "path": "/both", "config": {"TRUSTED_HOSTS": []}},
    {"id": "server_name_with_default_port", "path": "/both",
     "config": {"SERVER_NAME": "example.test:80"}},
    {"id": "url_map_rules", "call": "url_map_rules"},
    {"id": "url_map_endpoint_rules", "call": "url_map_endpoint_rules"},
    {"id": "view_functions", "call": "view_functions"},
    {"id": "endpoint_overwrite", "call": "endpoint_overwrite"},
    {"id": "subdomain_matching_off_with_server_name",
     "call": "subdomain_matching_off_with_server_name"},
    {"id": "subdomain_matching_off_without_server_name",
     "call": "subdomain_matching_off_without_server_name"},
    {"id": "subdomain_matching_without_server_name",
     "call": "subdomain_matching_without_server_name"},
    {"id": "host_matching", "call": "host_matching"},
    {"id": "map_merge_slashes_off", "call": "map_merge_slashes_off"},
    {"id": "map_strict_slashes_off", "call": "map_strict_slashes_off"},
    {"id": "redirect_defaults_off", "call": "redirect_defaults_off"},
    {"id": "subdomain_in_test_request_context", "call": "subdomain_in_test_request_context"},
]

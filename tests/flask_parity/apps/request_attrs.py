"""Request attributes as a view sees them: URL parts, args, headers, cookies, client info."""

from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask(__name__)
app.testing = True


def plain(value):
    """A JSON-able view of an attribute value that keeps its type visible."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return {"bytes": value.decode("latin-1")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {"set": sorted(plain(v) for v in value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return {"multidict": value.to_dict(flat=False)}
    return {"str": str(value), "type": type(value).__name__}


ATTRIBUTES = [
    "path", "full_path", "url", "base_url", "url_root", "host", "host_url", "root_path",
    "script_root", "scheme", "is_secure", "method", "query_string", "remote_addr",
    "content_type", "mimetype", "mimetype_params", "content_length", "endpoint", "view_args",
    "is_json", "referrer", "access_route", "blueprint", "args", "cookies", "data", "origin",
    "content_encoding",
]


@app.route("/attr/<name>", methods=["GET", "POST", "PUT", "DELETE"])
def attr(name):
    if name not in ATTRIBUTES:
        return "unknown attribute", 400
    return jsonify(value=plain(getattr(request, name)))


@app.route("/deep/<path:rest>")
def deep(rest):
    return jsonify(path=request.path, url=request.url, view_args=request.view_args,
                   rule=request.url_rule.rule, endpoint=request.endpoint)


@app.route("/args/getlist")
def args_getlist():
    return jsonify(request.args.getlist("a"))


@app.route("/args/get-type")
def args_get_type():
    return jsonify(n=request.args.get("n", default=-1, type=int),
                   missing=request.args.get("missing"))


@app.route("/args/missing")
def args_missing():
    return request.args["missing"]


@app.route("/args/items")
def args_items():
    return jsonify(list(request.args.items(multi=True)))


@app.route("/headers/get")
def headers_get():
    return jsonify(foo=request.headers.get("X-Foo"), lower=request.headers.get("x-foo"),
                   missing=request.headers.get("X-Missing", "default"),
                   typed=request.headers.get("X-Num", type=int))


@app.route("/headers/getlist")
def headers_getlist():
    return jsonify(request.headers.getlist("X-Multi"))


@app.route("/headers/missing")
def headers_missing():
    return request.headers["X-Missing"]


@app.route("/headers/names")
def headers_names():
    return jsonify(sorted(k for k, _ in request.headers if k.lower() != "user-agent"))


@app.route("/headers/contains")
def headers_contains():
    return jsonify(yes="x-foo" in request.headers, no="X-Nope" in request.headers)


@app.route("/cookies")
def cookies():
    return jsonify(request.cookies.to_dict(flat=False))


@app.route("/user-agent")
def user_agent():
    return jsonify(string=request.user_agent.string, as_str=str(request.user_agent),
                   truthy=bool(request.user_agent))


@app.route("/url-rule")
def url_rule():
    rule = request.url_rule
    return jsonify(rule=rule.rule, endpoint=rule.endpoint, methods=sorted(rule.methods),
                   arguments=sorted(rule.arguments))


@app.route("/accept")
def accept():
    return jsonify(
        best=request.accept_mimetypes.best_match(["application/json", "text/html"]),
        json_q=request.accept_mimetypes["application/json"],
        language=request.accept_languages.best_match(["en", "fr", "de"]),
        html=request.accept_mimetypes.accept_html,
    )


@app.route("/environ")
def environ():
    env = request.environ
    return jsonify(remote_addr=env.get("REMOTE_ADDR"), method=env.get("REQUEST_METHOD"),
                   scheme=env.get("wsgi.url_scheme"), path_info=env.get("PATH_INFO"))


@app.route("/immutable/<what>", methods=["POST"])
def immutable(what):
    getattr(request, what)["new"] = "value"
    return "mutated"


@app.route("/authorization")
def authorization():
    auth = request.authorization
    if auth is None:
        return jsonify(None)
    return jsonify(type=auth.type, username=auth.username, password=auth.password,
                   token=auth.token)


CASES = [
    {"id": "path", "path": "/attr/path"},
    {"id": "path_unicode", "path": "/deep/%C3%A9t%C3%A9/x%20y"},
    {"id": "full_path_with_query", "path": "/attr/full_path?a=1&b=2"},
    {"id": "full_path_without_query", "path": "/attr/full_path"},
    {"id": "url_with_query", "path": "/attr/url?q=caf%C3%A9&x=a+b"},
    {"id": "url_plain", "path": "/attr/url"},
    {"id": "base_url", "path": "/attr/base_url?ignored=1"},
    {"id": "url_root", "path": "/attr/url_root"},
    {"id": "host_default", "path": "/attr/host"},
    {"id": "host_with_port", "path": "/attr/host",
     "kwargs": {"base_url": "http://example.com:8080"}},
    {"id": "host_default_port_stripped", "path": "/attr/host",
     "kwargs": {"base_url": "https://example.com:443"}},
    {"id": "host_header", "path": "/attr/host", "kwargs": {"headers": {"Host": "api.test"}}},
    {"id": "host_url", "path": "/attr/host_url", "kwargs": {"base_url": "http://example.com"}},
    {"id": "scheme_https", "path": "/attr/scheme", "kwargs": {"base_url": "https://localhost"}},
    {"id": "is_secure_https", "path": "/attr/is_secure",
     "kwargs": {"base_url": "https://localhost"}},
    {"id": "url_https", "path": "/attr/url?x=1", "kwargs": {"base_url": "https://example.com"}},
    {"id": "root_path_prefix", "path": "/attr/root_path",
     "kwargs": {"base_url": "http://localhost/prefix"}},
    {"id": "script_root_prefix", "path": "/attr/script_root",
     "kwargs": {"base_url": "http://localhost/prefix"}},
    {"id": "url_root_prefix", "path": "/attr/url_root",
     "kwargs": {"base_url": "http://localhost/prefix"}},
    {"id": "path_under_prefix", "path": "/attr/path",
     "kwargs": {"base_url": "http://localhost/prefix"}},
    {"id": "url_under_prefix", "path": "/attr/url?a=1",
     "kwargs": {"base_url": "http://localhost/prefix"}},
    {"id": "method_delete", "method": "DELETE", "path": "/attr/method"},
    {"id": "query_string_bytes", "path": "/attr/query_string?a=1&b=%20x"},
    {"id": "query_string_kwarg_dict", "path": "/attr/args",
     "kwargs": {"query_string": {"a": "1", "b": "x y"}}},
    {"id": "args_plus_and_percent", "path": "/attr/args?a=x+y&b=%C3%A9&c="},
    {"id": "args_no_value_key", "path": "/attr/args?flag&x=1"},
    {"id": "args_getlist", "path": "/args/getlist?a=1&a=2&a=3"},
    {"id": "args_get_type_ok", "path": "/args/get-type?n=5"},
    {"id": "args_get_type_bad_value", "path": "/args/get-type?n=five"},
    {"id": "args_missing_key_is_400", "path": "/args/missing"},
    {"id": "args_items_multi", "path": "/args/items?a=1&b=2&a=3"},
    {"id": "headers_get", "path": "/headers/get",
     "kwargs": {"headers": {"X-Foo": "bar", "X-Num": "7"}}},
    {"id": "headers_get_type_bad", "path": "/headers/get", "kwargs": {"headers": {"X-Num": "x"}}},
    {"id": "headers_getlist_duplicates", "path": "/headers/getlist",
     "kwargs": {"headers": [["X-Multi", "a"], ["X-Multi", "b"]]}},
    {"id": "headers_missing_is_400", "path": "/headers/missing"},
    {"id": "headers_names", "path": "/headers/names",
     "kwargs": {"headers": {"X-Foo": "bar", "Accept": "text/plain"}}},
    {"id": "headers_names_with_body", "method": "POST", "path": "/headers/names",
     "kwargs": {"data": "abc", "content_type": "text/plain"}},
    {"id": "headers_contains", "path": "/headers/contains", "kwargs": {"headers": {"X-Foo": "1"}}},
    {"id": "cookies_header_replaced_by_jar", "path": "/cookies",
     "kwargs": {"headers": {"Cookie": "a=1; b=two; a=3"}}},
    {"id": "cookies_header_without_jar", "path": "/cookies",
     "client_kwargs": {"use_cookies": False},
     "kwargs": {"headers": {"Cookie": "a=1; b=two; a=3"}}},
    {"id": "cookies_quoted_value_without_jar", "path": "/cookies",
     "client_kwargs": {"use_cookies": False},
     "kwargs": {"headers": {"Cookie": 'q="a b\\"c"; plain=x; e=caf%C3%A9'}}},
    {"id": "cookies_from_client_jar", "path": "/cookies", "client_cookies": {"jar": "value"}},
    {"id": "cookies_none", "path": "/cookies"},
    {"id": "remote_addr_default", "path": "/attr/remote_addr"},
    {"id": "remote_addr_environ_base", "path": "/attr/remote_addr",
     "kwargs": {"environ_base": {"REMOTE_ADDR": "10.1.2.3"}}},
    {"id": "access_route_forwarded", "path": "/attr/access_route",
     "kwargs": {"headers": {"X-Forwarded-For": "1.1.1.1, 2.2.2.2"}}},
    {"id": "user_agent_header", "path": "/user-agent",
     "kwargs": {"headers": {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"}}},
    {"id": "user_agent_test_client_default", "path": "/user-agent"},
    {"id": "referrer", "path": "/attr/referrer",
     "kwargs": {"headers": {"Referer": "http://example.com/from"}}},
    {"id": "origin", "path": "/attr/origin", "kwargs": {"headers": {"Origin": "http://a.test"}}},
    {"id": "content_type_with_params", "method": "POST", "path": "/attr/content_type",
     "kwargs": {"data": "x", "content_type": "text/plain; charset=latin-1"}},
    {"id": "mimetype_lowercased", "method": "POST", "path": "/attr/mimetype",
     "kwargs": {"data": "x", "content_type": "Text/Plain; charset=latin-1"}},
    {"id": "mimetype_params", "method": "POST", "path": "/attr/mimetype_params",
     "kwargs": {"data": "x", "content_type": "text/plain; charset=latin-1; format=flowed"}},
    {"id": "content_type_absent", "path": "/attr/content_type"},
    {"id": "content_length_post", "method": "POST", "path": "/attr/content_length",
     "kwargs": {"data": "hello"}},
    {"id": "content_length_get", "path": "/attr/content_length"},
    {"id": "content_encoding", "method": "POST", "path": "/attr/content_encoding",
     "kwargs": {"data": "x", "headers": {"Content-Encoding": "gzip"}}},
    {"id": "endpoint", "path": "/attr/endpoint"},
    {"id": "view_args", "path": "/attr/view_args"},
    {"id": "blueprint_none", "path": "/attr/blueprint"},
    {"id": "url_rule_attributes", "path": "/url-rule"},
    {"id": "is_json_true", "method": "POST", "path": "/attr/is_json",
     "kwargs": {"data": "{}", "content_type": "application/json"}},
    {"id": "is_json_plus_json", "method": "POST", "path": "/attr/is_json",
     "kwargs": {"data": "{}", "content_type": "application/vnd.api+json"}},
    {"id": "is_json_false", "method": "POST", "path": "/attr/is_json",
     "kwargs": {"data": "{}", "content_type": "text/plain"}},
    {"id": "data_get_empty", "path": "/attr/data"},
    {"id": "accept_headers", "path": "/accept",
     "kwargs": {"headers": {"Accept": "text/html;q=0.5, application/json",
                            "Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"}}},
    {"id": "accept_missing", "path": "/accept"},
    {"id": "environ_wsgi_keys", "path": "/environ"},
    {"id": "args_immutable", "method": "POST", "path": "/immutable/args"},
    {"id": "form_immutable", "method": "POST", "path": "/immutable/form",
     "kwargs": {"data": {"a": "1"}}},
    {"id": "headers_immutable", "method": "POST", "path": "/immutable/headers"},
    {"id": "authorization_basic", "path": "/authorization",
     "kwargs": {"headers": {"Authorization": "Basic dXNlcjpwYXNzOndvcmQ="}}},
    {"id": "authorization_bearer", "path": "/authorization",
     "kwargs": {"headers": {"Authorization": "Bearer abc.def"}}},
    {"id": "authorization_auth_kwarg", "path": "/authorization",
     "kwargs": {"auth": ["ann", "secret"]}},
    {"id": "authorization_missing", "path": "/authorization"},
]

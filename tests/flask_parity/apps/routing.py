"""Routing: converters and their arguments, priorities, slashes, defaults, url_for."""

from __future__ import annotations

from flask import Flask, jsonify, request, url_for
from werkzeug.routing import BaseConverter

app = Flask(__name__)
app.testing = True


class ListConverter(BaseConverter):
    """Comma-separated items; builds back with commas."""

    def to_python(self, value):
        return value.split(",")

    def to_url(self, value):
        return ",".join(BaseConverter.to_url(self, item) for item in value)


class HexConverter(BaseConverter):
    """Only lower-case hex digits, as an int."""

    regex = "[0-9a-f]+"

    def to_python(self, value):
        return int(value, 16)

    def to_url(self, value):
        return format(value, "x")


app.url_map.converters["list"] = ListConverter
app.url_map.converters["hex"] = HexConverter


def typed(**values):
    """Each value with its Python type name, so `1` and `"1"` differ."""
    return jsonify({
        k: [v if isinstance(v, (str, int, float, list)) else str(v), type(v).__name__]
        for k, v in values.items()
    })


@app.route("/str/<name>")
def string(name):
    return typed(name=name)


@app.route("/len/<string(length=3):code>")
def fixed_length(code):
    return typed(code=code)


@app.route("/minmax/<string(minlength=2, maxlength=4):word>")
def min_max(word):
    return typed(word=word)


@app.route("/int/<int:n>")
def integer(n):
    return typed(n=n)


@app.route("/fixed/<int(fixed_digits=4):n>")
def fixed_digits(n):
    return typed(n=n)


@app.route("/range/<int(min=1, max=10):n>")
def int_range(n):
    return typed(n=n)


@app.route("/signed/<int(signed=True):n>")
def signed_int(n):
    return typed(n=n)


@app.route("/float/<float:x>")
def floating(x):
    return typed(x=x)


@app.route("/fsigned/<float(signed=True):x>")
def signed_float(x):
    return typed(x=x)


@app.route("/path/<path:rest>")
def path(rest):
    return typed(rest=rest)


@app.route("/uuid/<uuid:u>")
def uuid(u):
    return typed(u=u)


@app.route("/any/<any(red, green, 'dark blue'):colour>")
def any_of(colour):
    return typed(colour=colour)


@app.route("/list/<list:items>")
def items(items):
    return typed(items=items)


@app.route("/hex/<hex:n>")
def hexadecimal(n):
    return typed(n=n)


@app.route("/prio/static")
def prio_static():
    return "static"


@app.route("/prio/<int:n>")
def prio_int(n):
    return f"int {n}"


@app.route("/prio/<name>")
def prio_string(name):
    return f"string {name}"


@app.route("/slash/")
def slash():
    return "slash"


@app.route("/pslash/", methods=["POST"])
def post_slash():
    return "post slash"


@app.route("/noslash")
def noslash():
    return "noslash"


@app.route("/loose/", strict_slashes=False)
def loose():
    return "loose"


@app.route("/a/b")
def a_b():
    return "a/b"


@app.route("/page/", defaults={"n": 1})
@app.route("/page/<int:n>")
def page(n):
    return typed(n=n)


@app.route("/ünï")
def unicode_rule():
    return "unicode rule"


@app.route("/multi/<int:a>/<b>/<path:c>")
def multi(a, b, c):
    return typed(a=a, b=b, c=c)


@app.route("/build/<what>")
def build(what):
    targets = {
        "int": lambda: url_for("integer", n=42),
        "path": lambda: url_for("path", rest="a b/ü"),
        "string_slash": lambda: url_for("string", name="a/b c"),
        "extra_args": lambda: url_for("integer", n=1, q="x y", tags=["a", "b"]),
        "external": lambda: url_for("integer", n=1, _external=True),
        "anchor": lambda: url_for("integer", n=1, _anchor="top section"),
        "custom": lambda: url_for("items", items=["x", "y z"]),
        "hex": lambda: url_for("hexadecimal", n=255),
        "defaults": lambda: url_for("page", n=1),
        "uuid": lambda: url_for("uuid", u="12345678-1234-5678-1234-567812345678"),
        "missing": lambda: url_for("integer"),
        "unknown": lambda: url_for("no_such_endpoint"),
        "scheme": lambda: url_for("integer", n=3, _external=True, _scheme="https"),
        "method": lambda: url_for("integer", n=3, _method="GET"),
    }
    return targets[what]()


app.add_url_rule("/old/<int:n>", endpoint="old", redirect_to="/int/<n>")
app.add_url_rule("/old-callable/<name>", endpoint="old_callable",
                 redirect_to=lambda adapter, name: f"/str/{name.upper()}")


@app.route("/named", endpoint="custom_name", methods=["get"])
def named_view():
    return jsonify(endpoint=request.endpoint, url=url_for("custom_name"))


@app.route("/rule")
def rule():
    return jsonify(rule=request.url_rule.rule, endpoint=request.endpoint,
                   view_args=request.view_args)


CASES = [
    {"id": "string_plain", "path": "/str/hello"},
    {"id": "string_percent_decoded", "path": "/str/caf%C3%A9"},
    {"id": "string_encoded_slash_is_404", "path": "/str/a%2Fb"},
    {"id": "string_space", "path": "/str/a%20b"},
    {"id": "string_empty_is_404", "path": "/str/"},
    {"id": "string_length_ok", "path": "/len/abc"},
    {"id": "string_length_short", "path": "/len/ab"},
    {"id": "string_minlength_violation", "path": "/minmax/a"},
    {"id": "string_maxlength_ok", "path": "/minmax/abcd"},
    {"id": "string_maxlength_violation", "path": "/minmax/abcde"},
    {"id": "int_plain", "path": "/int/42"},
    {"id": "int_leading_zero", "path": "/int/007"},
    {"id": "int_negative_is_404", "path": "/int/-1"},
    {"id": "int_decimal_is_404", "path": "/int/1.5"},
    {"id": "int_fixed_digits_ok", "path": "/fixed/0042"},
    {"id": "int_fixed_digits_short", "path": "/fixed/42"},
    {"id": "int_max_ok", "path": "/range/10"},
    {"id": "int_above_max", "path": "/range/11"},
    {"id": "int_below_min", "path": "/range/0"},
    {"id": "int_signed_negative", "path": "/signed/-5"},
    {"id": "float_plain", "path": "/float/1.5"},
    {"id": "float_without_point_is_404", "path": "/float/1"},
    {"id": "float_negative_unsigned_is_404", "path": "/float/-1.5"},
    {"id": "float_signed_negative", "path": "/fsigned/-1.5"},
    {"id": "path_nested", "path": "/path/a/b/c.txt"},
    {"id": "path_trailing_slash", "path": "/path/a/b/"},
    {"id": "uuid_lowercase", "path": "/uuid/12345678-1234-5678-1234-567812345678"},
    {"id": "uuid_uppercase", "path": "/uuid/12345678-ABCD-5678-1234-567812345678"},
    {"id": "uuid_invalid", "path": "/uuid/12345678-1234"},
    {"id": "any_match", "path": "/any/green"},
    {"id": "any_quoted_item", "path": "/any/dark%20blue"},
    {"id": "any_no_match", "path": "/any/purple"},
    {"id": "custom_converter", "path": "/list/a,b,c"},
    {"id": "custom_regex_converter", "path": "/hex/ff"},
    {"id": "custom_regex_no_match", "path": "/hex/FF"},
    {"id": "priority_static_first", "path": "/prio/static"},
    {"id": "priority_int_over_string", "path": "/prio/5"},
    {"id": "priority_string_fallback", "path": "/prio/abc"},
    {"id": "multiple_converters", "path": "/multi/1/two/three/four"},
    {"id": "unicode_rule_literal", "path": "/%C3%BCn%C3%AF"},
    {"id": "trailing_slash_redirect", "path": "/slash"},
    {"id": "trailing_slash_redirect_keeps_query", "path": "/slash?a=1&b=x%20y"},
    {"id": "trailing_slash_wrong_method", "method": "POST", "path": "/slash"},
    {"id": "trailing_slash_redirect_post", "method": "POST", "path": "/pslash"},
    {"id": "trailing_slash_followed_post_keeps_method", "method": "POST", "path": "/pslash",
     "kwargs": {"follow_redirects": True, "data": {"a": "1"}}},
    {"id": "trailing_slash_followed", "path": "/slash",
     "kwargs": {"follow_redirects": True}},
    {"id": "no_slash_rule_with_slash_is_404", "path": "/noslash/"},
    {"id": "strict_slashes_false_without", "path": "/loose"},
    {"id": "strict_slashes_false_with", "path": "/loose/"},
    {"id": "merge_slashes_redirect", "path": "/a//b"},
    {"id": "defaults_rule_used", "path": "/page/"},
    {"id": "defaults_other_value", "path": "/page/2"},
    {"id": "defaults_value_redirects", "path": "/page/1"},
    {"id": "url_rule_and_view_args", "path": "/rule"},
    {"id": "explicit_endpoint_and_lowercase_methods", "path": "/named"},
    {"id": "redirect_to_string", "path": "/old/5"},
    {"id": "redirect_to_callable", "path": "/old-callable/abc"},
    {"id": "string_plus_sign_kept", "path": "/str/a+b"},
    {"id": "string_double_encoded", "path": "/str/%252F"},
    {"id": "build_int", "path": "/build/int"},
    {"id": "build_path_quoting", "path": "/build/path"},
    {"id": "build_string_quotes_slash", "path": "/build/string_slash"},
    {"id": "build_extra_args_query", "path": "/build/extra_args"},
    {"id": "build_external", "path": "/build/external"},
    {"id": "build_external_scheme", "path": "/build/scheme"},
    {"id": "build_anchor", "path": "/build/anchor"},
    {"id": "build_custom_to_url", "path": "/build/custom"},
    {"id": "build_regex_converter", "path": "/build/hex"},
    {"id": "build_defaults_value", "path": "/build/defaults"},
    {"id": "build_uuid_string", "path": "/build/uuid"},
    {"id": "build_method", "path": "/build/method"},
    {"id": "build_missing_value_raises", "path": "/build/missing"},
    {"id": "build_unknown_endpoint_raises", "path": "/build/unknown"},
]

"""View return values (every make_response form) and Response object behaviour."""

from __future__ import annotations

from flask import Flask, Response, make_response
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as WerkzeugResponse

app = Flask(__name__)
app.testing = True


def generate():
    yield "one "
    yield b"two "
    yield "three"


def wsgi_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"from wsgi"]


RETURNS = {
    "str": lambda: "hello",
    "str_empty": lambda: "",
    "str_unicode": lambda: "héllo ☃",
    "bytes": lambda: b"\x00\x01binary\xff",
    "bytearray": lambda: bytearray(b"array"),
    "dict": lambda: {"b": 1, "a": [1, 2]},
    "list": lambda: [1, "two", None],
    "empty_dict": lambda: {},
    "generator": lambda: generate(),
    "iterator": lambda: iter(["a", "b"]),
    "response": lambda: Response("resp", status=202, mimetype="text/plain"),
    "werkzeug_response": lambda: WerkzeugResponse("wz"),
    "tuple_status_int": lambda: ("created", 201),
    "tuple_status_str": lambda: ("created", "201 CREATED"),
    "tuple_status_digits_str": lambda: ("created", "201"),
    "tuple_status_custom_text": lambda: ("custom", "299 Something Custom"),
    "tuple_status_unknown_code": lambda: ("odd", 599),
    "tuple_status_none": lambda: ("none status", None),
    "tuple_headers_dict": lambda: ("with headers", {"X-A": "1", "X-B": "2"}),
    "tuple_headers_list": lambda: ("with headers", [("X-A", "1"), ("X-A", "2")]),
    "tuple_headers_dict_list_value": lambda: ("multi", {"X-A": ["1", "2"]}),
    "tuple_headers_int_value": lambda: ("int header", {"X-Num": 5}),
    "tuple_three": lambda: ("all three", 202, {"X-A": "1"}),
    "tuple_three_list_headers": lambda: ("all three", 203, [("X-A", "1")]),
    "tuple_content_type_header": lambda: ("csv", 200, {"Content-Type": "text/csv"}),
    "tuple_dict_status": lambda: ({"created": True}, 201),
    "tuple_dict_headers": lambda: ({"a": 1}, {"X-A": "1"}),
    "tuple_list_status_headers": lambda: ([1], 202, {"X-A": "1"}),
    "tuple_generator_status": lambda: (generate(), 206),
    "tuple_response_status": lambda: (Response("r", status=200), 404),
    "tuple_response_headers_replace": lambda: (
        Response("r", headers={"X-A": "old", "X-B": "keep"}), {"X-A": "new"}),
    "tuple_response_status_headers": lambda: (Response("r"), "418", [("X-A", "1")]),
    "tuple_bytes_status": lambda: (b"bytes", 201),
    "none": lambda: None,
    "tuple_one": lambda: ("only body",),
    "tuple_four": lambda: ("a", 200, {}, "extra"),
    "tuple_none_body": lambda: (None, 201),
    "int": lambda: 42,
    "wsgi_callable": lambda: wsgi_app,
    "http_exception_instance": lambda: NotFound(),
}


@app.route("/return/<kind>")
def returns(kind):
    return RETURNS[kind]()


@app.route("/make/<kind>")
def make(kind):
    if kind == "empty":
        return make_response()
    if kind == "str":
        return make_response("made")
    if kind == "args":
        return make_response("made", 201, {"X-A": "1"})
    if kind == "tuple":
        return make_response(("made", 202))
    if kind == "dict":
        return make_response({"made": True})
    response = make_response("base")
    if kind == "modify":
        response.headers["X-Custom"] = "yes"
        response.status_code = 203
    elif kind == "same_object":
        assert make_response(response) is response
    return response


@app.route("/resp/<kind>")
def resp(kind):
    if kind == "mimetype":
        return Response("x", mimetype="text/plain")
    if kind == "content_type":
        return Response("x", content_type="text/csv")
    if kind == "octet":
        return Response(b"\x00\xff", mimetype="application/octet-stream")
    if kind == "list_body":
        return Response(["a", "b", b"c"])
    if kind == "no_content":
        return Response(status=204)
    if kind == "status_str":
        return Response("x", status="299 Custom Thing")
    if kind == "status_code_set":
        r = Response("x")
        r.status_code = 418
        return r
    if kind == "status_digits_set":
        r = Response("x")
        r.status = "404"
        return r
    if kind == "set_data":
        r = Response("short")
        r.set_data("a longer body")
        return r
    if kind == "mimetype_set":
        r = Response("<x/>")
        r.mimetype = "text/xml"
        return r
    if kind == "header_params":
        r = Response("x")
        r.headers.add("X-Param", "value", level=1, name="a b")
        return r
    if kind == "disposition":
        r = Response("x")
        r.headers.set("Content-Disposition", "attachment", filename="a b.txt")
        return r
    if kind == "vary":
        r = Response("x")
        r.vary.add("Accept")
        r.vary.add("Cookie")
        return r
    if kind == "cache_control":
        r = Response("x")
        r.cache_control.max_age = 60
        r.cache_control.public = True
        return r
    if kind == "no_store":
        r = Response("x")
        r.cache_control.no_store = True
        return r
    if kind == "etag":
        r = Response("x")
        r.add_etag()
        return r
    if kind == "location_relative":
        r = Response("moved", status=302)
        r.headers["Location"] = "/elsewhere"
        return r
    if kind == "location_iri":
        r = Response("moved", status=302)
        r.headers["Location"] = "/ünï?q=é"
        return r
    if kind == "header_newline":
        r = Response("x")
        r.headers["X-Bad"] = "a\nb"
        return r
    if kind == "content_length_manual":
        return Response("abc", headers={"Content-Length": "3"})
    if kind == "charset_in_mimetype":
        return Response("x", mimetype="text/plain; charset=latin-1")
    if kind == "json_mimetype":
        return Response('{"a": 1}', mimetype="application/json")
    raise KeyError(kind)


CASES = [
    *[{"id": f"return_{kind}", "path": f"/return/{kind}"} for kind in [
        "str", "str_empty", "str_unicode", "bytes", "bytearray", "dict", "list", "empty_dict",
        "generator", "iterator", "response", "werkzeug_response", "tuple_status_int",
        "tuple_status_str", "tuple_status_digits_str", "tuple_status_custom_text",
        "tuple_status_unknown_code", "tuple_status_none", "tuple_headers_dict",
        "tuple_headers_list", "tuple_headers_dict_list_value", "tuple_headers_int_value",
        "tuple_three", "tuple_three_list_headers", "tuple_content_type_header",
        "tuple_dict_status", "tuple_dict_headers", "tuple_list_status_headers",
        "tuple_generator_status", "tuple_response_status", "tuple_response_headers_replace",
        "tuple_response_status_headers", "tuple_bytes_status", "none", "tuple_one",
        "tuple_four", "tuple_none_body", "int", "wsgi_callable", "http_exception_instance",
    ]],
    {"id": "head_on_generator", "method": "HEAD", "path": "/return/generator"},
    {"id": "header_names_as_spelled", "path": "/return/tuple_three", "header_names": True},
    *[{"id": f"make_response_{kind}", "path": f"/make/{kind}"} for kind in [
        "empty", "str", "args", "tuple", "dict", "modify", "same_object",
    ]],
    *[{"id": f"response_{kind}", "path": f"/resp/{kind}"} for kind in [
        "mimetype", "content_type", "octet", "list_body", "no_content", "status_str",
        "status_code_set", "status_digits_set", "set_data", "mimetype_set", "header_params",
        "disposition", "vary", "cache_control", "no_store", "etag", "location_relative",
        "location_iri", "header_newline", "content_length_manual", "charset_in_mimetype",
        "json_mimetype",
    ]],
]

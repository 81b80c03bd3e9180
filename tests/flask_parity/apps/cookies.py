"""Cookies: set_cookie attributes, delete_cookie, reading, and the client's cookie jar."""

from __future__ import annotations

import datetime

from flask import Flask, jsonify, make_response, request

app = Flask(__name__)
app.testing = True

UTC = datetime.timezone.utc
SETTERS = {
    "basic": lambda r: r.set_cookie("name", "value"),
    "empty_value": lambda r: r.set_cookie("name"),
    "max_age_int": lambda r: r.set_cookie("name", "v", max_age=3600),
    "max_age_timedelta": lambda r: r.set_cookie("name", "v", max_age=datetime.timedelta(days=1)),
    "max_age_zero": lambda r: r.set_cookie("name", "v", max_age=0),
    "expires_datetime": lambda r: r.set_cookie(
        "name", "v", expires=datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)),
    "expires_naive_datetime": lambda r: r.set_cookie(
        "name", "v", expires=datetime.datetime(2031, 5, 6, 7, 8, 9)),
    "expires_timestamp": lambda r: r.set_cookie("name", "v", expires=1956000000),
    "max_age_and_expires": lambda r: r.set_cookie(
        "name", "v", max_age=60, expires=datetime.datetime(2031, 1, 1, tzinfo=UTC)),
    "path": lambda r: r.set_cookie("name", "v", path="/sub"),
    "domain": lambda r: r.set_cookie("name", "v", domain="example.com"),
    "domain_leading_dot": lambda r: r.set_cookie("name", "v", domain=".example.com"),
    "secure": lambda r: r.set_cookie("name", "v", secure=True),
    "httponly": lambda r: r.set_cookie("name", "v", httponly=True),
    "samesite_lax": lambda r: r.set_cookie("name", "v", samesite="Lax"),
    "samesite_strict_lowercase": lambda r: r.set_cookie("name", "v", samesite="strict"),
    "samesite_none": lambda r: r.set_cookie("name", "v", samesite="None", secure=True),
    "samesite_invalid": lambda r: r.set_cookie("name", "v", samesite="sometimes"),
    "partitioned": lambda r: r.set_cookie("name", "v", partitioned=True),
    "all_attributes": lambda r: r.set_cookie(
        "name", "v", max_age=10, path="/p", domain="example.com", secure=True,
        httponly=True, samesite="Strict"),
    "value_needs_quoting": lambda r: r.set_cookie("name", 'a b;c,d"e\\f'),
    "value_unicode": lambda r: r.set_cookie("name", "café ☃"),
    "value_equals_sign": lambda r: r.set_cookie("name", "a=b"),
    "two_cookies": lambda r: (r.set_cookie("a", "1"), r.set_cookie("b", "2")),
    "same_name_twice": lambda r: (r.set_cookie("a", "1"), r.set_cookie("a", "2", path="/x")),
    "delete": lambda r: r.delete_cookie("name"),
    "delete_path_domain": lambda r: r.delete_cookie("name", path="/p", domain="example.com"),
    "delete_secure_samesite": lambda r: r.delete_cookie(
        "name", secure=True, httponly=True, samesite="Lax"),
    "too_large": lambda r: r.set_cookie("name", "x" * 5000),
}


@app.route("/set/<kind>")
def set_cookie(kind):
    response = make_response("cookie set")
    SETTERS[kind](response)
    return response


@app.route("/read")
def read():
    return jsonify(request.cookies.to_dict(flat=False))


@app.route("/set-then-read")
def set_then_read():
    response = make_response(jsonify(before=request.cookies.to_dict()))
    response.set_cookie("jar", "from-response")
    return response


@app.route("/sub/read")
def sub_read():
    return jsonify(request.cookies.to_dict())


CASES = [
    *[{"id": f"set_{kind}", "path": f"/set/{kind}"} for kind in [
        "basic", "empty_value", "max_age_int", "max_age_timedelta", "max_age_zero",
        "expires_datetime", "expires_naive_datetime", "expires_timestamp",
        "max_age_and_expires", "path", "domain", "domain_leading_dot", "secure", "httponly",
        "samesite_lax", "samesite_strict_lowercase", "samesite_none", "samesite_invalid",
        "partitioned", "all_attributes", "value_needs_quoting", "value_unicode",
        "value_equals_sign", "two_cookies", "same_name_twice", "delete",
        "delete_path_domain", "delete_secure_samesite", "too_large",
    ]],
    {"id": "jar_sends_cookie_back", "steps": [
        {"path": "/set-then-read"}, {"path": "/read"}]},
    {"id": "jar_quoted_value_round_trip", "steps": [
        {"path": "/set/value_needs_quoting"}, {"path": "/read"}]},
    {"id": "jar_deleted_cookie_not_sent", "steps": [
        {"path": "/set/basic"}, {"path": "/set/delete"}, {"path": "/read"}]},
    {"id": "jar_max_age_zero_not_sent", "steps": [
        {"path": "/set/max_age_zero"}, {"path": "/read"}]},
    {"id": "jar_path_scoped_cookie", "steps": [
        {"path": "/set/path"}, {"path": "/read"}, {"path": "/sub/read"}]},
    {"id": "jar_other_domain_not_sent", "steps": [
        {"path": "/set/domain"}, {"path": "/read"}]},
    {"id": "jar_secure_cookie_over_http", "steps": [
        {"path": "/set/secure"}, {"path": "/read"}]},
    {"id": "client_set_cookie_sent", "path": "/read", "client_cookies": {"c": "from client"}},
]

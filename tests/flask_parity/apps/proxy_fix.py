"""An app behind reverse proxies: ``app.wsgi_app = ProxyFix(app.wsgi_app, ...)``.

Two apps in one module: ``app`` trusts one hop of every X-Forwarded-* header (the
common nginx setup), ``two_hops`` is mounted with DispatcherMiddleware under
``/two`` and trusts two hops of X-Forwarded-For only.
"""

from __future__ import annotations

from flask import Flask, jsonify, redirect, request, url_for
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
app.testing = True

two_hops = Flask("two_hops")
two_hops.testing = True


def report():
    return jsonify(
        remote_addr=request.remote_addr,
        scheme=request.scheme,
        is_secure=request.is_secure,
        host=request.host,
        url=request.url,
        url_root=request.url_root,
        host_url=request.host_url,
        script_root=request.script_root,
        path=request.path,
        access_route=request.access_route,
        external=url_for(request.endpoint, _external=True),
    )


@app.route("/where")
def where():
    return report()


@app.route("/login")
def login():
    return redirect(url_for("where"))


@app.route("/absolute")
def absolute():
    return redirect(url_for("where", _external=True))


@app.route("/slash/")
def slash():
    return "slash"


@app.route("/cookie")
def cookie():
    response = jsonify(ok=True)
    response.set_cookie("pref", "1", secure=request.is_secure, path=request.script_root or "/")
    return response


@two_hops.route("/where")
def two_where():
    return report()


app.wsgi_app = DispatcherMiddleware(
    ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1),
    {"/two": ProxyFix(two_hops.wsgi_app, x_for=2)},
)


CASES = [
    {"id": "no_proxy_headers", "path": "/where"},
    {"id": "forwarded_for", "path": "/where",
     "kwargs": {"headers": {"X-Forwarded-For": "203.0.113.7"}}},
    {"id": "forwarded_for_spoofed_chain", "path": "/where",
     "kwargs": {"headers": {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}}},
    {"id": "forwarded_proto_https", "path": "/where",
     "kwargs": {"headers": {"X-Forwarded-Proto": "https"}}},
    {"id": "forwarded_host_and_port", "path": "/where?x=1",
     "kwargs": {"headers": {"X-Forwarded-Host": "shop.example.com",
                            "X-Forwarded-Port": "8443", "X-Forwarded-Proto": "https"}}},
    {"id": "forwarded_prefix", "path": "/where",
     "kwargs": {"headers": {"X-Forwarded-Prefix": "/store"}}},
    {"id": "all_headers", "path": "/where",
     "kwargs": {"headers": {"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https",
                            "X-Forwarded-Host": "www.example.org", "X-Forwarded-Port": "443",
                            "X-Forwarded-Prefix": "/shop"}}},
    {"id": "redirect_relative_behind_prefix", "path": "/login",
     "kwargs": {"headers": {"X-Forwarded-Prefix": "/shop"}}},
    {"id": "redirect_external_behind_proxy", "path": "/absolute",
     "kwargs": {"headers": {"X-Forwarded-Proto": "https",
                            "X-Forwarded-Host": "www.example.org",
                            "X-Forwarded-Prefix": "/shop"}}},
    {"id": "strict_slash_redirect_behind_proxy", "path": "/slash",
     "kwargs": {"headers": {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.org"}}},
    {"id": "secure_cookie_behind_https_proxy", "path": "/cookie",
     "kwargs": {"headers": {"X-Forwarded-Proto": "https", "X-Forwarded-Prefix": "/shop"}}},
    {"id": "dispatched_two_hops", "path": "/two/where",
     "kwargs": {"headers": {"X-Forwarded-For": "1.1.1.1, 203.0.113.7, 10.0.0.2"}}},
    {"id": "dispatched_too_few_hops", "path": "/two/where",
     "kwargs": {"headers": {"X-Forwarded-For": "203.0.113.7"}}},
    {"id": "dispatched_not_found", "path": "/two/missing"},
]

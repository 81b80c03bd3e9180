"""Flask-CORS, unmodified: ``CORS(app, resources=...)`` and the ``cross_origin`` decorator.

Flask-CORS hooks ``app.after_request`` (it mutates the response headers), wraps
``app.handle_exception``/``handle_user_exception`` so error responses get CORS headers
too, answers preflight ``OPTIONS`` through Flask's automatic OPTIONS responses, and
reads ``request.headers``/``request.method``. The cases compare every ``Access-Control-*``
header and ``Vary``.
"""

from __future__ import annotations

from flask import Flask, abort, jsonify
from flask_cors import CORS, cross_origin

app = Flask(__name__)
app.testing = True

CORS(
    app,
    resources={
        r"/api/*": {"origins": ["https://good.example", r"https://.*\.trusted\.example"]},
        r"/public/*": {"origins": "*"},
        r"/creds/*": {
            "origins": ["https://good.example"],
            "supports_credentials": True,
            "expose_headers": ["X-Total"],
            "max_age": 600,
            "allow_headers": ["Content-Type", "X-Token"],
            "methods": ["GET", "POST"],
        },
    },
)


@app.route("/api/items", methods=["GET", "POST"])
def api_items():
    return jsonify(items=[1, 2, 3])


@app.route("/api/missing")
def api_missing():
    abort(404)


@app.route("/public/info")
def public_info():
    return "public"


@app.route("/creds/me", methods=["GET", "POST", "DELETE"])
def creds_me():
    response = jsonify(user="me")
    response.headers["X-Total"] = "1"
    return response


@app.route("/api/async")
async def api_async():
    return jsonify(source="async")


@app.route("/api/boom")
def api_boom():
    raise RuntimeError("boom")


@app.route("/plain")
def plain():
    return "no cors here"


@app.route("/decorated")
@cross_origin(origins=["https://deco.example"], methods=["GET", "PUT"], max_age=30)
def decorated():
    return "decorated"


@app.route("/decorated-any", methods=["GET", "PUT"])
@cross_origin()
def decorated_any():
    return "any origin"


#: Every case also records the CORS response headers (besides the default set).
CASES = [
    {
        **case,
        "headers": [
            "Access-Control-Allow-Credentials",
            "Access-Control-Allow-Headers",
            "Access-Control-Allow-Methods",
            "Access-Control-Expose-Headers",
            "Access-Control-Max-Age",
            "Access-Control-Allow-Private-Network",
        ],
    }
    for case in [
        {
            "id": "simple_allowed_origin",
            "path": "/api/items",
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "simple_regex_origin",
            "path": "/api/items",
            "kwargs": {"headers": {"Origin": "https://app.trusted.example"}},
        },
        {
            "id": "simple_disallowed_origin",
            "path": "/api/items",
            "kwargs": {"headers": {"Origin": "https://evil.example"}},
        },
        {"id": "simple_no_origin", "path": "/api/items"},
        {
            "id": "post_allowed_origin",
            "method": "POST",
            "path": "/api/items",
            "kwargs": {"headers": {"Origin": "https://good.example"}, "json": {"a": 1}},
        },
        {
            "id": "error_response_gets_headers",
            "path": "/api/missing",
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "unknown_route_under_resource",
            "path": "/api/nothing-here",
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "preflight_allowed",
            "method": "OPTIONS",
            "path": "/api/items",
            "kwargs": {
                "headers": {
                    "Origin": "https://good.example",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "Content-Type",
                }
            },
        },
        {
            "id": "preflight_disallowed_origin",
            "method": "OPTIONS",
            "path": "/api/items",
            "kwargs": {
                "headers": {
                    "Origin": "https://evil.example",
                    "Access-Control-Request-Method": "POST",
                }
            },
        },
        {
            "id": "public_wildcard",
            "path": "/public/info",
            "kwargs": {"headers": {"Origin": "https://anyone.example"}},
        },
        {
            "id": "public_preflight",
            "method": "OPTIONS",
            "path": "/public/info",
            "kwargs": {
                "headers": {
                    "Origin": "https://anyone.example",
                    "Access-Control-Request-Method": "GET",
                }
            },
        },
        {
            "id": "credentials_simple",
            "path": "/creds/me",
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "credentials_preflight",
            "method": "OPTIONS",
            "path": "/creds/me",
            "kwargs": {
                "headers": {
                    "Origin": "https://good.example",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "X-Token, Content-Type",
                }
            },
        },
        {
            "id": "credentials_preflight_bad_header",
            "method": "OPTIONS",
            "path": "/creds/me",
            "kwargs": {
                "headers": {
                    "Origin": "https://good.example",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "X-Not-Allowed",
                }
            },
        },
        {
            "id": "credentials_preflight_bad_method",
            "method": "OPTIONS",
            "path": "/creds/me",
            "kwargs": {
                "headers": {
                    "Origin": "https://good.example",
                    "Access-Control-Request-Method": "DELETE",
                }
            },
        },
        {
            "id": "async_view",
            "path": "/api/async",
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "unhandled_error_500_gets_headers",
            "path": "/api/boom",
            "config": {"TESTING": False, "PROPAGATE_EXCEPTIONS": False},
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "method_not_allowed_gets_headers",
            "method": "DELETE",
            "path": "/api/items",
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "outside_resources",
            "path": "/plain",
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "decorated_allowed",
            "path": "/decorated",
            "kwargs": {"headers": {"Origin": "https://deco.example"}},
        },
        {
            "id": "decorated_disallowed",
            "path": "/decorated",
            "kwargs": {"headers": {"Origin": "https://good.example"}},
        },
        {
            "id": "decorated_preflight",
            "method": "OPTIONS",
            "path": "/decorated",
            "kwargs": {
                "headers": {
                    "Origin": "https://deco.example",
                    "Access-Control-Request-Method": "PUT",
                }
            },
        },
        {
            "id": "decorated_any_put",
            "method": "PUT",
            "path": "/decorated-any",
            "kwargs": {"headers": {"Origin": "https://evil.example"}},
        },
        {
            "id": "decorated_any_preflight",
            "method": "OPTIONS",
            "path": "/decorated-any",
            "kwargs": {
                "headers": {
                    "Origin": "https://evil.example",
                    "Access-Control-Request-Method": "PUT",
                }
            },
        },
    ]
]

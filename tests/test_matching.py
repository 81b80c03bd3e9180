"""Request routing of the app across hosts: the same answers as Flask 3.1.

Twin apps (real Flask and native Veloce) get the same rules and settings
(``subdomain_matching``, ``host_matching``, ``SERVER_NAME``, ``TRUSTED_HOSTS``) and
the same requests through their test clients; the status, ``Location``, the matched
endpoint and arguments, and the warnings raised must agree.
"""

from __future__ import annotations

import typing as t
import warnings

import flask
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import veloce
from veloce import Veloce
from veloce.core.exceptions import SecurityError

SUBDOMAIN_RULES: list[tuple[str, str, dict[str, t.Any]]] = [
    ("/", "root", {}),
    ("/", "api_root", {"subdomain": "api"}),
    ("/", "user_root", {"subdomain": "<user>"}),
    ("/dash", "tenant", {"subdomain": "<tenant>"}),
    ("/deep/<int:n>", "deep", {"subdomain": "a.b"}),
    ("/dir/", "dir", {}),
    ("/dir/", "api_dir", {"subdomain": "api"}),
    ("/post", "api_post", {"subdomain": "api", "methods": ["POST"]}),
    ("/old/<int:n>", "old", {"redirect_to": "/deep/<n>"}),
    ("/page/", "page", {"defaults": {"n": 1}}),
    ("/page/<int:n>", "page", {}),
]
HOST_RULES: list[tuple[str, str, dict[str, t.Any]]] = [
    ("/", "a_root", {"host": "a.test"}),
    ("/x", "a_x", {"host": "a.test"}),
    ("/x", "a_x_port", {"host": "a.test:8080"}),
    ("/", "tenant", {"host": "<tenant>.b.test"}),
    ("/dir/", "b_dir", {"host": "b.test"}),
    ("/nohost", "nohost", {}),
]


def _view(**values: t.Any) -> t.Any:
    for lib in (flask, veloce):
        if lib.has_request_context():
            request = lib.request
            response = lib.make_response(repr(sorted(values.items())))
            response.headers["X-Endpoint"] = str(request.endpoint)
            response.headers["X-Url"] = lib.url_for(request.endpoint, **values,
                                                    _external=True)
            return response
    raise AssertionError("no request context")


def _twins(rules: list[tuple[str, str, dict[str, t.Any]]], **kwargs: t.Any) -> tuple[t.Any, ...]:
    apps = []
    for cls in (Veloce, flask.Flask):
        app = cls(__name__, static_folder=None, **kwargs)
        app.testing = True
        for rule, endpoint, options in rules:
            app.add_url_rule(rule, endpoint, _view, **options)
        apps.append(app)
    return tuple(apps)


def _answer(app: t.Any, url: str, method: str = "GET") -> dict[str, t.Any]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = app.test_client().open(url, method=method)
    headers = response.headers
    return {
        "status": response.status_code,
        "location": headers.get("Location"),
        "endpoint": headers.get("X-Endpoint"),
        "url": headers.get("X-Url"),
        "body": response.get_data(as_text=True) if headers.get("X-Endpoint") else None,
        "allow": sorted(headers.get("Allow", "").split(", ")) if "Allow" in headers else None,
        "warnings": [str(w.message) for w in caught],
    }


def _compare(apps: tuple[t.Any, ...], url: str, method: str = "GET") -> dict[str, t.Any]:
    ours, theirs = (_answer(app, url, method) for app in apps)
    assert ours == theirs, url
    return ours


HOSTS = ["example.test", "api.example.test", "bob.example.test", "a.b.example.test",
         "API.EXAMPLE.TEST", "other.test", "example.test:8080", "localhost", "x.localhost"]
PATHS = ["/", "/dash", "/deep/3", "/dir", "/dir/", "/post", "/old/4", "/page/1", "/nope"]
CONFIGS = [
    {},
    {"SERVER_NAME": "example.test"},
    {"SERVER_NAME": "example.test:8080"},
    {"SERVER_NAME": "example.test", "TRUSTED_HOSTS": [".example.test"]},
    {"TRUSTED_HOSTS": ["example.test", "localhost"]},
]


@pytest.mark.parametrize("subdomain_matching", [True, False])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in
                                                                   c.items()) or "default")
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_subdomain_routing_matches_flask(subdomain_matching, config, scheme):
    apps = _twins(SUBDOMAIN_RULES, subdomain_matching=subdomain_matching)
    for app in apps:
        app.config.update(config)
    seen = set()
    for host in HOSTS:
        if "TRUSTED_HOSTS" in config and host != host.lower():
            # Flask's test client lower-cases the host of a URL, Veloce's sends it as
            # given; a real upper-case Host header fails TRUSTED_HOSTS in both.
            continue
        for path in PATHS:
            seen.add(_compare(apps, f"{scheme}://{host}{path}")["status"])
        _compare(apps, f"{scheme}://{host}/post", "OPTIONS" if not subdomain_matching else "PUT")
    assert 200 in seen


@pytest.mark.parametrize("url", [
    "http://a.test/", "http://A.TEST/x", "http://a.test:8080/x", "http://acme.b.test/",
    "http://b.test/dir", "http://c.test/", "http://a.test/nohost", "https://a.test:443/x",
    "http://localhost/nohost", "http://b.test/dir/",
])
@pytest.mark.parametrize("server_name", [None, "a.test"])
def test_host_routing_matches_flask(url, server_name):
    apps = _twins(HOST_RULES, host_matching=True)
    for app in apps:
        app.config["SERVER_NAME"] = server_name
    _compare(apps, url)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    host=st.sampled_from(HOSTS + ["EXAMPLE.test:80", "a.b.c.example.test", "[::1]:8080"]),
    path=st.sampled_from(PATHS + ["/dir//", "/page//2", "/deep/x"]),
    subdomain_matching=st.booleans(),
    server_name=st.sampled_from([None, "example.test", "Example.Test:80", "localhost"]),
    root=st.sampled_from(["", "/app"]),
    query=st.sampled_from(["", "?a=1&b=%C3%BC"]),
)
def test_random_requests_match_flask(host, path, subdomain_matching, server_name, root, query):
    apps = _twins(SUBDOMAIN_RULES, subdomain_matching=subdomain_matching)
    for app in apps:
        app.config["SERVER_NAME"] = server_name
    answers = []
    for app in apps:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            response = app.test_client().get(path + query, base_url=f"http://{host}{root}/")
        answers.append((response.status_code, response.headers.get("Location"),
                        response.headers.get("X-Endpoint"), response.headers.get("X-Url"),
                        [str(w.message) for w in caught]))
    assert answers[0] == answers[1]


def test_host_outside_server_name_warns_and_is_404():
    app = Veloce(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "root", _view)
    with pytest.warns(UserWarning, match="Current server name 'other.test' doesn't match"):
        response = app.test_client().get("/", base_url="http://other.test/")
    assert response.status_code == 404


def test_untrusted_host_is_400_before_routing():
    app = Veloce(__name__)
    app.config["TRUSTED_HOSTS"] = ["good.test"]
    app.add_url_rule("/", "root", _view)
    client = app.test_client()
    assert client.get("/", base_url="http://good.test/").status_code == 200
    response = client.get("/missing", base_url="http://evil.test/")
    assert response.status_code == 400
    assert issubclass(SecurityError, veloce.HTTPException)


def test_plain_app_redirect_is_absolute_under_the_request_host():
    app = Veloce(__name__)
    app.add_url_rule("/dir/", "dir", _view)
    response = app.test_client().get("/dir?q=1", base_url="https://h.test:8443/root/")
    assert (response.status_code, response.headers["Location"]) == (
        308, "https://h.test:8443/root/dir/?q=1")


def test_request_context_routes_with_the_subdomain():
    apps = _twins(SUBDOMAIN_RULES, subdomain_matching=True)
    results = []
    for app, lib in zip(apps, (veloce, flask), strict=True):
        app.config["SERVER_NAME"] = "example.test"
        with app.test_request_context("/dash", subdomain="acme"):
            results.append((lib.request.endpoint, lib.request.view_args,
                            lib.url_for("api_root"), lib.url_for("root", _external=False)))
    # Another subdomain's rule builds absolute even with _external=False.
    assert results[0] == results[1] == ("tenant", {"tenant": "acme"},
                                        "http://api.example.test/", "http://example.test/")

"""ProxyFix: Veloce's (native and Werkzeug-shaped) against Werkzeug's on the same headers.

Each case runs one view under real Flask wrapped in Werkzeug's ``ProxyFix`` and under
Veloce wrapped in ours, and compares what the request reports.
"""

from __future__ import annotations

import typing as t

import flask
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.middleware.proxy_fix import ProxyFix as WerkzeugProxyFix

import veloce
from veloce.compat.werkzeug.middleware.proxy_fix import ProxyFix as CompatProxyFix
from veloce.middleware.proxy_fix import ProxyFix

FIELDS = ("x_for", "x_proto", "x_host", "x_port", "x_prefix")


def _report(request: t.Any, url_for: t.Callable[..., str]) -> dict[str, t.Any]:
    return {
        "remote_addr": request.remote_addr,
        "scheme": request.scheme,
        "is_secure": request.is_secure,
        "host": request.host,
        "url": str(request.url),
        "base_url": str(request.base_url),
        "url_root": str(request.url_root),
        "host_url": str(request.host_url),
        "script_root": request.script_root,
        "path": request.path,
        "external": url_for("report", _external=True),
        "relative": url_for("report"),
    }


def flask_side(options: dict[str, int], headers: dict[str, str], remote: str) -> t.Any:
    app = flask.Flask(__name__)
    app.add_url_rule("/r/report", "report", lambda: _report(flask.request, flask.url_for))
    app.wsgi_app = WerkzeugProxyFix(app.wsgi_app, **options)  # type: ignore[method-assign]
    response = app.test_client().get(
        "/r/report?q=1", headers=headers, environ_base={"REMOTE_ADDR": remote}
    )
    return response.status_code, response.get_json()


def veloce_side(
    options: dict[str, int],
    headers: dict[str, str],
    remote: str,
    install: str = "wsgi_app",
) -> t.Any:
    app = veloce.Veloce(__name__)
    app.add_url_rule("/r/report", "report", lambda: _report(veloce.request, veloce.url_for))
    if install == "wsgi_app":
        app.wsgi_app = CompatProxyFix(app.wsgi_app, **options)  # type: ignore[method-assign]
    elif install == "class":
        app.add_middleware(ProxyFix, trust_forwarded=False, **options)
    else:
        app.add_middleware(ProxyFix(trust_forwarded=False, **options))
    response = app.test_client().get(
        "/r/report?q=1", headers=headers, environ_base={"REMOTE_ADDR": remote}
    )
    return response.status_code, response.get_json()


ALL = {"x_for": 1, "x_proto": 1, "x_host": 1, "x_port": 1, "x_prefix": 1}
CASES: list[tuple[str, dict[str, int], dict[str, str]]] = [
    ("defaults_no_headers", {}, {}),
    ("for_one_hop", {}, {"X-Forwarded-For": "203.0.113.7"}),
    ("for_spoofed_left_values_ignored", {}, {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}),
    ("for_two_hops", {"x_for": 2}, {"X-Forwarded-For": "1.1.1.1, 203.0.113.7, 10.0.0.2"}),
    ("for_fewer_values_than_trusted", {"x_for": 3}, {"X-Forwarded-For": "1.1.1.1, 2.2.2.2"}),
    ("for_disabled", {"x_for": 0}, {"X-Forwarded-For": "203.0.113.7"}),
    ("proto_https", {}, {"X-Forwarded-Proto": "https"}),
    ("proto_list", {"x_proto": 2}, {"X-Forwarded-Proto": "https, http"}),
    ("host_ignored_by_default", {}, {"X-Forwarded-Host": "example.com"}),
    ("host", {"x_host": 1}, {"X-Forwarded-Host": "example.com"}),
    ("host_with_port", {"x_host": 1}, {"X-Forwarded-Host": "example.com:8443"}),
    ("host_ipv6", {"x_host": 1}, {"X-Forwarded-Host": "[2001:db8::1]:8080"}),
    ("port", {"x_port": 1}, {"X-Forwarded-Port": "8080"}),
    ("port_replaces_host_port", {"x_port": 1, "x_host": 1},
     {"X-Forwarded-Host": "example.com:1", "X-Forwarded-Port": "8443"}),
    ("prefix", {"x_prefix": 1}, {"X-Forwarded-Prefix": "/app"}),
    ("prefix_trailing_slash", {"x_prefix": 1}, {"X-Forwarded-Prefix": "/a/b/"}),
    ("all_headers", ALL, {
        "X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "www.example.org", "X-Forwarded-Port": "443",
        "X-Forwarded-Prefix": "/shop",
    }),
    ("all_https_port_kept", ALL, {
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": "www.example.org",
        "X-Forwarded-Port": "8443",
    }),
]


@pytest.mark.parametrize(("options", "headers"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("install", ["wsgi_app", "class", "instance"])
def test_matches_werkzeug_proxy_fix(
    options: dict[str, int], headers: dict[str, str], install: str
) -> None:
    expected = flask_side(options, headers, "10.0.0.1")
    assert veloce_side(options, headers, "10.0.0.1", install) == expected


_ips = st.sampled_from(["203.0.113.7", "198.51.100.2", "10.0.0.9", "2001:db8::5", "unknown"])
_hosts = st.sampled_from(["example.com", "example.com:8443", "a.test:80", "[::1]:9000"])


def _header(values: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.lists(values, min_size=1, max_size=3).map(", ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    options=st.fixed_dictionaries({name: st.integers(0, 3) for name in FIELDS}),
    values=st.fixed_dictionaries({
        "X-Forwarded-For": _header(_ips),
        "X-Forwarded-Proto": _header(st.sampled_from(["http", "https"])),
        "X-Forwarded-Host": _header(_hosts),
        "X-Forwarded-Port": _header(st.sampled_from(["80", "443", "8080"])),
        "X-Forwarded-Prefix": _header(st.sampled_from(["/p", "/a/b", "/x/"])),
    }),
)
def test_matches_werkzeug_on_random_header_chains(
    options: dict[str, int], values: dict[str, str | None]
) -> None:
    headers = {name: value for name, value in values.items() if value is not None}
    assert veloce_side(options, headers, "10.0.0.1") == flask_side(options, headers, "10.0.0.1")


FORWARDED = [
    ("for_proto_host", {"x_host": 1},
     'for=203.0.113.7;proto=https;host=example.com',
     {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
      "X-Forwarded-Host": "example.com"}),
    ("two_hops_trusted_one", {},
     'for=6.6.6.6;proto=http, for="198.51.100.2:4711";proto=https',
     {"X-Forwarded-For": "6.6.6.6, 198.51.100.2", "X-Forwarded-Proto": "http, https"}),
    ("ipv6_node", {}, 'for="[2001:db8:cafe::17]:4711"',
     {"X-Forwarded-For": "2001:db8:cafe::17"}),
]


@pytest.mark.parametrize(
    ("options", "forwarded", "equivalent"), [c[1:] for c in FORWARDED],
    ids=[c[0] for c in FORWARDED],
)
def test_rfc7239_forwarded_equals_x_forwarded(
    options: dict[str, int], forwarded: str, equivalent: dict[str, str]
) -> None:
    app = veloce.Veloce(__name__)
    app.add_url_rule("/r/report", "report", lambda: _report(veloce.request, veloce.url_for))
    app.add_middleware(ProxyFix, **options)  # trust_forwarded=True by default
    ours = app.test_client().get("/r/report?q=1", headers={
        "Forwarded": forwarded,
        # Ignored while Forwarded is present: it carries the same three values.
        "X-Forwarded-For": "6.6.6.6",
    })
    assert ours.get_json() == flask_side(options, equivalent, "127.0.0.1")[1]


def test_compat_ignores_rfc7239_forwarded_like_werkzeug() -> None:
    headers = {"Forwarded": "for=203.0.113.7;proto=https"}
    assert veloce_side({}, headers, "10.0.0.1") == flask_side({}, headers, "10.0.0.1")


def test_negative_values_raise() -> None:
    for name in FIELDS:
        with pytest.raises(ValueError, match=name):
            ProxyFix(None, **{name: -1})


def test_original_values_kept_in_scope() -> None:
    app = veloce.Veloce(__name__)

    @app.route("/")
    def index() -> t.Any:
        orig = veloce.request.environ["veloce.proxy_fix.orig"]
        return {"client": orig["client"][0], "scheme": orig["scheme"], "host": orig["host"]}

    app.wsgi_app = CompatProxyFix(app.wsgi_app, x_host=1)  # type: ignore[method-assign]
    data = app.test_client().get("/", headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "example.com",
    }).get_json()
    assert data == {"client": "127.0.0.1", "scheme": "http", "host": "localhost"}


def test_proxy_fix_applies_to_mounted_flask_app() -> None:
    legacy = flask.Flask("legacy")
    legacy.add_url_rule("/", "who", lambda: _report(flask.request, flask.url_for))
    legacy.view_functions["report"] = legacy.view_functions["who"]
    legacy.add_url_rule("/", "report")
    app = veloce.Veloce(__name__)
    app.mount("/legacy", legacy)
    app.add_middleware(ProxyFix, x_host=1)
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "example.com"}
    ours = app.test_client().get("/legacy/", headers=headers).get_json()
    reference = flask.Flask("ref")
    reference.add_url_rule("/legacy/", "report",
                           lambda: _report(flask.request, flask.url_for))
    reference.wsgi_app = WerkzeugProxyFix(reference.wsgi_app, x_host=1)  # type: ignore[method-assign]
    expected = reference.test_client().get("/legacy/", headers=headers).get_json()
    # Same client, scheme and host; the mounted app sees /legacy as its script root.
    for key in ("remote_addr", "scheme", "host", "url", "external"):
        assert ours[key] == expected[key], key
    assert ours["script_root"] == "/legacy"


def test_websocket_scheme_follows_forwarded_proto() -> None:
    import asyncio

    seen: list[dict[str, t.Any]] = []

    async def inner(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        seen.append(scope)

    middleware = ProxyFix(inner)
    scope = {"type": "websocket", "scheme": "ws", "headers": [(b"x-forwarded-proto", b"https")],
             "path": "/", "client": ("10.0.0.1", 1)}
    asyncio.run(middleware(scope, None, None))
    assert seen[0]["scheme"] == "wss"

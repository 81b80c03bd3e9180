"""Request parity: Veloce's Request over an ASGI scope vs Werkzeug/Flask over the same WSGI environ.

Each case builds a WSGI environ with ``werkzeug.test.EnvironBuilder`` (header values
given the way a WSGI server presents them: latin-1 strings of the wire bytes), turns it
into the ASGI scope a server would send for the same request, and compares attribute
values. Nothing is hard-coded except for Veloce-only (spec) attributes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import types
import typing as t
from urllib.parse import quote

import pytest

from veloce.core.datastructures import Address, FileStorage, RequestHeaders, State
from veloce.core.exceptions import (
    BadRequest,
    BadRequestKeyError,
    RequestEntityTooLarge,
    SecurityError,
    UnsupportedMediaType,
)
from veloce.core.request import Request


def wire(value: str) -> str:
    """A header value as a WSGI server presents it: UTF-8 bytes decoded as latin-1."""
    return value.encode().decode("latin-1")


def environ_to_scope(
    environ: dict[str, t.Any], *, path_includes_root: bool = True
) -> tuple[dict[str, t.Any], bytes]:
    """The ASGI scope + body a server would produce for this WSGI request."""
    stream = environ["wsgi.input"]
    body = stream.read()
    stream.seek(0)
    root = environ.get("SCRIPT_NAME", "").encode("latin-1").decode("utf-8", "replace")
    path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
    headers: list[tuple[bytes, bytes]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            headers.append(
                (key[5:].lower().replace("_", "-").encode("latin-1"), value.encode("latin-1"))
            )
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.append(
                (key.lower().replace("_", "-").encode("latin-1"), value.encode("latin-1"))
            )
    port = environ.get("SERVER_PORT")
    scope: dict[str, t.Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": environ["REQUEST_METHOD"],
        "scheme": environ["wsgi.url_scheme"],
        "server": (environ["SERVER_NAME"], int(port) if port else None),
        "root_path": root,
        "path": (root + path) if path_includes_root else path,
        "raw_path": quote(root + path).encode("ascii"),
        "query_string": environ.get("QUERY_STRING", "").encode("latin-1"),
        "headers": headers,
    }
    if "REMOTE_ADDR" in environ:
        scope["client"] = (environ["REMOTE_ADDR"], int(environ.get("REMOTE_PORT", 0)))
    return scope, body


_opened: list[t.Any] = []


@pytest.fixture(autouse=True)
def _close_requests() -> t.Iterator[None]:
    """Werkzeug spools uploads to temporary files; close them so no ResourceWarning leaks."""
    yield
    while _opened:
        _opened.pop().close()


def make_pair(
    path: str = "/", *, path_includes_root: bool = True, app: t.Any = None, **kwargs: t.Any
) -> tuple[t.Any, Request]:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request as WzRequest

    kwargs.setdefault("environ_base", {"REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "5000"})
    builder = EnvironBuilder(path=path, **kwargs)
    environ = builder.get_environ()
    scope, body = environ_to_scope(environ, path_includes_root=path_includes_root)
    wz, ours = WzRequest(environ), Request(scope, body, app)
    _opened.extend((wz, ours))
    return wz, ours


def multi(d: t.Any) -> list[tuple[t.Any, t.Any]]:
    return list(d.items(multi=True))


URL_ATTRS = (
    "method scheme is_secure path full_path query_string url base_url url_root root_url"
    " host_url host root_path script_root remote_addr content_type mimetype mimetype_params"
    " content_length is_json access_route"
).split()


def assert_same(wz: t.Any, ours: Request, attrs: t.Iterable[str]) -> None:
    for name in attrs:
        assert getattr(ours, name) == getattr(wz, name), name


# -- request line, URLs, host ---------------------------------------------------------

# fmt: off
URL_CASES = [
    {"path": "/"}, {"path": "/hello/world"}, {"path": "/caf%C3%A9/%E2%98%83"},
    {"path": "/a%20b/c%2Fd"}, {"path": "/with space/and+plus"}, {"path": "/percent%25sign"},
    {"path": "/%ff%fe/invalid-utf8"}, {"path": "//double//slashes//"},
    {"path": "/q", "query_string": "a=1&a=2&b=&c&d=%C3%A9&e=%ff&f=x+y&g=%2B"},
    {"path": "/q?x=1&&y=2&=z&k=v=w"}, {"path": "/q?snow=%E2%98%83&raw=é"},
    {"path": "/a/b/", "base_url": "http://example.com/app/"},
    {"path": "/", "base_url": "http://example.com/app"},
    {"path": "/x", "base_url": "http://example.com:8080/"},
    {"path": "/x", "base_url": "https://example.com:443/"},
    {"path": "/x", "base_url": "https://example.com:8443/root/"},
    {"path": "/x", "base_url": "http://example.com:80/"},
    {"path": "/x", "base_url": "http://xn--n3h.net/"},
    {"path": "/x", "base_url": "http://Example.COM/"},
    {"path": "/x", "base_url": "http://[::1]:5000/"},
    {"path": "/x", "base_url": "http://127.0.0.1:5000/"}, {"path": "/x", "method": "DELETE"},
]
# fmt: on


@pytest.mark.parametrize("case", URL_CASES, ids=lambda c: repr(c)[:60])
@pytest.mark.parametrize("includes_root", [True, False])
def test_url_attributes_match_werkzeug(case: dict[str, t.Any], includes_root: bool) -> None:
    wz, ours = make_pair(path_includes_root=includes_root, **case)
    assert_same(wz, ours, URL_ATTRS)
    assert multi(ours.args) == multi(wz.args)
    assert type(ours.args).__name__ == "ImmutableMultiDict"
    assert repr(ours) == repr(wz)


# fmt: off
HOSTS = ["example.com", "example.com:80", "example.com:8080", "EXAMPLE.com:443", "bad host",
         "a_b.example", "example.com:0", "example.com:99999", "[::1]", "[::1]:80", "", "user@host"]
# fmt: on


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_host_header_variants_match_werkzeug(host: str, scheme: str) -> None:
    wz, ours = make_pair("/p", base_url=f"{scheme}://localhost/", headers={"Host": host})
    assert_same(wz, ours, ["host", "url", "host_url"])


def test_host_falls_back_to_server_address() -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": "/",
        "headers": [],
        "server": ("10.0.0.1", 8000),
    }
    assert Request(scope).host == "10.0.0.1:8000"
    scope["server"] = ("::1", 80)
    assert Request(scope).host == "[::1]"
    scope["server"] = ("/tmp/sock", None)
    assert Request(scope).host == ""
    del scope["server"]
    assert Request(scope).host == ""


def test_trusted_hosts_enforced() -> None:
    wz, ours = make_pair("/", headers={"Host": "evil.com"})
    wz.trusted_hosts = ["example.com"]
    ours.trusted_hosts = ["example.com"]
    with pytest.raises(SecurityError):
        ours.host  # noqa: B018
    from werkzeug.exceptions import SecurityError as WzSecurityError

    with pytest.raises(WzSecurityError):
        wz.host  # noqa: B018
    ours.trusted_hosts = [".evil.com"]
    assert ours.host == "evil.com"


def test_x_forwarded_headers_not_trusted() -> None:
    headers = {
        "X-Forwarded-For": "1.2.3.4, 10.0.0.1",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "proxy.example",
        "X-Forwarded-Prefix": "/pre",
    }
    wz, ours = make_pair("/x", headers=headers)
    assert_same(wz, ours, URL_ATTRS)
    assert ours.scheme == "http" and ours.remote_addr == "127.0.0.1"
    assert ours.access_route == ["1.2.3.4", "10.0.0.1"]


def test_missing_client_gives_none() -> None:
    ours = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
    assert ours.remote_addr is None and ours.client is None and ours.access_route == []


def test_client_address_and_proxy_fix_state() -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/app/x",
        "root_path": "/app",
        "headers": [],
        "client": ("10.0.0.2", 4321),
    }
    request = Request(scope)
    assert request.client == Address("10.0.0.2", 4321)
    host, port = request.client
    assert (host, port) == ("10.0.0.2", 4321)
    scope["state"] = {"proxy_fix_client": "203.0.113.9", "proxy_fix_prefix": "/outer/"}
    request = Request(scope)
    assert request.remote_addr == "203.0.113.9"
    assert request.client == Address("203.0.113.9", 4321)
    assert request.root_path == request.script_root == "/outer"
    assert request.path == "/x"


# -- headers, cookies ------------------------------------------------------------------

# fmt: off
HEADER_CASES: list[dict[str, str]] = [
    {},
    {"User-Agent": "Mozilla/5.0", "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"},
    {"Accept-Language": "de-DE,de;q=0.9,en;q=0.7,fr-CH",
     "Accept-Encoding": "gzip, br;q=0.5, *;q=0"},
    {"Accept-Charset": "utf-8, iso-8859-1;q=0.5", "Accept": "application/json;q=abc, text/*"},
    {"Referer": "http://ref.example/page", "Origin": "http://origin.example"},
    {"Content-Encoding": "gzip", "Max-Forwards": "5", "Pragma": "no-cache, x"},
    {"Max-Forwards": "x", "Cache-Control": 'no-cache, max-age=30, max-stale, min-fresh=x, ext="q"'},
    {"If-None-Match": '"a", W/"b", c', "If-Match": "*", "If-Range": '"etag"'},
    {"If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT",
     "If-Range": "Wed, 21 Oct 2015 07:28:00 GMT"},
    {"If-Unmodified-Since": "Sunday, 06-Nov-94 08:49:37 GMT", "Date": "Sun Nov  6 08:49:37 1994"},
    {"If-Modified-Since": "not a date", "Date": "garbage"},
    {"Range": "bytes=0-499, 500-999"}, {"Range": "bytes=-500"}, {"Range": "bytes=9500-"},
    {"Range": "bytes=5-1"}, {"Range": "items=1-2,0-1"},
    {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Basic " + "w6k6w6k="},
    {"Authorization": "Basic !!!"}, {"Authorization": "Bearer abc.def.ghi"},
    {"Authorization": 'Digest username="u", realm="r", nonce="n", uri="/", response="x"'},
    {"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "X-A, content-type"},
    {"X-Requested-With": "XMLHttpRequest", "X-Custom": "café", "X_Under": "u"},
]
# fmt: on


def _norm_header_value(name: str, value: t.Any) -> t.Any:
    if value is None or isinstance(value, (str, int, bytes, bool, dt.datetime)):
        return value
    if name.startswith("accept_"):
        return list(value)
    if name == "authorization":
        return (value.type, value.parameters, value.token)
    if name == "range":
        return (value.units, list(value.ranges))
    if name == "if_range":
        return (value.etag, value.date)
    if name in ("if_match", "if_none_match"):
        return (value.star_tag, value.as_set(), value.as_set(include_weak=True))
    if name == "cache_control":
        return dict(value)
    if name == "user_agent":
        return (value.string, bool(value), str(value))
    return str(value)


HEADER_ATTRS = (
    "accept_mimetypes accept_languages accept_encodings accept_charsets authorization referrer"
    " origin content_encoding max_forwards pragma cache_control if_match if_none_match"
    " if_modified_since if_unmodified_since if_range range date user_agent"
    " access_control_request_method access_control_request_headers"
).split()


@pytest.mark.parametrize("headers", HEADER_CASES, ids=lambda h: ",".join(h)[:50] or "none")
def test_header_attributes_match_werkzeug(headers: dict[str, str]) -> None:
    wz, ours = make_pair("/", headers={k: wire(v) for k, v in headers.items()})
    for name in HEADER_ATTRS:
        assert _norm_header_value(name, getattr(ours, name)) == _norm_header_value(
            name, getattr(wz, name)
        ), name
    assert sorted(ours.headers) == sorted(wz.headers)
    assert len(ours.headers) == len(wz.headers)
    for key in [*headers, "missing", "HOST", "content-type"]:
        assert (key in ours.headers) == (key in wz.headers)
        assert ours.headers.get(key) == wz.headers.get(key)
        assert ours.headers.getlist(key) == wz.headers.getlist(key)
    assert ours.is_xhr == (headers.get("X-Requested-With") == "XMLHttpRequest")


def test_headers_view_is_read_only_and_lazy() -> None:
    _, ours = make_pair("/", headers={"X-A": "1"})
    assert ours._headers is not None and not isinstance(ours._headers, RequestHeaders)
    assert ours.content_type is None and ours.origin is None
    assert not isinstance(ours._headers, RequestHeaders)  # single lookups did not build it
    headers = ours.headers
    assert isinstance(headers, RequestHeaders) and ours.headers is headers
    assert headers["x_a"] == headers["X-A"] == "1"
    with pytest.raises(BadRequestKeyError):
        headers["nope"]  # noqa: B018
    for name, args in [("set", ("a", "b")), ("add", ("a", "b")), ("__setitem__", ("a", "b")),
                       ("remove", ("a",)), ("pop", ("a",)), ("clear", ())]:  # fmt: skip
        with pytest.raises(TypeError):
            getattr(headers, name)(*args)
    copy = headers.copy()
    copy["X-A"] = "2"
    assert headers["X-A"] == "1"


def test_repeated_header_fields_join_like_wsgi_servers() -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request as WzRequest

    pairs = [("X-Tag", "a"), ("X-Tag", "b"), ("Cookie", "x=1"), ("Cookie", "y=2"),
             ("Accept", "text/html"), ("Accept", "application/json")]  # fmt: skip
    wz = WzRequest(EnvironBuilder("/", headers=pairs).get_environ())
    raw = [(k.lower().encode(), v.encode()) for k, v in pairs]
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"host", b"localhost"), *raw],
    }
    ours = Request(scope)
    assert ours.headers["X-Tag"] == wz.headers["X-Tag"] == "a, b"
    assert list(ours.accept_mimetypes) == list(wz.accept_mimetypes)
    assert multi(ours.cookies) == [("x", "1"), ("y", "2")]
    assert ours._header(b"x-tag") == "a, b"
    ours.headers  # noqa: B018 - also through the built index
    assert ours._header(b"cookie") == "x=1; y=2"


# fmt: off
COOKIE_CASES = [
    "a=1", "a=1; b=2; a=3", 'a="quoted value"; b="with \\"escapes\\" and \\\\"',
    'octal="\\303\\251t\\303\\251"; plain=caf\u00c3\u00a9',
    "  spaced = value ;;; novalue; =noname; c=d", 'bad"name=1; good=2',
    'session="eyJ.abc\\054def"; theme=dark', "",
]
# fmt: on


@pytest.mark.parametrize("cookie", COOKIE_CASES)
def test_cookies_match_werkzeug(cookie: str) -> None:
    wz, ours = make_pair("/", headers={"Cookie": cookie})
    assert multi(ours.cookies) == multi(wz.cookies)
    assert type(ours.cookies).__name__ == "ImmutableMultiDict"
    with pytest.raises(TypeError):
        ours.cookies["x"] = "y"


# -- bodies ----------------------------------------------------------------------------


def _files(d: t.Any) -> list[tuple[str, t.Any]]:
    out = []
    for key, storage in d.items(multi=True):
        data = storage.read()
        storage.seek(0)
        out.append(
            (
                key,
                storage.filename,
                storage.name,
                storage.content_type,
                storage.mimetype,
                storage.mimetype_params,
                sorted(storage.headers),
                data,
                bool(storage),
            )
        )
    return out


U = "application/x-www-form-urlencoded"
# fmt: off
BODY_CASES: list[dict[str, t.Any]] = [
    {"method": "POST", "data": {"a": "1", "b": ["2", "3"], "c": "", "é": "ü ö+&="}},
    {"method": "POST", "data": "x=1&x=2&blank=&novalue&plus=a+b&pct=%C3%A9&bad=%ff",
     "content_type": U},
    {"method": "POST", "data": "x=1", "content_type": U + "; charset=utf-8"},
    {"method": "PUT", "data": b"raw bytes \x00\xff", "content_type": "application/octet-stream"},
    {"method": "POST", "data": "plain text", "content_type": "text/plain"},
    {"method": "POST", "data": b""},
    {"method": "GET", "query_string": "q=1", "data": {"f": "form-on-get"}},
    {"method": "POST", "data": {"field": "v", "upload": (io.BytesIO(b"file-content"), "a.txt")}},
    {"method": "POST", "data": {
        "many": [(io.BytesIO(b"one"), "1.bin", "application/octet-stream"),
                 (io.BytesIO(b"two\r\n--fake"), "2.txt", "text/plain; charset=utf-8"),
                 (io.BytesIO(b""), "")],
        "text": ["x", "y"], "unicode": "h\u00e9llo \u2603",
        "nöme": (io.BytesIO(b"\x00" * 70000), 'caf\u00e9 "q".png')}},
    {"method": "POST", "data": {"empty": (io.BytesIO(b""), "empty.txt")}},
    {"method": "POST", "data": "{}", "content_type": "multipart/form-data"},
]
# fmt: on


@pytest.mark.parametrize("case", BODY_CASES, ids=[f"body{i}" for i in range(len(BODY_CASES))])
def test_form_files_values_match_werkzeug(case: dict[str, t.Any]) -> None:
    wz, ours = make_pair("/submit", **case)
    assert_same(wz, ours, ["mimetype", "mimetype_params", "content_length", "content_type"])
    assert ours.data == wz.data
    assert multi(ours.form) == multi(wz.form)
    assert _files(ours.files) == _files(wz.files)
    assert multi(ours.values) == multi(wz.values)
    assert ours.values.to_dict(flat=False) == wz.values.to_dict(flat=False)
    assert ours.get_data() == wz.get_data()
    with pytest.raises(TypeError):
        ours.form["x"] = "y"


def test_get_data_before_form_access_keeps_body_like_werkzeug() -> None:
    wz, ours = make_pair("/", method="POST", data={"a": "1"})
    assert ours.get_data() == wz.get_data() == b"a=1"
    assert ours.data == wz.data == b"a=1"
    assert multi(ours.form) == multi(wz.form)


def test_get_data_as_text_and_parse_form_data() -> None:
    wz, ours = make_pair("/", method="POST", data=b"caf\xc3\xa9 \xff", content_type="text/plain")
    assert ours.get_data(as_text=True) == wz.get_data(as_text=True)
    wz, ours = make_pair("/", method="POST", data={"a": "1"})
    assert ours.get_data(parse_form_data=True) == wz.get_data(parse_form_data=True) == b""
    assert multi(ours.form) == [("a", "1")]


def test_stream_and_async_shapes() -> None:
    body = b"x" * (64 * 1024 + 10)
    _, ours = make_pair("/", method="POST", data=body, content_type="application/octet-stream")
    assert ours.stream.read() == body
    assert ours.input_stream is ours.stream

    async def collect() -> list[bytes]:
        return [chunk async for chunk in ours.stream()]

    chunks = asyncio.run(collect())
    assert [len(c) for c in chunks] == [64 * 1024, 10] and b"".join(chunks) == body


def test_await_form_files_values() -> None:
    _, ours = make_pair(
        "/?q=1", method="POST", data={"a": "1", "f": (io.BytesIO(b"data"), "f.txt")}
    )

    async def run() -> tuple[t.Any, t.Any, t.Any]:
        return await ours.form(), await ours.files(), await ours.values()

    form, files, values = asyncio.run(run())
    assert form["a"] == "1" and isinstance(form["f"], FileStorage)
    assert form.get_upload("f") is files["f"] and form.get_upload("a") is None
    assert "f" not in ours.form
    assert multi(values) == [("q", "1"), ("a", "1")]
    assert asyncio.run(_await(ours.files)) is ours.files


async def _await(obj: t.Any) -> t.Any:
    return await obj()


def test_close_closes_uploaded_files() -> None:
    _, ours = make_pair("/", method="POST", data={"f": (io.BytesIO(b"data"), "f.txt")})
    with ours:
        storage = ours.files["f"]
    assert storage.stream.closed


# -- limits ----------------------------------------------------------------------------


def test_max_content_length_from_config_and_override() -> None:
    app = types.SimpleNamespace(config={"MAX_CONTENT_LENGTH": 4}, debug=False)
    _, ours = make_pair("/", method="POST", data=b"12345", content_type="text/plain", app=app)
    assert ours.max_content_length == 4
    with pytest.raises(RequestEntityTooLarge):
        ours.get_data()
    with pytest.raises(RequestEntityTooLarge):
        ours.data  # noqa: B018
    ours.max_content_length = 10
    assert ours.get_data() == b"12345"
    _, ours = make_pair("/", method="POST", data={"a": "12345"}, app=app)
    with pytest.raises(RequestEntityTooLarge):
        ours.form  # noqa: B018


def test_form_limits_follow_flask_defaults_and_config() -> None:
    from flask import Flask

    flask_app = Flask(__name__)
    app = types.SimpleNamespace(config=dict(flask_app.config))
    _, ours = make_pair("/", app=app)
    assert ours.max_content_length is None
    assert ours.max_form_memory_size == 500_000 and ours.max_form_parts == 1000
    _, bare = make_pair("/")
    assert (bare.max_content_length, bare.max_form_memory_size, bare.max_form_parts) == (
        None,
        500_000,
        1000,
    )
    data = {f"f{i}": "v" for i in range(5)}
    wz, ours = make_pair("/", method="POST", data=data, content_type="multipart/form-data")
    ours.max_form_parts = wz.max_form_parts = 3
    from werkzeug.exceptions import RequestEntityTooLarge as WzTooLarge

    with pytest.raises(WzTooLarge):
        wz.form  # noqa: B018
    with pytest.raises(RequestEntityTooLarge):
        ours.form  # noqa: B018
    wz, ours = make_pair(
        "/", method="POST", data={"big": "x" * 100, "f": (io.BytesIO(b"y" * 100), "f")}
    )
    ours.max_form_memory_size = 50
    with pytest.raises(RequestEntityTooLarge):
        ours.form  # noqa: B018


# -- JSON ------------------------------------------------------------------------------

J = "application/json"
# fmt: off
JSON_CASES = [
    (J, b'{"a": [1, 2.5, "\\u00e9", null, true]}'), (J, b"[1, 2, 3]"), (J, b'"just a string"'),
    (J, b"123456789012345678901234567890"), (J, b"NaN"), (J, b'{"a": 1, "a": 2}'),
    (J, b'\xef\xbb\xbf{"bom": 1}'), (J, '{"utf16": 1}'.encode("utf-16")), (J, b'"\\ud800"'),
    (J, b"{invalid"), (J, b""), (J, b"\xff\xfe\xfd"), (J + "; charset=utf-8", b'{"x": 1}'),
    ("application/vnd.api+json", b'{"x": 1}'), ("application/problem+json", b"{bad"),
    ("text/plain", b'{"x": 1}'), ("application/x-json", b'{"x": 1}'), (None, b'{"x": 1}'),
]
# fmt: on


def _outcome(call: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    try:
        value = call()
    except Exception as exc:  # noqa: BLE001 - we compare the failure shape
        return ("error", (getattr(exc, "code", None), getattr(exc, "description", None)))
    if isinstance(value, float) and value != value:
        return ("ok", "nan")
    return ("ok", value)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("silent", [False, True])
@pytest.mark.parametrize(("content_type", "body"), JSON_CASES)
def test_get_json_matches_flask(
    content_type: str | None, body: bytes, force: bool, silent: bool, debug: bool
) -> None:
    from flask import Flask
    from flask.wrappers import Request as FlaskRequest
    from werkzeug.test import EnvironBuilder

    flask_app = Flask(__name__)
    flask_app.debug = debug
    environ = EnvironBuilder("/", method="POST", data=body, content_type=content_type).get_environ()
    scope, raw = environ_to_scope(environ)
    ours = Request(scope, raw, types.SimpleNamespace(debug=debug, config={}))
    with flask_app.app_context():
        theirs = FlaskRequest(environ)
        expected = _outcome(lambda: theirs.get_json(force=force, silent=silent))
        again = _outcome(lambda: theirs.get_json(force=force, silent=silent))
    assert _outcome(lambda: ours.get_json(force=force, silent=silent)) == expected
    assert _outcome(lambda: ours.get_json(force=force, silent=silent)) == again
    assert ours.is_json == theirs.is_json


def test_get_json_cache_is_per_silent_flag() -> None:
    _, ours = make_pair("/", method="POST", data=b"{bad", content_type="application/json")
    assert ours.get_json(silent=True) is None
    with pytest.raises(BadRequest):
        ours.get_json()
    _, ours = make_pair("/", method="POST", data=b'{"a": 1}', content_type="application/json")
    first = ours.get_json()
    assert ours.get_json() is first and ours.get_json(silent=True) is first
    assert ours.get_json(cache=False) is not first


def test_json_errors_are_http_errors() -> None:
    _, ours = make_pair("/", method="POST", data=b"{}", content_type="text/plain")
    with pytest.raises(UnsupportedMediaType) as info:
        ours.get_json()
    assert info.value.code == 415
    _, ours = make_pair("/", method="POST", data=b"[" * 100_000, content_type="application/json")
    with pytest.raises(BadRequest):
        ours.get_json()


def test_on_json_loading_failed_override_supplies_value() -> None:
    class Lenient(Request):
        __slots__ = ()

        def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
            return {"failed": e is None}

    _, base = make_pair("/", method="POST", data=b"nope", content_type="text/plain")
    assert Lenient(base.scope, base._body).get_json() == {"failed": True}


def test_json_uses_app_provider_when_bound() -> None:
    calls = []

    class Provider:
        def loads(self, data: bytes) -> t.Any:
            calls.append(data)
            return {"provider": True}

    app = types.SimpleNamespace(json=Provider(), debug=False, config={})
    _, ours = make_pair("/", method="POST", data=b"{}", content_type="application/json", app=app)
    assert ours.get_json() == {"provider": True} and calls == [b"{}"]


def test_async_json_parses_regardless_of_content_type() -> None:
    _, ours = make_pair("/", method="POST", data=b'{"a": 1}', content_type="text/plain")
    assert asyncio.run(ours.json()) == {"a": 1}


def test_flask_style_subclass_json_property() -> None:
    class FlaskShaped(Request):
        __slots__ = ()
        json = property(lambda self: self.get_json())  # type: ignore[assignment]

    _, base = make_pair("/", method="POST", data=b"[1]", content_type="application/json")
    assert FlaskShaped(base.scope, base._body).json == [1]


# -- routing-derived and spec attributes -----------------------------------------------


@pytest.mark.parametrize("endpoint", [None, "index", "bp.index", "a.b.c.view"])
def test_endpoint_blueprint_attributes_match_flask(endpoint: str | None) -> None:
    from flask.wrappers import Request as FlaskRequest
    from werkzeug.routing import Rule
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder("/").get_environ()
    theirs = FlaskRequest(environ)
    ours = Request(environ_to_scope(environ)[0])
    if endpoint is not None:
        theirs.url_rule = ours.url_rule = Rule("/", endpoint=endpoint)
    assert (ours.endpoint, ours.blueprint, ours.blueprints) == (
        theirs.endpoint,
        theirs.blueprint,
        theirs.blueprints,
    )


def test_view_args_and_path_params_alias() -> None:
    _, ours = make_pair("/")
    assert ours.view_args is None and ours.path_params == {}
    ours.view_args = {"id": 7}
    assert ours.path_params is ours.view_args
    ours.path_params = {"id": 8}
    assert ours.view_args == {"id": 8}
    assert ours.query_params is ours.args
    assert ours.environ is ours.scope
    assert ours.routing_exception is None


def test_state_is_shared_with_scope() -> None:
    _, ours = make_pair("/")
    ours.state.user = "ann"
    assert ours.state["user"] == "ann" and ours.state.get("missing") is None
    assert ours.scope["state"] == {"user": "ann"}
    assert isinstance(ours.state, State)
    with pytest.raises(AttributeError):
        ours.state.nope  # noqa: B018


def test_session_requires_middleware() -> None:
    _, ours = make_pair("/")
    with pytest.raises(RuntimeError):
        ours.session  # noqa: B018
    ours.scope["state"] = {"session": {"k": 1}}
    assert ours.session == {"k": 1}


def test_url_for_delegates_to_app() -> None:
    _, ours = make_pair("/")
    with pytest.raises(RuntimeError):
        ours.url_for("index")
    app = types.SimpleNamespace(url_for=lambda name, **values: f"/{name}/{values['id']}")
    ours.app = app
    assert ours.url_for("item", id=3) == "/item/3"


def test_spec_helpers() -> None:
    _, ours = make_pair(
        "/",
        method="POST",
        data={"a": "1"},
        headers={"Content-Language": "de, en", "X-Requested-With": "xmlhttprequest"},
    )
    assert ours.is_form and ours.charset == "utf-8" and ours.content_language == "de, en"
    assert ours.is_xhr and ours.auth is None
    assert asyncio.run(ours.is_disconnected()) is False
    _, ours = make_pair("/", method="POST", data="x", content_type="text/plain; charset=latin-1")
    assert ours.charset == "latin-1" and not ours.is_form and ours.content_language == ""
    assert ours.url.path == "/" and ours.url.hostname == "localhost" and ours.url.port is None


@pytest.mark.parametrize(
    ("host", "server_name", "expected"),
    [
        ("api.example.com", "example.com", "api"),
        ("example.com", "example.com", ""),
        ("a.b.example.com:8000", "example.com:8000", "a.b"),
        ("other.org", "example.com", ""),
        ("api.example.com", None, "api"),
        ("localhost", None, ""),
    ],
)
def test_subdomain(host: str, server_name: str | None, expected: str) -> None:
    app = types.SimpleNamespace(config={"SERVER_NAME": server_name})
    _, ours = make_pair("/", headers={"Host": host}, app=app)
    assert ours.subdomain == expected


def test_construction_parses_nothing() -> None:
    scope = {"type": "http", "method": "GET", "path": "/", "headers": None, "query_string": None}
    request = Request(scope, b"")  # a broken scope is fine until attributes are read
    assert request.method == "GET" and request.url_rule is None
    assert request._cache is None
    # Every framework attribute lives in a slot; the instance dict only holds what
    # application code sets on the request (Flask allows ``request.user = ...``).
    assert request.__dict__ == {}


ACCESS_ORDERS = [
    ("form", "get_data", "data"),
    ("get_data", "form", "data"),
    ("data", "get_data", "form"),
    ("get_data_nocache", "form", "get_data"),
    ("parse_form_data", "get_data", "form"),
    ("json_force", "form", "data"),
]


@pytest.mark.parametrize("order", ACCESS_ORDERS)
@pytest.mark.parametrize("limit", [None, 10_000])
@pytest.mark.parametrize(
    "case",
    [
        {"data": {"a": "1", "b": "2"}},
        {"data": {"a": "1", "f": (b"x", "f.txt")}},
        {"data": b'{"a": 1}', "content_type": "application/json"},
        {"data": b"a=1", "content_type": "multipart/form-data"},
    ],
    ids=["urlencoded", "multipart", "json", "no-boundary"],
)
def test_body_access_order_matches_werkzeug(
    order: tuple[str, ...], limit: int | None, case: dict[str, t.Any]
) -> None:
    app = types.SimpleNamespace(config={"MAX_CONTENT_LENGTH": limit}, debug=False)
    if isinstance(case["data"], dict):  # fresh file objects for every run
        data = {
            k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v
            for k, v in case["data"].items()
        }
        case = {**case, "data": data}
    wz, ours = make_pair("/", method="POST", app=app, **case)
    wz.max_content_length = limit

    def step(request: t.Any, name: str) -> t.Any:
        if name == "form":
            return multi(request.form)
        if name == "get_data_nocache":
            return request.get_data(cache=False)
        if name == "parse_form_data":
            return request.get_data(parse_form_data=True)
        if name == "json_force":
            return _outcome(lambda: request.get_json(force=True, silent=True))
        return getattr(request, name)() if name == "get_data" else getattr(request, name)

    if order[0] == "get_data_nocache":
        # Werkzeug's uncached read drains its stream (later reads see b""); Veloce keeps
        # the buffered body, so only the first read is comparable.
        assert ours.get_data(cache=False) == wz.get_data(cache=False)
        return
    assert [step(ours, name) for name in order] == [step(wz, name) for name in order]

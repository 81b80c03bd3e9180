"""build_request: the scope and body must carry what Werkzeug's EnvironBuilder builds."""

from __future__ import annotations

import io
import json
import typing as t

import pytest
from asgi_apps import scope_to_environ
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, Headers, MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from veloce.testing import TestRequest, build_request


def werkzeug_environ(**kwargs: t.Any) -> dict[str, t.Any]:
    builder = EnvironBuilder(**kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def view_of_environ(environ: dict[str, t.Any]) -> dict[str, t.Any]:
    """The parts of a request both sides must agree on, from a WSGI environ."""
    headers = {
        key[5:].lower().replace("_", "-"): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    return {
        "method": environ["REQUEST_METHOD"],
        "scheme": environ["wsgi.url_scheme"],
        "root": environ["SCRIPT_NAME"].encode("latin-1").decode(),
        "path": environ["PATH_INFO"].encode("latin-1").decode(),
        "query": environ["QUERY_STRING"].encode("latin-1"),
        "server": (environ["SERVER_NAME"], int(environ["SERVER_PORT"])),
        "content_type": environ.get("CONTENT_TYPE"),
        "content_length": environ.get("CONTENT_LENGTH"),
        "headers": headers,
        "body": environ["wsgi.input"].read(),
    }


def view_of_request(request: TestRequest) -> dict[str, t.Any]:
    """The same parts, from our scope."""
    scope = request.scope
    headers: dict[str, str] = {}
    for key, value in scope["headers"]:
        name, text = key.decode(), value.decode("latin-1")
        headers[name] = f"{headers[name]}, {text}" if name in headers else text
    root = scope["root_path"]
    return {
        "method": scope["method"],
        "scheme": scope["scheme"],
        "root": root,
        "path": scope["path"][len(root) :],
        "query": scope["query_string"],
        "server": scope["server"],
        "content_type": headers.pop("content-type", None),
        "content_length": headers.pop("content-length", None),
        "headers": headers,
        "body": request.body,
    }


def assert_same_request(ours_kwargs: dict[str, t.Any], theirs_kwargs: dict[str, t.Any]) -> None:
    ours = view_of_request(build_request(**ours_kwargs))
    theirs = view_of_environ(werkzeug_environ(**theirs_kwargs))
    assert ours == theirs


SAME_ARGUMENTS: list[dict[str, t.Any]] = [
    {},
    {"path": "/a/b", "method": "DELETE"},
    {"path": "/search?q=1&q=2&x"},
    {"path": "/p", "query_string": "a=1&b=%20c"},
    {"path": "/p", "query_string": "snow=☃&x=a b"},
    {"path": "/p", "query_string": {"a": "1", "b": ["2", "3"], "c": None, "d": 4}},
    {"path": "/p", "query_string": [("a", "x y"), ("a", "ä&="), ("b", "!$'()*,/:;?@")]},
    {"path": "/p", "query_string": {"t": ("1", "2")}},
    {"path": "/unicode/☃ ä"},
    {"path": "/enc%2Fded/%41"},
    {"path": "/semi;colon/@:!$&'()*+,="},
    {"path": "/x", "base_url": "https://example.com:8443/root/"},
    {"path": "/x", "base_url": "http://example.com/"},
    {"method": "POST", "data": "text ☃"},
    {"method": "POST", "data": b"\x00\xffraw"},
    {"method": "POST", "data": b"", "content_type": "text/plain"},
    {"method": "POST", "data": "x", "content_type": "application/octet-stream"},
    {"method": "POST", "data": "x", "mimetype": "text/plain"},
    {"method": "POST", "data": "x", "mimetype": "application/xml"},
    {"method": "POST", "data": "x", "mimetype": "application/zip"},
    {"method": "POST", "data": "<a/>", "mimetype": "image/svg+xml"},
    {"method": "POST", "data": {"a": "1", "b": ["x y", "ü&="], "n": 3, "t": True}},
    {"method": "POST", "data": {}},
    {"method": "POST", "data": {"a": "1"}, "content_type": "application/x-www-form-urlencoded"},
    {"method": "POST", "data": {"a": "1"}, "content_type": "text/plain"},
    {"method": "PUT", "json": {"b": [1, 2.5, None, True], "a": "☃"}},
    {"method": "PUT", "json": ["list"]},
    {"method": "PUT", "json": "string"},
    {"method": "PUT", "json": {"a": 1}, "content_type": "application/vnd.api+json"},
    {"method": "POST", "json": {}, "headers": {"Content-Type": "text/json"}},
    {"headers": {"X-One": "1", "Accept": "text/html"}},
    {"headers": [("X-Multi", "a"), ("X-Multi", "b"), ("x-multi", "c")]},
    {"headers": {"Host": "other.example:81"}},
    {"headers": {"Content-Length": "5"}},
    {"headers": {"Content-Type": "text/plain"}, "data": "abc", "method": "POST"},
    {"headers": {"Content-Length": "99"}, "data": "abc", "method": "POST"},
    {"auth": ("user", "pä:ss")},
]


@pytest.mark.parametrize("kwargs", SAME_ARGUMENTS, ids=lambda kw: json.dumps(kw, default=str))
def test_request_matches_environbuilder(kwargs: dict[str, t.Any]) -> None:
    assert_same_request(dict(kwargs), dict(kwargs))


def test_werkzeug_headers_and_multidict_are_accepted() -> None:
    headers = Headers([("X-A", "1"), ("X-A", "2")])
    data = MultiDict([("k", "1"), ("k", "2"), ("j", "3")])
    args = MultiDict([("q", "a"), ("q", "b")])
    kwargs = {"method": "POST", "headers": headers, "data": data, "query_string": args}
    assert_same_request(kwargs, kwargs)


def test_file_object_as_raw_data_is_read() -> None:
    ours = build_request(method="POST", data=io.BytesIO(b"payload"))
    theirs = view_of_environ(werkzeug_environ(method="POST", data=io.BytesIO(b"payload")))
    assert view_of_request(ours) == theirs


def test_absolute_url_in_path_sets_scheme_and_host() -> None:
    request = build_request("https://api.example.com:8443/v1/x?y=1")
    assert request.scope["scheme"] == "https"
    assert request.scope["server"] == ("api.example.com", 8443)
    assert request.headers["Host"] == "api.example.com:8443"
    assert request.path == "/v1/x"
    assert request.query_string == b"y=1"
    assert request.url == "https://api.example.com:8443/v1/x?y=1"


def test_double_slash_path_stays_a_path() -> None:
    # Werkzeug reads "//a" as a network location; a router test needs the path.
    request = build_request("//a//b")
    assert request.scope["path"] == "//a//b"
    assert request.headers["Host"] == "localhost"


def test_ipv6_host_gives_the_server_tuple() -> None:
    # Werkzeug's server_name splits at the first ":" and reports ("[", 80).
    request = build_request("/x", base_url="http://[::1]:8000")
    assert request.scope["server"] == ("[::1]", 8000)
    assert request.host == "[::1]:8000"


def test_fragment_is_dropped() -> None:
    request = build_request("/p?x=1#frag")
    assert (request.path, request.query_string) == ("/p", b"x=1")


def test_query_in_path_and_argument_is_an_error() -> None:
    with pytest.raises(ValueError, match="Query string is defined in the path"):
        EnvironBuilder("/p?a=1", query_string="b=2")
    with pytest.raises(ValueError, match="Query string is defined in the path"):
        build_request("/p?a=1", query_string="b=2")


def test_json_and_data_is_an_error() -> None:
    with pytest.raises(TypeError, match="can't provide both json and data"):
        build_request(method="POST", json={}, data="x")


def test_bytes_query_string_is_sent_verbatim() -> None:
    assert build_request("/", query_string=b"a=%FF&b").query_string == b"a=%FF&b"


def test_base_url_with_query_is_rejected() -> None:
    with pytest.raises(ValueError, match="base url must not contain"):
        build_request("/", base_url="http://x/?a=1")


def test_scope_has_the_asgi_http_shape() -> None:
    scope = build_request("/p", base_url="https://example.com").scope
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.3"}
    assert scope["http_version"] == "1.1"
    assert scope["server"] == ("example.com", 443)
    assert scope["client"] == ("127.0.0.1", 50000)
    assert scope["raw_path"] == b"/p"
    assert scope["extensions"] == {}
    assert all(k == k.lower() and isinstance(v, bytes) for k, v in scope["headers"])


def test_root_path_is_part_of_path_as_in_the_asgi_spec() -> None:
    scope = build_request("/x y", base_url="http://h/mount point/").scope
    assert scope["root_path"] == "/mount point"
    assert scope["path"] == "/mount point/x y"
    assert scope["raw_path"] == b"/mount%20point/x%20y"


def test_json_uses_the_given_serializer() -> None:
    request = build_request(method="POST", json={"b": 1, "a": 2}, json_dumps=lambda o: "JSON")
    assert request.body == b"JSON"
    assert request.headers["Content-Type"] == "application/json"


def test_auth_object_with_to_header() -> None:
    class Bearer:
        def to_header(self) -> str:
            return "Bearer abc"

    request = build_request(auth=Bearer(), headers={"Authorization": "old"})
    assert request.headers.getlist("Authorization") == ["Bearer abc"]


def test_header_value_with_newline_is_rejected() -> None:
    with pytest.raises(ValueError, match="newline"):
        build_request(headers={"X": "a\r\nInjected: 1"})


def test_non_latin1_header_value_is_sent_as_utf8() -> None:
    scope = build_request(headers={"X-Snow": "☃"}).scope
    assert (b"x-snow", "☃".encode()) in scope["headers"]


# -- environ_base / environ_overrides -----------------------------------------------


def test_environ_base_supplies_defaults() -> None:
    request = build_request(
        headers={"User-Agent": "mine"},
        environ_base={
            "REMOTE_ADDR": "10.0.0.1",
            "REMOTE_PORT": "1234",
            "HTTP_USER_AGENT": "default",
            "HTTP_X_EXTRA": "yes",
            "wsgi.url_scheme": "https",  # the builder sets it: ignored as a default
            "custom.key": 42,
        },
    )
    assert request.scope["client"] == ("10.0.0.1", 1234)
    assert request.headers["User-Agent"] == "mine"
    assert request.headers["X-Extra"] == "yes"
    assert request.scope["scheme"] == "http"
    assert request.scope["custom.key"] == 42


def test_environ_overrides_win() -> None:
    request = build_request(
        "/p",
        headers={"X-A": "given"},
        environ_overrides={
            "HTTP_X_A": "override",
            "HTTP_HOST": "o.example",
            "wsgi.url_scheme": "https",
            "SERVER_NAME": "srv",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.0",
            "REQUEST_METHOD": "patch",
            "SCRIPT_NAME": "/root",
            "QUERY_STRING": "q=1",
            "CONTENT_TYPE": "text/plain",
        },
    )
    scope = request.scope
    assert request.headers.getlist("X-A") == ["override"]
    assert request.host == "o.example"
    assert (scope["scheme"], scope["server"], scope["http_version"]) == (
        "https",
        ("srv", 8000),
        "1.0",
    )
    assert scope["method"] == "PATCH"
    assert (scope["root_path"], scope["path"], request.path) == ("/root", "/root/p", "/p")
    assert scope["query_string"] == b"q=1"
    assert request.content_type == "text/plain"
    request = build_request("/p", environ_overrides={"PATH_INFO": "/other"})
    assert request.scope["path"] == "/other"


# -- parsed through Werkzeug's own Request -------------------------------------------


def parsed(environ: dict[str, t.Any]) -> dict[str, t.Any]:
    request = Request(environ)
    try:
        files = [
            (key, f.filename, f.content_type, f.read(), sorted(f.headers.items()))
            for key, f in request.files.items(multi=True)
        ]
        return {
            "path": request.path,
            "full_path": request.full_path,
            "url": request.url,
            "args": list(request.args.items(multi=True)),
            "form": list(request.form.items(multi=True)),
            "files": files,
            "mimetype": request.mimetype,
        }
    finally:
        request.close()


def ours_parsed(**kwargs: t.Any) -> dict[str, t.Any]:
    request = build_request(**kwargs)
    return parsed(scope_to_environ(request.scope, request.body))


def theirs_parsed(**kwargs: t.Any) -> dict[str, t.Any]:
    return parsed(werkzeug_environ(**kwargs))


def test_multipart_parts_match(tmp_path: t.Any) -> None:
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"from disk")

    def data() -> dict[str, t.Any]:
        return {
            "field": "value ☃",
            "multi": ["1", "2"],
            "number": 7,
            "bio": (io.BytesIO(b"\x00\x01binary"), "photo.png"),
            "typed": (io.BytesIO(b"{}"), "data.bin", "application/json"),
            "path": (str(upload),),
            "nameless": io.BytesIO(b"no filename"),
            "storage": FileStorage(io.BytesIO(b"fs"), "fs.csv", content_type="text/csv"),
            "many": [(io.BytesIO(b"a"), "a.txt"), (io.BytesIO(b"b"), "b.txt")],
        }

    ours = ours_parsed(method="POST", data=data())
    theirs = theirs_parsed(method="POST", data=data())
    assert ours == theirs
    assert ours["files"]  # the comparison really covered files


def test_forced_multipart_without_files_matches() -> None:
    kwargs = {"method": "POST", "data": {"a": "1"}, "content_type": "multipart/form-data"}
    assert ours_parsed(**kwargs) == theirs_parsed(**kwargs)
    request = build_request(**kwargs)
    assert request.headers["Content-Type"].startswith('multipart/form-data; boundary="')
    assert request.headers["Content-Length"] == str(len(request.body))


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.one_of(
            st.text(max_size=12),
            st.lists(st.text(max_size=6), max_size=3),
            st.integers(),
        ),
        max_size=5,
    )
)
def test_urlencoded_form_matches_werkzeug(form: dict[str, t.Any]) -> None:
    assert_same_request(
        {"method": "POST", "data": dict(form)}, {"method": "POST", "data": dict(form)}
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=6), st.one_of(st.none(), st.text(max_size=8))), max_size=5)
)
def test_query_pairs_match_werkzeug(pairs: list[tuple[str, str | None]]) -> None:
    assert_same_request({"query_string": list(pairs)}, {"query_string": list(pairs)})


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="?#\\"),
        max_size=12,
    )
)
def test_paths_match_werkzeug(segment: str) -> None:
    path = "/" + segment.lstrip("/")
    if path.startswith("//"):
        return  # Werkzeug reads a leading "//" as a host (see test_double_slash_path)
    assert_same_request({"path": path}, {"path": path})

"""Behaviour of the Werkzeug names ``veloce.compat`` implements itself, compared with the
real Werkzeug 3.1 on the same inputs (both are importable in this process)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import werkzeug.datastructures as wds
import werkzeug.http as whttp
import werkzeug.routing as wrouting
import werkzeug.urls as wurls
import werkzeug.utils as wutils

import veloce.compat.werkzeug.datastructures as vds
import veloce.compat.werkzeug.http as vhttp
import veloce.compat.werkzeug.routing as vrouting
import veloce.compat.werkzeug.test as vtest
import veloce.compat.werkzeug.urls as vurls
import veloce.compat.werkzeug.utils as vutils
from veloce.compat.flask import Flask

URLS = [
    "http://ünicode.test/päth?q=ä#frag",
    "http://u:p@[::1]:80/%2F%C3%A4",
    "/a b/ç?x=y z",
    "http://xn--nicode-2ya.test/p%C3%A4th?q=%C3%A4",
    "http://x/%ff%2f?a=%26",
]


@pytest.mark.parametrize("url", URLS)
def test_iri_uri_conversion_matches_werkzeug(url: str) -> None:
    assert vurls.iri_to_uri(url) == wurls.iri_to_uri(url)
    assert vurls.uri_to_iri(url) == wurls.uri_to_iri(url)


@pytest.mark.parametrize("value", [None, "", "0", "120", "-1", "x", "+5", "99999999999999999999"])
def test_parse_age_matches_werkzeug(value: str | None) -> None:
    assert vhttp.parse_age(value) == whttp.parse_age(value)


@pytest.mark.parametrize("age", [None, 0, 30, dt.timedelta(minutes=2)])
def test_dump_age_matches_werkzeug(age: int | dt.timedelta | None) -> None:
    assert vhttp.dump_age(age) == whttp.dump_age(age)


def test_dump_age_rejects_negative() -> None:
    with pytest.raises(ValueError):
        vhttp.dump_age(-1)


@pytest.mark.parametrize(
    "value",
    ["bytes 0-99/1234", "bytes */1234", "bytes 0-99/*", "bytes 5-1/10", "bytes 0-99", "nope",
     "bytes a-b/10", None, "bytes 0-10/5"],
)
def test_parse_content_range_matches_werkzeug(value: str | None) -> None:
    ours, theirs = vhttp.parse_content_range_header(value), whttp.parse_content_range_header(value)
    assert (ours is None) == (theirs is None)
    if theirs is not None:
        assert (ours.units, ours.start, ours.stop, ours.length, ours.to_header()) == (
            theirs.units, theirs.start, theirs.stop, theirs.length, theirs.to_header()
        )


def test_content_range_calls_on_update_like_werkzeug() -> None:
    def run(module: object) -> list[str]:
        seen: list[str] = []
        rng = module.ContentRange(
            "bytes", 0, 10, 100, on_update=lambda r: seen.append(r.to_header())
        )
        rng.set(10, 20, 100)
        rng.length = 200
        rng.unset()
        return seen

    assert run(vds) == run(wds)
    with pytest.raises(ValueError):
        vds.ContentRange("bytes", 5, 1)


def test_csp_parse_and_dump_match_werkzeug() -> None:
    header = "default-src 'self'; script-src 'self' cdn.test; upgrade-insecure-requests"
    ours, theirs = vhttp.parse_csp_header(header), whttp.parse_csp_header(header)
    assert dict(ours) == dict(theirs)
    assert ours.script_src == theirs.script_src
    assert vhttp.dump_csp_header(ours) == whttp.dump_csp_header(theirs)
    ours.img_src = "data:"
    del ours.script_src
    assert ours.to_header() == "default-src 'self'; img-src data:"


@pytest.mark.parametrize("remove", ["remove_entity_headers", "remove_hop_by_hop_headers"])
def test_header_removal_matches_werkzeug(remove: str) -> None:
    pairs = [("Content-Type", "text/plain"), ("Expires", "0"), ("Connection", "close"),
             ("X-Foo", "1"), ("Transfer-Encoding", "chunked"), ("Last-Modified", "x")]
    ours, theirs = vds.Headers(pairs), wds.Headers(pairs)
    as_list = list(pairs)
    getattr(vhttp, remove)(ours)
    getattr(whttp, remove)(theirs)
    getattr(vhttp, remove)(as_list)
    assert list(ours) == list(theirs) == as_list


@pytest.mark.parametrize(
    "environ",
    [
        {"REQUEST_METHOD": "GET"},
        {"REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": '"abc"'},
        {"REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": '"other"'},
        {"REQUEST_METHOD": "GET", "HTTP_IF_MODIFIED_SINCE": "Sat, 01 Jan 2000 00:00:00 GMT"},
    ],
)
def test_is_resource_modified_takes_an_environ_like_werkzeug(environ: dict[str, str]) -> None:
    modified = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    for kwargs in ({"etag": "abc"}, {"last_modified": modified}, {"data": b"body"}):
        assert vhttp.is_resource_modified(environ, **kwargs) == whttp.is_resource_modified(
            environ, **kwargs
        )
    assert vhttp.generate_etag(b"body") == whttp.generate_etag(b"body")


@pytest.mark.parametrize(
    "mimetype", ["text/html", "application/json", "application/xml", "image/svg+xml",
                 "application/atom+xml", "application/javascript", "image/png"]
)
def test_get_content_type_matches_werkzeug(mimetype: str) -> None:
    assert vutils.get_content_type(mimetype, "utf-8") == wutils.get_content_type(mimetype, "utf-8")


@pytest.mark.parametrize(
    ("path", "query"), [("/a/b", ""), ("/a/b", "x=1"), ("/", ""), ("/a/", "q")]
)
def test_append_slash_redirect_matches_werkzeug(path: str, query: str) -> None:
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
    ours, theirs = vutils.append_slash_redirect(environ), wutils.append_slash_redirect(environ)
    assert (ours.status_code, ours.headers["Location"]) == (
        theirs.status_code, theirs.headers["Location"]
    )


def test_environ_and_header_properties() -> None:
    class Thing:
        method = vutils.environ_property("REQUEST_METHOD")
        port = vutils.environ_property("SERVER_PORT", 80, int)
        color = vutils.header_property("X-Color", "none")

        def __init__(self) -> None:
            self.environ = {"REQUEST_METHOD": "PUT", "SERVER_PORT": "oops"}
            self.headers = vds.Headers()

    thing = Thing()
    assert (thing.method, thing.port, thing.color) == ("PUT", 80, "none")
    with pytest.raises(AttributeError, match="read only"):
        thing.method = "GET"
    thing.color = "red"
    assert thing.headers["X-Color"] == "red"
    del thing.color
    assert "X-Color" not in thing.headers


def test_find_modules_matches_werkzeug() -> None:
    for kwargs in ({}, {"include_packages": True}, {"include_packages": True, "recursive": True}):
        assert sorted(vutils.find_modules("email", **kwargs)) == sorted(
            wutils.find_modules("email", **kwargs)
        )
    with pytest.raises(ValueError):
        list(vutils.find_modules("json.decoder"))


def test_immutable_and_callback_dicts() -> None:
    frozen = vds.ImmutableDict(a=1)
    with pytest.raises(TypeError):
        frozen["b"] = 2
    assert hash(frozen) == hash(vds.ImmutableDict(a=1))
    assert frozen.copy() == {"a": 1} and type(frozen.copy()) is dict
    conv = vds.ImmutableTypeConversionDict(n="3")
    assert conv.get("n", type=int) == 3
    with pytest.raises(TypeError):
        conv.pop("n")
    calls: list[dict[str, int]] = []
    cb = vds.CallbackDict({"a": 1}, on_update=lambda d: calls.append(dict(d)))
    cb["b"] = 2
    cb.setdefault("a", 5)  # no change, no call
    cb.pop("a")
    cb.update(c=3)
    assert calls == [{"a": 1, "b": 2}, {"b": 2}, {"b": 2, "c": 3}]


def test_environ_headers_match_werkzeug() -> None:
    environ = {"HTTP_X_FOO": "1", "CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": "",
               "HTTP_ACCEPT": "*/*", "PATH_INFO": "/"}
    ours, theirs = vds.EnvironHeaders(environ), wds.EnvironHeaders(environ)
    assert sorted(ours) == sorted(theirs)
    with pytest.raises(TypeError):
        ours.add("X-Bar", "2")
    copy = ours.copy()
    copy.add("X-Bar", "2")
    assert copy["X-Bar"] == "2"


def test_file_multi_dict_add_file(tmp_path: pytest.TempPathFactory) -> None:
    files = vds.FileMultiDict()
    files.add_file("doc", io.BytesIO(b"hello"), "notes.txt")
    stored = files["doc"]
    assert (stored.filename, stored.content_type, stored.read()) == (
        "notes.txt", "text/plain", b"hello"
    )


def test_rule_factories_match_like_werkzeug() -> None:
    def rules(module: object) -> list[object]:
        template = module.RuleTemplate([module.Rule("/$lang/", endpoint="$lang.index")])
        return [
            module.Submount("/api/", [
                module.EndpointPrefix("api.", [module.Rule("/users/<int:id>", endpoint="user")]),
            ]),
            template(lang="en"),
        ]

    ours = vrouting.Map(rules(vrouting)).bind("example.test")
    theirs = wrouting.Map(rules(wrouting)).bind("example.test")
    for path in ("/api/users/7", "/en/"):
        assert ours.match(path) == theirs.match(path)
    assert ours.build("api.user", {"id": 3}) == theirs.build("api.user", {"id": 3})


def test_subdomain_factory() -> None:
    url_map = vrouting.Map(
        [vrouting.Subdomain("shop", [vrouting.Rule("/", endpoint="shop")])],
        host_matching=False,
    )
    assert [rule.subdomain for rule in url_map.iter_rules()] == ["shop"]


def test_client_runs_a_compat_app_with_werkzeug_signature() -> None:
    app = Flask(__name__)

    @app.post("/upload")
    def upload() -> str:
        from veloce.compat.flask import request

        return request.files["f"].read().decode() + request.form["a"]

    boundary, body = vtest.encode_multipart(
        {"a": "!", "f": vds.FileStorage(io.BytesIO(b"data"), "f.txt")}
    )
    client = vtest.Client(app, use_cookies=False)
    response = client.post(
        "/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert (response.status_code, response.data) == (200, b"data!")
    with pytest.raises(TypeError, match="response_wrapper"):
        vtest.Client(app, response_wrapper=dict)


def test_rule_factory_base_is_abstract_like_werkzeug() -> None:
    """The base can be built and raises when asked for rules, in both; the wrapping
    factories and the dict-accessor properties cannot be used without their hook."""
    for module in (wrouting, vrouting):
        with pytest.raises(NotImplementedError):
            list(module.RuleFactory().get_rules(None))

    class Incomplete(vrouting.Submount.__mro__[1]):  # the private wrapping base
        pass

    with pytest.raises(TypeError):
        Incomplete()
    with pytest.raises(TypeError):
        vutils.environ_property.__mro__[1]("x")  # the private dict-accessor base

"""Header parsing parity with ``werkzeug.http``: fixed tricky inputs plus hypothesis fuzzing.

Every assertion compares Veloce's result with Werkzeug's on the same input.
"""

from __future__ import annotations

import datetime as dt
import typing as t

import pytest
import werkzeug.datastructures as wz_ds
import werkzeug.http as wz_http
from hypothesis import given, settings
from hypothesis import strategies as st

from veloce.core import http
from veloce.core.accept import CharsetAccept, LanguageAccept, MIMEAccept
from veloce.core.cache_control import RequestCacheControl, ResponseCacheControl
from veloce.core.exceptions import BadRequestKeyError
from veloce.core.headers import HeaderSet

# Characters that exercise every branch of the header grammars.
HEADER_ALPHABET = " \t\"\\;,=*'%abcxyzAB019-/.:_+?é\u00ff\u2603WwqQ"
header_text = st.text(alphabet=HEADER_ALPHABET, max_size=48)
FUZZ = settings(max_examples=300, deadline=None)


OPTIONS_CASES = [
    None,
    "",
    "text/html",
    "text/html; charset=UTF-8",
    "  text/HTML ;charset=utf-8 ; q=1",
    'form-data; name="a\\"b"; filename="c\\\\d.txt"',
    'form-data; name="x%22y"',
    "attachment; filename*=UTF-8''%E2%82%AC%20rates.txt",
    "attachment; filename*=iso-8859-1'en'%A3",
    "attachment; filename*=koi8-r''%C1",
    "a; key*0=foo; key*1=bar",
    "a; key*0*=UTF-8''%E2%82; key*1*=%AC",
    "a; key=first; key*0=x; key*1=y; key=last",
    'a; bad="unclosed',
    "a; =novalue; k; ok=1",
    "a;;b=1;;",
    'a; b="x;y"; c=d',
    "multipart/form-data; boundary=----WebKitFormBoundaryX",
    'multipart/form-data; boundary="quoted boundary"',
    "; x=1",
    "a; B=Upper",
]


@pytest.mark.parametrize("value", OPTIONS_CASES)
def test_parse_options_header_matches(value: str | None) -> None:
    assert http.parse_options_header(value) == wz_http.parse_options_header(value)


@FUZZ
@given(header_text)
def test_parse_options_header_fuzz(value: str) -> None:
    assert http.parse_options_header(value) == wz_http.parse_options_header(value)


LIST_CASES = [
    "",
    "a, b,c",
    'token, "quoted value"',
    '"a,b", c',
    '"unclosed, x',
    'a"b,c"d, e',
    '"esc\\"aped", "back\\\\"',
    ",, ,a,",
    'x="1, 2", y',
    '"tail\\',
]


@pytest.mark.parametrize("value", LIST_CASES)
def test_parse_list_and_dict_header_match(value: str) -> None:
    assert http.parse_list_header(value) == wz_http.parse_list_header(value)
    assert http.parse_dict_header(value) == wz_http.parse_dict_header(value)
    assert list(http.parse_set_header(value)) == list(wz_http.parse_set_header(value))


@FUZZ
@given(header_text)
def test_list_dict_set_fuzz(value: str) -> None:
    assert http.parse_list_header(value) == wz_http.parse_list_header(value)
    assert http.parse_dict_header(value) == wz_http.parse_dict_header(value)
    assert list(http.parse_set_header(value)) == list(wz_http.parse_set_header(value))


@pytest.mark.parametrize(
    "value", ['a=b, c="d, e", f', "k*=UTF-8''%C3%A9, j*=bogus''x, l*=plain", "=x, y=", 'q="a\\"b"']
)
def test_parse_dict_header_charsets(value: str) -> None:
    assert http.parse_dict_header(value) == wz_http.parse_dict_header(value)


@FUZZ
@given(st.text(max_size=30))
def test_quote_unquote_and_dump_match(value: str) -> None:
    assert http.quote_header_value(value) == wz_http.quote_header_value(value)
    assert http.quote_header_value(value, allow_token=False) == wz_http.quote_header_value(
        value, allow_token=False
    )
    assert http.unquote_header_value(value) == wz_http.unquote_header_value(value)
    quoted = wz_http.quote_header_value(value)
    assert http.unquote_header_value(quoted) == wz_http.unquote_header_value(quoted)
    options = {"a": value, "b*": value, "skip": None, "n": 3}
    assert http.dump_options_header("x/y", options) == wz_http.dump_options_header("x/y", options)
    assert http.dump_options_header(None, options) == wz_http.dump_options_header(None, options)
    assert http.dump_header([value, "b c"]) == wz_http.dump_header([value, "b c"])
    mapping = {"k": value, "flag": None, "e*": value}
    assert http.dump_header(mapping) == wz_http.dump_header(mapping)


COOKIE_CASES = [
    "",
    "a=b",
    "a=b; a=c; d",
    'a="x\\"y\\\\z\\073"; b=1',
    'q="\\303\\251"',
    "  k = v ; ",
    'bad"k=1; ok=2',
    "a=b=c; ;; ;x=;y",
    '"q"=1; n="unterminated',
    "é=ü",
]


@pytest.mark.parametrize("value", COOKIE_CASES)
def test_parse_cookie_matches(value: str) -> None:
    from werkzeug.sansio.http import parse_cookie as wz_parse_cookie

    ours = http.parse_cookie(value)
    assert list(ours.items(multi=True)) == list(wz_parse_cookie(value).items(multi=True))


@FUZZ
@given(st.text(alphabet=HEADER_ALPHABET + "\\0137", max_size=48))
def test_parse_cookie_fuzz(value: str) -> None:
    from werkzeug.sansio.http import parse_cookie as wz_parse_cookie

    assert list(http.parse_cookie(value).items(multi=True)) == list(
        wz_parse_cookie(value).items(multi=True)
    )


def test_parse_cookie_round_trips_dump_cookie() -> None:
    from werkzeug.sansio.http import parse_cookie as wz_parse_cookie

    for value in [
        "plain",
        "with space",
        'q"uote',
        "back\\slash",
        "semi;colon",
        "caf\u00e9 \u2603",
        ",",
    ]:
        header = wz_http.dump_cookie("k", value).partition(";")[0]
        assert http.parse_cookie(header)["k"] == wz_parse_cookie(header)["k"] == value


ACCEPT_CASES = [
    None,
    "",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/*;q=0.3, text/plain;format=flowed, text/plain;q=0.7, */*;q=0.5",
    "application/json;q=abc, text/html;q=2, image/png;q=-1, a/b;q=0.5",
    "*/*",
    "x/y;q=0",
    "text/plain; charset=utf-8; q=0.5",
    "invalid, also/invalid;;",
    '"quoted/type"',
]
MATCH_OPTIONS = [
    ["text/html"],
    ["application/json", "text/html"],
    ["text/plain"],
    ["image/png", "a/b"],
    ["text/plain;format=flowed"],
    ["*/*"],
    ["x/y", "text/html"],
]


@pytest.mark.parametrize("value", ACCEPT_CASES)
def test_mime_accept_matches(value: str | None) -> None:
    ours = http.parse_accept_header(value, MIMEAccept)
    theirs = wz_http.parse_accept_header(value, wz_ds.MIMEAccept)
    assert list(ours) == list(theirs) and ours.provided == theirs.provided
    assert (ours.best, ours.to_header(), str(ours), repr(ours).split("(", 1)[1]) == (
        theirs.best,
        theirs.to_header(),
        str(theirs),
        repr(theirs).split("(", 1)[1],
    )
    assert (ours.accept_html, ours.accept_json, ours.accept_xhtml) == (
        theirs.accept_html,
        theirs.accept_json,
        theirs.accept_xhtml,
    )
    for options in MATCH_OPTIONS:
        assert ours.best_match(options) == theirs.best_match(options)
        assert ours.best_match(options, default="d/d") == theirs.best_match(options, default="d/d")
        for option in options:
            assert ours[option] == theirs[option] and ours.quality(option) == theirs.quality(option)
            assert (option in ours) == (option in theirs)
            assert ours.find(option) == theirs.find(option)
    with pytest.raises(ValueError):
        http.parse_accept_header("text/html", MIMEAccept).quality("nonsense")
    assert list(ours.values()) == list(theirs.values())


LANG_CASES = [
    None,
    "en-US,en;q=0.9,de;q=0.5",
    "de_CH, fr;q=0.2, *;q=0.1",
    "pt-BR",
    "zh-Hant-TW, en",
]
LANG_OPTIONS = [
    ["en"],
    ["en-gb", "de"],
    ["de-DE"],
    ["fr", "pt"],
    ["zh-hant", "zh"],
    ["it"],
    ["pt-PT", "pt-BR"],
]


@pytest.mark.parametrize("value", LANG_CASES)
def test_language_and_charset_accept_match(value: str | None) -> None:
    ours = http.parse_accept_header(value, LanguageAccept)
    theirs = wz_http.parse_accept_header(value, wz_ds.LanguageAccept)
    assert list(ours) == list(theirs)
    for options in LANG_OPTIONS:
        assert ours.best_match(options) == theirs.best_match(options)
        assert ours.best_match(options, "xx") == theirs.best_match(options, "xx")
    charsets = "utf-8, ISO-8859-1;q=0.5, latin1;q=0.2, *;q=0.1" if value else None
    ours_cs = http.parse_accept_header(charsets, CharsetAccept)
    theirs_cs = wz_http.parse_accept_header(charsets, wz_ds.CharsetAccept)
    for name in ["UTF8", "utf-8", "latin-1", "ascii", "unknown-cs"]:
        assert ours_cs.quality(name) == theirs_cs.quality(name)
        assert (name in ours_cs) == (name in theirs_cs)


@FUZZ
@given(header_text)
def test_accept_fuzz(value: str) -> None:
    ours = http.parse_accept_header(value)
    theirs = wz_http.parse_accept_header(value)
    assert list(ours) == list(theirs)
    for option in ["a", "b", "*", "x"]:
        assert ours.best_match([option, "b"]) == theirs.best_match([option, "b"])


def test_spec_accept_header_semantics() -> None:
    from veloce.core.accept import AcceptHeader

    empty = AcceptHeader.parse("", mime=True)
    assert empty.best_match(["application/json", "text/html"]) == "application/json"
    assert empty.best_match([], default="x") == "x"
    header = AcceptHeader.parse("text/html;q=bogus, application/json;q=0.5, image/*;q=0", mime=True)
    assert header.quality("text/html") == 1.0 and header.quality("image/png") == 0
    assert header.best_match(["image/png", "application/json"]) == "application/json"
    assert header.best_match(["image/png"], default="none") == "none"
    plain = AcceptHeader.parse("gzip, br;q=0.9")
    assert plain.best_match(["br", "gzip"]) == "gzip" and plain.quality("deflate") == 0


CACHE_CASES = [
    None,
    "",
    "no-cache",
    "max-age=60, no-store, no-transform",
    "max-age=abc, max-stale",
    "max-stale=30, min-fresh=5, only-if-cached",
    'ext="a, b", Private',
    "stale-if-error=9",
]
CACHE_ATTRS = [
    "no_cache",
    "no_store",
    "max_age",
    "max_stale",
    "min_fresh",
    "no_transform",
    "only_if_cached",
    "stale_if_error",
]


@pytest.mark.parametrize("value", CACHE_CASES)
def test_request_cache_control_matches(value: str | None) -> None:
    ours = http.parse_cache_control_header(value)
    theirs = wz_http.parse_cache_control_header(value)
    assert isinstance(ours, RequestCacheControl)
    assert dict(ours) == dict(theirs) and ours.provided == theirs.provided
    for attr in CACHE_ATTRS:
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert ours.to_header() == theirs.to_header() and repr(ours) == repr(theirs)
    with pytest.raises(TypeError):
        ours["x"] = "1"
    with pytest.raises(TypeError):
        ours.no_cache = True


def test_response_cache_control_mutation_matches() -> None:
    seen: list[str] = []
    ours = http.parse_cache_control_header(
        "max-age=5", lambda cc: seen.append(cc.to_header()), ResponseCacheControl
    )
    theirs = wz_http.parse_cache_control_header("max-age=5", None, wz_ds.ResponseCacheControl)
    for obj in (ours, theirs):
        obj.public = True
        obj.max_age = 30
        obj.no_cache = True
        obj.private = "x"
        obj.s_maxage = "7"
        obj.must_revalidate = True
        obj.must_revalidate = False
        obj.stale_while_revalidate = None
        del obj.max_age
    assert dict(ours) == dict(theirs) and ours.to_header() == theirs.to_header()
    assert (ours.no_cache, ours.private, ours.s_maxage, ours.public) == (
        theirs.no_cache,
        theirs.private,
        theirs.s_maxage,
        theirs.public,
    )
    assert seen and seen[-1] == ours.to_header()


ETAG_CASES = [
    None,
    "",
    "*",
    '"a"',
    '"a", W/"b", c, w/"d"',
    'W/"x", "y" , garbage"here, "z"',
    '"", W/""',
]


@pytest.mark.parametrize("value", ETAG_CASES)
def test_parse_etags_matches(value: str | None) -> None:
    ours = http.parse_etags(value)
    theirs = wz_http.parse_etags(value)
    assert (ours.as_set(), ours.as_set(True), ours.star_tag, bool(ours), len(ours)) == (
        theirs.as_set(),
        theirs.as_set(True),
        theirs.star_tag,
        bool(theirs),
        len(theirs),
    )
    for tag in ["a", "b", "c", "d", "x", "q", ""]:
        assert ours.contains(tag) == theirs.contains(tag)
        assert ours.contains_weak(tag) == theirs.contains_weak(tag)
        assert (tag in ours) == (tag in theirs)
        assert ours(tag) == theirs(tag) and ours(tag, include_weak=True) == theirs(
            tag, include_weak=True
        )
        for raw in (f'"{tag}"', f'W/"{tag}"'):
            assert ours.contains_raw(raw) == theirs.contains_raw(raw)
    assert sorted(ours.to_header().split(", ")) == sorted(theirs.to_header().split(", "))
    assert ours(data=b"abc") == theirs(data=b"abc")


@FUZZ
@given(header_text)
def test_parse_etags_fuzz(value: str) -> None:
    ours, theirs = http.parse_etags(value), wz_http.parse_etags(value)
    assert (ours.as_set(True), ours.star_tag) == (theirs.as_set(True), theirs.star_tag)


RANGE_CASES = [
    None,
    "",
    "bytes=0-499",
    "bytes=0-0,-1",
    "bytes=500-",
    "bytes=-500",
    "bytes=-0",
    "bytes=5-1",
    "bytes=0-5, 3-8",
    "bytes=0-5, -2, 8-9",
    "bytes= 1 - 2 ",
    "Bytes=1-",
    "bytes=a-b",
    "bytes=+1-2",
    "bytes=1_0-20",
    "bytes",
    "lines=1-2",
    "bytes=-",
    "bytes=1-2,",
]


@pytest.mark.parametrize("value", RANGE_CASES)
def test_parse_range_header_matches(value: str | None) -> None:
    ours = http.parse_range_header(value)
    theirs = wz_http.parse_range_header(value)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert (ours.units, list(ours.ranges), ours.to_header(), str(ours)) == (
            theirs.units,
            list(theirs.ranges),
            theirs.to_header(),
            str(theirs),
        )
        for length in [None, 0, 1, 10, 1000, 10_000]:
            assert ours.range_for_length(length) == theirs.range_for_length(length)
            assert ours.to_content_range_header(length) == theirs.to_content_range_header(length)


@FUZZ
@given(st.text(alphabet="bytes=0123456789-, \t", max_size=30))
def test_parse_range_fuzz(value: str) -> None:
    ours, theirs = http.parse_range_header(value), wz_http.parse_range_header(value)
    assert (None if ours is None else ours.ranges) == (None if theirs is None else theirs.ranges)


def test_range_spec_shape() -> None:
    from veloce.core.headervalues import RangeSpec

    spec = RangeSpec.from_header("bytes=0-499, 1000-")
    assert spec is not None and spec.unit == "bytes"
    assert spec.ranges == [(0, 499), (1000, None)]
    assert RangeSpec.from_header("bytes=-500") == RangeSpec("bytes", [(None, 500)])
    assert RangeSpec.from_header("bytes=x") is None and RangeSpec.from_header(None) is None


@pytest.mark.parametrize(
    "value", [None, "", '"etag"', 'W/"weak"', "Wed, 21 Oct 2015 07:28:00 GMT", "unquoted"]
)
def test_parse_if_range_header_matches(value: str | None) -> None:
    ours, theirs = http.parse_if_range_header(value), wz_http.parse_if_range_header(value)
    assert (ours.etag, ours.date, ours.to_header()) == (
        theirs.etag,
        theirs.date,
        theirs.to_header(),
    )


AUTH_CASES = [
    None,
    "",
    "Basic dXNlcjpwYXNz",
    "basic dXNlcjo=",
    "Basic dXNlcg==",
    "Basic ###",
    "Basic w6k6w7w=",
    "Basic /w==",
    "Bearer abc.def",
    "Token x==",
    "Bearer",
    'Digest username="Mufasa", realm="a@b", nonce="n", uri="/dir", qop=auth, nc=00000001',
    "Negotiate a=b=c",
]


@pytest.mark.parametrize("value", AUTH_CASES)
def test_authorization_matches(value: str | None) -> None:
    ours = http.parse_authorization_header(value)
    theirs = wz_ds.Authorization.from_header(value)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert (ours.type, ours.parameters, ours.token) == (
            theirs.type,
            theirs.parameters,
            theirs.token,
        )
        assert (ours.username, ours.password, ours["realm"], ours.get("nonce", "d")) == (
            theirs.username,
            theirs.password,
            theirs["realm"],
            theirs.get("nonce", "d"),
        )
        assert ("username" in ours) == ("username" in theirs)
        assert ours.to_header() == theirs.to_header() and str(ours) == str(theirs)
        assert repr(ours) == repr(theirs) and ours.params is ours.parameters


@pytest.mark.parametrize(
    ("length", "encoding"),
    [
        (None, None),
        ("10", None),
        (" 42 ", None),
        ("-5", None),
        ("abc", None),
        ("+5", None),
        ("1_0", None),
        ("10", "chunked"),
        ("10", "gzip, Chunked"),
        ("10", "gzip"),
    ],
)
def test_parse_content_length_matches(length: str | None, encoding: str | None) -> None:
    from werkzeug.sansio.utils import get_content_length

    assert http.parse_content_length(length, encoding) == get_content_length(length, encoding)


def test_header_set() -> None:
    calls: list[str] = []
    ours = http.parse_set_header('a, "b c", A', lambda hs: calls.append(hs.to_header()))
    theirs = wz_http.parse_set_header('a, "b c", A')
    assert list(ours) == list(theirs) and ours.to_header() == theirs.to_header()
    assert repr(ours) == repr(theirs) and "A" in ours and ours.find("B C") == theirs.find("B C")
    for obj in (ours, theirs):
        obj.add("d")
        obj.discard("missing")
        obj.remove("a")
    assert list(ours) == list(theirs) == ["b c", "A", "d"] and len(calls) == 2
    assert ours.as_set() == theirs.as_set() and ours.as_set(True) == theirs.as_set(True)
    with pytest.raises(KeyError):
        ours.remove("zzz")
    with pytest.raises(IndexError):
        ours.index("zzz")
    assert isinstance(ours, HeaderSet)
    assert not http.parse_set_header(None)


def test_dates_are_reexported() -> None:
    value = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert http.parse_date(value) == wz_http.parse_date(value)
    when = dt.datetime(2015, 10, 21, 7, 28, tzinfo=dt.timezone.utc)
    assert http.http_date(when) == wz_http.http_date(when)


def test_quote_etag_and_unquote_etag() -> None:
    for etag, weak in [("x", False), ("y", True)]:
        assert http.quote_etag(etag, weak) == wz_http.quote_etag(etag, weak)
    with pytest.raises(ValueError):
        http.quote_etag('a"b')
    for raw in [None, "", '"a"', 'W/"b"', "c", "w/d"]:
        assert http.unquote_etag(raw) == wz_http.unquote_etag(raw)


def test_is_byte_range_valid_matches() -> None:
    for args in [
        (None, None, None),
        (None, None, 5),
        (None, 1, 5),
        (0, 5, 10),
        (5, 5, 10),
        (0, 5, None),
        (-1, 5, None),
        (10, 20, 5),
        (None, None, -1),
    ]:
        assert http.is_byte_range_valid(*args) == wz_http.is_byte_range_valid(*args)


def test_missing_multidict_key_is_bad_request() -> None:
    cookies = http.parse_cookie("a=1")
    with pytest.raises(BadRequestKeyError):
        cookies["b"]  # noqa: B018
    assert cookies.get("b") is None


def test_parsers_never_raise_on_garbage() -> None:
    garbage: list[t.Any] = ["\x00\xff", '"', "\\", ";;;", "=,=,=", "a" * 5000, '"' * 101]
    for value in garbage:
        http.parse_options_header(value)
        http.parse_list_header(value)
        http.parse_dict_header(value)
        http.parse_cookie(value)
        http.parse_accept_header(value, MIMEAccept)
        http.parse_etags(value)
        http.parse_range_header(value)
        http.parse_cache_control_header(value)
        http.parse_authorization_header(value)
        http.parse_if_range_header(value)


URL_TEXT = "abcXYZ019-._~!$&'()*+,/:;=@?#% é\u2603\x7f"


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["http", "https"]),
    st.text("abcxyz019.-:", max_size=12) | st.sampled_from(["xn--n3h.net", "[::1]:80", "a..b"]),
    st.text(URL_TEXT, max_size=10),
    st.text(URL_TEXT, max_size=12),
    st.text(URL_TEXT, max_size=12).map(lambda q: q.encode()),
)
def test_get_current_url_matches_werkzeug(
    scheme: str, host: str, root: str, path: str, query: bytes
) -> None:
    from werkzeug.sansio.utils import get_current_url as wz_url

    from veloce.core._urls import get_current_url

    def run(fn: t.Callable[..., str], *args: t.Any) -> t.Any:
        try:
            return fn(*args)
        except ValueError as exc:
            return type(exc)

    for args in [
        (scheme, host, root, path, query),
        (scheme, host, root, path),
        (scheme, host, root),
        (scheme, host),
    ]:
        assert run(get_current_url, *args) == run(wz_url, *args), args


@settings(max_examples=300, deadline=None)
@given(st.text("ab=&+%2F0é\u2603 ;", max_size=20))
def test_query_parsing_matches_parse_qsl(text: str) -> None:
    from urllib.parse import parse_qsl

    from veloce.core._urls import ERRORS_URL_QUOTE, parse_query

    assert parse_query(text) == parse_qsl(text, keep_blank_values=True, errors=ERRORS_URL_QUOTE)

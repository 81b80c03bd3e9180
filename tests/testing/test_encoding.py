"""Body encodings: byte-identical multipart, Werkzeug's charset rule, httpx-style files."""

from __future__ import annotations

import io
import typing as t

import httpx
import pytest
from asgi_apps import scope_to_environ
from werkzeug.datastructures import FileStorage, Headers
from werkzeug.test import EnvironBuilder
from werkzeug.test import encode_multipart as werkzeug_encode_multipart
from werkzeug.utils import get_content_type
from werkzeug.wrappers import Request

from veloce.testing import build_request, encode_multipart
from veloce.testing.encoding import FilePart, content_type_for, encode_query, files_to_parts

BOUNDARY = "---------------TestBoundary_123"


def _values() -> dict[str, t.Any]:
    return {
        "text": "plain ☃",
        "number": 42,
        "many": ["a", "b"],
        "named": FileStorage(io.BytesIO(b"\x00data"), "pic.png", content_type="image/png"),
        "untyped": FileStorage(io.BytesIO(b"x"), "notes.unknownext"),
        "with_length": FileStorage(
            io.BytesIO(b"12345"), "f.txt", content_type="text/plain", content_length=5
        ),
        "extra_headers": FileStorage(
            io.BytesIO(b"h"), "h.txt", headers=Headers([("X-Part", "1")]), content_type="text/x"
        ),
        "nameless": FileStorage(io.BytesIO(b"no name")),
        "empty": FileStorage(io.BytesIO(b""), "empty.txt"),
    }


def _pairs(values: dict[str, t.Any]) -> list[tuple[str, t.Any]]:
    pairs: list[tuple[str, t.Any]] = []
    for key, value in values.items():
        pairs.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return pairs


def test_multipart_bytes_equal_werkzeug() -> None:
    ours, boundary = encode_multipart(_pairs(_values()), boundary=BOUNDARY)
    theirs_boundary, theirs = werkzeug_encode_multipart(_values(), boundary=BOUNDARY)
    assert (ours, boundary) == (theirs, theirs_boundary)


def test_raw_stream_without_name_is_a_typed_field() -> None:
    ours, _ = encode_multipart([("blob", io.BytesIO(b"x"))], boundary=BOUNDARY)
    _, theirs = werkzeug_encode_multipart(
        {"blob": FileStorage(io.BytesIO(b"x"))}, boundary=BOUNDARY
    )
    assert ours == theirs


def test_multipart_of_nothing_equals_werkzeug() -> None:
    assert (
        encode_multipart([], boundary=BOUNDARY)[0]
        == werkzeug_encode_multipart({}, boundary=BOUNDARY)[1]
    )


def test_multipart_generates_a_fresh_boundary() -> None:
    body_a, boundary_a = encode_multipart([("a", "1")])
    _, boundary_b = encode_multipart([("a", "1")])
    assert boundary_a != boundary_b
    assert boundary_a.encode() in body_a


def test_real_file_is_named_by_its_path(tmp_path: t.Any) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b")
    with open(path, "rb") as ours_file, open(path, "rb") as theirs_file:
        ours, _ = encode_multipart([("f", ours_file)], boundary=BOUNDARY)
        # EnvironBuilder wraps a raw file in a FileStorage named after the stream.
        _, theirs = werkzeug_encode_multipart(
            {"f": FileStorage(theirs_file, name="f")}, boundary=BOUNDARY
        )
    assert ours == theirs
    assert str(path).encode() in ours


@pytest.mark.parametrize(
    "mimetype",
    [
        "text/plain",
        "text/html",
        "application/json",
        "application/xml",
        "application/javascript",
        "application/atom+xml",
        "image/png",
        "application/octet-stream",
    ],
)
def test_content_type_for_matches_werkzeug(mimetype: str) -> None:
    assert content_type_for(mimetype) == get_content_type(mimetype, "utf-8")


def test_encode_query_groups_repeated_keys_like_a_multidict() -> None:
    assert encode_query([("a", "1"), ("b", "2"), ("a", "3")]) == "a=1&a=3&b=2"
    assert encode_query({"x": None, "y": ("1", "2")}) == "y=1&y=2"


def _parsed_files(environ: dict[str, t.Any]) -> tuple[list[t.Any], list[t.Any]]:
    request = Request(environ)
    try:
        files = [
            (key, f.filename, f.mimetype, f.read(), f.headers.get("X-Extra"))
            for key, f in request.files.items(multi=True)
        ]
        return sorted(request.form.items(multi=True)), sorted(files)
    finally:
        request.close()


def _httpx_files() -> dict[str, t.Any]:
    return {
        "bytes": ("a.txt", b"bytes content"),
        "text": ("b.json", "text content", "application/json"),
        "stream": ("c.bin", io.BytesIO(b"stream"), "application/octet-stream"),
        "headers": ("d.txt", b"d", "text/plain", {"X-Extra": "yes"}),
        "bare": io.BytesIO(b"bare"),
    }


def test_httpx_style_files_parse_like_httpx_sends_them() -> None:
    data = {"field": "value", "list": ["1", "2"]}
    ours = build_request(method="POST", data=data, files=_httpx_files())
    theirs = httpx.Request("POST", "http://localhost/", data=data, files=_httpx_files())
    theirs_body = theirs.read()
    theirs_environ = scope_to_environ(
        build_request(
            method="POST", data=theirs_body, content_type=theirs.headers["Content-Type"]
        ).scope,
        theirs_body,
    )
    assert _parsed_files(scope_to_environ(ours.scope, ours.body)) == _parsed_files(theirs_environ)


def test_named_file_object_uses_its_basename(tmp_path: t.Any) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"png")
    with open(path, "rb") as fh:
        ((key, part),) = files_to_parts({"upload": fh})
        assert (key, part.filename, part.content_type, part.read()) == (
            "upload",
            "photo.png",
            "image/png",
            b"png",
        )


def test_files_accept_a_list_of_pairs() -> None:
    parts = files_to_parts([("f", ("1.txt", b"1")), ("f", ("2.txt", b"2"))])
    assert [(k, p.filename) for k, p in parts] == [("f", "1.txt"), ("f", "2.txt")]


def test_file_part_without_filename_is_a_field() -> None:
    body, _ = encode_multipart([("blob", FilePart(io.BytesIO(b"x"), None))], boundary=BOUNDARY)
    assert b'name="blob"\r\nContent-Type: application/octet-stream' in body
    assert b"filename" not in body


def test_dict_value_in_form_data_is_rejected() -> None:
    with pytest.raises(TypeError, match="not a valid form value"):
        build_request(method="POST", data={"a": {"nested": 1}})


def test_files_with_json_or_raw_body_is_rejected() -> None:
    with pytest.raises(TypeError, match="json and files"):
        build_request(method="POST", json={}, files={"f": ("a", b"")})
    with pytest.raises(TypeError, match="form fields"):
        build_request(method="POST", data="raw", files={"f": ("a", b"")})


def test_empty_filename_is_kept_like_werkzeug() -> None:
    def data() -> dict[str, t.Any]:
        return {"f": (io.BytesIO(b"x"), "")}

    ours = build_request(method="POST", data=data())
    builder = EnvironBuilder(method="POST", data=data())
    theirs = builder.get_environ()
    builder.close()
    assert _parsed_files(scope_to_environ(ours.scope, ours.body)) == _parsed_files(theirs)
    assert b'filename=""' in ours.body

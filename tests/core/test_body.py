"""Body reading limits (fake ASGI receive callables) and form parsing parity with Werkzeug."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import typing as t

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veloce.core.body import parse_form, read_body
from veloce.core.exceptions import (
    BadRequest,
    ClientDisconnected,
    HTTPException,
    RequestEntityTooLarge,
)
from veloce.core.uploads import FileStorage, ImmutableFormData


class FakeReceive:
    """Replays ASGI messages and counts how many were pulled."""

    def __init__(self, messages: list[dict[str, t.Any]]) -> None:
        self.messages = list(messages)
        self.calls = 0

    async def __call__(self) -> dict[str, t.Any]:
        self.calls += 1
        if not self.messages:
            raise AssertionError("receive() called after the last message")
        return self.messages.pop(0)


def chunks(*parts: bytes, disconnect: bool = False) -> list[dict[str, t.Any]]:
    messages: list[dict[str, t.Any]] = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]
    if disconnect:
        messages[-1]["more_body"] = True
        messages.append({"type": "http.disconnect"})
    return messages


def read(
    receive: FakeReceive, content_length: int | None = None, limit: int | None = None
) -> bytes:
    return asyncio.run(read_body(receive, content_length, limit))


# -- read_body -------------------------------------------------------------------------


def test_single_message_body() -> None:
    receive = FakeReceive(chunks(b"hello"))
    assert read(receive, 5, 10) == b"hello" and receive.calls == 1


def test_chunked_body_is_joined() -> None:
    receive = FakeReceive(chunks(b"a", b"", b"bc", b"def"))
    assert read(receive) == b"abcdef" and receive.calls == 4


def test_missing_body_key_and_empty_body() -> None:
    assert read(FakeReceive([{"type": "http.request"}])) == b""
    assert (
        read(FakeReceive([{"type": "http.request", "body": b"", "more_body": False}]), 0, 0) == b""
    )


def test_declared_length_over_limit_reads_nothing() -> None:
    receive = FakeReceive(chunks(b"x" * 11))
    with pytest.raises(RequestEntityTooLarge):
        read(receive, content_length=11, limit=10)
    assert receive.calls == 0


def test_streamed_body_stops_at_the_message_that_crosses_the_limit() -> None:
    receive = FakeReceive(chunks(b"aaaa", b"bbbb", b"cccc", b"dddd"))
    with pytest.raises(RequestEntityTooLarge):
        read(receive, content_length=None, limit=10)
    assert receive.calls == 3 and len(receive.messages) == 1


def test_lying_content_length_is_still_bounded() -> None:
    receive = FakeReceive(chunks(b"12345", b"67890", b"abcde"))
    with pytest.raises(RequestEntityTooLarge):
        read(receive, content_length=3, limit=8)
    assert receive.calls == 2


def test_body_exactly_at_limit_is_accepted() -> None:
    assert read(FakeReceive(chunks(b"12345", b"67890")), None, 10) == b"1234567890"
    assert read(FakeReceive(chunks(b"")), 0, 0) == b""
    with pytest.raises(RequestEntityTooLarge):
        read(FakeReceive(chunks(b"1")), None, 0)


def test_no_limit_reads_everything() -> None:
    parts = [bytes([i]) * 1000 for i in range(50)]
    assert read(FakeReceive(chunks(*parts)), None, None) == b"".join(parts)


def test_disconnect_raises_client_disconnected() -> None:
    receive = FakeReceive(chunks(b"partial", disconnect=True))
    with pytest.raises(ClientDisconnected) as info:
        read(receive, 100, None)
    assert info.value.code == 400 and receive.calls == 2


def test_unknown_messages_are_skipped() -> None:
    receive = FakeReceive([{"type": "http.something"}, *chunks(b"ok")])
    assert read(receive) == b"ok"


# -- parse_form parity -------------------------------------------------------------------


def werkzeug_parse(body: bytes, content_type: str, **limits: t.Any) -> tuple[t.Any, t.Any]:
    from werkzeug.formparser import FormDataParser
    from werkzeug.http import parse_options_header

    mimetype, options = parse_options_header(content_type)
    parser = FormDataParser(silent=False, **limits)
    _, form, files = parser.parse(io.BytesIO(body), mimetype, len(body), options)
    return form, files


def ours_parse(body: bytes, content_type: str, **limits: t.Any) -> tuple[t.Any, t.Any]:
    from veloce.core.http import parse_options_header

    mimetype, options = parse_options_header(content_type)
    return parse_form(body, mimetype.lower(), options, **limits)


def describe(form: t.Any, files: t.Any) -> tuple[t.Any, t.Any]:
    described = []
    for key, storage in files.items(multi=True):
        described.append(
            (
                key,
                storage.filename,
                storage.name,
                storage.content_type,
                list(storage.headers),
                storage.read(),
            )
        )
        storage.close()
    return list(form.items(multi=True)), described


def assert_parity(body: bytes, content_type: str) -> None:
    assert describe(*ours_parse(body, content_type)) == describe(
        *werkzeug_parse(body, content_type)
    )


def encode_with_werkzeug(data: dict[str, t.Any]) -> tuple[bytes, str]:
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(method="POST", data=data, content_type="multipart/form-data")
    environ = builder.get_environ()
    body = environ["wsgi.input"].read()
    builder.close()
    return body, environ["CONTENT_TYPE"]


CRLF = b"\r\n"


def browser_body(
    boundary: bytes, parts: list[tuple[list[bytes], bytes]], preamble: bytes = b""
) -> bytes:
    out = [preamble]
    for headers, content in parts:
        out.append(b"--" + boundary + CRLF + CRLF.join(headers) + CRLF + CRLF + content + CRLF)
    out.append(b"--" + boundary + b"--" + CRLF)
    return b"".join(out)


BROWSER_CASES = [
    [([b'Content-Disposition: form-data; name="a"'], b"1")],
    [
        ([b'Content-Disposition: form-data; name="a"'], b""),
        (
            [
                b'Content-Disposition: form-data; name="f"; filename=""',
                b"Content-Type: application/octet-stream",
            ],
            b"",
        ),
    ],
    [
        ([b'Content-Disposition: form-data; name="text"'], b"line1\r\nline2\r\n"),
        ([b'Content-Disposition: form-data; name="text"'], b"\r\n"),
    ],
    [
        (
            [
                b'content-disposition: form-data; name="f"; filename="r\xc3\xa9sum\xc3\xa9.pdf"',
                b"content-type: application/pdf",
            ],
            b"%PDF-1.4\r\n--not-the-boundary\r\n\x00\xff",
        )
    ],
    [([b"Content-Disposition: form-data; name=\"n\"; filename*=UTF-8''%E2%82%AC.txt"], b"euro")],
    [
        (
            [
                b'Content-Disposition: form-data; name="lat"',
                b"Content-Type: text/plain; charset=iso-8859-1",
            ],
            b"caf\xe9",
        ),
        (
            [
                b'Content-Disposition: form-data; name="koi"',
                b"Content-Type: text/plain; charset=koi8-r",
            ],
            b"\xc1\xc2",
        ),
    ],
    [([b'Content-Disposition: form-data; name="q\\"uote"; filename="a%22b.txt"'], b"x")],
    [
        ([b'Content-Disposition: form-data; filename="noname.txt"'], b"x"),
        ([b"Content-Disposition: form-data"], b"y"),
    ],
    [
        (
            [
                b'Content-Disposition: form-data; name="h"',
                b"X-Extra:   padded value  ",
                b"Content-Length: 3",
            ],
            b"abc",
        )
    ],
    [([b'Content-Disposition: form-data; name="bin"; filename="b"'], bytes(range(256)) * 300)],
]


@pytest.mark.parametrize("parts", BROWSER_CASES)
def test_browser_style_multipart_matches_werkzeug(parts: list[tuple[list[bytes], bytes]]) -> None:
    boundary = b"----WebKitFormBoundary7MA4YWxkTrZu0gW"
    body = browser_body(boundary, parts)
    assert_parity(body, f"multipart/form-data; boundary={boundary.decode()}")
    assert_parity(CRLF + body + b"epilogue", f'multipart/form-data; boundary="{boundary.decode()}"')


def test_empty_multipart_matches_werkzeug() -> None:
    assert_parity(b"--B--\r\n", "multipart/form-data; boundary=B")


WERKZEUG_ENCODED = [
    {"a": "1", "b": ["x", "y"]},
    {"f": (io.BytesIO(b""), "empty.txt")},
    {"f": [(io.BytesIO(b""), "e1"), (io.BytesIO(b""), "e2")], "after": "field"},
    {"g": (io.BytesIO(b"data\r\n"), "trailing-crlf.txt"), "h": ""},
    {
        "u": "\u2603 snow",
        "f": (io.BytesIO("caf\u00e9".encode()), "caf\u00e9.txt", "text/plain; charset=utf-8"),
    },
]


@pytest.mark.parametrize("data", WERKZEUG_ENCODED)
def test_werkzeug_test_client_encoding_matches(data: dict[str, t.Any]) -> None:
    body, content_type = encode_with_werkzeug(data)
    assert_parity(body, content_type)


URLENCODED_CASES = [
    b"",
    b"a=1&a=2&b=&c",
    b"x=%20y+z&%E2%98%83=snow",
    b"bad=%ff%fe&ok=1",
    b"&&=&a==b",
    b"semi=1;2&plus=%2B",
    b"k=" + b"v" * 10000,
]


@pytest.mark.parametrize("body", URLENCODED_CASES)
def test_urlencoded_matches_werkzeug(body: bytes) -> None:
    assert_parity(body, "application/x-www-form-urlencoded")


def test_other_mimetypes_and_missing_boundary_give_empty_dicts() -> None:
    for content_type in [
        "text/plain",
        "application/json",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/mixed; boundary=B",
    ]:
        form, files = ours_parse(b"--B\r\nx", content_type)
        assert not form and not files


def test_result_class_is_configurable() -> None:
    form, files = parse_form(b"a=1", "application/x-www-form-urlencoded", {}, cls=ImmutableFormData)
    assert isinstance(form, ImmutableFormData) and isinstance(files, ImmutableFormData)
    with pytest.raises(TypeError):
        form["b"] = "2"


def test_stream_factory_receives_upload_metadata() -> None:
    calls: list[tuple[t.Any, ...]] = []

    def factory(
        total_content_length: t.Any,
        content_type: t.Any,
        filename: t.Any,
        content_length: t.Any = None,
    ) -> t.IO[bytes]:
        calls.append((total_content_length, content_type, filename, content_length))
        return io.BytesIO()

    body = browser_body(
        b"B",
        [
            (
                [
                    b'Content-Disposition: form-data; name="f"; filename="a.png"',
                    b"Content-Type: image/png",
                    b"Content-Length: 4",
                ],
                b"\x89PNG",
            )
        ],
    )
    _, files = parse_form(body, "multipart/form-data", {"boundary": "B"}, stream_factory=factory)
    assert calls == [(len(body), "image/png", "a.png", 4)]
    storage = files["f"]
    assert isinstance(storage, FileStorage) and storage.read() == b"\x89PNG"


def test_multipart_limits_raise_413_like_werkzeug() -> None:
    from werkzeug.exceptions import RequestEntityTooLarge as WzTooLarge

    body = browser_body(
        b"B", [([f'Content-Disposition: form-data; name="f{i}"'.encode()], b"v") for i in range(5)]
    )
    with pytest.raises(WzTooLarge):
        werkzeug_parse(body, "multipart/form-data; boundary=B", max_form_parts=4)
    with pytest.raises(RequestEntityTooLarge):
        ours_parse(body, "multipart/form-data; boundary=B", max_form_parts=4)
    assert len(ours_parse(body, "multipart/form-data; boundary=B", max_form_parts=5)[0]) == 5
    big = browser_body(
        b"B",
        [
            ([b'Content-Disposition: form-data; name="t"'], b"x" * 100),
            ([b'Content-Disposition: form-data; name="f"; filename="f"'], b"y" * 1000),
        ],
    )
    # Werkzeug checks each 64 KiB read against the limit too, so a small limit refuses
    # any body larger than it, even when the big part is a file.
    for limit in (99, 100, len(big) - 1):
        with pytest.raises(WzTooLarge):
            werkzeug_parse(big, "multipart/form-data; boundary=B", max_form_memory_size=limit)
        with pytest.raises(RequestEntityTooLarge):
            ours_parse(big, "multipart/form-data; boundary=B", max_form_memory_size=limit)
    form, files = ours_parse(big, "multipart/form-data; boundary=B", max_form_memory_size=len(big))
    assert form["t"] == "x" * 100 and files["f"].read() == b"y" * 1000
    # Past the first read, the limit is per text field; files are not counted.
    large = browser_body(
        b"B",
        [
            ([b'Content-Disposition: form-data; name="f"; filename="f"'], b"y" * 200_000),
            ([b'Content-Disposition: form-data; name="t"'], b"x" * 70_000),
        ],
    )
    for limit, fails in ((69_999, True), (70_000, False)):
        if fails:
            with pytest.raises(WzTooLarge):
                werkzeug_parse(
                    large,
                    "multipart/form-data; boundary=B",
                    max_form_memory_size=limit,
                    stream_factory=lambda *args, **kwargs: io.BytesIO(),
                )
            with pytest.raises(RequestEntityTooLarge):
                ours_parse(large, "multipart/form-data; boundary=B", max_form_memory_size=limit)
        else:
            ctype = "multipart/form-data; boundary=B"
            expected = werkzeug_parse(large, ctype, max_form_memory_size=limit)
            form, files = ours_parse(large, ctype, max_form_memory_size=limit)
            assert form.to_dict() == expected[0].to_dict()
            assert files["f"].read() == expected[1]["f"].read()
            expected[1]["f"].close()
            files["f"].close()


MALFORMED = [
    b"garbage without any boundary",
    b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue-without-end',
    b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--B',
    b"--B\r\nNo-Disposition: x\r\n\r\nv\r\n--B--\r\n",
    b"--B\r\nBad Header Name: x\r\n\r\nv\r\n--B--\r\n",
    b'--B\r\nContent-Disposition: form-data; name="\xff\xfe"\r\n\r\nv\r\n--B--\r\n',
    b'--B\rContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--B--\r\n',
    b"--B\r\n: empty-name\r\n\r\nv\r\n--B--\r\n",
    b'--X\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--X--\r\n',
    b"--B\r\n" + b"X-H: " + b"h" * 10000 + b"\r\n\r\nv\r\n--B--\r\n",
    b"--B\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(50)) + b"\r\nv\r\n--B--\r\n",
    b"\x00\xff" * 100,
    b"",
]


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_multipart_is_a_400(body: bytes) -> None:
    with pytest.raises(BadRequest):
        ours_parse(body, "multipart/form-data; boundary=B")


def test_malformed_urlencoded_and_boundaries_are_400() -> None:
    with pytest.raises(BadRequest):
        ours_parse(b"a=\xff\xfe", "application/x-www-form-urlencoded")
    with pytest.raises(BadRequest):
        ours_parse(b"--\xe9\r\n", 'multipart/form-data; boundary="\xe9\u2603"')
    with pytest.raises(BadRequest):
        ours_parse(b"--x", "multipart/form-data; boundary=" + "x" * 300)
    with pytest.raises(BadRequest):
        parse_form(b"a=1", "application/x-www-form-urlencoded", {}, charset="no-such-codec")


VALID = browser_body(
    b"B",
    [
        ([b'Content-Disposition: form-data; name="a"'], b"1"),
        (
            [
                b'Content-Disposition: form-data; name="f"; filename="x.bin"',
                b"Content-Type: application/octet-stream",
            ],
            b"\x00\x01\r\n--B-\r\n",
        ),
    ],
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_never_raise_anything_but_http_errors(body: bytes) -> None:
    for content_type in ["multipart/form-data; boundary=B", "application/x-www-form-urlencoded"]:
        try:
            ours_parse(body, content_type)
        except HTTPException as exc:
            assert exc.code in (400, 413)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, len(VALID) - 1),
    st.integers(0, 255),
    st.sampled_from(["replace", "insert", "delete", "truncate"]),
)
def test_mutated_multipart_never_raises_anything_but_400(
    position: int, byte: int, how: str
) -> None:
    if how == "replace":
        body = VALID[:position] + bytes([byte]) + VALID[position + 1 :]
    elif how == "insert":
        body = VALID[:position] + bytes([byte]) + VALID[position:]
    elif how == "delete":
        body = VALID[:position] + VALID[position + 1 :]
    else:
        body = VALID[:position]
    try:
        form, files = ours_parse(body, "multipart/form-data; boundary=B")
    except BadRequest:
        return
    for storage in files.values():
        assert isinstance(storage, FileStorage)


def test_python_multipart_is_imported_lazily() -> None:
    code = (
        "import sys, veloce.core.request, veloce.core.body, veloce.core.datastructures;"
        "assert 'python_multipart' not in sys.modules and 'multipart' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

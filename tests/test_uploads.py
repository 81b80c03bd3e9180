"""Uploads: spooled request bodies, streamed multipart parsing, limits and memory bounds."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import textwrap
import typing as t

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veloce import Veloce, jsonify, request
from veloce.core.body import BODY_SPOOL_THRESHOLD, SpooledBody, parse_form, read_body
from veloce.core.exceptions import ClientDisconnected, RequestEntityTooLarge
from veloce.core.filenames import secure_filename


def messages(*parts: bytes) -> t.Callable[[], t.Awaitable[dict[str, t.Any]]]:
    queue = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]

    async def receive() -> dict[str, t.Any]:
        return queue.pop(0)

    return receive


def multipart(boundary: bytes, parts: list[tuple[bytes, bytes]]) -> bytes:
    """Browser-shaped multipart: each part is (header block, content)."""
    out = b""
    for headers, content in parts:
        out += b"--" + boundary + b"\r\n" + headers + b"\r\n\r\n" + content + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


def file_part(name: str, filename: str, content: bytes, ctype: str = "text/plain") -> tuple:
    headers = (
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {ctype}"
    ).encode()
    return headers, content


def field_part(name: str, value: bytes) -> tuple:
    return f'Content-Disposition: form-data; name="{name}"'.encode(), value


class ChunkedBody:
    """A stand-in for SpooledBody that yields the body in chosen pieces."""

    def __init__(self, data: bytes, cuts: list[int]) -> None:
        self.data = data
        self.cuts = sorted({c for c in cuts if 0 < c < len(data)})

    def __len__(self) -> int:
        return len(self.data)

    def chunks(self) -> t.Iterator[bytes]:
        start = 0
        for cut in [*self.cuts, len(self.data)]:
            yield self.data[start:cut]
            start = cut

    def read_all(self) -> bytes:
        return self.data


def summary(form: t.Any, files: t.Any) -> tuple[t.Any, t.Any]:
    uploaded = [(k, f.filename, f.content_type, f.read()) for k, f in files.items(multi=True)]
    for _, f in files.items(multi=True):
        f.close()
    return sorted(form.items(multi=True)), uploaded


# -- secure_filename -----------------------------------------------------------------


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_secure_filename_matches_werkzeug(name: str) -> None:
    from werkzeug.utils import secure_filename as werkzeug_secure_filename

    assert secure_filename(name) == werkzeug_secure_filename(name)


@given(
    st.lists(
        st.sampled_from(
            ["..", ".", "/", "\\", " ", "\t", "_", "-", "a", "B", "ü", "CON", "nul", "é", ".txt"]
        ),
        max_size=12,
    ).map("".join)
)
def test_secure_filename_matches_werkzeug_on_tricky_pieces(name: str) -> None:
    from werkzeug.utils import secure_filename as werkzeug_secure_filename

    assert secure_filename(name) == werkzeug_secure_filename(name)


# -- read_body spooling ----------------------------------------------------------------


def test_small_body_stays_bytes() -> None:
    body = asyncio.run(read_body(messages(b"a" * 10, b"b" * 10), None, None, spool_threshold=100))
    assert body == b"a" * 10 + b"b" * 10 and isinstance(body, bytes)


def test_large_body_is_spooled_to_a_file() -> None:
    parts = [bytes([65 + i]) * 40 for i in range(5)]
    body = asyncio.run(read_body(messages(*parts), None, None, spool_threshold=100))
    assert isinstance(body, SpooledBody)
    try:
        assert len(body) == 200
        assert body.read_all() == b"".join(parts)
        assert b"".join(body.chunks(7)) == b"".join(parts)
    finally:
        body.close()


def test_spooling_when_the_last_message_crosses_the_threshold() -> None:
    body = asyncio.run(read_body(messages(b"x" * 150), None, None, spool_threshold=100))
    assert isinstance(body, SpooledBody)
    try:
        assert body.read_all() == b"x" * 150
    finally:
        body.close()


def test_limit_still_applies_while_spooling() -> None:
    with pytest.raises(RequestEntityTooLarge):
        asyncio.run(read_body(messages(*[b"x" * 50] * 5), None, 180, spool_threshold=100))


def test_disconnect_while_spooling() -> None:
    queue = [
        {"type": "http.request", "body": b"x" * 150, "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, t.Any]:
        return queue.pop(0)

    with pytest.raises(ClientDisconnected):
        asyncio.run(read_body(receive, None, None, spool_threshold=100))


# -- streamed multipart parsing --------------------------------------------------------

# Werkzeug's test client writes an empty file as "headers CRLF CRLF --boundary".
EMPTY_FILE_QUIRK = (
    b"--B\r\nContent-Disposition: form-data; name=\"e\"; filename=\"\"\r\n"
    b"Content-Type: application/octet-stream\r\n\r\n"
    b"--B\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nvalue\r\n"
    b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n"
    b"line\r\n\r\nmore\r\n\r\n"
    b"--B\r\nContent-Disposition: form-data; name=\"g\"; filename=\"\"\r\n\r\n"
    b"--B--\r\n"
)
SAMPLE = multipart(
    b"B",
    [
        file_part("f", "one.txt", b"first\r\n\r\n--C almost\r\n"),
        file_part("f", "two.bin", bytes(range(256)) * 3, "application/octet-stream"),
        field_part("t", "välue".encode()),
        file_part("e", "", b""),
        file_part("f", "three.txt", b""),
    ],
)


def werkzeug_summary(body: bytes) -> tuple[t.Any, t.Any]:
    from werkzeug.formparser import FormDataParser

    parser = FormDataParser(silent=False, stream_factory=lambda *a, **k: io.BytesIO())
    _, form, files = parser.parse(io.BytesIO(body), "multipart/form-data", len(body), {
        "boundary": "B"
    })
    return summary(form, files)


@pytest.mark.parametrize("body", [SAMPLE, EMPTY_FILE_QUIRK], ids=["sample", "empty-file"])
@settings(max_examples=150, deadline=None)
@given(cuts=st.lists(st.integers(1, 2000), max_size=8))
def test_chunked_parse_matches_werkzeug(body: bytes, cuts: list[int]) -> None:
    form, files = parse_form(ChunkedBody(body, cuts), "multipart/form-data", {"boundary": "B"})
    assert summary(form, files) == werkzeug_summary(body)


def test_every_single_cut_of_the_empty_file_quirk() -> None:
    expected = werkzeug_summary(EMPTY_FILE_QUIRK)
    for cut in range(1, len(EMPTY_FILE_QUIRK)):
        chunked = ChunkedBody(EMPTY_FILE_QUIRK, [cut])
        form, files = parse_form(chunked, "multipart/form-data", {"boundary": "B"})
        assert summary(form, files) == expected, cut


def test_large_uploads_spool_to_disk() -> None:
    body = multipart(b"B", [file_part("f", "big.bin", b"z" * (600 * 1024))])
    _, files = parse_form(body, "multipart/form-data", {"boundary": "B"})
    upload = files["f"]
    try:
        assert upload.stream._rolled  # SpooledTemporaryFile moved to disk past 500 KiB
        assert upload.read() == b"z" * (600 * 1024)
    finally:
        upload.close()


# -- through the app ---------------------------------------------------------------------


def upload_app() -> Veloce:
    app = Veloce(__name__)
    app.testing = True

    @app.post("/upload")
    def upload() -> t.Any:
        return jsonify({
            field: [[f.filename, len(f.read())] for f in request.files.getlist(field)]
            for field in request.files
        } | {"form": request.form.to_dict(flat=False)})

    @app.post("/raw")
    def raw() -> t.Any:
        first = request.stream.read(5)
        data = request.get_data()
        return jsonify(first=first.decode(), size=len(data), tail=data[-5:].decode())

    return app


def test_spooled_upload_through_the_app(tmp_path: t.Any) -> None:
    app = upload_app()
    big = b"q" * (BODY_SPOOL_THRESHOLD + 12345)
    data = {
        "f": [(io.BytesIO(big), "big.bin"), (io.BytesIO(b"small"), "small.txt")],
        "title": "x",
    }
    response = app.test_client().post("/upload", data=data)
    assert response.status_code == 200
    assert response.get_json() == {
        "f": [["big.bin", len(big)], ["small.txt", 5]],
        "form": {"title": ["x"]},
    }


def test_spooled_raw_body_reads_back() -> None:
    app = upload_app()
    body = b"0123456789" * (BODY_SPOOL_THRESHOLD // 10 + 7)
    response = app.test_client().post(
        "/raw", data=body, content_type="application/octet-stream"
    )
    assert response.get_json() == {"first": "01234", "size": len(body), "tail": "56789"}


@pytest.mark.parametrize(
    "body",
    [
        b"--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nunterminated",
        b"garbage",
        b"--B\r\nNo-Disposition: x\r\n\r\nv\r\n--B--\r\n",
        b"--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\xff\xfe\r\n\r\nv\r\n--B--\r\n",
    ],
)
def test_malformed_multipart_is_a_400(body: bytes) -> None:
    app = upload_app()
    # The second payload is spooled: a large valid file part comes first.
    big_part = (
        b"--B\r\nContent-Disposition: form-data; name=\"big\"; filename=\"b\"\r\n\r\n"
        + b"x" * BODY_SPOOL_THRESHOLD
        + b"\r\n"
    )
    for payload in (body, big_part + body):
        response = app.test_client().post(
            "/upload", data=payload, content_type="multipart/form-data; boundary=B"
        )
        assert response.status_code == 400


def test_max_content_length_while_spooling() -> None:
    app = upload_app()
    app.config["MAX_CONTENT_LENGTH"] = BODY_SPOOL_THRESHOLD + 10
    response = app.test_client().post(
        "/raw", data=b"x" * (BODY_SPOOL_THRESHOLD + 11), content_type="text/plain"
    )
    assert response.status_code == 413


# -- memory bound ------------------------------------------------------------------------

MEMORY_SCRIPT = textwrap.dedent(
    """
    import asyncio, hashlib, os, sys
    from veloce import Veloce, jsonify, request

    SIZE = 200 * 1024 * 1024
    CHUNK = 64 * 1024
    BOUNDARY = b"memtestboundary"

    app = Veloce(__name__)

    @app.post("/upload")
    def upload():
        f = request.files["f"]
        digest = hashlib.sha256()
        with open(os.devnull, "wb") as sink:
            f.save(sink)
        while True:
            block = f.stream.read(1 << 20)
            if not block:
                break
            digest.update(block)
        return jsonify(filename=f.filename, size=f.tell(), sha=digest.hexdigest(),
                       title=request.form["title"])

    def vmhwm():
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024

    head = (b"--" + BOUNDARY + b'\\r\\nContent-Disposition: form-data; name="title"\\r\\n\\r\\n'
            b"big one\\r\\n--" + BOUNDARY
            + b'\\r\\nContent-Disposition: form-data; name="f"; filename="big.bin"\\r\\n'
            b"Content-Type: application/octet-stream\\r\\n\\r\\n")
    tail = b"\\r\\n--" + BOUNDARY + b"--\\r\\n"
    block = bytes(range(256)) * (CHUNK // 256)

    def chunks():
        yield head
        for _ in range(SIZE // CHUNK):
            yield block
        yield tail

    async def main():
        expected = hashlib.sha256()
        for _ in range(SIZE // CHUNK):
            expected.update(block)
        source = chunks()
        length = len(head) + SIZE + len(tail)
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": "/upload", "raw_path": b"/upload",
            "root_path": "", "query_string": b"", "server": ("localhost", 80),
            "client": ("127.0.0.1", 1234),
            "headers": [(b"host", b"localhost"),
                        (b"content-type", b"multipart/form-data; boundary=" + BOUNDARY),
                        (b"content-length", str(length).encode())],
        }

        async def receive():
            chunk = next(source, None)
            if chunk is None:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": chunk, "more_body": chunk is not tail}

        sent = []

        async def send(message):
            sent.append(message)

        # Warm up imports and lazily built state with a small request first.
        await app({**scope, "headers": scope["headers"][:2]}, messages_small(), send)
        sent.clear()
        baseline = vmhwm()
        await app(scope, receive, send)
        peak = vmhwm()
        status = sent[0]["status"]
        body = b"".join(m.get("body", b"") for m in sent[1:])
        print(status, peak - baseline, body.decode(), expected.hexdigest(), sep="\\n")

    def messages_small():
        small = head + b"abc" + tail
        queue = [{"type": "http.request", "body": small, "more_body": False}]
        async def receive():
            return queue.pop(0)
        return receive

    asyncio.run(main())
    """
)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc (Linux)")
def test_200_mb_upload_stays_under_50_mb_of_memory(tmp_path: t.Any) -> None:
    import json

    script = tmp_path / "upload_memory.py"
    script.write_text(MEMORY_SCRIPT)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line]
    status, grown, body, expected_sha = lines
    assert status == "200"
    payload = json.loads(body)
    assert payload == {
        "filename": "big.bin",
        "size": 200 * 1024 * 1024,
        "sha": expected_sha,
        "title": "big one",
    }
    assert int(grown) < 50 * 1024 * 1024, f"peak RSS grew by {int(grown) / 2**20:.1f} MiB"

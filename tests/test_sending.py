"""send_file / send_from_directory against Werkzeug 3.1, and FileResponse streaming."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import textwrap
import typing as t
from pathlib import Path

import pytest

from veloce import FileResponse, Veloce, send_file, send_from_directory
from veloce.core.exceptions import NotFound, RequestedRangeNotSatisfiable
from veloce.core.files import FileBody
from veloce.sending import send_file_response


@pytest.fixture
def data_file(tmp_path: t.Any) -> str:
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 1000)
    return str(path)


def _werkzeug(path_or_file: t.Any, headers: dict[str, str] | None = None, **kwargs: t.Any) -> t.Any:
    from werkzeug.test import EnvironBuilder
    from werkzeug.utils import send_file as wz_send_file

    environ = EnvironBuilder(headers=headers or {}).get_environ()
    rv = wz_send_file(path_or_file, environ, **kwargs)
    rv.direct_passthrough = False
    return rv


def _ours(path_or_file: t.Any, headers: dict[str, str] | None = None, **kwargs: t.Any) -> t.Any:
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(headers=headers or {}).get_environ()
    rv = send_file_response(path_or_file, environ, **kwargs)
    rv.direct_passthrough = False
    return rv


_COMPARED = (
    "Content-Type",
    "Content-Length",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Range",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "Accept-Ranges",
)


@pytest.mark.parametrize(
    ("headers", "kwargs"),
    [
        ({}, {}),
        ({}, {"as_attachment": True}),
        ({}, {"download_name": "naïve ☃.txt", "as_attachment": True}),
        ({}, {"download_name": "x.tar.gz"}),
        ({}, {"mimetype": "text/csv", "max_age": 30}),
        ({}, {"max_age": 0, "etag": "fixed"}),
        ({}, {"etag": False, "last_modified": 1_600_000_000}),
        ({"Range": "bytes=10-19"}, {}),
        ({"Range": "bytes=-5"}, {}),
        ({"Range": "bytes=255990-"}, {}),
        ({"If-Range": '"nope"', "Range": "bytes=0-3"}, {"etag": "tag"}),
        ({"If-None-Match": '"tag"'}, {"etag": "tag"}),
        ({"If-Match": '"other"'}, {"etag": "tag"}),
        ({"If-Modified-Since": "Thu, 01 Jan 2037 00:00:00 GMT"}, {}),
    ],
)
def test_send_file_matches_werkzeug(
    data_file: str, headers: dict[str, str], kwargs: dict[str, t.Any]
) -> None:
    expected = _werkzeug(data_file, headers, **kwargs)
    actual = _ours(data_file, headers, **kwargs)
    assert actual.status_code == expected.status_code
    for name in _COMPARED:
        assert actual.headers.get(name) == expected.headers.get(name), name
    assert actual.get_data() == expected.get_data()
    actual.close()
    expected.close()


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=3-5"}, {"Range": "bytes=-2"}])
def test_send_file_bytesio_matches_werkzeug(headers: dict[str, str]) -> None:
    expected = _werkzeug(io.BytesIO(b"0123456789"), headers, mimetype="text/plain")
    actual = _ours(io.BytesIO(b"0123456789"), headers, mimetype="text/plain")
    assert (actual.status_code, actual.get_data()) == (expected.status_code, expected.get_data())
    assert actual.headers.get("Content-Range") == expected.headers.get("Content-Range")
    actual.close()
    expected.close()


def test_send_file_unsatisfiable_range_raises_416(data_file: str) -> None:
    with pytest.raises(RequestedRangeNotSatisfiable):
        _ours(data_file, {"Range": "bytes=999999-"})


@pytest.mark.parametrize(
    ("arg", "kwargs", "exc"),
    [
        (io.BytesIO(b"x"), {}, TypeError),
        (io.BytesIO(b"x"), {"mimetype": "text/plain", "as_attachment": True}, TypeError),
        (io.StringIO("x"), {"mimetype": "text/plain"}, ValueError),
    ],
)
def test_send_file_errors_match_werkzeug(arg: t.Any, kwargs: dict[str, t.Any], exc: type) -> None:
    with pytest.raises(exc):
        _werkzeug(arg, **kwargs)
    arg.seek(0)
    with pytest.raises(exc):
        _ours(arg, **kwargs)


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/../../x", "missing.txt", "", "sub"])
def test_send_from_directory_not_found(tmp_path: t.Any, name: str) -> None:
    (tmp_path / "sub").mkdir()
    app = Veloce(__name__, package_root=str(tmp_path))
    with app.test_request_context(), pytest.raises(NotFound):
        send_from_directory(str(tmp_path / "sub"), name)


def test_send_file_uses_app_root_and_max_age(tmp_path: t.Any) -> None:
    (tmp_path / "f.txt").write_text("hi")
    app = Veloce(__name__, package_root=str(tmp_path))
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 120

    @app.get("/f")
    def view() -> t.Any:
        return send_file("f.txt")

    response = app.test_client().get("/f")
    assert response.data == b"hi"
    assert response.headers["Cache-Control"] == "public, max-age=120"


def test_send_file_outside_request_context() -> None:
    with pytest.raises(RuntimeError, match="request context"):
        send_file(io.BytesIO(b""), mimetype="text/plain")


def test_async_view_returns_file_response(data_file: str) -> None:
    app = Veloce(__name__)

    @app.get("/f")
    async def view() -> t.Any:
        return await FileResponse.from_path(data_file, filename="été.bin")

    client = app.test_client()
    response = client.get("/f")
    assert response.data == Path(data_file).read_bytes()
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=ete.bin; filename*=UTF-8''%C3%A9t%C3%A9.bin"
    )
    assert client.get("/f", headers={"Range": "bytes=1-2"}).data == bytes([1, 2])
    etag = response.headers["ETag"]
    assert client.get("/f", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/f", headers={"Range": "bytes=9999999-"}).status_code == 416


def test_file_body_reads_only_the_range(tmp_path: t.Any) -> None:
    reads: list[int] = []

    class Tracking(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            reads.append(-1 if size is None else size)
            return super().read(size)

    body = FileBody(file=Tracking(b"x" * 1_000_000), chunk_size=1000)
    sliced = body.slice(999_000, 999_010)
    assert b"".join(sliced) == b"x" * 10
    assert reads == [10]


def test_file_body_streams_off_the_loop(data_file: str) -> None:
    import threading

    threads: set[str] = set()

    class Spy(FileBody):
        __slots__ = ()

        def _read(self, file: t.Any, remaining: int | None) -> bytes:
            threads.add(threading.current_thread().name)
            return super()._read(file, remaining)

    async def run() -> bytes:
        body = Spy(path=data_file)
        parts = [chunk async for chunk in body.achunks()]
        body.close()
        return b"".join(parts)

    assert asyncio.run(run()) == Path(data_file).read_bytes()
    assert threading.main_thread().name not in threads


_MEMORY_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from veloce import Veloce, send_file

    def hwm_kb():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])

    app = Veloce(__name__)

    @app.get("/big")
    def big():
        return send_file(sys.argv[1])

    async def main():
        total = 0

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            nonlocal total
            if message["type"] == "http.response.body":
                total += len(message.get("body", b""))

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": "/big", "raw_path": b"/big",
                 "root_path": "", "query_string": b"", "headers": [(b"host", b"t")],
                 "client": ("127.0.0.1", 1), "server": ("t", 80)}
        # Warm up (imports, thread pool) with a small request first.
        await app(dict(scope, path="/missing", raw_path=b"/missing"), receive, send)
        total = 0
        before = hwm_kb()
        await app(scope, receive, send)
        print(total, hwm_kb() - before)

    asyncio.run(main())
    """
)


def test_200mb_download_keeps_memory_flat(tmp_path: t.Any) -> None:
    path = tmp_path / "big.bin"
    size = 200 * 1024 * 1024
    with open(path, "wb") as f:
        block = os.urandom(1024 * 1024)
        for _ in range(200):
            f.write(block)
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()
    sent, growth_kb = int(out[0]), int(out[1])
    assert sent == size
    assert growth_kb < 50 * 1024

"""Multipart form parsing: the python-multipart callback collector and upload streams.

:func:`~veloce.core.body.parse_form` hands a multipart body to
:class:`_MultipartCollector`, which turns the push parser's callbacks into fields and
:class:`~veloce.core.uploads.FileStorage` objects, enforcing the form limits as it
goes. The stream factory an upload is written to lives here too. Kept apart from the
body reader in :mod:`veloce.core.body`, which never needs any of it for a request that
has no form.
"""

from __future__ import annotations

import contextlib
import tempfile
import typing as t

from veloce.core._headerparse import parse_options_header
from veloce.core.exceptions import BadRequest, RequestEntityTooLarge
from veloce.core.headers import Headers
from veloce.core.uploads import FileStorage

__all__ = ["StreamFactory", "_MultipartCollector", "default_stream_factory"]

_UPLOAD_MEMORY = 500 * 1024


class StreamFactory(t.Protocol):
    """Creates the writable, seekable binary stream an uploaded file is written to."""

    def __call__(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None,
        content_length: int | None = None,
    ) -> t.IO[bytes]:
        """Return a new stream for one uploaded file."""
        ...


def default_stream_factory(
    total_content_length: int | None,
    content_type: str | None,
    filename: str | None,
    content_length: int | None = None,
) -> t.IO[bytes]:
    """A stream that stays in memory up to 500 KiB, then moves to a temporary file.

    Flask parity: Werkzeug's default (a ``SpooledTemporaryFile`` of the same size).
    """
    return _UploadSpool(max_size=_UPLOAD_MEMORY, mode="w+b")


class _UploadSpool(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
    """A ``SpooledTemporaryFile`` that closes quietly when garbage collected.

    The request closes its uploads at teardown; an upload that outlives it (kept by
    the view, or created by a direct ``parse_form`` call) is closed by the collector
    instead of raising ``ResourceWarning``, as the stdlib class does since 3.11.
    """

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


_SAFE_PART_CHARSETS = frozenset({"ascii", "us-ascii", "utf-8", "iso-8859-1"})


class _MultipartCollector:
    """Receives python-multipart callbacks and builds fields and FileStorage objects."""

    __slots__ = (
        "total",
        "charset",
        "max_memory",
        "max_parts",
        "stream_factory",
        "fields",
        "files",
        "parts",
        "ended",
        "header_pairs",
        "header_field",
        "header_value",
        "current",
        "size",
    )

    def __init__(
        self,
        total: int,
        charset: str,
        max_memory: int | None,
        max_parts: int | None,
        stream_factory: StreamFactory,
    ) -> None:
        self.total = total
        self.charset = charset
        self.max_memory = max_memory
        self.max_parts = max_parts
        self.stream_factory = stream_factory
        self.fields: list[tuple[str | None, str]] = []
        self.files: list[tuple[str | None, FileStorage]] = []
        self.parts = 0
        self.ended = False
        self.header_pairs: list[tuple[bytes, bytes]] = []
        self.header_field = bytearray()
        self.header_value = bytearray()
        # (name, filename-or-None, headers, sink): sink is a list of chunks or a stream.
        self.current: tuple[t.Any, ...] | None = None
        self.size = 0

    def feed(self, boundary: str, chunks: t.Iterable[bytes]) -> None:
        try:
            from python_multipart.multipart import MultipartParser
        except ImportError as exc:  # pragma: no cover - python-multipart is a dependency
            raise RuntimeError(
                "install 'python-multipart' to parse multipart/form-data bodies"
            ) from exc
        callbacks = {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }
        try:
            marker = boundary.encode("latin-1")
            parser = MultipartParser(marker, callbacks)  # type: ignore[arg-type]
            # A part may end right where its header block does ("...\r\n\r\n--B"):
            # see _write. Keep enough unfed bytes to see that sequence across chunks.
            empty_end = b"\r\n\r\n--" + marker
            keep = len(empty_end) - 1
            tail = b""
            for chunk in chunks:
                data = tail + chunk if tail else chunk
                if len(data) <= keep:
                    tail = data
                    continue
                fed = self._write(parser, data, len(data) - keep, empty_end)
                tail = data[fed:]
            if tail:
                self._write(parser, tail, len(tail), empty_end)
            parser.finalize()
        except (ValueError, UnicodeError):
            self.discard()
            raise BadRequest("The multipart/form-data body is malformed.") from None
        except BaseException:
            self.discard()
            raise
        if not self.ended:
            self.discard()
            raise BadRequest("The multipart/form-data body is incomplete.")

    def discard(self) -> None:
        """Close every upload stream opened so far (the parse failed)."""
        current = self.current
        if current is not None and current[1] is not None:
            current[3].close()
        for _, storage in self.files:
            storage.close()

    def _write(self, parser: t.Any, data: bytes, stop: int, empty_end: bytes) -> int:
        """Feed ``data[:stop]`` (or a little more) to ``parser``; return how much was fed.

        Werkzeug's test client encodes an empty file as ``headers CRLF CRLF --B``: the
        blank line doubles as the delimiter's CRLF, and Werkzeug's parser accepts it,
        while python-multipart would read the delimiter as data. Where ``CRLF CRLF --B``
        occurs and the parser finishes a header block exactly on its last CRLF, the
        missing CRLF is fed in between; anywhere else the bytes pass through unchanged.
        """
        size = len(empty_end)
        position = 0
        found = data.find(empty_end, 0, stop + size - 1)
        while found >= 0:
            parser.write(data[position : found + 2])
            before = self.parts
            parser.write(data[found + 2 : found + 4])
            if self.parts != before:
                parser.write(b"\r\n")
            position = found + 4
            found = data.find(empty_end, position, stop + size - 1)
        if position < stop:
            parser.write(data[position:stop])
            position = stop
        return position

    def on_part_begin(self) -> None:
        self.header_pairs = []
        self.current = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.header_pairs.append((bytes(self.header_field), bytes(self.header_value)))
        self.header_field = bytearray()
        self.header_value = bytearray()

    def on_headers_finished(self) -> None:
        self.parts += 1
        if self.max_parts is not None and self.parts > self.max_parts:
            raise RequestEntityTooLarge()
        headers = Headers()
        for raw_name, raw_value in self.header_pairs:
            # Strict UTF-8 like Werkzeug: browsers send raw UTF-8 filenames.
            headers.add(raw_name.decode().strip(" \t"), raw_value.decode().strip(" \t"))
        disposition = headers.get("content-disposition")
        if disposition is None:
            raise ValueError("Missing Content-Disposition header")
        _, params = parse_options_header(disposition)
        name = params.get("name")
        filename = params.get("filename")
        if filename is None:
            sink: t.Any = []
        else:
            try:
                length = int(headers.get("content-length", ""))
            except ValueError:
                length = 0
            sink = self.stream_factory(
                total_content_length=self.total,
                content_type=headers.get("content-type"),
                filename=filename,
                content_length=length,
            )
        self.current = (name, filename, headers, sink)
        self.size = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        current = self.current
        if current is None or end <= start:
            return
        sink = current[3]
        if current[1] is None:
            self.size += end - start
            if self.max_memory is not None and self.size > self.max_memory:
                raise RequestEntityTooLarge()
            sink.append(data[start:end])
        else:
            sink.write(data[start:end])

    def on_part_end(self) -> None:
        current = self.current
        if current is None:
            return
        name, filename, headers, sink = current
        if filename is None:
            self.fields.append(
                (name, b"".join(sink).decode(self._part_charset(headers), "replace"))
            )
        else:
            sink.seek(0)
            self.files.append((name, FileStorage(sink, filename, name, headers=headers)))
        self.current = None

    def on_end(self) -> None:
        self.ended = True

    def _part_charset(self, headers: Headers) -> str:
        content_type = headers.get("content-type")
        if content_type:
            declared = parse_options_header(content_type)[1].get("charset", "").lower()
            if declared in _SAFE_PART_CHARSETS:
                return declared
        return self.charset

"""Request body I/O: a bounded ASGI body reader and the form parsers.

:func:`read_body` is what enforces ``MAX_CONTENT_LENGTH``: a declared
Content-Length over the limit is refused before a single ``receive()``, and a
streamed (chunked) body is refused on the message that crosses the limit, so no
more than one message beyond the limit is ever buffered.

:func:`parse_form` turns an already-read body into ``(form, files)``. Multipart goes
through python-multipart's push parser, imported on first use so ``import veloce``
stays light. Anything the parser rejects becomes a 400, never a 500.
"""

from __future__ import annotations

import re
import typing as t
from io import BytesIO

from veloce.core._headerparse import parse_options_header
from veloce.core._urls import parse_query
from veloce.core.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge
from veloce.core.headers import Headers
from veloce.core.structures import MultiDict
from veloce.core.uploads import FileStorage

__all__ = ["StreamFactory", "default_stream_factory", "parse_form", "read_body"]

Receive = t.Callable[[], t.Awaitable[t.MutableMapping[str, t.Any]]]


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
    """Keep uploads in memory (the body is already buffered, so this adds one copy)."""
    return BytesIO()


async def read_body(receive: Receive, content_length: int | None, limit: int | None) -> bytes:
    """Read the whole ASGI request body, refusing bodies larger than ``limit`` bytes.

    Args:
        receive: The ASGI ``receive`` callable.
        content_length: The declared Content-Length, or ``None`` (chunked / unknown).
        limit: The maximum body size, or ``None`` for no limit.

    Raises:
        RequestEntityTooLarge: ``content_length`` exceeds ``limit`` (nothing is read),
            or the received bytes exceed it (reading stops at that message).
        ClientDisconnected: the client disconnected before the body was complete.
    """
    if limit is not None and content_length is not None and content_length > limit:
        raise RequestEntityTooLarge()
    first = b""
    chunks: list[bytes] | None = None
    total = 0
    while True:
        message = await receive()
        kind = message.get("type")
        if kind == "http.disconnect":
            raise ClientDisconnected()
        if kind != "http.request":
            continue
        chunk = message.get("body") or b""
        if chunk:
            total += len(chunk)
            if limit is not None and total > limit:
                raise RequestEntityTooLarge()
            if chunks is not None:
                chunks.append(chunk)
            elif first:
                chunks = [first, chunk]
            else:
                first = chunk
        if not message.get("more_body", False):
            break
    if chunks is not None:
        return b"".join(chunks)
    return bytes(first)


def parse_form(
    body: bytes,
    mimetype: str,
    options: t.Mapping[str, str],
    *,
    charset: str = "utf-8",
    max_form_memory_size: int | None = None,
    max_form_parts: int | None = None,
    cls: type[MultiDict[str, t.Any]] = MultiDict,
    stream_factory: StreamFactory = default_stream_factory,
) -> tuple[MultiDict[str, t.Any], MultiDict[str, t.Any]]:
    """Parse a form body into ``(form, files)`` instances of ``cls``.

    ``application/x-www-form-urlencoded`` and ``multipart/form-data`` are parsed;
    any other mimetype, and multipart without a boundary, give two empty dicts.

    Args:
        body: The complete request body.
        mimetype: The lower-cased mimetype of the Content-Type header.
        options: The Content-Type parameters (``boundary``, ``charset``).
        charset: The charset of text fields whose part declares none.
        max_form_memory_size: Largest allowed non-file multipart field, in bytes.
        max_form_parts: Largest allowed number of multipart parts.
        cls: The MultiDict class to return.
        stream_factory: Creates the stream each uploaded file is written to.

    Raises:
        BadRequest: the body is malformed (undecodable, truncated, bad boundary...).
        RequestEntityTooLarge: a multipart limit was exceeded.

    Flask parity: field values, file names and headers equal Werkzeug's. Werkzeug
    silently returns empty dicts for a malformed body; Veloce answers 400.
    """
    if mimetype == "application/x-www-form-urlencoded":
        try:
            text = body.decode(charset)
            pairs = parse_query(text)
        except (UnicodeError, LookupError):
            raise BadRequest("The form body is not valid URL-encoded text.") from None
        return cls(pairs), cls()
    if mimetype == "multipart/form-data":
        boundary = options.get("boundary", "")
        if not boundary:
            return cls(), cls()
        collector = _MultipartCollector(
            len(body), charset, max_form_memory_size, max_form_parts, stream_factory
        )
        collector.feed(boundary, body)
        return cls(collector.fields), cls(collector.files)
    return cls(), cls()


def _restore_empty_parts(body: bytes, boundary: bytes) -> bytes:
    """Add the CRLF some encoders omit between an empty part's headers and the next boundary.

    Werkzeug's test client writes ``headers CRLF CRLF --boundary`` for an empty file
    (the blank line doubles as the delimiter's CRLF) and Werkzeug's parser accepts it;
    python-multipart would read the delimiter as data. Only a blank line that ends a
    part's header block, right after a delimiter line, is touched.
    """
    if b"\r\n\r\n--" + boundary not in body:
        return body
    marker = re.escape(b"--" + boundary)
    pattern = re.compile(
        rb"(?:^|(?<=\r\n))(" + marker + rb"[ \t]*\r\n(?:[^\r\n]+\r\n)+\r\n)(?=" + marker + rb")"
    )
    return pattern.sub(rb"\1\r\n", body)


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

    def feed(self, boundary: str, body: bytes) -> None:
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
            parser.write(_restore_empty_parts(body, marker))
            parser.finalize()
        except (ValueError, UnicodeError):
            raise BadRequest("The multipart/form-data body is malformed.") from None
        if not self.ended:
            raise BadRequest("The multipart/form-data body is incomplete.")

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

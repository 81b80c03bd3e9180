"""Request body I/O: a bounded ASGI body reader and the form parsers.

:func:`read_body` is what enforces ``MAX_CONTENT_LENGTH``: a declared
Content-Length over the limit is refused before a single ``receive()``, and a
streamed (chunked) body is refused on the message that crosses the limit, so no
more than one message beyond the limit is ever buffered. A small body stays one
``bytes`` object (the hot path: no temporary file, no extra copy); past
``spool_threshold`` bytes it moves to an anonymous temporary file, a
:class:`SpooledBody`, so a large upload never sits in memory whole.

:func:`parse_form` turns an already-read body into ``(form, files)``. Multipart goes
through python-multipart's push parser, imported on first use so ``import veloce``
stays light, and is fed in chunks; uploaded files are written to streams that spill
to disk past 500 KiB (Werkzeug's default). Anything the parser rejects becomes a
400, never a 500.
"""

from __future__ import annotations

import contextlib
import tempfile
import typing as t

from veloce.core._headerparse import parse_options_header
from veloce.core._urls import parse_query
from veloce.core.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge
from veloce.core.headers import Headers
from veloce.core.structures import MultiDict
from veloce.core.uploads import FileStorage

__all__ = [
    "BODY_SPOOL_THRESHOLD",
    "SpooledBody",
    "StreamFactory",
    "default_stream_factory",
    "parse_form",
    "read_body",
]

BODY_SPOOL_THRESHOLD = 1024 * 1024
"""Bodies larger than this (bytes) are spooled to a temporary file by the app."""

_CHUNK = 64 * 1024
_UPLOAD_MEMORY = 500 * 1024
# Werkzeug reads multipart bodies 64 KiB at a time and checks each read against
# MAX_FORM_MEMORY_SIZE; parse_form reproduces that first-read check.
_WERKZEUG_READ_SIZE = 64 * 1024

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


class SpooledBody:
    """A request body too large to keep in memory, held in an anonymous temporary file.

    Created by :func:`read_body`; the request reads it back lazily: in chunks for
    form parsing (:meth:`chunks`), whole only when ``get_data()`` asks for bytes.
    The file is unlinked at creation, so closing it (or garbage collection) frees it.
    """

    __slots__ = ("file", "size")

    def __init__(self) -> None:
        self.file: t.IO[bytes] = tempfile.TemporaryFile("w+b")  # noqa: SIM115
        self.size = 0

    def write(self, chunk: bytes) -> None:
        """Append ``chunk`` to the body."""
        self.file.write(chunk)
        self.size += len(chunk)

    def chunks(self, size: int = _CHUNK) -> t.Iterator[bytes]:
        """Yield the body from its start in pieces of at most ``size`` bytes."""
        file = self.file
        file.seek(0)
        while True:
            chunk = file.read(size)
            if not chunk:
                return
            yield chunk

    def read_all(self) -> bytes:
        """The whole body as bytes (loads it into memory, like Flask's ``get_data``)."""
        file = self.file
        position = file.tell()
        try:
            file.seek(0)
            return file.read()
        finally:
            file.seek(position)

    def close(self) -> None:
        """Close (and thereby delete) the temporary file."""
        self.file.close()

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.size} bytes>"


async def read_body(
    receive: Receive,
    content_length: int | None,
    limit: int | None,
    *,
    spool_threshold: int | None = None,
) -> t.Any:
    """Read the whole ASGI request body, refusing bodies larger than ``limit`` bytes.

    Args:
        receive: The ASGI ``receive`` callable.
        content_length: The declared Content-Length, or ``None`` (chunked / unknown).
        limit: The maximum body size, or ``None`` for no limit.
        spool_threshold: Past this many bytes, write the body to a temporary file and
            return a :class:`SpooledBody`; ``None`` always returns ``bytes``.

    Returns:
        ``bytes``, or a :class:`SpooledBody` for a body over ``spool_threshold``.

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
            if spool_threshold is not None and total > spool_threshold:
                pieces = chunks if chunks is not None else [first]
                more = bool(message.get("more_body", False))
                return await _spool_rest(receive, pieces, limit, total, more)
        if not message.get("more_body", False):
            break
    if chunks is not None:
        return b"".join(chunks)
    return bytes(first)


async def _spool_rest(
    receive: Receive, pieces: list[bytes], limit: int | None, total: int, more: bool
) -> SpooledBody:
    """Move the pieces read so far to a :class:`SpooledBody` and append the rest to it."""
    body = SpooledBody()
    try:
        for piece in pieces:
            body.write(piece)
        pieces.clear()
        while more:
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
                body.write(chunk)
            more = message.get("more_body", False)
    except BaseException:
        body.close()
        raise
    return body


def parse_form(
    body: bytes | SpooledBody,
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
        body: The complete request body, as bytes or spooled to a file.
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

    Flask parity: field values, file names and headers equal Werkzeug's, and so do
    the 413s: Werkzeug also refuses a multipart body whose first 64 KiB read exceeds
    ``max_form_memory_size``, whatever the parts hold. Werkzeug silently returns
    empty dicts for a malformed body; Veloce answers 400.
    """
    if mimetype == "application/x-www-form-urlencoded":
        data = body if isinstance(body, bytes) else body.read_all()
        try:
            text = data.decode(charset)
            pairs = parse_query(text)
        except (UnicodeError, LookupError):
            raise BadRequest("The form body is not valid URL-encoded text.") from None
        return cls(pairs), cls()
    if mimetype == "multipart/form-data":
        boundary = options.get("boundary", "")
        if not boundary:
            return cls(), cls()
        total = len(body)
        if max_form_memory_size is not None and (
            min(total, _WERKZEUG_READ_SIZE) > max_form_memory_size
        ):
            raise RequestEntityTooLarge()
        collector = _MultipartCollector(
            total, charset, max_form_memory_size, max_form_parts, stream_factory
        )
        collector.feed(boundary, (body,) if isinstance(body, bytes) else body.chunks())
        return cls(collector.fields), cls(collector.files)
    return cls(), cls()


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

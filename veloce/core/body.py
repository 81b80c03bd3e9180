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

import tempfile
import typing as t

from veloce.core._multipart import (
    StreamFactory,
    _MultipartCollector,
    default_stream_factory,
)
from veloce.core._urls import parse_query
from veloce.core.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge
from veloce.core.structures import MultiDict

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
# Werkzeug reads multipart bodies 64 KiB at a time and checks each read against
# MAX_FORM_MEMORY_SIZE; parse_form reproduces that first-read check.
_WERKZEUG_READ_SIZE = 64 * 1024

Receive = t.Callable[[], t.Awaitable[t.MutableMapping[str, t.Any]]]


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


# Defined in ``core/_multipart.py``; this module is their public home.
StreamFactory.__module__ = default_stream_factory.__module__ = __name__

"""The file-like views of a request body: ``request.stream`` and ``request.values``.

A buffered body is a :class:`RequestStream` (a ``BytesIO``); a spooled one is a
:class:`SpooledRequestStream` reading the temporary file through its own position.
Both also async-iterate in 64 KiB chunks. Kept apart from the ``RequestBody`` mixin,
which decides *which* of them a request gets.
"""

from __future__ import annotations

import typing as t
from io import BytesIO

from veloce.core.structures import AwaitableValue, CombinedMultiDict, MultiDict

if t.TYPE_CHECKING:
    from veloce.core.body import SpooledBody

__all__ = ["RequestStream", "RequestValues", "SpooledRequestStream"]

_STREAM_CHUNK = 64 * 1024


class RequestStream(BytesIO):
    """The buffered body as a binary file; ``request.stream()`` also async-iterates it.

    ``request.stream.read()`` is the WSGI-style use; ``async for chunk in
    request.stream():`` yields slices of at most 64 KiB (Starlette's shape).
    """

    def __call__(self) -> t.AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> t.AsyncIterator[bytes]:
        data = self.getvalue()
        for start in range(0, len(data), _STREAM_CHUNK):
            yield data[start : start + _STREAM_CHUNK]


class SpooledRequestStream:
    """A spooled body as a binary file (:class:`RequestStream`'s shape, on disk).

    Reading moves this stream's own position only; ``request.stream()`` async-iterates
    the body from its start in 64 KiB chunks.
    """

    __slots__ = ("_body", "_position")

    def __init__(self, body: SpooledBody) -> None:
        self._body = body
        self._position = 0

    def _run(self, method: str, *args: t.Any) -> t.Any:
        file = self._body.file
        saved = file.tell()
        file.seek(self._position)
        try:
            return getattr(file, method)(*args)
        finally:
            self._position = file.tell()
            file.seek(saved)

    def read(self, size: int | None = -1) -> bytes:
        """Read up to ``size`` bytes (all that is left by default)."""
        return self._run("read", -1 if size is None else size)  # type: ignore[no-any-return]

    def readline(self, size: int | None = -1) -> bytes:
        """Read one line, at most ``size`` bytes."""
        return self._run("readline", -1 if size is None else size)  # type: ignore[no-any-return]

    def readlines(self, hint: int = -1) -> list[bytes]:
        """Read the remaining lines."""
        return self._run("readlines", hint)  # type: ignore[no-any-return]

    def seek(self, offset: int, whence: int = 0) -> int:
        """Move the read position, like :meth:`io.IOBase.seek`."""
        return self._run("seek", offset, whence)  # type: ignore[no-any-return]

    def tell(self) -> int:
        """The current read position."""
        return self._position

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def __iter__(self) -> t.Iterator[bytes]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def __call__(self) -> t.AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> t.AsyncIterator[bytes]:
        for chunk in self._body.chunks(_STREAM_CHUNK):
            yield chunk


class RequestValues(CombinedMultiDict[str, t.Any]):
    """``request.values``; ``await request.values()`` gives a merged :class:`MultiDict`."""

    def __call__(self) -> AwaitableValue[MultiDict[str, t.Any]]:
        return AwaitableValue(MultiDict(self))

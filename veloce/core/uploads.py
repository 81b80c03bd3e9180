"""Uploaded files and form containers: :class:`FileStorage` (``UploadFile``), :class:`FormData`.

A :class:`FileStorage` wraps the binary stream a part was written to: by default a
``SpooledTemporaryFile`` that stays in memory up to 500 KiB and moves to disk past
that (see :func:`veloce.core.body.default_stream_factory`, replaceable through
``parse_form``'s ``stream_factory``). This class only ever talks to ``stream``.
"""

from __future__ import annotations

import contextlib
import os
import typing as t
from io import BytesIO
from shutil import copyfileobj

from veloce.core._headerparse import parse_options_header, plain_int
from veloce.core.headers import Headers
from veloce.core.structures import AwaitableValue, ImmutableMultiDict, MultiDict

if t.TYPE_CHECKING:
    import collections.abc as cabc

__all__ = ["FileStorage", "FormData", "ImmutableFormData", "UploadFile"]


class FileStorage:
    """One uploaded file: ``stream`` plus the part's ``filename``, ``name`` and ``headers``.

    Attribute access falls through to ``stream`` (``f.read()``, ``f.seek(0)``), and
    ``bool(f)`` is ``bool(f.filename)`` so an empty file input is falsy.

    Flask parity: Werkzeug's ``FileStorage`` (constructor, properties, ``repr``).
    Difference: :meth:`save` copies the *whole* file and restores the read position
    (the spec's ``UploadFile.save``); Werkzeug copies from the current position.
    """

    def __init__(
        self,
        stream: t.IO[bytes] | None = None,
        filename: str | os.PathLike[str] | None = None,
        name: str | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.name = name
        self.stream: t.IO[bytes] = stream or BytesIO()
        if filename is None:
            guessed = getattr(stream, "name", None)
            filename = os.fsdecode(guessed) if guessed is not None else None
            # Python names special streams like "<stdin>"; those are not filenames.
            if filename and filename.startswith("<") and filename.endswith(">"):
                filename = None
        else:
            filename = os.fsdecode(filename)
        self.filename: str | None = filename
        if headers is None:
            headers = Headers()
        self.headers = headers
        if content_type is not None:
            headers["Content-Type"] = content_type
        if content_length is not None:
            headers["Content-Length"] = str(content_length)
        self._parsed_content_type: tuple[str, dict[str, str]] | None = None

    def _content_type_parts(self) -> tuple[str, dict[str, str]]:
        if self._parsed_content_type is None:
            self._parsed_content_type = parse_options_header(self.content_type)
        return self._parsed_content_type

    @property
    def content_type(self) -> str | None:
        """The part's Content-Type header, if it sent one."""
        return self.headers.get("content-type")  # type: ignore[no-any-return]

    @property
    def content_length(self) -> int:
        """The part's Content-Length header as an int, ``0`` when absent or invalid."""
        value = self.headers.get("content-length")
        if value is not None:
            try:
                return plain_int(value)
            except ValueError:
                pass
        return 0

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased."""
        return self._content_type_parts()[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The content type parameters, e.g. ``{"charset": "utf-8"}``."""
        return self._content_type_parts()[1]

    @property
    def size(self) -> int | None:
        """The number of bytes in the stream, when it is seekable (Starlette's name)."""
        try:
            position = self.stream.tell()
            size = self.stream.seek(0, os.SEEK_END)
            self.stream.seek(position)
        except (AttributeError, OSError, ValueError):
            return None
        return size

    @property
    def file(self) -> t.IO[bytes]:
        """The underlying binary stream (Starlette's name for :attr:`stream`)."""
        return self.stream

    def save(self, dst: str | os.PathLike[str] | t.IO[bytes], buffer_size: int = 16384) -> None:
        """Copy the upload to a path or an open binary file, ``buffer_size`` bytes at a time.

        A path is opened with ``"wb"`` and closed afterwards; an open file is left
        open for the caller. The read position is rewound to 0 first and restored
        afterwards, so the upload can still be inspected after saving.
        """
        close_dst = False
        if hasattr(dst, "__fspath__"):
            dst = os.fspath(dst)
        if isinstance(dst, str):
            dst = open(dst, "wb")  # noqa: SIM115 - closed in the finally below
            close_dst = True
        position = self._tell()
        try:
            if position is not None:
                self.stream.seek(0)
            copyfileobj(self.stream, dst, buffer_size)
        finally:
            if position is not None:
                self.stream.seek(position)
            if close_dst:
                dst.close()

    def _tell(self) -> int | None:
        try:
            return self.stream.tell()
        except (AttributeError, OSError, ValueError):
            return None

    def close(self) -> None:
        """Close the underlying stream, ignoring errors."""
        with contextlib.suppress(Exception):  # closing is best effort, like Werkzeug
            self.stream.close()

    def __bool__(self) -> bool:
        return bool(self.filename)

    def __getattr__(self, name: str) -> t.Any:
        if name.startswith("__") or name == "stream":
            raise AttributeError(name)
        return getattr(self.stream, name)

    def __iter__(self) -> cabc.Iterator[bytes]:
        return iter(self.stream)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"


UploadFile = FileStorage
"""The spec's name for an uploaded file; the same class as :class:`FileStorage`."""


class FormData(MultiDict[str, t.Any]):
    """Form fields and/or uploads; repeated names keep every value.

    ``form["a"]`` is the first value, ``form.getlist("a")`` all of them. Calling the
    object returns an awaitable that resolves to the data, so both ``request.form``
    (Flask) and ``await request.form()`` (Starlette) work.
    """

    def get_upload(self, key: str) -> FileStorage | None:
        """The first value of ``key`` if it is an uploaded file, else ``None``."""
        values = dict.get(self, key)
        if values and isinstance(values[0], FileStorage):
            return values[0]
        return None

    def _resolved(self) -> FormData:
        return self

    def __call__(self) -> AwaitableValue[FormData]:
        """An awaitable resolving to the data: ``await request.form()``."""
        return AwaitableValue(self._resolved())


class ImmutableFormData(ImmutableMultiDict[str, t.Any], FormData):  # type: ignore[misc]
    """The read-only :class:`FormData` behind ``request.form`` and ``request.files``.

    For ``request.form``, ``await request.form()`` resolves to the fields *and* the
    uploads (Starlette's shape); ``request.form`` itself holds only the fields (Flask's).
    """

    _uploads: ImmutableFormData | None = None
    _werkzeug_name = "ImmutableMultiDict"

    def _resolved(self) -> FormData:
        uploads = self._uploads
        if not uploads:
            return self
        merged = FormData(self)
        merged.update(uploads)
        return merged

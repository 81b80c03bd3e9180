"""Body and query encodings of the test client, following Werkzeug 3.1's test module.

``data`` dicts become urlencoded forms, or ``multipart/form-data`` once a value is a file
(a file object, a ``(file, filename[, content_type])`` tuple or a FileStorage); a
``str``/``bytes``/file ``data`` is a raw body. The multipart bytes equal Werkzeug's
``encode_multipart`` for the same boundary; httpx-style ``files=`` are converted to the
same parts.
"""

from __future__ import annotations

import mimetypes
import os
import typing as t
import uuid
from collections.abc import Iterable, Iterator, Mapping
from io import BytesIO
from urllib.parse import urlencode

__all__ = [
    "FilePart",
    "content_type_for",
    "encode_body",
    "encode_multipart",
    "encode_query",
    "files_to_parts",
    "header_pairs",
    "iter_multi",
]

_QUERY_SAFE = "!$'()*,/:;?@"

# Mimetypes that get "; charset=utf-8" besides text/* and *+xml (Werkzeug's list).
_CHARSET_MIMETYPES = frozenset(
    {
        "application/ecmascript",
        "application/javascript",
        "application/sql",
        "application/xml",
        "application/xml-dtd",
        "application/xml-external-parsed-entity",
    }
)


class FilePart:
    """One file of a multipart body, as given through httpx-style ``files=``.

    It quacks like a Werkzeug ``FileStorage`` (``read``, ``filename``,
    ``content_type``, ``headers``) so the multipart encoder treats it like any other
    uploaded file.
    """

    __slots__ = ("stream", "filename", "content_type", "headers")

    def __init__(
        self,
        stream: t.IO[bytes],
        filename: str | None,
        content_type: str | None = None,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] | None = None,
    ) -> None:
        self.stream = stream
        self.filename = filename
        self.content_type = content_type
        self.headers = header_pairs(headers)

    def read(self, size: int = -1) -> bytes:
        """Read from the wrapped stream."""
        return self.stream.read(size)


def content_type_for(mimetype: str) -> str:
    """Add ``charset=utf-8`` to text-like mimetypes, as Werkzeug's ``get_content_type``."""
    if mimetype.startswith("text/") or mimetype in _CHARSET_MIMETYPES or mimetype.endswith("+xml"):
        return f"{mimetype}; charset=utf-8"
    return mimetype


def iter_multi(data: t.Any, *, expand_tuples: bool) -> Iterator[tuple[str, t.Any]]:
    """Yield every ``(key, value)`` of a dict, MultiDict or iterable of pairs.

    List values repeat the key. Tuples repeat it only for query strings: in ``data``
    a tuple is a file specification, as in Werkzeug.
    """
    if hasattr(data, "getlist") and hasattr(data, "items"):
        yield from data.items(multi=True)
        return
    if not isinstance(data, Mapping):
        yield from data
        return
    multi = (list, tuple) if expand_tuples else (list,)
    for key, value in data.items():
        if isinstance(value, multi):
            for item in value:
                yield key, item
        else:
            yield key, value


def encode_query(query: t.Any) -> str:
    """Urlencode a mapping or pairs like Werkzeug: ``None`` values are dropped.

    Pairs are grouped by key (first occurrence order), as going through Werkzeug's
    ``MultiDict`` does.
    """
    grouped: dict[t.Any, list[t.Any]] = {}
    for key, value in iter_multi(query, expand_tuples=True):
        grouped.setdefault(key, []).append(value)
    items = [(k, v) for k, values in grouped.items() for v in values if v is not None]
    return urlencode(items, safe=_QUERY_SAFE)


def _filename_of(value: t.Any) -> str | None:
    # A FileStorage's ``filename`` as given ("" and None included, as Werkzeug's
    # encoder reads it); else the stream's ``name``, except Python's "<stdin>"-style
    # pseudo names (Werkzeug's FileStorage rule).
    if hasattr(value, "filename"):
        return t.cast("str | None", value.filename)
    name = getattr(value, "name", None)
    if not isinstance(name, (str, bytes)):
        return None
    name = os.fsdecode(name)
    if name.startswith("<") and name.endswith(">"):
        return None
    return name


def _guess_type(filename: str | None) -> str:
    return (filename and mimetypes.guess_type(filename)[0]) or "application/octet-stream"


def _file_from_tuple(spec: tuple[t.Any, ...]) -> t.Any:
    """A Werkzeug-style ``(file, filename[, content_type])`` tuple from ``data=``."""
    stream, filename, content_type = (tuple(spec) + (None, None))[:3]
    if hasattr(stream, "filename") and hasattr(stream, "headers"):
        return stream  # already a FileStorage: Werkzeug ignores the other items
    if isinstance(stream, (str, os.PathLike)):
        if filename is None:
            filename = os.fspath(stream)
        with open(stream, "rb") as fh:
            stream = BytesIO(fh.read())
    elif filename is None:
        filename = _filename_of(stream)
    if filename and content_type is None:
        content_type = _guess_type(filename)
    return FilePart(stream, filename, content_type)


def files_to_parts(files: t.Any) -> list[tuple[str, FilePart]]:
    """Convert httpx-style ``files=`` into multipart file parts.

    Each value is a file object, raw ``bytes``/``str`` content, or a tuple
    ``(filename, content[, content_type[, headers]])``; a bare file object is named after
    the basename of its ``name``.
    """
    items = files.items() if isinstance(files, Mapping) else files
    parts: list[tuple[str, FilePart]] = []
    for key, spec in items:
        headers: t.Any = None
        content_type: str | None = None
        if isinstance(spec, tuple):
            filename, content, content_type, headers = (spec + (None, None))[:4]
        else:
            content = spec
            name = _filename_of(spec)
            filename = os.path.basename(name) if name else "upload"
        if isinstance(content, str):
            content = content.encode()
        stream = BytesIO(content) if isinstance(content, (bytes, bytearray)) else content
        if content_type is None and filename is not None:
            content_type = _guess_type(filename)
        parts.append((key, FilePart(stream, filename, content_type, headers)))
    return parts


def encode_multipart(
    fields: Iterable[tuple[str, t.Any]], boundary: str | None = None
) -> tuple[bytes, str]:
    """Encode form fields and files as ``multipart/form-data``.

    A value with a ``read`` method is a file: its ``filename`` (or ``name``) and
    ``content_type`` (guessed from the filename, else ``application/octet-stream``)
    describe the part, and any ``headers`` it carries are written too. Other values
    are sent as text fields. The bytes equal Werkzeug's ``encode_multipart`` for the
    same boundary.

    Returns:
        ``(body, boundary)``.
    """
    if boundary is None:
        boundary = f"---------------VeloceFormPart_{uuid.uuid4().hex}"
    delimiter = b"\r\n--" + boundary.encode() + b"\r\n"
    out = bytearray()
    for key, value in fields:
        out += delimiter
        out += b'Content-Disposition: form-data; name="%s"' % key.encode()
        reader = getattr(value, "read", None)
        if reader is None:
            data = (value if isinstance(value, str) else str(value)).encode()
            out += b"\r\n"
        else:
            filename = _filename_of(value)
            content_type = getattr(value, "content_type", None) or _guess_type(filename)
            if filename is not None:
                out += b'; filename="%s"' % filename.encode()
            out += b"\r\n"
            for name, field_value in _part_headers(getattr(value, "headers", None), content_type):
                out += f"{name}: {field_value}\r\n".encode()
            data = reader()
        if data:
            out += b"\r\n" + data
    out += b"\r\n--" + boundary.encode() + b"--\r\n"
    return bytes(out), boundary


def _part_headers(headers: t.Any, content_type: str) -> list[tuple[str, str]]:
    # The part's own headers, Content-Type replaced in place (or appended), as
    # Werkzeug's ``headers.update`` does; Content-Disposition is written separately.
    pairs: list[tuple[str, str]] = []
    replaced = False
    for name, value in header_pairs(headers):
        lowered = name.lower()
        if lowered == "content-type":
            if not replaced:
                pairs.append(("Content-Type", content_type))
                replaced = True
        elif lowered != "content-disposition":
            pairs.append((name, value))
    if not replaced:
        pairs.append(("Content-Type", content_type))
    return pairs


def header_pairs(headers: t.Any) -> list[tuple[str, str]]:
    """Flatten a dict, Headers or iterable of pairs; list values repeat the name."""
    if not headers:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        if isinstance(value, (list, tuple)):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, str(value)))
    if any("\n" in value or "\r" in value for _, value in pairs):
        raise ValueError("Header values must not contain newline characters.")
    return pairs


def encode_body(data: t.Any, content_type: str | None) -> tuple[bytes | None, str | None]:
    """Body bytes and content type for ``data=`` (``None`` body = none sent)."""
    if hasattr(data, "read"):
        data = data.read()
    if isinstance(data, str):
        data = data.encode()
    if isinstance(data, (bytes, bytearray)):
        return bytes(data), content_type
    # Werkzeug keeps fields and files in two MultiDicts: values are grouped by key,
    # and every field comes before every file.
    fields: dict[str, list[t.Any]] = {}
    files: dict[str, list[t.Any]] = {}
    for key, value in iter_multi(data, expand_tuples=False):
        if isinstance(value, tuple):
            value = _file_from_tuple(value)
        elif isinstance(value, dict):
            raise TypeError(f"data[{key!r}]: a dict is not a valid form value or file")
        (files if hasattr(value, "read") else fields).setdefault(key, []).append(value)
    if not fields and not files:
        return None, content_type
    if content_type is None:
        content_type = "multipart/form-data" if files else "application/x-www-form-urlencoded"
    form_mimetype = content_type.partition(";")[0].strip()
    items = [(k, v) for group in (fields, files) for k, values in group.items() for v in values]
    if form_mimetype == "multipart/form-data":
        body, boundary = encode_multipart(items)
        return body, f'multipart/form-data; boundary="{boundary}"'
    if form_mimetype == "application/x-www-form-urlencoded":
        return encode_query(items).encode("ascii"), content_type
    # Werkzeug sends no body for form data with any other content type.
    return None, content_type

"""``werkzeug.test``'s multipart encoders, on top of Veloce's test-client encoding.

Separate from ``test.py`` because both the environ builder and the public module use
them; import them from :mod:`veloce.compat.werkzeug.test`.
"""

from __future__ import annotations

import io
import typing as t

from veloce.core.structures import iter_multi_items
from veloce.testing.encoding import encode_multipart as _encode_multipart

__all__ = ["encode_multipart", "stream_encode_multipart"]


def encode_multipart(
    values: t.Mapping[str, t.Any], boundary: str | None = None
) -> tuple[str, bytes]:
    """Encode a mapping (a :class:`MultiDict` keeps repeated keys) as multipart form data.

    Flask parity: ``werkzeug.test.encode_multipart``, returning ``(boundary, body)``;
    file values (anything with ``read``) become file parts.
    """
    body, boundary = _encode_multipart(iter_multi_items(values), boundary)
    return boundary, body


def stream_encode_multipart(
    data: t.Mapping[str, t.Any],
    use_tempfile: bool = True,
    threshold: int = 1024 * 500,
    boundary: str | None = None,
) -> tuple[t.IO[bytes], int, str]:
    """``(stream, length, boundary)`` for the encoded body, like Werkzeug's.

    The body is built in memory (``use_tempfile`` and ``threshold`` are accepted for
    signature compatibility; the stream is a :class:`io.BytesIO`).
    """
    boundary, body = encode_multipart(data, boundary)
    return io.BytesIO(body), len(body), boundary

"""Pre-encoded HTTP/1.1 status lines, built once at import.

Why: the status line is written for every response; formatting it per request would
cost an int-to-str conversion and a join on the hot path (uvicorn keeps the same table).
Reason phrases are the IANA ones from :class:`http.HTTPStatus` ("Not Found"), not
Werkzeug's upper-cased status strings, because these bytes go on the wire.
"""

from __future__ import annotations

import http

__all__ = ["STATUS_LINE", "status_line"]


def _encode(code: int) -> bytes:
    try:
        phrase = http.HTTPStatus(code).phrase
    except ValueError:
        phrase = ""
    return b"HTTP/1.1 %d %s\r\n" % (code, phrase.encode("ascii"))


STATUS_LINE: dict[int, bytes] = {code: _encode(code) for code in range(100, 600)}


def status_line(code: int) -> bytes:
    """Return the encoded status line (with CRLF) for ``code``.

    Args:
        code: the response status, 100-999.

    Returns:
        The cached line for 100-599, or a freshly encoded one (empty reason) otherwise.

    Raises:
        ValueError: when ``code`` is not a three-digit status.
    """
    line = STATUS_LINE.get(code)
    if line is not None:
        return line
    if not 100 <= code <= 999:
        raise ValueError(f"Invalid HTTP status code {code!r}.")
    return _encode(code)

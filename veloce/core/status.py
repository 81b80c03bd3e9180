"""HTTP status codes and reason phrases, as pre-encoded tables.

The reason phrases are the ones Werkzeug (and so Flask) prints in status lines, which
differ from :mod:`http.HTTPStatus` for a handful of codes (203, 207, 414, 418, 511).
Everything a response needs per status is computed here once, at import.
"""

from __future__ import annotations

__all__ = ["HTTP_STATUS_CODES", "status_line", "split_status"]

HTTP_STATUS_CODES: dict[int, str] = {
    100: 'Continue',
    101: 'Switching Protocols',
    102: 'Processing',
    103: 'Early Hints',
    200: 'OK',
    201: 'Created',
    202: 'Accepted',
    203: 'Non Authoritative Information',
    204: 'No Content',
    205: 'Reset Content',
    206: 'Partial Content',
    207: 'Multi Status',
    208: 'Already Reported',
    226: 'IM Used',
    300: 'Multiple Choices',
    301: 'Moved Permanently',
    302: 'Found',
    303: 'See Other',
    304: 'Not Modified',
    305: 'Use Proxy',
    306: 'Switch Proxy',
    307: 'Temporary Redirect',
    308: 'Permanent Redirect',
    400: 'Bad Request',
    401: 'Unauthorized',
    402: 'Payment Required',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    407: 'Proxy Authentication Required',
    408: 'Request Timeout',
    409: 'Conflict',
    410: 'Gone',
    411: 'Length Required',
    412: 'Precondition Failed',
    413: 'Request Entity Too Large',
    414: 'Request URI Too Long',
    415: 'Unsupported Media Type',
    416: 'Requested Range Not Satisfiable',
    417: 'Expectation Failed',
    418: "I'm a teapot",
    421: 'Misdirected Request',
    422: 'Unprocessable Entity',
    423: 'Locked',
    424: 'Failed Dependency',
    425: 'Too Early',
    426: 'Upgrade Required',
    428: 'Precondition Required',
    429: 'Too Many Requests',
    431: 'Request Header Fields Too Large',
    449: 'Retry With',
    451: 'Unavailable For Legal Reasons',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
    505: 'HTTP Version Not Supported',
    506: 'Variant Also Negotiates',
    507: 'Insufficient Storage',
    508: 'Loop Detected',
    510: 'Not Extended',
    511: 'Network Authentication Failed',
}


_STATUS_LINES: dict[int, str] = {
    code: f"{code} {phrase.upper()}" for code, phrase in HTTP_STATUS_CODES.items()
}


def status_line(code: int) -> str:
    """Return Werkzeug's status string for ``code`` (``"404 NOT FOUND"``).

    Unknown codes read ``"<code> UNKNOWN"``, as in Werkzeug.
    """
    line = _STATUS_LINES.get(code)
    if line is None:
        return f"{code} UNKNOWN"
    return line


def split_status(value: int | str) -> tuple[int, str]:
    """Parse an int, ``"404"`` or ``"404 Not Found"`` into ``(code, status_line)``.

    Flask parity: a string status with a phrase is kept verbatim; an int or a bare
    number gets the upper-cased standard phrase.

    Raises:
        ValueError: the value does not start with an integer status code.
    """
    if isinstance(value, int):
        return value, status_line(value)
    text = value.strip()
    code_part, _, phrase = text.partition(" ")
    if not text:
        raise ValueError("Empty status argument")
    try:
        code = int(code_part)
    except ValueError:
        raise ValueError(f"invalid status {value!r}") from None
    if not phrase:
        return code, status_line(code)
    return code, text

"""``Set-Cookie`` header values: building them (``dump_cookie``) and reading them back.

The output is byte-identical to Werkzeug 3.1's ``dump_cookie`` so that cookies set by a
ported Flask app (sessions included) reach browsers and test clients unchanged.
"""

from __future__ import annotations

import datetime as _dt
import re
import time
import typing as t
import warnings
from urllib.parse import quote

from veloce.core.dates import http_date

__all__ = ["dump_cookie", "parse_set_cookie"]

# A value made only of these characters is sent bare; anything else is quoted.
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_!#$%&'()*+\-./:<=>?@\[\]^`{|}~]*")

# Bytes escaped inside a quoted value. Werkzeug escapes 0x00-0x19 (not 0x1a-0x1f),
# '"', ',', ';', '\\' and 0x7f-0xff; we keep that set exactly, quirk included.
_ESCAPED_BYTES = re.compile(rb'[\x00-\x19",;\\\x7f-\xff]')
_BYTE_ESCAPES: dict[bytes, bytes] = {bytes([b]): b"\\%03o" % b for b in range(256)}
_BYTE_ESCAPES[b'"'] = b'\\"'
_BYTE_ESCAPES[b"\\"] = b"\\\\"

_SAMESITE_VALUES = frozenset({"Strict", "Lax", "None"})

# Characters that may stay unescaped in the Path attribute: the WHATWG path-segment set
# plus "%" for already-quoted input, but never ";" (it ends the attribute).
_PATH_SAFE = "%!$&'()*+,/:=@"


def _now() -> float:
    # Indirection so tests can freeze the clock that Expires is derived from.
    return time.time()


def _escape_byte(match: re.Match[bytes]) -> bytes:
    return _BYTE_ESCAPES[match.group()]


def _quote_value(value: str) -> str:
    if _PLAIN_VALUE.fullmatch(value):
        return value
    escaped = _ESCAPED_BYTES.sub(_escape_byte, value.encode()).decode("ascii")
    return f'"{escaped}"'


def dump_cookie(
    key: str,
    value: str = "",
    max_age: _dt.timedelta | int | None = None,
    expires: str | _dt.datetime | int | float | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    sync_expires: bool = True,
    max_size: int = 4093,
    samesite: str | None = None,
    partitioned: bool = False,
) -> str:
    """Build the value of a ``Set-Cookie`` header (without the header name).

    Flask parity: byte-identical to ``werkzeug.http.dump_cookie`` — attribute order
    (Domain, Expires, Max-Age, Secure, HttpOnly, Path, SameSite, Partitioned), octal
    escaping of values outside RFC 6265's cookie-octets, IDNA domains with any leading
    dot and port stripped, ``Expires`` derived from ``max_age`` when ``sync_expires``,
    and ``Partitioned`` forcing ``Secure``.

    Args:
        key: Cookie name. Trusted input: a non-ASCII name is sent as UTF-8 bytes
            read as latin-1, as Werkzeug does.
        value: Cookie value; quoted and escaped when needed.
        max_age: Seconds (or a ``timedelta``) until the cookie expires.
        expires: A datetime, a Unix timestamp, or a preformatted date string.
        path: Path scope; percent-quoted. ``None`` omits the attribute.
        domain: Domain scope. ``None`` omits the attribute.
        secure: Only send over HTTPS.
        httponly: Hide the cookie from JavaScript.
        sync_expires: Derive ``Expires`` from ``max_age`` when ``expires`` is not given.
        max_size: Warn when the header value exceeds this many characters; 0 disables.
        samesite: ``"Strict"``, ``"Lax"`` or ``"None"`` (any case).
        partitioned: Add the CHIPS ``Partitioned`` attribute (implies ``Secure``).

    Returns:
        The header value.

    Raises:
        ValueError: ``samesite`` is not one of the three allowed values.
    """
    if path is not None:
        path = quote(path, safe=_PATH_SAFE)

    if domain:
        domain = domain.partition(":")[0].lstrip(".").encode("idna").decode("ascii")

    if isinstance(max_age, _dt.timedelta):
        max_age = int(max_age.total_seconds())

    if expires is not None:
        if not isinstance(expires, str):
            if isinstance(expires, time.struct_time):
                expires = time.mktime(expires)
            expires = http_date(expires)
    elif max_age is not None and sync_expires:
        expires = http_date(_now() + max_age)

    if samesite is not None:
        samesite = samesite.title()
        if samesite not in _SAMESITE_VALUES:
            raise ValueError("SameSite must be 'Strict', 'Lax', or 'None'.")

    if partitioned:
        secure = True

    value = _quote_value(value)
    parts = [f"{key.encode().decode('latin1')}={value}"]
    attributes: tuple[tuple[str, t.Any], ...] = (
        ("Domain", domain),
        ("Expires", expires),
        ("Max-Age", max_age),
        ("Secure", secure),
        ("HttpOnly", httponly),
        ("Path", path),
        ("SameSite", samesite),
        ("Partitioned", partitioned),
    )
    for name, attr in attributes:
        # Identity checks on purpose: 0 and "" are emitted ("Max-Age=0", "Domain=").
        if attr is None or attr is False:
            continue
        if attr is True:
            parts.append(name)
        else:
            parts.append(f"{name}={attr}")
    header = "; ".join(parts)

    size = len(header)
    if max_size and size > max_size:
        value_size = len(value)
        warnings.warn(
            f"The '{key}' cookie is too large: the value was {value_size} bytes but the"
            f" header required {size - value_size} extra bytes. The final size"
            f" was {size} bytes but the limit is {max_size} bytes. Browsers may"
            " silently ignore cookies larger than this.",
            stacklevel=2,
        )
    return header


_OCTAL_OR_CHAR = re.compile(rb"\\([0-3][0-7]{2}|.)")


def _unescape(match: re.Match[bytes]) -> bytes:
    group = match.group(1)
    if len(group) == 1:
        return group
    return bytes([int(group, 8)])


def parse_set_cookie(header: str) -> tuple[str, str]:
    """Return the ``(name, value)`` pair of one ``Set-Cookie`` header value.

    The inverse of :func:`dump_cookie` for the name/value part: quotes are removed and
    backslash/octal escapes decoded. Attributes are ignored.
    """
    pair = header.split(";", 1)[0]
    name, _, value = pair.partition("=")
    name = name.strip()
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        raw = _OCTAL_OR_CHAR.sub(_unescape, value[1:-1].encode("latin-1", "replace"))
        value = raw.decode("utf-8", "replace")
    return name.encode("latin-1", "replace").decode("utf-8", "replace"), value

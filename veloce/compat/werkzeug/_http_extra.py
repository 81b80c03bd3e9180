"""Header helpers of ``werkzeug.http`` that Veloce's request/response code does not need.

Entity and hop-by-hop header tests, ``Age``, ``Content-Range`` and
``Content-Security-Policy`` parsing, the cross-origin policy enums, and
``is_resource_modified`` taking a WSGI environ (or an ASGI scope, or a request).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import typing as t
from enum import Enum

from veloce.core._conditional import is_resource_modified as _is_resource_modified
from veloce.core._conditional import request_headers
from veloce.core._headerparse import is_byte_range_valid, plain_int
from veloce.core.headers import Headers

from ._datastructures import ContentRange, ContentSecurityPolicy

__all__ = [
    "COEP",
    "COOP",
    "dump_age",
    "dump_csp_header",
    "generate_etag",
    "is_entity_header",
    "is_hop_by_hop_header",
    "is_resource_modified",
    "parse_age",
    "parse_content_range_header",
    "parse_csp_header",
    "remove_entity_headers",
    "remove_hop_by_hop_headers",
]

T_csp = t.TypeVar("T_csp", bound=ContentSecurityPolicy)

_ENTITY_HEADERS = frozenset(
    {
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-location",
        "content-md5",
        "content-range",
        "content-type",
        "expires",
        "last-modified",
    }
)
_HOP_BY_HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


class COEP(Enum):
    """``Cross-Origin-Embedder-Policy`` values."""

    UNSAFE_NONE = "unsafe-none"
    REQUIRE_CORP = "require-corp"


class COOP(Enum):
    """``Cross-Origin-Opener-Policy`` values."""

    UNSAFE_NONE = "unsafe-none"
    SAME_ORIGIN_ALLOW_POPUPS = "same-origin-allow-popups"
    SAME_ORIGIN = "same-origin"


def is_entity_header(header: str) -> bool:
    """Whether ``header`` describes the body (RFC 2616's entity headers)."""
    return header.lower() in _ENTITY_HEADERS


def is_hop_by_hop_header(header: str) -> bool:
    """Whether ``header`` is hop-by-hop (a proxy must not forward it)."""
    return header.lower() in _HOP_BY_HOP_HEADERS


def _keep_only(headers: Headers | list[tuple[str, str]], keep: t.Callable[[str], bool]) -> None:
    kept = [(key, value) for key, value in headers if keep(key)]
    if isinstance(headers, Headers):
        headers.clear()
        headers.extend(kept)
    else:
        headers[:] = kept


def remove_entity_headers(
    headers: Headers | list[tuple[str, str]],
    allowed: t.Iterable[str] = ("expires", "content-location"),
) -> None:
    """Remove entity headers in place, except ``allowed`` (what a 304 may still carry)."""
    allow = {name.lower() for name in allowed}
    _keep_only(headers, lambda key: not is_entity_header(key) or key.lower() in allow)


def remove_hop_by_hop_headers(headers: Headers | list[tuple[str, str]]) -> None:
    """Remove hop-by-hop headers in place."""
    _keep_only(headers, lambda key: not is_hop_by_hop_header(key))


def generate_etag(data: bytes) -> str:
    """The ETag Werkzeug derives from a body: its SHA-1 hex digest."""
    return hashlib.sha1(data).hexdigest()


def parse_age(value: str | None = None) -> _dt.timedelta | None:
    """An ``Age`` header as a timedelta; ``None`` if missing, negative or not a number.

    Flask parity: parsed with ``int()`` as Werkzeug does (``"+5"`` is 5 seconds).
    """
    if not value:
        return None
    try:
        seconds = int(value)
        return None if seconds < 0 else _dt.timedelta(seconds=seconds)
    except (ValueError, OverflowError):
        return None


def dump_age(age: _dt.timedelta | int | None = None) -> str | None:
    """Format an ``Age`` value (whole seconds).

    Raises:
        ValueError: The age is negative.
    """
    if age is None:
        return None
    seconds = int(age.total_seconds()) if isinstance(age, _dt.timedelta) else int(age)
    if seconds < 0:
        raise ValueError("age cannot be negative")
    return str(seconds)


def parse_content_range_header(
    value: str | None, on_update: t.Callable[[ContentRange], None] | None = None
) -> ContentRange | None:
    """Parse ``bytes 0-99/1234`` (or ``bytes */1234``); ``None`` if it is not valid."""
    if value is None:
        return None
    try:
        units, rangedef = value.strip().split(None, 1)
    except ValueError:
        return None
    if "/" not in rangedef:
        return None
    rng, length_str = rangedef.split("/", 1)
    try:
        length = None if length_str == "*" else plain_int(length_str)
        if rng == "*":
            start = stop = None
        else:
            if "-" not in rng:
                return None
            start_str, stop_str = rng.split("-", 1)
            start, stop = plain_int(start_str), plain_int(stop_str) + 1
    except ValueError:
        return None
    if not is_byte_range_valid(start, stop, length):
        return None
    return ContentRange(units, start, stop, length, on_update=on_update)


def parse_csp_header(
    value: str | None,
    on_update: t.Callable[[ContentSecurityPolicy], None] | None = None,
    cls: type[T_csp] | None = None,
) -> T_csp:
    """Parse ``directive value; directive value`` into ``cls`` (default
    :class:`ContentSecurityPolicy`); directives without a value are dropped."""
    target = t.cast("type[T_csp]", ContentSecurityPolicy if cls is None else cls)
    if not value:
        return target(None, on_update)
    items = []
    for policy in value.split(";"):
        policy = policy.strip()
        if " " in policy:
            directive, rest = policy.split(" ", 1)
            items.append((directive.strip(), rest.strip()))
    return target(items, on_update)


def dump_csp_header(header: ContentSecurityPolicy) -> str:
    """``directive value; directive value``."""
    return "; ".join(f"{key} {value}" for key, value in header.items())


def is_resource_modified(
    environ: t.Any,
    etag: str | None = None,
    data: bytes | None = None,
    last_modified: _dt.datetime | str | None = None,
    ignore_if_range: bool = True,
) -> bool:
    """Whether a conditional request must get the full response.

    Flask parity: ``werkzeug.http.is_resource_modified``. ``environ`` may be a WSGI
    environ, an ASGI scope or a request; ``data`` gives the ETag by :func:`generate_etag`.

    Raises:
        TypeError: Both ``etag`` and ``data`` were given.
    """
    if etag is None and data is not None:
        etag = generate_etag(data)
    elif data is not None:
        raise TypeError("both data and etag given")
    _method, get = request_headers(environ)
    return _is_resource_modified(get, etag, last_modified, ignore_if_range)

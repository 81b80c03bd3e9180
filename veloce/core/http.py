"""HTTP header parsing and formatting helpers (Werkzeug's ``werkzeug.http`` surface).

The string grammar lives in :mod:`veloce.core._headerparse`; this module is the public
entry point and adds the functions that return Veloce datastructures. Every parser is
total: malformed input gives an empty / ``None`` result, never an exception, because
the input comes from clients.
"""

from __future__ import annotations

import typing as t

from veloce.core._headerparse import (
    dump_header,
    dump_options_header,
    is_byte_range_valid,
    parse_cookie_pairs,
    parse_dict_header,
    parse_etag_lists,
    parse_list_header,
    parse_options_header,
    parse_range_pairs,
    plain_int,
    quote_etag,
    quote_header_value,
    unquote_etag,
    unquote_header_value,
)
from veloce.core.accept import parse_accept_header
from veloce.core.cache_control import RequestCacheControl, _CacheControl
from veloce.core.dates import http_date, parse_date
from veloce.core.headerset import HeaderSet
from veloce.core.headervalues import Authorization, ETags, IfRange, Range
from veloce.core.structures import MultiDict

__all__ = [
    "dump_header",
    "dump_options_header",
    "http_date",
    "is_byte_range_valid",
    "parse_accept_header",
    "parse_authorization_header",
    "parse_cache_control_header",
    "parse_content_length",
    "parse_cookie",
    "parse_date",
    "parse_dict_header",
    "parse_etags",
    "parse_if_range_header",
    "parse_list_header",
    "parse_options_header",
    "parse_range_header",
    "parse_set_header",
    "quote_etag",
    "quote_header_value",
    "unquote_etag",
    "unquote_header_value",
]

T_cc = t.TypeVar("T_cc", bound=_CacheControl)
T_md = t.TypeVar("T_md", bound=MultiDict)  # type: ignore[type-arg]


def parse_cookie(header: str | None, cls: type[T_md] | None = None) -> T_md:
    r"""Parse a Cookie header into a MultiDict (``cls``, default :class:`MultiDict`).

    Repeated names keep every value, first value first. Quoted values are unquoted
    and their ``\ooo`` escapes decoded, so cookies written by Werkzeug's or Veloce's
    ``dump_cookie`` round-trip.
    """
    target = t.cast("type[T_md]", MultiDict if cls is None else cls)
    return target(parse_cookie_pairs(header))


def parse_set_header(
    value: str | None, on_update: t.Callable[[HeaderSet], None] | None = None
) -> HeaderSet:
    """Parse a comma list into a case-insensitive :class:`HeaderSet`."""
    if not value:
        return HeaderSet(None, on_update)
    return HeaderSet(parse_list_header(value), on_update)


def parse_cache_control_header(
    value: str | None,
    on_update: t.Callable[[_CacheControl], None] | None = None,
    cls: type[T_cc] | None = None,
) -> T_cc:
    """Parse Cache-Control into ``cls`` (default :class:`RequestCacheControl`)."""
    target = t.cast("type[T_cc]", RequestCacheControl if cls is None else cls)
    if not value:
        return target((), on_update)
    return target(parse_dict_header(value), on_update)


def parse_etags(value: str | None) -> ETags:
    """Parse If-Match / If-None-Match into :class:`ETags` (``*`` sets ``star_tag``)."""
    strong, weak, star = parse_etag_lists(value)
    return ETags(strong, weak, star)


def parse_if_range_header(value: str | None) -> IfRange:
    """Parse If-Range: a date if it parses as one, else an ETag (weakness dropped)."""
    if not value:
        return IfRange()
    date = parse_date(value)
    if date is not None:
        return IfRange(date=date)
    return IfRange(unquote_etag(value)[0])


def parse_range_header(value: str | None, make_inclusive: bool = True) -> Range | None:
    """Parse a Range header; ``None`` when absent or malformed."""
    parsed = parse_range_pairs(value)
    if parsed is None:
        return None
    return Range(*parsed)


def parse_authorization_header(value: str | None) -> Authorization | None:
    """Parse an Authorization header (see :meth:`Authorization.from_header`)."""
    return Authorization.from_header(value)


def parse_content_length(
    content_length: str | None, transfer_encoding: str | None = None
) -> int | None:
    """Content-Length as an int; ``None`` when absent or chunked, ``0`` when invalid.

    Flask parity: Werkzeug's ``get_content_length`` (negative or non-numeric values
    read as 0).
    """
    if content_length is None or (
        transfer_encoding is not None and "chunked" in parse_set_header(transfer_encoding)
    ):
        return None
    try:
        return max(0, plain_int(content_length))
    except ValueError:
        return 0

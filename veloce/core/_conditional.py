"""Conditional and range requests for responses (RFC 9110 §13 and §14).

The rules are Werkzeug 3.1's ``Response.make_conditional`` and ``is_resource_modified``,
so 304/412/206 decisions match Flask. The request may be a Veloce ``Request`` (anything
with ``.method`` and ``.headers``), an ASGI ``scope`` or a WSGI ``environ``.
"""

from __future__ import annotations

import datetime as _dt
import typing as t

from veloce.core.dates import http_date, parse_date
from veloce.core.exceptions import RequestedRangeNotSatisfiable
from veloce.core.http import parse_etags, parse_if_range_header, parse_range_header, unquote_etag

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["is_resource_modified", "make_conditional", "request_headers"]

HeaderGetter = t.Callable[[str], str | None]


def request_headers(request: t.Any) -> tuple[str, HeaderGetter]:
    """``(method, get_header)`` for a Request, an ASGI scope or a WSGI environ."""
    if isinstance(request, dict):
        if "REQUEST_METHOD" in request:
            environ = request

            def get_environ(name: str) -> str | None:
                return environ.get("HTTP_" + name.upper().replace("-", "_"))

            return request["REQUEST_METHOD"], get_environ
        values: dict[str, str] = {}
        for raw_name, raw_value in request.get("headers", ()):
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            values[name] = f"{values[name]}, {value}" if name in values else value
        return request.get("method", "GET"), lambda name: values.get(name.lower())
    headers = request.headers
    return request.method, headers.get


def _as_utc(value: _dt.datetime) -> _dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc)


def is_resource_modified(
    get: HeaderGetter,
    etag: str | None = None,
    last_modified: _dt.datetime | str | None = None,
    ignore_if_range: bool = True,
) -> bool:
    """Whether the representation changed relative to the request's validators.

    Flask parity: Werkzeug's ``is_resource_modified``: If-Modified-Since against
    ``last_modified`` (seconds precision), weak comparison for If-None-Match, strong for
    If-Match, and If-Range (when ``ignore_if_range`` is false and a Range is present).
    """
    unmodified = False
    if isinstance(last_modified, str):
        last_modified = parse_date(last_modified)
    if last_modified is not None:
        last_modified = _as_utc(last_modified.replace(microsecond=0))

    if_range = None
    if not ignore_if_range and get("Range") is not None:
        if_range = parse_if_range_header(get("If-Range"))

    if if_range is not None and if_range.date is not None:
        modified_since: _dt.datetime | None = if_range.date
    else:
        modified_since = parse_date(get("If-Modified-Since"))
    if modified_since and last_modified and last_modified <= modified_since:
        unmodified = True

    if etag:
        tag = t.cast(str, unquote_etag(etag)[0])  # a non-empty etag always unquotes to str
        if if_range is not None and if_range.etag is not None:
            unmodified = if_range.etag == tag
        else:
            if_none_match = parse_etags(get("If-None-Match"))
            if if_none_match:
                unmodified = if_none_match.contains_weak(tag)
            if_match = parse_etags(get("If-Match"))
            if if_match:
                unmodified = not if_match.is_strong(tag)
    return not unmodified


def _slice_iter(iterable: t.Iterable[t.Any], start: int, length: int) -> t.Iterator[bytes]:
    pos = 0
    end = start + length
    for chunk in iterable:
        if isinstance(chunk, str):
            chunk = chunk.encode()
        size = len(chunk)
        if pos + size > start and pos < end:
            yield chunk[max(start - pos, 0) : end - pos]
        pos += size
        if pos >= end:
            break


async def _aslice_iter(
    iterable: t.AsyncIterable[t.Any], start: int, length: int
) -> t.AsyncIterator[bytes]:
    pos = 0
    end = start + length
    async for chunk in iterable:
        if isinstance(chunk, str):
            chunk = chunk.encode()
        size = len(chunk)
        if pos + size > start and pos < end:
            yield chunk[max(start - pos, 0) : end - pos]
        pos += size
        if pos >= end:
            break


def _process_range(
    response: Response, get: HeaderGetter, complete_length: int | None, accept_ranges: bool | str
) -> bool:
    if not accept_ranges:
        return False
    response.accept_ranges = "bytes" if accept_ranges is True else accept_ranges
    if not complete_length or get("Range") is None:
        return False
    headers = response.headers
    if get("If-Range") is not None and is_resource_modified(
        get, headers.get("ETag"), headers.get("Last-Modified"), ignore_if_range=False
    ):
        return False
    parsed = parse_range_header(get("Range"))
    if parsed is None:
        raise RequestedRangeNotSatisfiable(complete_length)
    span = parsed.range_for_length(complete_length)
    content_range = parsed.to_content_range_header(complete_length)
    if span is None or content_range is None:
        raise RequestedRangeNotSatisfiable(complete_length)
    start, stop = span
    length = stop - start
    response.content_length = length
    response.content_range = content_range
    response.status_code = 206
    body = response.response
    if isinstance(body, (list, tuple)):
        response.response = [response.get_data()[start:stop]]
    elif not hasattr(body, "__iter__") and hasattr(body, "__aiter__"):
        response.response = _aslice_iter(body, start, length)
    else:
        response.response = _slice_iter(body, start, length)
    return True


def make_conditional(
    response: Response,
    request: t.Any,
    accept_ranges: bool | str = False,
    complete_length: int | None = None,
) -> Response:
    """Turn ``response`` into a 304, 412 or 206 as the request's validators demand.

    Only GET and HEAD are affected. A Date header is added if missing, and
    Content-Length is computed when it can be.

    Raises:
        RequestedRangeNotSatisfiable: the Range header is invalid or unsatisfiable.
    """
    method, get = request_headers(request)
    if method not in ("GET", "HEAD"):
        return response
    headers = response.headers
    if "date" not in headers:
        headers["Date"] = http_date()
    is_partial = _process_range(response, get, complete_length, accept_ranges)
    if not is_partial and not is_resource_modified(
        get, headers.get("ETag"), headers.get("Last-Modified")
    ):
        response.status_code = 412 if parse_etags(get("If-Match")) else 304
    if response.automatically_set_content_length and "content-length" not in headers:
        length = response.calculate_content_length()
        if length is not None:
            headers["Content-Length"] = str(length)
    return response

"""Header-derived ``Request`` attributes: content negotiation, caching, conditionals, auth.

Split from :mod:`veloce.core.request` to keep that module about the request line and
body. Every attribute here reads one header through ``Request._header`` (a scan of
the raw ASGI pairs, no :class:`~veloce.core.headers.RequestHeaders` needed) and is
cached in the request's ``_cache`` dict, which is only allocated once one of these
long-tail attributes is used.
"""

from __future__ import annotations

import typing as t

from veloce.core._headerparse import parse_list_header, plain_int
from veloce.core.accept import (
    Accept,
    CharsetAccept,
    LanguageAccept,
    MIMEAccept,
    parse_accept_header,
)
from veloce.core.cache_control import RequestCacheControl
from veloce.core.dates import parse_date
from veloce.core.headervalues import Authorization, ETags, IfRange, Range, UserAgent
from veloce.core.http import (
    parse_cache_control_header,
    parse_etags,
    parse_if_range_header,
    parse_range_header,
    parse_set_header,
)

if t.TYPE_CHECKING:
    import datetime as _dt

    from veloce.core.headerset import HeaderSet

__all__ = ["RequestHeaderAttributes", "cached_on_request"]

T = t.TypeVar("T")

_missing: t.Any = object()


class cached_on_request(t.Generic[T]):  # noqa: N801 - used like @property
    """Like ``functools.cached_property`` for a ``__slots__`` request: stores in ``_cache``.

    ``_cache`` starts as ``None`` so requests that never touch these attributes pay
    nothing; a value is computed once per request.
    """

    def __init__(self, func: t.Callable[[t.Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> cached_on_request[T]: ...

    @t.overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: t.Any, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        cache = obj._cache
        if cache is None:
            cache = obj._cache = {}
        else:
            value = cache.get(self.name, _missing)
            if value is not _missing:
                return value
        value = cache[self.name] = self.func(obj)
        return value


def _int_or_none(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class RequestHeaderAttributes:
    """Mixin: read-only views of individual request headers (Werkzeug names and values)."""

    __slots__ = ()

    _cache: dict[str, t.Any] | None
    user_agent_class: type[UserAgent] = UserAgent

    if t.TYPE_CHECKING:

        def _header(self, name: bytes) -> str | None: ...  # provided by Request

    @cached_on_request
    def accept_mimetypes(self) -> MIMEAccept:
        """The Accept header as a :class:`MIMEAccept`."""
        return parse_accept_header(self._header(b"accept"), MIMEAccept)

    @cached_on_request
    def accept_charsets(self) -> CharsetAccept:
        """The Accept-Charset header as a :class:`CharsetAccept`."""
        return parse_accept_header(self._header(b"accept-charset"), CharsetAccept)

    @cached_on_request
    def accept_encodings(self) -> Accept:
        """The Accept-Encoding header as an :class:`Accept`."""
        return parse_accept_header(self._header(b"accept-encoding"))

    @cached_on_request
    def accept_languages(self) -> LanguageAccept:
        """The Accept-Language header as a :class:`LanguageAccept`."""
        return parse_accept_header(self._header(b"accept-language"), LanguageAccept)

    @cached_on_request
    def cache_control(self) -> RequestCacheControl:
        """The Cache-Control header as a read-only :class:`RequestCacheControl`."""
        return parse_cache_control_header(self._header(b"cache-control"), None, RequestCacheControl)

    @cached_on_request
    def pragma(self) -> HeaderSet:
        """The Pragma header as a :class:`HeaderSet` (``"no-cache" in request.pragma``)."""
        return parse_set_header(self._header(b"pragma") or "")

    @cached_on_request
    def if_match(self) -> ETags:
        """The If-Match header as :class:`ETags` (empty when absent)."""
        return parse_etags(self._header(b"if-match"))

    @cached_on_request
    def if_none_match(self) -> ETags:
        """The If-None-Match header as :class:`ETags` (empty when absent)."""
        return parse_etags(self._header(b"if-none-match"))

    @cached_on_request
    def if_modified_since(self) -> _dt.datetime | None:
        """If-Modified-Since as an aware UTC datetime, ``None`` if absent or invalid.

        Flask parity: a datetime (the spec's Unix timestamp would break Flask code).
        """
        return parse_date(self._header(b"if-modified-since"))

    @cached_on_request
    def if_unmodified_since(self) -> _dt.datetime | None:
        """If-Unmodified-Since as an aware UTC datetime, ``None`` if absent or invalid."""
        return parse_date(self._header(b"if-unmodified-since"))

    @cached_on_request
    def if_range(self) -> IfRange:
        """The If-Range header as an :class:`IfRange` (an etag or a date)."""
        return parse_if_range_header(self._header(b"if-range"))

    @cached_on_request
    def range(self) -> Range | None:
        """The Range header as a :class:`Range`, ``None`` if absent or malformed."""
        return parse_range_header(self._header(b"range"))

    @cached_on_request
    def date(self) -> _dt.datetime | None:
        """The Date header as an aware UTC datetime, ``None`` if absent or invalid."""
        return parse_date(self._header(b"date"))

    @cached_on_request
    def user_agent(self) -> UserAgent:
        """The User-Agent header wrapped in :attr:`user_agent_class`."""
        return self.user_agent_class(self._header(b"user-agent") or "")

    @cached_on_request
    def authorization(self) -> Authorization | None:
        """The Authorization header parsed, ``None`` if absent or malformed Basic."""
        return Authorization.from_header(self._header(b"authorization"))

    @property
    def auth(self) -> Authorization | None:
        """The spec's name for :attr:`authorization`."""
        return self.authorization

    @property
    def origin(self) -> str | None:
        """The Origin header (set on cross-origin requests and CORS preflights)."""
        return self._header(b"origin")

    @property
    def referrer(self) -> str | None:
        """The Referer header (the RFC's spelling on the wire)."""
        return self._header(b"referer")

    @property
    def content_encoding(self) -> str | None:
        """The Content-Encoding header.

        Flask parity: the raw value or ``None`` (the spec's lower-cased / ``""`` form
        would change what Flask code sees).
        """
        return self._header(b"content-encoding")

    @property
    def content_md5(self) -> str | None:
        """The Content-MD5 header."""
        return self._header(b"content-md5")

    @property
    def content_language(self) -> str:
        """The raw Content-Language header, ``""`` when absent."""
        return self._header(b"content-language") or ""

    @property
    def max_forwards(self) -> int | None:
        """Max-Forwards as an int, ``None`` when absent or not numeric."""
        return _int_or_none(self._header(b"max-forwards"))

    @cached_on_request
    def access_control_request_headers(self) -> HeaderSet | None:
        """Access-Control-Request-Headers of a CORS preflight, ``None`` when absent."""
        value = self._header(b"access-control-request-headers")
        return None if value is None else parse_set_header(value)

    @property
    def access_control_request_method(self) -> str | None:
        """Access-Control-Request-Method of a CORS preflight."""
        return self._header(b"access-control-request-method")

    @property
    def is_xhr(self) -> bool:
        """True when ``X-Requested-With: XMLHttpRequest`` was sent (a hint, not proof)."""
        value = self._header(b"x-requested-with")
        return value is not None and value.lower() == "xmlhttprequest"

    @cached_on_request
    def content_length(self) -> int | None:
        """Content-Length as an int; ``None`` when absent or chunked, ``0`` when invalid."""
        value = self._header(b"content-length")
        if value is None:
            return None
        encoding = self._header(b"transfer-encoding")
        if encoding is not None and "chunked" in (x.lower() for x in parse_list_header(encoding)):
            return None
        try:
            return max(0, plain_int(value))
        except ValueError:
            return 0

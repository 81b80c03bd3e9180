"""Typed views over response headers: the property half of :class:`~veloce.core.response.Response`.

Each property reads and writes ``self.headers`` with Werkzeug 3.1's parsing and
formatting, so ``resp.vary.add("Cookie")`` or ``resp.cache_control.max_age = 60``
update the header in place as in Flask. Content-Type and Content-Length also work on a
response whose ``Headers`` object has not been built yet (see ``response.py``), which
keeps ``mimetype`` reads and writes off the hot path's allocation budget.
"""

from __future__ import annotations

import datetime as _dt
import typing as t

from veloce.core.cache_control import ResponseCacheControl
from veloce.core.dates import http_date, parse_date
from veloce.core.headers import HeaderSet
from veloce.core.http import (
    dump_header,
    dump_options_header,
    parse_cache_control_header,
    parse_list_header,
    parse_options_header,
    parse_set_header,
)

if t.TYPE_CHECKING:
    from veloce.core.headers import Headers

__all__ = ["ResponseHeadersMixin", "content_type_for"]

# Mimetypes outside text/* and *+xml that still take a charset (Werkzeug's list).
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
_CONTENT_TYPES: dict[str, str] = {}
_CONTENT_TYPES_LIMIT = 256


def content_type_for(mimetype: str) -> str:
    """The Content-Type for ``mimetype``: text types get ``; charset=utf-8``.

    Flask parity: Werkzeug's ``get_content_type(mimetype, "utf-8")``. Results are
    cached, since each response class asks for the same one or two values.
    """
    value = _CONTENT_TYPES.get(mimetype)
    if value is None:
        value = mimetype
        if (
            mimetype.startswith("text/")
            or mimetype in _CHARSET_MIMETYPES
            or mimetype.endswith("+xml")
        ):
            value = f"{mimetype}; charset=utf-8"
        if len(_CONTENT_TYPES) < _CONTENT_TYPES_LIMIT:
            _CONTENT_TYPES[mimetype] = value
    return value


class _CallbackDict(dict):  # type: ignore[type-arg]
    """A dict that reports every mutation to ``on_update`` (``mimetype_params`` write-back)."""

    def __init__(self, initial: t.Any = (), on_update: t.Callable[[t.Any], None] | None = None):
        super().__init__(initial or ())
        self.on_update = on_update

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: t.Any) -> None:
        super().__delitem__(key)
        self._changed()

    def clear(self) -> None:
        super().clear()
        self._changed()

    def pop(self, key: t.Any, *default: t.Any) -> t.Any:
        had = key in self
        value = super().pop(key, *default)
        if had:
            self._changed()
        return value

    def popitem(self) -> t.Any:
        item = super().popitem()
        self._changed()
        return item

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        had = key in self
        value = super().setdefault(key, default)
        if not had:
            self._changed()
        return value

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().update(*args, **kwargs)
        self._changed()


class _HeaderProperty:
    """A response attribute mapped to one header, with optional load/dump conversion.

    A failed load gives ``None`` (Werkzeug's behaviour); assigning ``None`` or
    deleting removes the header.
    """

    def __init__(
        self,
        name: str,
        load: t.Callable[[str], t.Any] | None = None,
        dump: t.Callable[[t.Any], str] | None = None,
        doc: str = "",
    ) -> None:
        self.name = name
        self.load = load
        self.dump = dump
        self.__doc__ = doc

    def __get__(self, obj: t.Any, owner: t.Any = None) -> t.Any:
        if obj is None:
            return self
        value = obj.headers.get(self.name)
        if value is None or self.load is None:
            return value
        try:
            return self.load(value)
        except (ValueError, TypeError):
            return None

    def __set__(self, obj: t.Any, value: t.Any) -> None:
        if value is None:
            obj.headers.remove(self.name)
        else:
            obj.headers[self.name] = self.dump(value) if self.dump is not None else value

    def __delete__(self, obj: t.Any) -> None:
        obj.headers.remove(self.name)


def _parse_age(value: str) -> _dt.timedelta | None:
    seconds = int(value)
    if seconds < 0:
        return None
    try:
        return _dt.timedelta(seconds=seconds)
    except OverflowError:
        return None


def _dump_age(age: _dt.timedelta | int) -> str:
    seconds = int(age.total_seconds()) if isinstance(age, _dt.timedelta) else int(age)
    if seconds < 0:
        raise ValueError("age cannot be negative")
    return str(seconds)


def _set_header_property(name: str, doc: str) -> property:
    """A HeaderSet view (Vary, Allow, Content-Language) that writes back on change."""

    def fget(self: t.Any) -> HeaderSet:
        def on_update(header_set: HeaderSet) -> None:
            if header_set:
                self.headers[name] = header_set.to_header()
            else:
                self.headers.remove(name)

        return parse_set_header(self.headers.get(name), on_update)

    def fset(self: t.Any, value: t.Any) -> None:
        if not value:
            self.headers.remove(name)
        elif isinstance(value, str):
            self.headers[name] = value
        else:
            self.headers[name] = dump_header(value)

    return property(fget, fset, doc=doc)


class ResponseHeadersMixin:
    """Header-backed attributes of :class:`~veloce.core.response.Response`."""

    __slots__ = ()

    if t.TYPE_CHECKING:
        _headers: Headers | None
        _ctype: str | None
        _clen: int | None
        headers: Headers

    # -- content type --------------------------------------------------------------

    @property
    def content_type(self) -> str | None:
        """The Content-Type header."""
        if self._headers is None:
            return self._ctype
        return self._headers.get("content-type")  # type: ignore[no-any-return]

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        if self._headers is None:
            self._ctype = value  # type: ignore[misc]  # slot declared on Response
        elif value is None:
            self._headers.remove("Content-Type")
        else:
            self._headers["Content-Type"] = value

    @content_type.deleter
    def content_type(self) -> None:
        self.content_type = None

    @property
    def mimetype(self) -> str | None:
        """The Content-Type without parameters; assigning adds ``charset`` to text types."""
        ct = self.content_type
        return ct.partition(";")[0].strip() if ct else None

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.content_type = content_type_for(value)

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The Content-Type parameters; changing the dict rewrites the header."""

        def on_update(params: dict[str, str]) -> None:
            self.headers["Content-Type"] = dump_options_header(self.mimetype, params)

        return _CallbackDict(parse_options_header(self.content_type or "")[1], on_update)

    @property
    def charset(self) -> str:
        """The ``charset`` parameter of Content-Type, ``"utf-8"`` when absent."""
        return self.mimetype_params.get("charset", "utf-8")

    @charset.setter
    def charset(self, value: str) -> None:
        self.mimetype_params["charset"] = value

    @property
    def is_json(self) -> bool:
        """True for ``application/json`` and ``application/*+json`` mimetypes."""
        mt = self.mimetype
        return mt is not None and (
            mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))
        )

    # -- length --------------------------------------------------------------------

    @property
    def content_length(self) -> int | None:
        """The Content-Length header as an int (``None`` when unset or invalid)."""
        if self._headers is None:
            return self._clen
        value = self._headers.get("content-length")
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            return None

    @content_length.setter
    def content_length(self, value: int | str | None) -> None:
        if self._headers is None:
            self._clen = None if value is None else int(value)  # type: ignore[misc]
        elif value is None:
            self._headers.remove("Content-Length")
        else:
            self._headers["Content-Length"] = str(value)

    @content_length.deleter
    def content_length(self) -> None:
        self.content_length = None

    # -- simple headers ------------------------------------------------------------

    location = _HeaderProperty("Location", doc="The Location header (redirect target).")
    content_location = _HeaderProperty("Content-Location", doc="The Content-Location header.")
    content_encoding = _HeaderProperty("Content-Encoding", doc="The Content-Encoding header.")
    content_md5 = _HeaderProperty("Content-MD5", doc="The Content-MD5 header.")
    accept_ranges = _HeaderProperty("Accept-Ranges", doc="The Accept-Ranges header.")
    content_range = _HeaderProperty("Content-Range", doc="The raw Content-Range header.")
    www_authenticate = _HeaderProperty(
        "WWW-Authenticate", doc="The raw WWW-Authenticate challenge header."
    )
    age = _HeaderProperty("Age", _parse_age, _dump_age, doc="The Age header as a timedelta.")
    date = _HeaderProperty("Date", parse_date, http_date, doc="The Date header (aware UTC).")
    expires = _HeaderProperty("Expires", parse_date, http_date, doc="The Expires header.")
    last_modified = _HeaderProperty(
        "Last-Modified", parse_date, http_date, doc="The Last-Modified header (aware UTC)."
    )
    access_control_allow_origin = _HeaderProperty(
        "Access-Control-Allow-Origin", doc="The origin (or ``*``) allowed by CORS."
    )
    access_control_max_age = _HeaderProperty(
        "Access-Control-Max-Age", int, str, doc="How long a CORS preflight may be cached."
    )
    access_control_allow_headers = _HeaderProperty(
        "Access-Control-Allow-Headers",
        lambda v: HeaderSet(parse_list_header(v)),
        dump_header,
        doc="Headers a cross-origin request may send.",
    )
    access_control_allow_methods = _HeaderProperty(
        "Access-Control-Allow-Methods",
        lambda v: HeaderSet(parse_list_header(v)),
        dump_header,
        doc="Methods a cross-origin request may use.",
    )
    access_control_expose_headers = _HeaderProperty(
        "Access-Control-Expose-Headers",
        lambda v: HeaderSet(parse_list_header(v)),
        dump_header,
        doc="Headers a browser may expose to cross-origin JavaScript.",
    )

    @property
    def access_control_allow_credentials(self) -> bool:
        """Whether ``Access-Control-Allow-Credentials: true`` is set."""
        return "Access-Control-Allow-Credentials" in self.headers

    @access_control_allow_credentials.setter
    def access_control_allow_credentials(self, value: bool | None) -> None:
        if value is True:
            self.headers["Access-Control-Allow-Credentials"] = "true"
        else:
            self.headers.remove("Access-Control-Allow-Credentials")

    @property
    def retry_after(self) -> _dt.datetime | None:
        """Retry-After as an aware datetime (a delay in seconds is added to now)."""
        value = self.headers.get("retry-after")
        if value is None:
            return None
        try:
            seconds = int(value)
        except ValueError:
            return parse_date(value)
        return _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=seconds)

    @retry_after.setter
    def retry_after(self, value: _dt.datetime | _dt.timedelta | int | str | None) -> None:
        if value is None:
            self.headers.remove("Retry-After")
            return
        if isinstance(value, _dt.datetime):
            value = http_date(value)
        elif isinstance(value, _dt.timedelta):
            value = str(int(value.total_seconds()))
        self.headers["Retry-After"] = str(value)

    vary = _set_header_property("Vary", "The Vary header as a write-back HeaderSet.")
    allow = _set_header_property("Allow", "The Allow header as a write-back HeaderSet.")
    content_language = _set_header_property(
        "Content-Language", "The Content-Language header as a write-back HeaderSet."
    )

    @property
    def cache_control(self) -> ResponseCacheControl:
        """The Cache-Control directives; changing them rewrites the header."""

        def on_update(cc: t.Any) -> None:
            if cc:
                self.headers["Cache-Control"] = cc.to_header()
            else:
                self.headers.remove("Cache-Control")

        return parse_cache_control_header(
            self.headers.get("cache-control"), on_update, ResponseCacheControl
        )

"""Body-derived ``Request`` attributes: limits, raw data, streams, forms, files and JSON.

Split from :mod:`veloce.core.request`, which holds the slots these methods use. The
body arrives fully read: as ``bytes``, or for a large body as a
:class:`~veloce.core.body.SpooledBody` on disk, which form parsing streams through
and which is only loaded into memory when ``get_data()`` asks for bytes. What is
lazy here is *interpreting* it (form parsing, JSON decoding), done once per request
and cached in the request's slots.
"""

from __future__ import annotations

import json as _json
import re
import typing as t

import orjson

from veloce.core._request_headers import cached_on_request
from veloce.core._request_streams import RequestStream, RequestValues, SpooledRequestStream
from veloce.core.body import SpooledBody, parse_form
from veloce.core.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType
from veloce.core.structures import MultiDict
from veloce.core.uploads import FileStorage, ImmutableFormData

__all__ = [
    "FORM_MULTIPART",
    "FORM_URLENCODED",
    "NO_JSON",
    "SENTINEL",
    "RequestBody",
    "RequestStream",
    "SpooledRequestStream",
    "RequestValues",
]

SENTINEL: t.Any = object()
"""Marks a request slot whose value has not been computed yet."""

_sentinel = SENTINEL
NO_JSON: tuple[t.Any, t.Any] = (SENTINEL, SENTINEL)
_EMPTY_FORM = ImmutableFormData()
FORM_URLENCODED = "application/x-www-form-urlencoded"
FORM_MULTIPART = "multipart/form-data"
_long_digits = re.compile(rb"[0-9]{19}")

T_self = t.TypeVar("T_self", bound="RequestBody")


class RequestBody:
    """Mixin for :class:`~veloce.core.request.Request`: everything read from the body."""

    # The body-related slots live here (only one base of Request may declare slots);
    # Request.__init__ fills them.
    __slots__ = ("_body", "_cache", "_form", "_files", "_json")

    _body: bytes | SpooledBody
    _cache: dict[str, t.Any] | None
    _form: t.Any
    _files: t.Any
    _json: tuple[t.Any, t.Any]

    if t.TYPE_CHECKING:
        app: t.Any

        @property
        def method(self) -> str: ...

        @property
        def args(self) -> MultiDict[str, str]: ...

        @property
        def content_length(self) -> int | None: ...

        @property
        def is_json(self) -> bool: ...

        def _content_type(self) -> tuple[str, dict[str, str]]: ...

    # -- limits -----------------------------------------------------------------------

    def _limit(self, key: str, config_key: str, default: int | None) -> int | None:
        cache = self._cache
        if cache is not None:
            override = cache.get(key)
            if override is not None:
                return override  # type: ignore[no-any-return]
        config = getattr(self.app, "config", None)
        if config is None:
            return default
        return config.get(config_key, default)  # type: ignore[no-any-return]

    def _set_limit(self, key: str, value: int | None) -> None:
        cache = self._cache
        if cache is None:
            cache = self._cache = {}
        cache[key] = value

    @property
    def max_content_length(self) -> int | None:
        """The body size limit: a per-request value, else ``MAX_CONTENT_LENGTH``, else None.

        Reading the body (``data``, ``form``, ``get_json``...) past it raises 413.
        """
        return self._limit("max_content_length", "MAX_CONTENT_LENGTH", None)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._set_limit("max_content_length", value)

    @property
    def max_form_memory_size(self) -> int | None:
        """Largest non-file multipart field: per request, else ``MAX_FORM_MEMORY_SIZE``."""
        return self._limit("max_form_memory_size", "MAX_FORM_MEMORY_SIZE", 500_000)

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._set_limit("max_form_memory_size", value)

    @property
    def max_form_parts(self) -> int | None:
        """Largest number of multipart parts: per request, else ``MAX_FORM_PARTS``."""
        return self._limit("max_form_parts", "MAX_FORM_PARTS", 1000)

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._set_limit("max_form_parts", value)

    # -- body -------------------------------------------------------------------------

    def _checked_source(self) -> bytes | SpooledBody:
        limit = self.max_content_length
        if limit is not None:
            declared = self.content_length
            if len(self._body) > limit or (declared is not None and declared > limit):
                raise RequestEntityTooLarge()
        return self._body

    def _checked_body(self) -> bytes:
        body = self._checked_source()
        return body if isinstance(body, bytes) else body.read_all()

    @cached_on_request
    def stream(self) -> RequestStream | SpooledRequestStream:
        """The body as a binary file object; ``request.stream()`` async-iterates chunks."""
        body = self._checked_source()
        if isinstance(body, bytes):
            return RequestStream(body)
        return SpooledRequestStream(body)

    @property
    def input_stream(self) -> RequestStream | SpooledRequestStream:
        """Alias of :attr:`stream` (there is no unbounded raw stream in ASGI)."""
        return self.stream

    def _form_consumes_body(self) -> bool:
        mimetype, options = self._content_type()
        return mimetype == FORM_URLENCODED or (
            mimetype == FORM_MULTIPART and bool(options.get("boundary"))
        )

    @property
    def data(self) -> bytes:
        """The raw body, or ``b""`` when it is form data (read :attr:`form` instead).

        Flask parity: ``get_data(parse_form_data=True)``, so a form body is parsed.
        """
        return self.get_data(parse_form_data=True)  # type: ignore[no-any-return]

    def get_data(
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> t.Any:
        """The raw body as bytes, or decoded as UTF-8 (invalid bytes replaced).

        Flask parity, including Werkzeug's read-once semantics: once a form body was
        parsed, it is no longer available here (``b""``) unless ``get_data`` cached it
        first. ``parse_form_data=True`` parses a form body first.
        """
        store = self._cache
        data = None if store is None else store.get("_data")
        if data is None:
            if parse_form_data:
                self._load_form()
            data = self._checked_body()
            store = self._cache  # parsing and the limit check may have created it
            if store is not None and store.get("_consumed"):
                data = b""
            if cache:
                if store is None:
                    store = self._cache = {}
                store["_data"] = data
        if as_text:
            return data.decode(errors="replace")
        return data

    def _load_form(self) -> None:
        if self._form is not _sentinel:
            return
        mimetype, options = self._content_type()
        if mimetype in (FORM_URLENCODED, FORM_MULTIPART):
            store = self._cache
            data = None if store is None else store.get("_data")
            form, files = parse_form(
                self._checked_source() if data is None else data,
                mimetype,
                options,
                max_form_memory_size=self.max_form_memory_size,
                max_form_parts=self.max_form_parts,
                cls=ImmutableFormData,
            )
            if data is None and self._form_consumes_body():
                # Werkzeug reads the stream to parse it; the body is gone for get_data().
                if store is None:
                    store = self._cache = {}
                store["_consumed"] = True
            if files:
                form._uploads = files  # type: ignore[attr-defined]
            self._form, self._files = form, files
        else:
            self._form = self._files = _EMPTY_FORM

    @property
    def form(self) -> ImmutableFormData:
        """The form fields of a urlencoded or multipart body (files are in :attr:`files`).

        ``await request.form()`` resolves to fields and files together.
        """
        if self._form is _sentinel:
            self._load_form()
        return self._form  # type: ignore[no-any-return]

    @property
    def files(self) -> ImmutableFormData:
        """The uploaded files (:class:`FileStorage`) of a multipart body, by field name."""
        if self._files is _sentinel:
            self._load_form()
        return self._files  # type: ignore[no-any-return]

    @cached_on_request
    def values(self) -> RequestValues:
        """:attr:`args` and :attr:`form` combined; GET requests only use :attr:`args`."""
        sources: list[MultiDict[str, t.Any]] = [self.args]
        if self.method != "GET":
            sources.append(self.form)
        return RequestValues(d if isinstance(d, MultiDict) else MultiDict(d) for d in sources)

    def close(self) -> None:
        """Close the uploaded files' streams and a spooled body (``with request:`` too)."""
        files = self._files
        if files is not _sentinel:
            for _, storage in files.items(multi=True):
                if isinstance(storage, FileStorage):
                    storage.close()
        body = self._body
        if not isinstance(body, bytes):
            body.close()

    def __enter__(self: T_self) -> T_self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- JSON -------------------------------------------------------------------------

    def _load_json(self, data: bytes) -> t.Any:
        try:
            provider = getattr(self.app, "json", None) if self.app is not None else None
            if provider is not None:
                return provider.loads(data)
            # orjson turns integers beyond 64 bits into floats; leave those to the stdlib.
            if _long_digits.search(data) is None:
                try:
                    return orjson.loads(data)
                except orjson.JSONDecodeError:
                    pass
            # orjson rejects what Python accepts (NaN, 1e400, UTF-16, lone surrogates)
            # and words errors differently; the stdlib decides, as in Flask.
            return _json.loads(data)
        except RecursionError:
            raise ValueError("JSON nesting is too deep") from None

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> t.Any:
        """Parse the body as JSON.

        Args:
            force: Parse even if the Content-Type is not JSON.
            silent: Return ``None`` instead of failing (wrong type or invalid JSON).
            cache: Remember the result for later calls.

        Raises:
            UnsupportedMediaType: 415, the Content-Type is not JSON (via
                :meth:`on_json_loading_failed` with ``None``).
            BadRequest: 400, the body is not valid JSON.

        Flask parity: Flask 3.1's ``Request.get_json`` (results cached per ``silent``).
        """
        slot = 1 if silent else 0
        if cache:
            cached = self._json[slot]
            if cached is not _sentinel:
                return cached
        if not (force or self.is_json):
            if silent:
                return None
            return self.on_json_loading_failed(None)
        data = self.get_data(cache=cache)
        try:
            value = self._load_json(data)
        except ValueError as exc:
            if silent:
                value = None
                if cache:
                    self._json = (self._json[0], None)
            else:
                value = self.on_json_loading_failed(exc)
                if cache:
                    self._json = (value, self._json[1])
        else:
            if cache:
                self._json = (value, value)
        return value

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Called when :meth:`get_json` fails; return a value to use it instead of raising.

        ``e`` is ``None`` for a non-JSON Content-Type (415), else the decode error
        (400 with a generic message; the detailed one in app debug mode).
        """
        if e is None:
            raise UnsupportedMediaType(
                "Did not attempt to load JSON data because the request"
                " Content-Type was not 'application/json'."
            )
        detailed = BadRequest(f"Failed to decode JSON object: {e}")
        if getattr(self.app, "debug", False):
            raise detailed
        raise BadRequest() from detailed

    async def json(self) -> t.Any:
        """``await request.json()``: the parsed body, whatever the Content-Type.

        The body is already read, so this resolves immediately; errors are
        :meth:`get_json`'s (400 for invalid JSON).
        """
        return self.get_json(force=True)

"""Werkzeug datastructures that Veloce's own API does not use, built on Veloce's classes.

The mixins make Veloce's dicts, lists and headers read-only or change-notifying the way
Werkzeug's do (mutators raise ``TypeError`` / call ``on_update``). ``ContentRange`` and
``ContentSecurityPolicy`` are the parsed forms of their headers
(:mod:`veloce.compat.werkzeug.http` parses and dumps them).
"""

from __future__ import annotations

import mimetypes
import typing as t

from veloce.core._headerparse import is_byte_range_valid
from veloce.core.headers import Headers
from veloce.core.structures import MultiDict, TypeConversionDict, _immutable_error
from veloce.core.structures import _ImmutableMultiDictMixin as ImmutableMultiDictMixin
from veloce.core.uploads import FileStorage

__all__ = [
    "CallbackDict",
    "ContentRange",
    "ContentSecurityPolicy",
    "EnvironHeaders",
    "FileMultiDict",
    "ImmutableDict",
    "ImmutableDictMixin",
    "ImmutableHeadersMixin",
    "ImmutableListMixin",
    "ImmutableMultiDictMixin",
    "ImmutableTypeConversionDict",
    "UpdateDictMixin",
]


def _refuse(self: object, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    _immutable_error(self)


class ImmutableListMixin:
    """Makes a ``list`` subclass read-only (mutators raise ``TypeError``) and hashable."""

    _hash_cache: int | None = None

    def __hash__(self) -> int:
        if self._hash_cache is None:
            self._hash_cache = hash(tuple(self))  # type: ignore[arg-type]
        return self._hash_cache

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (list(self),)  # type: ignore[call-overload]

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = remove = extend = insert = pop = reverse = sort = clear = _refuse


class ImmutableDictMixin:
    """Makes a ``dict`` subclass read-only (mutators raise ``TypeError``) and hashable."""

    _hash_cache: int | None = None

    @classmethod
    def fromkeys(cls, keys: t.Iterable[t.Any], value: t.Any = None) -> t.Any:
        return cls(dict.fromkeys(keys, value))  # type: ignore[call-arg]

    def __hash__(self) -> int:
        if self._hash_cache is None:
            self._hash_cache = hash(frozenset(self.items()))  # type: ignore[attr-defined]
        return self._hash_cache

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (dict(self),)  # type: ignore[call-overload]

    __setitem__ = __delitem__ = __ior__ = _refuse
    setdefault = update = pop = popitem = clear = _refuse


class ImmutableDict(ImmutableDictMixin, dict):  # type: ignore[type-arg]
    """A read-only ``dict``; :meth:`copy` gives a mutable one."""

    def copy(self) -> dict[t.Any, t.Any]:
        return dict(self)

    def __copy__(self) -> ImmutableDict:
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"


class ImmutableTypeConversionDict(ImmutableDictMixin, TypeConversionDict):  # type: ignore[type-arg]
    """A read-only :class:`TypeConversionDict` (``get(key, type=int)``)."""

    def copy(self) -> TypeConversionDict[t.Any, t.Any]:
        return TypeConversionDict(self)

    def __copy__(self) -> ImmutableTypeConversionDict:
        return self


class ImmutableHeadersMixin:
    """Makes a :class:`Headers` subclass read-only (mutators raise ``TypeError``)."""

    __slots__ = ()

    __setitem__ = __delitem__ = __ior__ = _refuse
    set = setlist = add = add_header = remove = extend = update = insert = _refuse
    pop = popitem = setdefault = setlistdefault = clear = _refuse


class EnvironHeaders(ImmutableHeadersMixin, Headers):
    """The read-only headers of a WSGI environ (``HTTP_*``, ``CONTENT_TYPE``/``LENGTH``).

    Flask parity: Werkzeug's ``EnvironHeaders``. Werkzeug reads the environ on every
    lookup; this one reads it once, at construction (it cannot be changed through the
    object either way). :meth:`copy` returns a mutable :class:`Headers`.
    """

    __slots__ = ("environ",)

    def __init__(self, environ: t.Mapping[str, t.Any]) -> None:
        super().__init__()
        self.environ = environ
        for key, value in environ.items():
            if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                name = key[5:]
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
                name = key
            else:
                continue
            self._list.append((name.replace("_", "-").title(), str(value)))

    def copy(self) -> Headers:
        return Headers(self._list)

    def __copy__(self) -> Headers:
        return self.copy()


class UpdateDictMixin(dict):  # type: ignore[type-arg]
    """Calls ``self.on_update(self)`` after every change to the dict."""

    on_update: t.Callable[[t.Any], None] | None = None

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: t.Any) -> None:
        super().__delitem__(key)
        self._changed()

    def __ior__(self, other: t.Any) -> t.Any:
        self.update(other)
        return self

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        modified = key not in self
        value = super().setdefault(key, default)
        if modified:
            self._changed()
        return value

    def pop(self, key: t.Any, *default: t.Any) -> t.Any:
        modified = key in self
        value = super().pop(key, *default)
        if modified:
            self._changed()
        return value

    def popitem(self) -> tuple[t.Any, t.Any]:
        item = super().popitem()
        self._changed()
        return item

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def clear(self) -> None:
        super().clear()
        self._changed()


class CallbackDict(UpdateDictMixin):
    """A ``dict`` that calls ``on_update(self)`` whenever it changes."""

    def __init__(
        self,
        initial: t.Mapping[t.Any, t.Any] | t.Iterable[tuple[t.Any, t.Any]] | None = None,
        on_update: t.Callable[[t.Any], None] | None = None,
    ) -> None:
        super().__init__(initial or ())
        self.on_update = on_update

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


class FileMultiDict(MultiDict):  # type: ignore[type-arg]
    """A :class:`MultiDict` with :meth:`add_file`, for building test uploads."""

    def add_file(
        self,
        name: str,
        file: t.Any,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> None:
        """Add ``file`` (a :class:`FileStorage`, an open binary file, or a path) as ``name``.

        The content type is guessed from ``filename`` when not given
        (``application/octet-stream`` if unknown).
        """
        if isinstance(file, FileStorage):
            value = file
        else:
            if isinstance(file, str):
                if filename is None:
                    filename = file
                file = open(file, "rb")  # noqa: SIM115 - owned by the FileStorage
            if filename and content_type is None:
                content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            value = FileStorage(file, filename, name, content_type)
        self.add(name, value)


class ContentRange:
    """A parsed ``Content-Range`` header: ``units start-stop/length`` (``stop`` exclusive).

    Every change through :meth:`set`, :meth:`unset` or the attributes calls
    ``on_update(self)``, which is how a response keeps its header in step.
    """

    def __init__(
        self,
        units: str | None,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        on_update: t.Callable[[ContentRange], None] | None = None,
    ) -> None:
        self.on_update = on_update
        self.set(start, stop, length, units)

    def _assign(self, name: str, value: t.Any) -> None:
        object.__setattr__(self, name, value)

    units: str | None
    start: int | None
    stop: int | None
    length: int | None

    def __setattr__(self, name: str, value: t.Any) -> None:
        object.__setattr__(self, name, value)
        if name in ("units", "start", "stop", "length") and self.on_update is not None:
            self.on_update(self)

    def set(
        self,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        units: str | None = "bytes",
    ) -> None:
        """Set all the fields at once (one ``on_update`` call).

        Raises:
            ValueError: Not a valid byte range (Werkzeug asserts the same check).
        """
        if not is_byte_range_valid(start, stop, length):
            raise ValueError(f"bad range provided: {start}-{stop}/{length}")
        for name, value in (("units", units), ("start", start), ("stop", stop), ("length", length)):
            self._assign(name, value)
        if getattr(self, "on_update", None) is not None:
            self.on_update(self)  # type: ignore[misc]

    def unset(self) -> None:
        """Clear the range: the header is removed (``units`` becomes ``None``)."""
        self.set(None, None, units=None)

    def to_header(self) -> str:
        """The header value, or ``""`` when unset."""
        if self.units is None:
            return ""
        length = "*" if self.length is None else self.length
        if self.start is None or self.stop is None:
            return f"{self.units} */{length}"
        return f"{self.units} {self.start}-{self.stop - 1}/{length}"

    def __bool__(self) -> bool:
        return self.units is not None

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


class _Directive:
    """A CSP directive as an attribute (``csp.script_src``); ``None`` deletes it."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __get__(self, obj: t.Any, owner: type | None = None) -> t.Any:
        return self if obj is None else obj.get(self.key)

    def __set__(self, obj: t.Any, value: str | None) -> None:
        if value is None:
            obj.pop(self.key, None)
        else:
            obj[self.key] = value

    def __delete__(self, obj: t.Any) -> None:
        obj.pop(self.key, None)


class ContentSecurityPolicy(CallbackDict):
    """A parsed ``Content-Security-Policy`` header: directive name -> value string."""

    base_uri = _Directive("base-uri")
    child_src = _Directive("child-src")
    connect_src = _Directive("connect-src")
    default_src = _Directive("default-src")
    font_src = _Directive("font-src")
    form_action = _Directive("form-action")
    frame_ancestors = _Directive("frame-ancestors")
    frame_src = _Directive("frame-src")
    img_src = _Directive("img-src")
    manifest_src = _Directive("manifest-src")
    media_src = _Directive("media-src")
    navigate_to = _Directive("navigate-to")
    object_src = _Directive("object-src")
    prefetch_src = _Directive("prefetch-src")
    plugin_types = _Directive("plugin-types")
    report_to = _Directive("report-to")
    report_uri = _Directive("report-uri")
    sandbox = _Directive("sandbox")
    script_src = _Directive("script-src")
    script_src_attr = _Directive("script-src-attr")
    script_src_elem = _Directive("script-src-elem")
    style_src = _Directive("style-src")
    style_src_attr = _Directive("style-src-attr")
    style_src_elem = _Directive("style-src-elem")
    worker_src = _Directive("worker-src")

    def __init__(
        self,
        values: t.Mapping[str, str] | t.Iterable[tuple[str, str]] | None = (),
        on_update: t.Callable[[ContentSecurityPolicy], None] | None = None,
    ) -> None:
        super().__init__(values or (), on_update)
        self.provided = values is not None

    def to_header(self) -> str:
        """``directive value; directive value``."""
        return "; ".join(f"{key} {value}" for key, value in self.items())

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        kv_str = " ".join(f"{k}={v!r}" for k, v in sorted(self.items()))
        return f"<{type(self).__name__} {kv_str}>"

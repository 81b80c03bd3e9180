"""Cache-Control directives as a dict with typed attribute accessors.

The dict maps directive -> ``str | None`` (``None`` for a bare directive such as
``no-store``); properties convert (``max_age`` -> ``int``, ``no_store`` -> ``bool``).
The request flavour is read-only; the response flavour calls ``on_update`` after each
change so the response can re-serialize its header.
"""

from __future__ import annotations

import typing as t

from veloce.core._headerparse import dump_header
from veloce.core.structures import _immutable_error

__all__ = [
    "CacheControl",
    "RequestCacheControl",
    "ResponseCacheControl",
    "cache_control_property",
]


def _read_directive(cc: _CacheControl, key: str, empty: t.Any, type: type | None) -> t.Any:
    if type is bool:
        return key in cc
    if key not in cc:
        return None
    value = cc[key]
    if value is None:
        return empty
    if type is None:
        return value
    try:
        return type(value)
    except ValueError:
        return None


def _write_directive(cc: _CacheControl, key: str, value: t.Any, type: type | None) -> None:
    if type is bool:
        if value:
            cc[key] = None
        else:
            cc.pop(key, None)
    elif value is None or value is False:
        cc.pop(key, None)
    elif value is True:
        cc[key] = None
    else:
        cc[key] = str(type(value) if type is not None else value)


def _delete_directive(cc: _CacheControl, key: str) -> None:
    if key in cc:
        del cc[key]


def cache_control_property(key: str, empty: t.Any, type: type | None) -> t.Any:
    """A property for directive ``key``.

    Args:
        key: The directive name as written in the header (``"max-age"``).
        empty: The value when the directive is present without a value.
        type: ``bool`` for presence flags, a converter such as ``int`` (a
            ``ValueError`` reads as ``None``), or ``None`` for the raw string.
    """
    return property(
        lambda cc: _read_directive(cc, key, empty, type),
        lambda cc, value: _write_directive(cc, key, value, type),
        lambda cc: _delete_directive(cc, key),
        doc=f"The ``{key}`` directive.",
    )


class _CacheControl(dict[str, str | None]):
    """Directives shared by requests and responses."""

    no_store = cache_control_property("no-store", None, bool)
    max_age = cache_control_property("max-age", None, int)
    no_transform = cache_control_property("no-transform", None, bool)
    stale_if_error = cache_control_property("stale-if-error", None, int)

    def __init__(
        self,
        values: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = (),
        on_update: t.Callable[[_CacheControl], None] | None = None,
    ) -> None:
        super().__init__(values or ())
        self.on_update = on_update
        self.provided = values is not None

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: str, value: str | None) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def pop(self, key: str, *default: t.Any) -> t.Any:
        """Remove a directive (notifies ``on_update`` if it was present)."""
        present = key in self
        value = super().pop(key, *default)
        if present:
            self._changed()
        return value

    def setdefault(self, key: str, default: str | None = None) -> str | None:
        """Set a directive if missing (notifies ``on_update`` when it adds one)."""
        added = key not in self
        value = super().setdefault(key, default)
        if added:
            self._changed()
        return value

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Update directives and notify ``on_update``."""
        super().update(*args, **kwargs)
        self._changed()

    def clear(self) -> None:
        """Remove all directives and notify ``on_update``."""
        super().clear()
        self._changed()

    def popitem(self) -> tuple[str, str | None]:
        """Remove a directive and notify ``on_update``."""
        item = super().popitem()
        self._changed()
        return item

    def to_header(self) -> str:
        """Serialize back to a header value."""
        return dump_header(self)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        body = " ".join(f"{k}={v!r}" for k, v in sorted(self.items()))
        return f"<{type(self).__name__} {body}>"


class RequestCacheControl(_CacheControl):
    """The read-only Cache-Control of a request (``no_cache``, ``max_stale``, ...).

    Flask parity: Werkzeug's ``RequestCacheControl``; mutation raises ``TypeError``.
    """

    no_cache = cache_control_property("no-cache", None, bool)
    max_stale = cache_control_property("max-stale", True, int)
    min_fresh = cache_control_property("min-fresh", None, int)
    only_if_cached = cache_control_property("only-if-cached", None, bool)

    def __init__(
        self,
        values: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = (),
        on_update: t.Callable[[_CacheControl], None] | None = None,
    ) -> None:
        dict.__init__(self, values or ())
        self.on_update = on_update
        self.provided = values is not None

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def _refuse(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        _immutable_error(self)

    __setitem__ = __delitem__ = __ior__ = _refuse
    pop = popitem = setdefault = update = clear = _refuse


CacheControl = RequestCacheControl
"""The spec's name for the request's parsed Cache-Control."""


class ResponseCacheControl(_CacheControl):
    """The mutable Cache-Control of a response (``public``, ``private``, ``s_maxage``, ...)."""

    no_cache = cache_control_property("no-cache", True, None)
    public = cache_control_property("public", None, bool)
    private = cache_control_property("private", True, None)
    must_revalidate = cache_control_property("must-revalidate", None, bool)
    proxy_revalidate = cache_control_property("proxy-revalidate", None, bool)
    s_maxage = cache_control_property("s-maxage", None, int)
    immutable = cache_control_property("immutable", None, bool)
    must_understand = cache_control_property("must-understand", None, bool)
    stale_while_revalidate = cache_control_property("stale-while-revalidate", None, int)

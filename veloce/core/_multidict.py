"""``MultiDict``: the mutable multi-value dictionary, with Werkzeug's semantics.

A ``dict`` subclass that stores a *list* per key, returns the first value on item
access and raises :class:`~veloce.core.exceptions.BadRequestKeyError` for a missing
key. The read-only variants built on it are in :mod:`veloce.core.structures`, which is
the public home of every name here.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from copy import deepcopy

from veloce.core.exceptions import BadRequestKeyError

__all__ = ["MultiDict", "TypeConversionDict", "iter_multi_items"]

K = t.TypeVar("K")
V = t.TypeVar("V")
T = t.TypeVar("T")

_missing: t.Any = object()
# Untyped handle on dict's own methods: a MultiDict stores lists under the hood.
_dict: t.Any = dict


def _immutable_error(obj: object) -> t.NoReturn:
    # Classes may report the Werkzeug class they stand in for (``_werkzeug_name``), so
    # the message matches what Flask code sees, e.g. "'EnvironHeaders' objects ...".
    name = getattr(type(obj), "_werkzeug_name", None) or type(obj).__name__
    raise TypeError(f"{name!r} objects are immutable")


def iter_multi_items(mapping: t.Any) -> cabc.Iterator[tuple[t.Any, t.Any]]:
    """Yield ``(key, value)`` pairs from a MultiDict, a mapping or an iterable of pairs.

    List, tuple and set values of a plain mapping are expanded into one pair each.
    """
    if isinstance(mapping, MultiDict):
        yield from mapping.items(multi=True)
    elif isinstance(mapping, cabc.Mapping):
        for key, value in mapping.items():
            if isinstance(value, (list, tuple, set)):
                for item in value:
                    yield key, item
            else:
                yield key, value
    else:
        yield from mapping


class TypeConversionDict(dict[K, V]):
    """A dict whose :meth:`get` can convert the value with ``type``."""

    def get(
        self, key: K, default: t.Any = None, type: t.Callable[[t.Any], t.Any] | None = None
    ) -> t.Any:
        """Return ``self[key]`` (converted by ``type``) or ``default``.

        A ``ValueError`` or ``TypeError`` from ``type`` counts as missing, so
        ``request.args.get("page", 1, type=int)`` never raises on bad input.
        """
        try:
            value = self[key]
        except KeyError:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default


class MultiDict(TypeConversionDict[K, V]):
    """A dict of key -> list of values whose item access returns the first value.

    Flask parity: same constructor shapes (pairs, mapping with list values,
    another MultiDict), same methods, same ``repr`` and same 400-rendering
    ``KeyError`` as Werkzeug's ``MultiDict``.
    """

    def __init__(self, mapping: t.Any = None) -> None:
        if mapping is None:
            super().__init__()
        elif type(mapping) is list:
            # Pairs, as the query and form parsers build them: skip the ABC checks.
            store: dict[t.Any, list[t.Any]] = {}
            for key, value in mapping:
                if key in store:
                    store[key].append(value)
                else:
                    store[key] = [value]
            super().__init__(store)
        elif isinstance(mapping, MultiDict):
            super().__init__(mapping.lists())  # type: ignore[arg-type]
        elif isinstance(mapping, cabc.Mapping):
            store = {}
            for key, value in mapping.items():
                if isinstance(value, (list, tuple, set)):
                    if not value:
                        continue
                    store[key] = list(value)
                else:
                    store[key] = [value]
            super().__init__(store)
        else:
            store = {}
            for key, value in mapping:
                if key in store:
                    store[key].append(value)
                else:
                    store[key] = [value]
            super().__init__(store)

    def __getstate__(self) -> t.Any:
        return dict(self.lists())

    def __setstate__(self, value: t.Any) -> None:
        _dict.clear(self)
        _dict.update(self, value)

    def __iter__(self) -> cabc.Iterator[K]:
        # Overriding __iter__ stops dict(md) from copying the internal lists.
        return _dict.__iter__(self)  # type: ignore[no-any-return]

    def __getitem__(self, key: K) -> V:
        try:
            values = _dict.__getitem__(self, key)
        except KeyError:
            raise BadRequestKeyError(key) from None
        if values:
            return values[0]  # type: ignore[no-any-return]
        raise BadRequestKeyError(key)

    def __setitem__(self, key: K, value: V) -> None:
        _dict.__setitem__(self, key, [value])

    def add(self, key: K, value: V) -> None:
        """Append ``value`` to the values of ``key``."""
        _dict.setdefault(self, key, []).append(value)

    def getlist(self, key: K, type: t.Callable[[t.Any], T] | None = None) -> list[t.Any]:
        """All values of ``key`` (a copy); values ``type`` cannot convert are skipped."""
        try:
            values: list[t.Any] = _dict.__getitem__(self, key)
        except KeyError:
            return []
        if type is None:
            return list(values)
        result = []
        for item in values:
            try:  # noqa: SIM105 - a try block is cheaper than suppress() per item
                result.append(type(item))
            except (ValueError, TypeError):
                pass
        return result

    def setlist(self, key: K, new_list: t.Iterable[V]) -> None:
        """Replace all values of ``key`` with ``new_list``."""
        _dict.__setitem__(self, key, list(new_list))

    def setdefault(self, key: K, default: t.Any = None) -> t.Any:
        """Return the first value of ``key``, setting it to ``default`` if missing."""
        if key not in self:
            self[key] = default
        return self[key]

    def setlistdefault(self, key: K, default_list: t.Iterable[V] | None = None) -> list[V]:
        """Return the live value list of ``key``, creating it from ``default_list``."""
        if key not in self:
            _dict.__setitem__(self, key, list(default_list or ()))
        return _dict.__getitem__(self, key)  # type: ignore[no-any-return]

    def items(self, multi: bool = False) -> cabc.Iterator[tuple[K, V]]:  # type: ignore[override]
        """``(key, first value)`` pairs, or one pair per value with ``multi=True``."""
        for key, values in _dict.items(self):
            if multi:
                for value in values:
                    yield key, value
            else:
                yield key, values[0]

    def lists(self) -> cabc.Iterator[tuple[K, list[V]]]:
        """``(key, list of values)`` pairs (copies of the lists)."""
        for key, values in _dict.items(self):
            yield key, list(values)

    def values(self) -> cabc.Iterator[V]:  # type: ignore[override]
        """The first value of every key."""
        for values in _dict.values(self):
            yield values[0]

    def listvalues(self) -> cabc.Iterable[list[V]]:
        """The value list of every key."""
        return _dict.values(self)  # type: ignore[no-any-return]

    def copy(self) -> MultiDict[K, V]:
        """A shallow copy of the same class."""
        return self.__class__(self)

    def deepcopy(self, memo: t.Any = None) -> MultiDict[K, V]:
        """A deep copy of the same class."""
        return self.__class__(deepcopy(self.to_dict(flat=False), memo))

    def to_dict(self, flat: bool = True) -> dict[K, t.Any]:
        """A plain dict of first values, or of value lists with ``flat=False``."""
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def update(self, mapping: t.Any) -> None:
        """Add the values of ``mapping`` to the existing lists (it never replaces)."""
        for key, value in iter_multi_items(mapping):
            self.add(key, value)

    def __or__(self, other: t.Any) -> MultiDict[K, V]:  # type: ignore[override]
        if not isinstance(other, cabc.Mapping):
            return NotImplemented
        result = self.copy()
        result.update(other)
        return result

    def __ior__(self, other: t.Any) -> MultiDict[K, V]:  # type: ignore[override]
        if not isinstance(other, (cabc.Mapping, cabc.Iterable)):
            return NotImplemented
        self.update(other)
        return self

    def pop(self, key: K, default: t.Any = _missing) -> t.Any:
        """Remove ``key`` and return its first value (or ``default``)."""
        try:
            values = _dict.pop(self, key)
        except KeyError:
            if default is not _missing:
                return default
            raise BadRequestKeyError(key) from None
        if not values:
            if default is not _missing:
                return default
            raise BadRequestKeyError(key)
        return values[0]

    def popitem(self) -> tuple[K, V]:
        """Remove an arbitrary key and return ``(key, first value)``."""
        try:
            key, values = _dict.popitem(self)
        except KeyError as exc:
            raise BadRequestKeyError(exc.args[0] if exc.args else None) from None
        if not values:
            raise BadRequestKeyError(key)
        return key, values[0]

    def poplist(self, key: K) -> list[V]:
        """Remove ``key`` and return all its values (``[]`` if missing)."""
        return _dict.pop(self, key, [])  # type: ignore[no-any-return]

    def popitemlist(self) -> tuple[K, list[V]]:
        """Remove an arbitrary key and return ``(key, values)``."""
        try:
            return _dict.popitem(self)  # type: ignore[no-any-return]
        except KeyError as exc:
            raise BadRequestKeyError(exc.args[0] if exc.args else None) from None

    def __copy__(self) -> MultiDict[K, V]:
        return self.copy()

    def __deepcopy__(self, memo: t.Any) -> MultiDict[K, V]:
        return self.deepcopy(memo=memo)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"

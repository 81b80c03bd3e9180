"""Multi-value dictionaries with Werkzeug's semantics.

Flask code relies on the exact shape of ``request.args`` / ``request.form``: a ``dict``
subclass mapping each key to a *list* of values, where item access returns the first
value and a missing key raises :class:`~veloce.core.exceptions.BadRequestKeyError`
(a ``KeyError`` that renders as 400). These classes reproduce that contract so ported
code keeps working unchanged; :class:`CombinedMultiDict` is the read-only union used
for ``request.values``.
"""

from __future__ import annotations

import collections.abc as cabc
import itertools
import typing as t

from veloce.core._multidict import (
    K,
    MultiDict,
    T,
    TypeConversionDict,
    V,
    _immutable_error,
    iter_multi_items,
)
from veloce.core._multidict import _missing as _missing  # used by core.headers
from veloce.core.exceptions import BadRequestKeyError

__all__ = [
    "AwaitableValue",
    "CombinedMultiDict",
    "ImmutableList",
    "ImmutableMultiDict",
    "MultiDict",
    "TypeConversionDict",
    "iter_multi_items",
]


class AwaitableValue(t.Generic[T]):
    """An already-resolved awaitable: ``await AwaitableValue(x)`` is ``x``.

    Lets a synchronous, buffered value also serve the ``await request.form()``
    idiom without creating a coroutine object or a task.
    """

    __slots__ = ("_value",)

    def __init__(self, value: T) -> None:
        self._value = value

    def __await__(self) -> cabc.Generator[t.Any, None, T]:
        yield from ()
        return self._value


class ImmutableList(list[V]):
    """A list that refuses mutation (``access_route`` and friends)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (list(self),)

    def _refuse(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        _immutable_error(self)

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = remove = extend = insert = pop = reverse = sort = clear = _refuse

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list.__repr__(self)})"


class _ImmutableMultiDictMixin:
    """Refuse every mutator with ``TypeError``, like Werkzeug's immutable mixins."""

    _hash_cache: int | None = None

    def __hash__(self) -> int:
        if self._hash_cache is None:
            self._hash_cache = hash(frozenset(self.items(multi=True)))  # type: ignore[attr-defined]
        return self._hash_cache

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (list(self.items(multi=True)),)  # type: ignore[attr-defined]

    def _refuse(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        _immutable_error(self)

    __setitem__ = __delitem__ = __ior__ = _refuse
    add = setlist = setdefault = setlistdefault = update = _refuse
    pop = popitem = poplist = popitemlist = clear = _refuse

    @classmethod
    def fromkeys(cls, keys: t.Iterable[t.Any], value: t.Any = None) -> t.Any:
        return cls(zip(keys, itertools.repeat(value)))  # type: ignore[call-arg]


class ImmutableMultiDict(_ImmutableMultiDictMixin, MultiDict[K, V]):  # type: ignore[misc]
    """A read-only :class:`MultiDict` (``request.args``, ``form``, ``files``, ``cookies``)."""

    def copy(self) -> MultiDict[K, V]:
        """A mutable :class:`MultiDict` copy."""
        return MultiDict(self)

    def __copy__(self) -> ImmutableMultiDict[K, V]:
        return self


class CombinedMultiDict(_ImmutableMultiDictMixin, MultiDict[K, V]):
    """A read-only view over several MultiDicts, searched in order (``request.values``)."""

    def __init__(self, dicts: t.Iterable[MultiDict[K, V]] | None = None) -> None:
        super().__init__()
        self.dicts: list[MultiDict[K, V]] = list(dicts or ())

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (self.dicts,)

    @classmethod
    def fromkeys(cls, keys: t.Any, value: t.Any = None) -> t.NoReturn:
        """Refused: a combined view has no storage of its own."""
        raise TypeError(f"cannot create {cls.__name__!r} instances by fromkeys")

    def __getitem__(self, key: K) -> V:
        for d in self.dicts:
            if key in d:
                return d[key]
        raise BadRequestKeyError(key)

    def get(
        self, key: K, default: t.Any = None, type: t.Callable[[t.Any], t.Any] | None = None
    ) -> t.Any:
        """The first convertible value of ``key`` across the dicts, or ``default``."""
        for d in self.dicts:
            if key in d:
                if type is None:
                    return d[key]
                try:
                    return type(d[key])
                except (ValueError, TypeError):
                    continue
        return default

    def getlist(self, key: K, type: t.Callable[[t.Any], T] | None = None) -> list[t.Any]:
        """The values of ``key`` from every dict, in order."""
        result: list[t.Any] = []
        for d in self.dicts:
            result.extend(d.getlist(key, type))
        return result

    def _keys(self) -> set[K]:
        return {key for d in self.dicts for key in d}

    def keys(self) -> t.Any:
        """The set of keys of all dicts."""
        return self._keys()

    def __iter__(self) -> cabc.Iterator[K]:
        return iter(self._keys())

    def items(self, multi: bool = False) -> cabc.Iterator[tuple[K, V]]:  # type: ignore[override]
        """Pairs of all dicts; without ``multi`` each key once (first dict wins)."""
        found = set()
        for d in self.dicts:
            for key, value in d.items(multi):
                if multi:
                    yield key, value
                elif key not in found:
                    found.add(key)
                    yield key, value

    def values(self) -> cabc.Iterator[V]:  # type: ignore[override]
        """The first value of each key."""
        for _, value in self.items():
            yield value

    def lists(self) -> cabc.Iterator[tuple[K, list[V]]]:
        """``(key, values)`` with the values of all dicts merged."""
        merged: dict[K, list[V]] = {}
        for d in self.dicts:
            for key, values in d.lists():
                merged.setdefault(key, []).extend(values)
        return iter(merged.items())

    def listvalues(self) -> cabc.Iterator[list[V]]:
        """The merged value list of each key."""
        return (values for _, values in self.lists())

    def copy(self) -> MultiDict[K, V]:
        """A mutable :class:`MultiDict` snapshot."""
        return MultiDict(self)

    def to_dict(self, flat: bool = True) -> dict[K, t.Any]:
        """A plain dict of first values, or of merged value lists."""
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def __len__(self) -> int:
        return len(self._keys())

    def __contains__(self, key: object) -> bool:
        return any(key in d for d in self.dicts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CombinedMultiDict):
            return self.dicts == other.dicts
        if isinstance(other, cabc.Mapping):
            return self.to_dict(flat=False) == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.dicts!r})"


# Defined in ``core/_multidict.py``; this module is their public home (pickling, reprs).
for _obj in (MultiDict, TypeConversionDict, iter_multi_items):
    _obj.__module__ = __name__
del _obj

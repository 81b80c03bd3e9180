"""A case-insensitive, ordered set of header tokens (``Vary``, ``Allow``, ``Pragma``)."""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import typing as t

from veloce.core._headerparse import quote_header_value

__all__ = ["HeaderSet"]


class HeaderSet(cabc.MutableSet[str]):
    """A case-insensitive, order-keeping set of header tokens (``Vary``, ``Allow``, ``Pragma``).

    ``on_update`` is called after every change so a response can re-serialize.
    """

    def __init__(
        self,
        headers: t.Iterable[str] | None = None,
        on_update: t.Callable[[HeaderSet], None] | None = None,
    ) -> None:
        self._headers = list(headers or ())
        self._set = {h.lower() for h in self._headers}
        self.on_update = on_update

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def add(self, header: str) -> None:
        """Add ``header`` unless present (case-insensitively)."""
        self.update((header,))

    def remove(self, header: str) -> None:
        """Remove ``header``; ``KeyError`` when absent."""
        key = header.lower()
        if key not in self._set:
            raise KeyError(header)
        self._set.remove(key)
        for idx, item in enumerate(self._headers):
            if item.lower() == key:
                del self._headers[idx]
                break
        self._changed()

    def update(self, iterable: t.Iterable[str]) -> None:
        """Add every header of ``iterable``."""
        inserted = False
        for header in iterable:
            key = header.lower()
            if key not in self._set:
                self._headers.append(header)
                self._set.add(key)
                inserted = True
        if inserted:
            self._changed()

    def discard(self, header: str) -> None:
        """Remove ``header`` if present."""
        with contextlib.suppress(KeyError):
            self.remove(header)

    def find(self, header: str) -> int:
        """Index of ``header`` or ``-1``."""
        key = header.lower()
        for idx, item in enumerate(self._headers):
            if item.lower() == key:
                return idx
        return -1

    def index(self, header: str) -> int:
        """Index of ``header``; ``IndexError`` when absent."""
        idx = self.find(header)
        if idx < 0:
            raise IndexError(header)
        return idx

    def clear(self) -> None:
        """Remove everything."""
        self._set.clear()
        self._headers.clear()
        self._changed()

    def as_set(self, preserve_casing: bool = False) -> set[str]:
        """A plain set (lower-cased unless ``preserve_casing``)."""
        return set(self._headers) if preserve_casing else set(self._set)

    def to_header(self) -> str:
        """The header value (``a, "b c"``)."""
        return ", ".join(quote_header_value(h) for h in self._headers)

    def __getitem__(self, idx: t.SupportsIndex) -> str:
        return self._headers[idx]

    def __delitem__(self, idx: t.SupportsIndex) -> None:
        removed = self._headers.pop(idx)
        self._set.remove(removed.lower())
        self._changed()

    def __setitem__(self, idx: t.SupportsIndex, value: str) -> None:
        old = self._headers[idx]
        self._set.remove(old.lower())
        self._headers[idx] = value
        self._set.add(value.lower())
        self._changed()

    def __contains__(self, header: object) -> bool:
        return isinstance(header, str) and header.lower() in self._set

    def __len__(self) -> int:
        return len(self._set)

    def __iter__(self) -> cabc.Iterator[str]:
        return iter(self._headers)

    def __bool__(self) -> bool:
        return bool(self._set)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._headers!r})"

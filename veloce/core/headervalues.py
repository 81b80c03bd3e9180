"""Parsed request header values: Authorization, ETags, If-Range, Range and User-Agent.

Each class is Werkzeug-shaped (same attributes, ``to_header()``, ``str()``), because
Flask views and extensions inspect them directly (``request.authorization.username``,
``request.if_none_match.contains_weak(...)``). Parsing lives in
:mod:`veloce.core.http`; these classes only hold and query the result.
"""

from __future__ import annotations

import base64
import binascii
import collections.abc as cabc
import hashlib
import typing as t

from veloce.core._headerparse import (
    dump_header,
    is_byte_range_valid,
    parse_dict_header,
    parse_range_pairs,
    quote_etag,
    unquote_etag,
)
from veloce.core.dates import http_date

if t.TYPE_CHECKING:
    import datetime as _dt

__all__ = ["Authorization", "ETags", "IfRange", "Range", "RangeSpec", "UserAgent"]


class Authorization:
    """A parsed ``Authorization`` header.

    ``type`` is the lower-cased scheme. Basic credentials populate
    ``username``/``password``; token schemes (Bearer) set ``token``; parameter
    schemes (Digest) fill ``parameters`` (also ``params``). ``auth["key"]``,
    ``auth.key`` and ``auth.get("key")`` read ``parameters``.

    Flask parity: Werkzeug 2.3+'s ``Authorization``.
    """

    def __init__(
        self,
        auth_type: str,
        data: dict[str, str | None] | None = None,
        token: str | None = None,
    ) -> None:
        self.type = auth_type
        self.parameters: dict[str, str | None] = {} if data is None else data
        self.token = token

    @property
    def params(self) -> dict[str, str | None]:
        """The spec's name for :attr:`parameters`."""
        return self.parameters

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("__") or name == "parameters":
            raise AttributeError(name)
        return self.parameters.get(name)

    def __getitem__(self, name: str) -> str | None:
        return self.parameters.get(name)

    def get(self, key: str, default: str | None = None) -> str | None:
        """A parameter, or ``default``."""
        return self.parameters.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.parameters

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Authorization):
            return NotImplemented
        return (self.type, self.token, self.parameters) == (
            other.type,
            other.token,
            other.parameters,
        )

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_header(cls, value: str | None) -> Authorization | None:
        """Parse a header value; ``None`` when empty or when Basic credentials are malformed."""
        if not value:
            return None
        scheme, _, rest = value.partition(" ")
        scheme = scheme.lower()
        rest = rest.strip(" \t")
        if scheme == "basic":
            try:
                decoded = base64.b64decode(rest, validate=True).decode()
            except (binascii.Error, UnicodeError):
                return None
            username, _, password = decoded.partition(":")
            return cls(scheme, {"username": username, "password": password})
        if "=" in rest.rstrip("="):
            return cls(scheme, parse_dict_header(rest), None)
        return cls(scheme, None, rest)

    def to_header(self) -> str:
        """Serialize back to a header value."""
        if self.type == "basic":
            raw = f"{self.username}:{self.password}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        if self.token is not None:
            return f"{self.type.title()} {self.token}"
        return f"{self.type.title()} {dump_header(self.parameters)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()}>"


class ETags(cabc.Collection[str]):
    """The entity tags of an If-Match / If-None-Match header (``*`` matches everything).

    Iteration, ``len()`` and ``in`` consider strong tags only (plus ``*``);
    :meth:`contains_weak` also accepts weak ones.
    """

    def __init__(
        self,
        strong_etags: t.Iterable[str] | None = None,
        weak_etags: t.Iterable[str] | None = None,
        star_tag: bool = False,
    ) -> None:
        self._strong = frozenset(strong_etags or ()) if not star_tag else frozenset()
        self._weak = frozenset(weak_etags or ())
        self.star_tag = star_tag

    def as_set(self, include_weak: bool = False) -> set[str]:
        """The strong tags (plus weak ones if asked) as a set."""
        result = set(self._strong)
        if include_weak:
            result.update(self._weak)
        return result

    def is_weak(self, etag: str) -> bool:
        """Whether ``etag`` is listed as weak."""
        return etag in self._weak

    def is_strong(self, etag: str) -> bool:
        """Whether ``etag`` is listed as strong."""
        return etag in self._strong

    def contains_weak(self, etag: str) -> bool:
        """Weak comparison (If-None-Match)."""
        return self.is_weak(etag) or self.contains(etag)

    def contains(self, etag: str) -> bool:
        """Strong comparison (If-Match); ``*`` contains everything."""
        return self.star_tag or self.is_strong(etag)

    def contains_raw(self, etag: str) -> bool:
        """Check a quoted tag; a ``W/`` tag is compared weakly."""
        value, weak = unquote_etag(etag)
        if value is None:
            return self.star_tag
        return self.contains_weak(value) if weak else self.contains(value)

    def to_header(self) -> str:
        """Serialize back to a header value."""
        if self.star_tag:
            return "*"
        return ", ".join([f'"{x}"' for x in self._strong] + [f'W/"{x}"' for x in self._weak])

    def __call__(
        self, etag: str | None = None, data: bytes | None = None, include_weak: bool = False
    ) -> bool:
        """Whether ``etag`` (or the SHA-1 of ``data``) is listed; weak tags if asked."""
        if etag is None:
            if data is None:
                raise TypeError("'data' is required when 'etag' is not given.")
            etag = hashlib.sha1(data).hexdigest()
        if include_weak and etag in self._weak:
            return True
        return etag in self._strong

    def __bool__(self) -> bool:
        return bool(self.star_tag or self._strong or self._weak)

    def __str__(self) -> str:
        return self.to_header()

    def __len__(self) -> int:
        return len(self._strong)

    def __iter__(self) -> cabc.Iterator[str]:
        return iter(self._strong)

    def __contains__(self, etag: object) -> bool:
        return isinstance(etag, str) and self.contains(etag)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


class IfRange:
    """A parsed If-Range header: an unquoted ``etag`` or a ``date``, never both."""

    def __init__(self, etag: str | None = None, date: _dt.datetime | None = None) -> None:
        self.etag = etag
        self.date = date

    def to_header(self) -> str:
        """Serialize back to a header value."""
        if self.date is not None:
            return http_date(self.date)
        if self.etag is not None:
            return quote_etag(self.etag)
        return ""

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


class Range:
    """A parsed Range header: ``units`` and ``(start, stop)`` pairs with *exclusive* stops.

    Suffix ranges are ``(-length, None)``; open ranges ``(start, None)``.

    Raises:
        ValueError: a range is invalid (negative start with a stop, empty range).
    """

    def __init__(self, units: str, ranges: t.Sequence[tuple[int, int | None]]) -> None:
        self.units = units
        self.ranges = ranges
        for start, end in ranges:
            if start is None or (end is not None and (start < 0 or start >= end)):
                raise ValueError(f"{(start, end)} is not a valid range.")

    def range_for_length(self, length: int | None) -> tuple[int, int] | None:
        """The satisfiable ``(start, stop)`` for a body of ``length`` bytes, if any."""
        if self.units != "bytes" or length is None or len(self.ranges) != 1:
            return None
        start, end = self.ranges[0]
        if end is None:
            end = length
            if start < 0:
                start += length
        if is_byte_range_valid(start, end, length):
            return start, min(end, length)
        return None

    def to_header(self) -> str:
        """Serialize back to a header value (inclusive ends, as on the wire)."""
        parts = []
        for begin, end in self.ranges:
            if end is None:
                parts.append(f"{begin}-" if begin >= 0 else str(begin))
            else:
                parts.append(f"{begin}-{end - 1}")
        return f"{self.units}={','.join(parts)}"

    def to_content_range_header(self, length: int | None) -> str | None:
        """The matching Content-Range value for ``length``, if satisfiable."""
        rng = self.range_for_length(length)
        if rng is None:
            return None
        return f"{self.units} {rng[0]}-{rng[1] - 1}/{length}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


class RangeSpec:
    """The spec's Range shape: ``unit`` and *inclusive* ``(start, end)`` pairs.

    ``0-499`` -> ``(0, 499)``, ``1000-`` -> ``(1000, None)``, ``-500`` -> ``(None, 500)``.
    ``request.range`` stays Werkzeug's :class:`Range`; build this with
    :meth:`from_header` or :meth:`from_range`.
    """

    __slots__ = ("unit", "ranges")

    def __init__(self, unit: str, ranges: list[tuple[int | None, int | None]]) -> None:
        self.unit = unit
        self.ranges = ranges

    @classmethod
    def from_range(cls, rng: Range) -> RangeSpec:
        """Convert a Werkzeug-style :class:`Range`."""
        pairs: list[tuple[int | None, int | None]] = []
        for start, stop in rng.ranges:
            if start < 0:
                pairs.append((None, -start))
            else:
                pairs.append((start, None if stop is None else stop - 1))
        return cls(rng.units, pairs)

    @classmethod
    def from_header(cls, value: str | None) -> RangeSpec | None:
        """Parse a Range value; ``None`` when absent or unparseable."""
        parsed = parse_range_pairs(value)
        if parsed is None:
            return None
        return cls.from_range(Range(*parsed))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RangeSpec):
            return NotImplemented
        return (self.unit, self.ranges) == (other.unit, other.ranges)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RangeSpec(unit={self.unit!r}, ranges={self.ranges!r})"


class UserAgent:
    """The User-Agent header; no parsing, only :attr:`string`.

    Flask parity: Werkzeug's ``UserAgent``: the parsed attributes are ``None`` and
    ``bool(ua)`` is ``bool(ua.browser)`` (so False unless a subclass parses).
    """

    platform: str | None = None
    browser: str | None = None
    version: str | None = None
    language: str | None = None

    def __init__(self, string: str) -> None:
        self.string = string

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.browser}/{self.version}>"

    def __str__(self) -> str:
        return self.string

    def __bool__(self) -> bool:
        return bool(self.browser)

    def to_header(self) -> str:
        """The original header value."""
        return self.string

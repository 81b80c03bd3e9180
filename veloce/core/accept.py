"""Accept-* headers: Werkzeug's :class:`Accept` family and the spec's :class:`AcceptHeader`.

An :class:`Accept` is an immutable list of ``(value, quality)`` pairs sorted by
specificity then quality (stable for ties, so the client's order breaks them).
Subclasses only change how a server-side value *matches* a client item: MIME
wildcards, language-tag normalization, charset aliases.
"""

from __future__ import annotations

import codecs
import re
import typing as t

from veloce.core._headerparse import dump_options_header, parse_list_header, parse_options_header
from veloce.core.structures import ImmutableList

if t.TYPE_CHECKING:
    import collections.abc as cabc

__all__ = [
    "Accept",
    "AcceptHeader",
    "CharsetAccept",
    "LanguageAccept",
    "MIMEAccept",
    "parse_accept_header",
]

T_accept = t.TypeVar("T_accept", bound="Accept")

_q_value_re = re.compile(r"-?\d+(\.\d+)?", re.ASCII)


def _parse_items(value: str, invalid_q: float | None) -> list[tuple[str, float]]:
    """``(value, q)`` pairs; an invalid ``q`` drops the item unless ``invalid_q`` is given."""
    result: list[tuple[str, float]] = []
    for raw in parse_list_header(value):
        item, options = parse_options_header(raw)
        quality: float = 1
        if "q" in options:
            q_text = options.pop("q").strip(" \t")
            if _q_value_re.fullmatch(q_text) is None or not 0 <= float(q_text) <= 1:
                if invalid_q is None:
                    continue
                quality = invalid_q
            else:
                quality = float(q_text)
        if options:
            item = dump_options_header(item, options)
        result.append((item, quality))
    return result


def parse_accept_header(value: str | None, cls: type[T_accept] | None = None) -> T_accept:
    """Parse an Accept-* header value into ``cls`` (default :class:`Accept`).

    Flask parity: RFC 9110 parsing as in Werkzeug; items with an invalid ``q`` are
    skipped and a missing header gives an empty, not-``provided`` instance.
    """
    accept_cls = t.cast("type[T_accept]", Accept if cls is None else cls)
    if not value:
        return accept_cls(None)
    return accept_cls(_parse_items(value, None))


class Accept(ImmutableList[tuple[str, float]]):
    """The parsed values of an Accept-* header, best first.

    ``accept["gzip"]`` and :meth:`quality` give a value's quality (0 when not
    accepted), ``"gzip" in accept`` tests acceptance, :meth:`best_match` picks among
    server-side options. ``provided`` is False when the header was absent.
    """

    def __init__(self, values: Accept | t.Iterable[tuple[str, float]] | None = ()) -> None:
        if values is None:
            super().__init__()
            self.provided = False
        elif isinstance(values, Accept):
            self.provided = values.provided
            super().__init__(values)
        else:
            self.provided = True
            super().__init__(
                sorted(values, key=lambda x: (self._specificity(x[0]), x[1]), reverse=True)
            )

    def _specificity(self, value: str) -> tuple[bool, ...]:
        return (value != "*",)

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or item.lower() == value.lower()

    def __getitem__(self, key: t.Any) -> t.Any:
        if isinstance(key, str):
            return self.quality(key)
        return list.__getitem__(self, key)

    def quality(self, key: str) -> float:
        """The client's quality for ``key`` (0 if not accepted)."""
        for item, quality in self:
            if self._value_matches(key, item):
                return quality
        return 0

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        return any(self._value_matches(value, item) for item, _ in self)

    def __repr__(self) -> str:
        pairs = ", ".join(f"({x!r}, {y})" for x, y in self)
        return f"{type(self).__name__}([{pairs}])"

    def index(self, key: t.Any, *args: t.Any) -> int:
        """Position of the first item matching ``key``; ``ValueError`` if none."""
        if isinstance(key, str):
            for idx, (item, _) in enumerate(self):
                if self._value_matches(key, item):
                    return idx
            raise ValueError(key)
        return list.index(self, key, *args)

    def find(self, key: t.Any) -> int:
        """Like :meth:`index` but ``-1`` when nothing matches."""
        try:
            return self.index(key)
        except ValueError:
            return -1

    def values(self) -> cabc.Iterator[str]:
        """The accepted values, best first."""
        for item in self:
            yield item[0]

    def to_header(self) -> str:
        """Serialize back to a header value."""
        return ",".join(v if q == 1 else f"{v};q={q}" for v, q in self)

    def __str__(self) -> str:
        return self.to_header()

    def _best_single_match(self, match: str) -> tuple[str, float] | None:
        for item, quality in self:
            if self._value_matches(match, item):
                return item, quality
        return None

    def best_match(self, matches: t.Iterable[str], default: str | None = None) -> str | None:
        """The server option the client prefers: highest quality, then specificity.

        Ties go to the earlier option; options with quality 0 never match.
        """
        result = default
        best_quality: float = -1
        best_specificity: tuple[bool, ...] | tuple[int] = (-1,)
        for server_item in matches:
            match = self._best_single_match(server_item)
            if match is None:
                continue
            client_item, quality = match
            specificity = self._specificity(client_item)
            if quality <= 0 or quality < best_quality:
                continue
            if quality > best_quality or specificity > best_specificity:
                result = server_item
                best_quality = quality
                best_specificity = specificity
        return result

    @property
    def best(self) -> str | None:
        """The client's most preferred value."""
        return self[0][0] if self else None


_mime_split_re = re.compile(r"/|(?:[ \t]*;[ \t]*)")


def _split_mime(value: str) -> list[str]:
    return _mime_split_re.split(value.lower())


class MIMEAccept(Accept):
    """The ``Accept`` header: ``type/subtype`` wildcards and parameters are honoured."""

    def _specificity(self, value: str) -> tuple[bool, ...]:
        return tuple(part != "*" for part in _mime_split_re.split(value))

    def _value_matches(self, value: str, item: str) -> bool:
        if "/" not in item:
            return False
        if "/" not in value:
            raise ValueError(f"invalid mimetype {value!r}")
        value_parts = _split_mime(value)
        value_type, value_subtype = value_parts[:2]
        if value_type == "*" and value_subtype != "*":
            raise ValueError(f"invalid mimetype {value!r}")
        item_parts = _split_mime(item)
        item_type, item_subtype = item_parts[:2]
        if item_type == "*" and item_subtype != "*":
            return False
        if (item_type == "*" and item_subtype == "*") or (
            value_type == "*" and value_subtype == "*"
        ):
            return True
        if item_type != value_type:
            return False
        return (
            item_subtype == "*"
            or value_subtype == "*"
            or (item_subtype == value_subtype and sorted(item_parts[2:]) == sorted(value_parts[2:]))
        )

    @property
    def accept_html(self) -> bool:
        """True if HTML (or XHTML) is accepted."""
        return "text/html" in self or self.accept_xhtml  # type: ignore[comparison-overlap]

    @property
    def accept_xhtml(self) -> bool:
        """True if XHTML or XML is accepted."""
        return "application/xhtml+xml" in self or "application/xml" in self  # type: ignore[comparison-overlap]

    @property
    def accept_json(self) -> bool:
        """True if JSON is accepted."""
        return "application/json" in self  # type: ignore[comparison-overlap]


_locale_delim_re = re.compile(r"[_-]")


def _split_lang(value: str) -> list[str]:
    return _locale_delim_re.split(value.lower())


class LanguageAccept(Accept):
    """``Accept-Language``: ``en_US`` matches ``en-us``; falls back to primary tags."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _split_lang(value) == _split_lang(item)

    def best_match(self, matches: t.Iterable[str], default: str | None = None) -> str | None:
        """Exact match first, then the client's primary tags, then the options' primary tags."""
        matches = list(matches)
        result = super().best_match(matches)
        if result is not None:
            return result
        primary = Accept([(_locale_delim_re.split(v, 1)[0], q) for v, q in self])
        result = primary.best_match(matches)
        if result is not None:
            return result
        result = super().best_match([_locale_delim_re.split(m, 1)[0] for m in matches])
        if result is not None:
            return next(m for m in matches if m.startswith(result))
        return default


class CharsetAccept(Accept):
    """``Accept-Charset``: codec aliases match (``utf8`` == ``UTF-8``)."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _codec_name(value) == _codec_name(item)


def _codec_name(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


class AcceptHeader(Accept):
    """The spec's Accept-* object, built with :meth:`parse`.

    Differs from the Werkzeug classes in two documented ways: an unparseable
    ``q`` counts as 1.0 instead of dropping the item, and :meth:`best_match` on a
    missing header returns the first option ("accept anything", RFC 9110 §12.5.1).
    """

    @classmethod
    def parse(cls, raw: str | None, mime: bool = False) -> AcceptHeader:
        """Parse ``raw``; ``mime=True`` enables ``type/*`` and ``*/*`` wildcards."""
        target: type[AcceptHeader] = _MIMEAcceptHeader if mime else cls
        if not raw:
            return target(None)
        return target(_parse_items(raw, 1.0))

    def best_match(self, matches: t.Iterable[str], default: str | None = None) -> str | None:
        """The preferred option; the first option when no preference was expressed."""
        if not self.provided:
            for option in matches:
                return option
            return default
        return super().best_match(matches, default)


class _MIMEAcceptHeader(AcceptHeader, MIMEAccept):
    """``AcceptHeader.parse(raw, mime=True)``: spec behaviour with MIME matching."""

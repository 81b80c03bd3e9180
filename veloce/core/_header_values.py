"""Header values with a grammar of their own: plain integers, cookies, ETags, ranges.

The generic grammar (lists, dicts, parameters, quoting) stays in
:mod:`veloce.core._headerparse`, which re-exports every name here; these parsers are
apart only so that each module stays short. The rules are Werkzeug 3.1's, checked
against Werkzeug in the tests.
"""

from __future__ import annotations

import re

__all__ = [
    "is_byte_range_valid",
    "parse_cookie_pairs",
    "parse_etag_lists",
    "parse_range_pairs",
    "plain_int",
    "quote_etag",
    "unquote_etag",
]

_plain_int_re = re.compile(r"-?[0-9]+", re.ASCII)


def plain_int(value: str) -> int:
    """``int()`` restricted to ASCII digits and ``-`` (no ``+``, ``_`` or Unicode digits).

    HTTP numbers are ASCII; Python's ``int`` would accept ``"+1_0"`` or Arabic digits.

    Raises:
        ValueError: the value is not a plain integer.
    """
    value = value.strip(" \t")
    if _plain_int_re.fullmatch(value) is None:
        raise ValueError(value)
    return int(value)


_cookie_re = re.compile(
    r"""
    [ \t]*
    ([^ \t=";]+)                          # name
    (?:[ \t]*=[ \t]*
        ("(?:[^\\"]|\\.)*" | [^ \t";]*)   # quoted or bare value
    )?
    [ \t]*
    (?:;|\Z)
    """,
    re.ASCII | re.VERBOSE,
)
_cookie_unslash_re = re.compile(rb"\\([0-3][0-7]{2}|.)")


def _cookie_unslash(match: re.Match[bytes]) -> bytes:
    escaped = match.group(1)
    if len(escaped) == 1:
        return escaped
    return int(escaped, 8).to_bytes(1, "big")


def parse_cookie_pairs(cookie: str | None) -> list[tuple[str, str]]:
    r"""Parse a Cookie header into ``(name, value)`` pairs, in order.

    Quoted values lose their quotes and ``\ooo`` octal / backslash escapes are decoded
    as UTF-8 bytes (what Werkzeug's ``dump_cookie`` produces). Malformed segments are
    skipped up to the next ``;``.
    """
    if not cookie:
        return []
    out = []
    pos = 0
    while True:
        match = _cookie_re.match(cookie, pos)
        if match is None:
            pos = cookie.find(";", pos) + 1
            if pos == 0:
                break
            continue
        name, value = match.groups()
        pos = match.end()
        if value is None:
            value = ""
        elif len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = _cookie_unslash_re.sub(_cookie_unslash, value[1:-1].encode()).decode(
                errors="replace"
            )
        out.append((name, value))
    return out


def quote_etag(etag: str, weak: bool = False) -> str:
    """Quote an ETag (``"x"`` or ``W/"x"``).

    Raises:
        ValueError: the tag contains a double quote.
    """
    if '"' in etag:
        raise ValueError("invalid etag")
    return f'W/"{etag}"' if weak else f'"{etag}"'


def unquote_etag(etag: str | None) -> tuple[str, bool] | tuple[None, None]:
    """Split a (possibly weak) quoted ETag into ``(value, weak)``."""
    if not etag:
        return None, None
    weak = etag.startswith(("W/", "w/"))
    start = 2 if weak else 0
    if etag.startswith('"', start) and etag.endswith('"', start):
        return etag[start + 1 : -1], weak
    return etag[start:], weak


_etag_re = re.compile(r'[ \t]*([Ww]/)?(?:"([^"]*)"|([^" \t,]+))[ \t]*(?:,|\Z)', re.ASCII)


def parse_etag_lists(value: str | None) -> tuple[list[str], list[str], bool]:
    """Parse an If-Match / If-None-Match value into ``(strong, weak, star)``."""
    if not value:
        return [], [], False
    if value == "*":
        return [], [], True
    strong: list[str] = []
    weak: list[str] = []
    pos = 0
    while True:
        match = _etag_re.match(value, pos)
        if match is None:
            pos = value.find(",", pos) + 1
            if pos == 0:
                break
            continue
        is_weak, quoted, bare = match.groups()
        pos = match.end()
        (weak if is_weak else strong).append(quoted or bare)
    return strong, weak, False


def parse_range_pairs(value: str | None) -> tuple[str, list[tuple[int, int | None]]] | None:
    """Parse a Range header into ``(units, [(start, stop_exclusive | None), ...])``.

    Suffix ranges are ``(-length, None)``. Overlapping or descending ranges, ``-0``
    and anything unparseable give ``None`` (the header is ignored).
    """
    if not value or "=" not in value:
        return None
    units, _, spec = value.partition("=")
    units = units.strip(" \t").lower()
    ranges: list[tuple[int, int | None]] = []
    last_end = 0
    for item in spec.split(","):
        item = item.strip(" \t")
        if "-" not in item:
            return None
        end: int | None
        try:
            if item.startswith("-"):
                if last_end < 0:
                    return None
                begin = plain_int(item)
                if begin == 0:
                    return None
                end = None
                last_end = -1
            else:
                begin_str, _, end_str = item.partition("-")
                begin = plain_int(begin_str.strip(" \t"))
                if begin < last_end or last_end < 0:
                    return None
                end_str = end_str.strip(" \t")
                if end_str:
                    end = plain_int(end_str) + 1
                    if begin >= end:
                        return None
                else:
                    end = None
                last_end = end if end is not None else -1
        except ValueError:
            return None
        ranges.append((begin, end))
    return units, ranges


def is_byte_range_valid(start: int | None, stop: int | None, length: int | None) -> bool:
    """Whether ``[start, stop)`` is a satisfiable byte range for ``length``."""
    if start is None or stop is None:
        return start is None and stop is None and (length is None or length >= 0)
    if length is None:
        return 0 <= start < stop
    if start >= stop:
        return False
    return 0 <= start < length

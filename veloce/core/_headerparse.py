"""String-level HTTP header grammar shared by the datastructures and :mod:`veloce.core.http`.

Everything here works on ``str`` and returns plain Python values (tuples, lists, dicts),
so the datastructure modules can use it without importing each other. The rules are
Werkzeug 3.1's (RFC 9110 lists and parameters, RFC 2231 charsets and continuations,
RFC 6265 cookies with Python's octal escapes), re-derived from the RFCs and checked
against Werkzeug in the tests. The value grammars of single headers (plain integers,
cookies, ETags, ranges) live in ``core/_header_values.py`` and are re-exported here.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import unquote

from veloce.core._header_values import (
    is_byte_range_valid,
    parse_cookie_pairs,
    parse_etag_lists,
    parse_range_pairs,
    plain_int,
    quote_etag,
    unquote_etag,
)

__all__ = [
    "TOKEN_CHARS",
    "dump_header",
    "dump_options_header",
    "is_byte_range_valid",
    "parse_cookie_pairs",
    "parse_dict_header",
    "parse_etag_lists",
    "parse_list_header",
    "parse_options_header",
    "parse_range_pairs",
    "plain_int",
    "quote_etag",
    "quote_header_value",
    "unquote_etag",
    "unquote_header_value",
]

TOKEN_CHARS = frozenset(
    "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~"
)
# RFC 2231 charsets we are willing to decode; anything else stays percent-encoded.
_SAFE_CHARSETS = frozenset({"ascii", "us-ascii", "utf-8", "iso-8859-1"})

_escape_re = re.compile(r"\\(.)", re.ASCII)


def quote_header_value(value: t.Any, allow_token: bool = True) -> str:
    r"""Quote ``value`` for a header unless it is a bare token; escape ``"`` and ``\``."""
    text = str(value)
    if not text:
        return '""'
    if allow_token and TOKEN_CHARS.issuperset(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unquote_header_value(value: str) -> str:
    """Strip surrounding double quotes and backslash escapes (inverse of quoting)."""
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return _escape_re.sub(r"\1", value[1:-1])
    return value


def dump_options_header(header: str | None, options: t.Mapping[str, t.Any]) -> str:
    """``value; key=val; ...``: ``None`` values are skipped, ``key*`` values kept verbatim."""
    segments = [] if header is None else [header]
    for key, value in options.items():
        if value is None:
            continue
        if key.endswith("*"):
            segments.append(f"{key}={value}")
        else:
            segments.append(f"{key}={quote_header_value(value)}")
    return "; ".join(segments)


def dump_header(iterable: t.Mapping[str, t.Any] | t.Iterable[t.Any]) -> str:
    """Comma-joined list, or ``key=value`` pairs for a mapping (``None`` -> bare key)."""
    if isinstance(iterable, dict):
        items = []
        for key, value in iterable.items():
            if value is None:
                items.append(key)
            elif key.endswith("*"):
                items.append(f"{key}={value}")
            else:
                items.append(f"{key}={quote_header_value(value)}")
        return ", ".join(items)
    return ", ".join(quote_header_value(x) for x in iterable)


def _split_list(value: str) -> list[str] | None:
    """Split on commas outside quoted strings; ``None`` for an unclosed quote."""
    if '"' not in value:
        return value.split(",")
    items: list[str] = []
    start = 0
    pos = 0
    length = len(value)
    while pos < length:
        char = value[pos]
        if char == ",":
            items.append(value[start:pos])
            start = pos + 1
        elif char == '"':
            pos += 1
            while pos < length and value[pos] != '"':
                pos += 2 if value[pos] == "\\" else 1
            if pos >= length:
                return None
        pos += 1
    items.append(value[start:])
    return items


def parse_list_header(value: str) -> list[str]:
    """Parse an RFC 9110 comma list; quotes of fully quoted items are removed.

    Empty items are dropped and an unclosed quoted string yields ``[]``.
    """
    raw = _split_list(value)
    if raw is None:
        return []
    out = []
    for item in raw:
        item = item.strip(" \t")
        if item:
            out.append(unquote_header_value(item))
    return out


_charset_value_re = re.compile(
    r"([\w!#$%&*+\-.^`|~]*)'[\w!#$%&*+\-.^`|~]*'([\w!#$%&'*+\-.^`|~]+)$", re.ASCII
)


def _decode_charset_value(value: str, fallback: str | None = None) -> tuple[str, str | None]:
    """Decode an RFC 2231 ``charset'lang'percent-encoded`` value; return (value, charset)."""
    encoding = fallback
    match = _charset_value_re.match(value)
    if match is not None:
        charset, value = match.groups()
        encoding = charset.lower() or fallback
    if encoding in _SAFE_CHARSETS:
        value = unquote(value, encoding=encoding)
    return value, encoding


def parse_dict_header(value: str) -> dict[str, str | None]:
    """Parse a comma list of ``key=value`` items (``key`` alone maps to ``None``)."""
    result: dict[str, str | None] = {}
    for item in parse_list_header(value):
        key, has_value, val = item.partition("=")
        key = key.strip(" \t")
        if not key:
            continue
        if not has_value:
            result[key] = None
            continue
        val = val.strip(" \t")
        if key.endswith("*"):
            key = key[:-1]
            val = _decode_charset_value(val)[0]
        result[key] = unquote_header_value(val)
    return result


_param_key_re = re.compile(r"([\w!#$%&'*+\-.^`|~]+)=", re.ASCII)
_param_token_re = re.compile(r"[\w!#$%&'*+\-.^`|~]+", re.ASCII)
_param_mark_re = re.compile(r"(?:\*(\d+))?(\*)?$", re.ASCII)
_param_delim_re = re.compile(r";[ \t]*")


def _scan_parameters(rest: str) -> list[tuple[str, str]]:
    """Collect raw ``(lower key, raw value)`` pairs; invalid parts are skipped."""
    parts: list[tuple[str, str]] = []
    pos = 0
    length = len(rest)
    while pos < length:
        key_match = _param_key_re.match(rest, pos)
        if key_match is not None:
            key = key_match.group(1).lower()
            pos = key_match.end()
            token = _param_token_re.match(rest, pos)
            if token is not None:
                parts.append((key, token.group()))
            elif rest.startswith('"', pos):
                end = pos + 1
                while end < length:
                    char = rest[end]
                    if char == "\\" and end + 1 < length and rest[end + 1] in '\\"':
                        end += 2
                    elif char == '"':
                        end += 1
                        parts.append((key, rest[pos:end]))
                        pos = end
                        break
                    else:
                        end += 1
                else:
                    return parts
        delim = _param_delim_re.search(rest, pos)
        if delim is None:
            break
        pos = delim.end()
    return parts


def parse_options_header(value: str | None) -> tuple[str, dict[str, str]]:
    r"""Parse ``value; key=val; ...`` (e.g. Content-Type) into ``(value, options)``.

    Keys are lower-cased; quoted values are unquoted (``\"`` and multipart's ``%22``
    both become ``"``); ``key*=utf-8''...`` values are decoded; ``key*0``/``key*1``
    continuations are joined in scan order. Invalid parameters are dropped.
    """
    if value is None:
        return "", {}
    value, _, rest = value.partition(";")
    value = value.strip(" \t")
    rest = rest.strip(" \t")
    if not value or not rest:
        return value, {}
    options: dict[str, str] = {}
    continuations: dict[str, list[str]] = {}
    continuation_charsets: dict[str, str] = {}
    for key, raw in _scan_parameters(rest):
        mark = _param_mark_re.search(key)
        is_continuation = has_charset = False
        if mark is not None and mark.end() > mark.start():
            is_continuation = mark.group(1) is not None
            has_charset = mark.group(2) is not None
            key = key[: mark.start()]
        charset: str | None = None
        if has_charset:
            previous = continuation_charsets.get(key) if is_continuation else None
            val, charset = _decode_charset_value(raw, previous)
        else:
            val = unquote_header_value(raw).replace("%22", '"')
        if is_continuation:
            options.pop(key, None)
            continuations.setdefault(key, []).append(val)
            if charset:
                continuation_charsets[key] = charset
        else:
            if key in continuations:
                del continuations[key]
                continuation_charsets.pop(key, None)
            options[key] = val
    for key, pieces in continuations.items():
        options[key] = "".join(pieces)
    return value, options

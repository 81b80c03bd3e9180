"""JSON providers: the pluggable ``app.json`` object, orjson-backed and Flask-exact.

:class:`DefaultJSONProvider` produces output byte-identical to Flask 3.1's provider
(``json.dumps`` with ``sort_keys=True``, ``ensure_ascii=True`` and Flask's ``default``).
orjson does the encoding; the few places where its output can differ from the standard
library are detected cheaply on the encoded bytes, and only then is the standard library
used instead:

- ``NaN``/``Infinity`` (orjson writes ``null``): any ``null`` in the output;
- floats below ``1e-4`` (orjson writes ``0.00001`` and ``1e-7`` where Python writes
  ``1e-05`` and ``1e-07``): a ``0.0000`` or single-digit ``e-N`` in the output;
- ints beyond 64 bits, non-``str`` keys, float subclasses, circular or very deep data:
  orjson raises, and the standard library then gives Flask's result or Flask's error.

Non-ASCII characters and ``\\x7f`` are escaped after encoding exactly as
``ensure_ascii`` does. The checks are substring scans in C, so the common case costs
one orjson call plus a few ``memchr`` passes.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import re
import typing as t
import uuid
import weakref
from datetime import date

import orjson

from veloce.core._json import loads as _loads
from veloce.core.dates import http_date

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["DefaultJSONProvider", "JSONProvider"]


class JSONProvider:
    """A set of JSON operations for an application; subclass it to change libraries.

    Flask parity: same constructor, attributes and methods as
    ``flask.json.provider.JSONProvider``. The base class is usable on its own (plain
    :mod:`json`), so a subclass only overrides what it changes. ``app`` may be ``None``
    for a provider used outside an application (``veloce.json.jsonify`` with no app).

    Args:
        app: The application; stored as a :func:`weakref.proxy` on ``_app``.
    """

    def __init__(self, app: t.Any) -> None:
        self._app: t.Any = weakref.proxy(app) if app is not None else None

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize ``obj`` as JSON text; ``kwargs`` go to the JSON library."""
        return json.dumps(obj, **kwargs)

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Serialize ``obj`` as JSON into the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Deserialize JSON text or UTF-8 bytes."""
        return json.loads(s, **kwargs)

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Deserialize JSON read from the file ``fp``."""
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> t.Any:
        if args and kwargs:
            raise TypeError("app.json.response() takes either args or kwargs, not both")
        if not args and not kwargs:
            return None
        if len(args) == 1:
            return args[0]
        return args or kwargs

    def _response_class(self) -> type[Response]:
        if self._app is not None:
            return self._app.response_class  # type: ignore[no-any-return]
        from veloce.core.response import Response

        return Response

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Serialize the arguments as JSON and wrap them in an ``application/json`` response.

        Flask parity: one positional argument is serialized as is, several become a
        list, keyword arguments become a dict, nothing becomes ``null``.
        """
        obj = self._prepare_response_obj(args, kwargs)
        return self._response_class()(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    """Flask's ``default``: dates as HTTP dates, Decimal/UUID as strings, dataclasses
    as dicts, and anything with ``__html__`` as its markup."""
    if isinstance(o, date):
        return http_date(o)
    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)
    if dataclasses.is_dataclass(o):
        return dataclasses.asdict(o)  # type: ignore[arg-type]
    if hasattr(o, "__html__"):
        return str(o.__html__())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


# Dates and dataclasses go to ``default`` (Flask formats them); orjson's own
# formatting of those would differ.
_ORJSON_BASE = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_ORJSON_OPTIONS = {
    (sort, indent): _ORJSON_BASE
    | (orjson.OPT_SORT_KEYS if sort else 0)
    | (orjson.OPT_INDENT_2 if indent else 0)
    for sort in (False, True)
    for indent in (False, True)
}
# Float spellings where orjson and ``float.__repr__`` disagree (see module docstring).
_SHORT_EXPONENT = re.compile(rb"\de-\d(?!\d)")
_ASTRAL = re.compile(rb"\\U([0-9a-f]{8})")
_COMPACT = (",", ":")


def _surrogate_pair(match: re.Match[bytes]) -> bytes:
    code = int(match.group(1), 16) - 0x10000
    return b"\\u%04x\\u%04x" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


def _ascii_only(out: bytes, indent: bool) -> bytes:
    """Escape non-ASCII characters and ``\\x7f`` in orjson output as ``ensure_ascii`` does.

    ``unicode_escape`` (C speed) writes ``\\xe9``, ``\\u2028`` and ``\\U0001f600``; it also
    doubles the JSON's own backslashes and, when indented, escapes its newlines. orjson
    output holds no raw control characters, so NUL is a safe placeholder for the
    doubled backslashes; once they are set aside every remaining escape is one that
    ``unicode_escape`` added and can be rewritten with plain replaces (``\\x`` ->
    ``\\u00``), plus a regex for astral characters (surrogate pairs), which are rare.
    """
    raw = out.decode().encode("unicode_escape")
    raw = raw.replace(b"\\\\", b"\x00").replace(b"\\x", b"\\u00")
    if indent:
        raw = raw.replace(b"\\n", b"\n")
    if b"\\U" in raw:
        raw = _ASTRAL.sub(_surrogate_pair, raw)
    return raw.replace(b"\x00", b"\\")


class DefaultJSONProvider(JSONProvider):
    """orjson-backed provider whose output is byte-identical to Flask 3.1's default.

    Serializes ``datetime``/``date`` as HTTP dates, ``Decimal`` and ``UUID`` as strings,
    dataclasses as dicts and objects with ``__html__`` through that method.

    Flask parity: attributes ``default``, ``ensure_ascii``, ``sort_keys``, ``compact``
    and ``mimetype`` behave as in Flask. ``dumps()`` with no keyword arguments uses
    Flask's spaced separators (``", "``/``": "``) and goes through the standard
    library; ``response()`` (``jsonify``) takes the orjson path. Difference: a plain
    :class:`enum.Enum` member is serialized by value (orjson) where Flask raises
    ``TypeError``, when the stock ``default`` is in use.
    """

    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)
    ensure_ascii = True
    sort_keys = True
    compact: bool | None = None
    mimetype = "application/json"

    def _encode(self, obj: t.Any, indent: bool) -> bytes | str:
        """Flask's compact (``separators=(",", ":")``) or ``indent=2`` encoding.

        Returns bytes from the orjson path and text from the standard-library path
        (which may hold lone surrogates when ``ensure_ascii`` is off).
        """
        default = self.default
        ensure_ascii = self.ensure_ascii
        sort_keys = self.sort_keys
        if default is _default:
            try:
                out = orjson.dumps(
                    obj, default=default, option=_ORJSON_OPTIONS[bool(sort_keys), indent]
                )
            except (orjson.JSONEncodeError, TypeError):
                pass
            else:
                # Substring scans run at memchr speed; the regex only runs on a hit.
                # ``find`` rather than ``in``: on bytes, ``in`` first tries the needle
                # as an int and clears the TypeError, twice the cost of the scan here.
                if (
                    out.find(b"null") < 0
                    and out.find(b"0.0000") < 0
                    and (out.find(b"e-") < 0 or _SHORT_EXPONENT.search(out) is None)
                ):
                    if ensure_ascii:
                        if not out.isascii():
                            return _ascii_only(out, indent)
                        if out.find(b"\x7f") >= 0:
                            out = out.replace(b"\x7f", b"\\u007f")
                    return out
        return self._stdlib_encoder(2 if indent else _COMPACT).encode(obj)

    def _stdlib_encoder(self, layout: int | tuple[str, str] | None) -> json.JSONEncoder:
        """A cached ``JSONEncoder`` equal to what ``json.dumps`` would build for the
        provider's current attributes and ``layout`` (``2`` = ``indent=2``, a separators
        tuple, or ``None`` for the spaced default)."""
        default, ensure_ascii, sort_keys = self.default, self.ensure_ascii, self.sort_keys
        key = (layout, default, ensure_ascii, sort_keys)
        cache: dict[t.Any, json.JSONEncoder] = self.__dict__.setdefault("_encoders", {})
        encoder = cache.get(key)
        if encoder is None:
            if layout == 2:
                encoder = json.JSONEncoder(
                    default=default, ensure_ascii=ensure_ascii, sort_keys=sort_keys, indent=2
                )
            else:
                encoder = json.JSONEncoder(
                    default=default,
                    ensure_ascii=ensure_ascii,
                    sort_keys=sort_keys,
                    separators=layout,  # type: ignore[arg-type]
                )
            if len(cache) < 16:
                cache[key] = encoder
        return encoder

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize ``obj`` to a JSON string, like Flask's ``json.dumps`` call.

        ``kwargs`` go to :func:`json.dumps`; ``default``, ``ensure_ascii`` and
        ``sort_keys`` default to the provider's attributes. The compact and
        ``indent=2`` forms take the orjson path.
        """
        if kwargs:
            if len(kwargs) == 1:
                if kwargs.get("separators") == _COMPACT:
                    out = self._encode(obj, False)
                    return out if type(out) is str else out.decode()  # type: ignore[union-attr]
                if kwargs.get("indent") == 2:
                    out = self._encode(obj, True)
                    return out if type(out) is str else out.decode()  # type: ignore[union-attr]
            kwargs.setdefault("default", self.default)
            kwargs.setdefault("ensure_ascii", self.ensure_ascii)
            kwargs.setdefault("sort_keys", self.sort_keys)
            return json.dumps(obj, **kwargs)
        return self._stdlib_encoder(None).encode(obj)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Deserialize JSON text or UTF-8 bytes, with :func:`json.loads` semantics.

        Without ``kwargs`` orjson parses whenever its result is Python's (see
        :mod:`veloce.core._json`), so results and errors match Flask's.
        """
        if kwargs:
            return json.loads(s, **kwargs)
        return _loads(s)

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Serialize the arguments as JSON into a response with :attr:`mimetype`.

        Flask parity: ``jsonify`` semantics. The body is compact JSON plus a newline,
        or indented by 2 when :attr:`compact` is ``False`` or is ``None`` while the
        app is in debug mode.
        """
        obj = self._prepare_response_obj(args, kwargs)
        app = self._app
        compact = self.compact
        indent = compact is False or (compact is None and app is not None and app.debug)
        body: bytes | str
        if type(self).dumps is DefaultJSONProvider.dumps:
            out = self._encode(obj, bool(indent))
            body = out + b"\n" if isinstance(out, bytes) else out + "\n"
        elif indent:
            body = f"{self.dumps(obj, indent=2)}\n"
        else:
            body = f"{self.dumps(obj, separators=_COMPACT)}\n"
        return self._response_class()(body, mimetype=self.mimetype)

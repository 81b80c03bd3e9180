"""HTTP header collections: :class:`Headers` and the request's read-only :class:`RequestHeaders`.

:class:`Headers` is Werkzeug's ordered, case-insensitive list of ``(name, value)``
pairs; responses build theirs with it. :class:`RequestHeaders` is the immutable view a
:class:`~veloce.core.request.Request` builds *once, on first access* from the ASGI
``(bytes, bytes)`` pairs. It presents what a WSGI server would: Title-Case names,
latin-1 values, repeated fields joined with ``", "`` (``"; "`` for Cookie), and a
dict index so lookups are O(1).
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from veloce.core._headerparse import dump_options_header
from veloce.core.exceptions import BadRequestKeyError
from veloce.core.headerset import HeaderSet
from veloce.core.structures import MultiDict, _immutable_error, _missing, iter_multi_items

__all__ = ["HeaderSet", "Headers", "RequestHeaders"]

T = t.TypeVar("T")


def _header_value(value: t.Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if "\n" in text or "\r" in text:
        raise ValueError("Header values must not contain newline characters.")
    return text


def _with_options(value: t.Any, options: dict[str, t.Any]) -> str:
    return dump_options_header(value, {k.replace("_", "-"): v for k, v in options.items()})


class Headers:
    """An ordered multi-set of header ``(name, value)`` pairs with case-insensitive lookup.

    ``headers["X"]`` is the first value (missing -> ``BadRequestKeyError``), iteration
    yields pairs, ``len()`` counts pairs.

    Flask parity: Werkzeug's ``Headers`` API (``add`` / ``set`` with ``**params``,
    ``getlist``, ``setlist``, ``extend`` vs ``update``, ``to_wsgi_list``, ``str()``).
    """

    __slots__ = ("_list",)

    def __init__(self, defaults: t.Any = None) -> None:
        self._list: list[tuple[str, str]] = []
        if defaults is not None:
            self.extend(defaults)

    def __getitem__(self, key: t.Any) -> t.Any:
        if isinstance(key, str):
            return self._get_key(key)
        if isinstance(key, int):
            return self._list[key]
        return self.__class__(self._list[key])

    def _get_key(self, key: str) -> str:
        ikey = key.lower()
        for name, value in self._list:
            if name.lower() == ikey:
                return value
        raise BadRequestKeyError(key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return NotImplemented
        return {(k.lower(), v) for k, v in other._list} == {(k.lower(), v) for k, v in self._list}

    __hash__ = None  # type: ignore[assignment]

    def get(
        self, key: str, default: t.Any = None, type: t.Callable[[str], t.Any] | None = None
    ) -> t.Any:
        """The first value of ``key`` (converted by ``type``), else ``default``.

        A ``ValueError`` from ``type`` counts as missing.
        """
        try:
            value = self._get_key(key)
        except KeyError:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except ValueError:
            return default

    def getlist(self, key: str, type: t.Callable[[str], T] | None = None) -> list[t.Any]:
        """Every value of ``key``; values ``type`` cannot convert are dropped."""
        ikey = key.lower()
        values = [v for k, v in self._list if k.lower() == ikey]
        if type is None:
            return values
        result = []
        for value in values:
            try:
                result.append(type(value))
            except ValueError:
                continue
        return result

    def get_all(self, name: str) -> list[str]:
        """Alias of :meth:`getlist` (``wsgiref.headers`` name)."""
        return self.getlist(name)

    def items(self, lower: bool = False) -> cabc.Iterator[tuple[str, str]]:
        """The pairs, optionally with lower-cased names."""
        for key, value in self._list:
            yield (key.lower() if lower else key), value

    def keys(self, lower: bool = False) -> cabc.Iterator[str]:
        """The names, one per pair."""
        for key, _ in self.items(lower):
            yield key

    def values(self) -> cabc.Iterator[str]:
        """The values, one per pair."""
        for _, value in self._list:
            yield value

    def extend(self, arg: t.Any = None, /, **kwargs: t.Any) -> None:
        """Append pairs from a Headers, mapping, MultiDict or iterable (keeps existing)."""
        if arg is not None:
            for key, value in iter_multi_items(arg):
                self.add(key, value)
        for key, value in iter_multi_items(kwargs):
            self.add(key, value)

    def __delitem__(self, key: t.Any) -> None:
        if isinstance(key, str):
            self._del_key(key)
        else:
            del self._list[key]

    def _del_key(self, key: str) -> None:
        ikey = key.lower()
        self._list[:] = [item for item in self._list if item[0].lower() != ikey]

    def remove(self, key: str) -> None:
        """Remove every pair named ``key``."""
        self._del_key(key)

    def pop(self, key: t.Any = None, default: t.Any = _missing) -> t.Any:
        """Remove and return: last pair (no key), pair at an index, or first value of a name."""
        if key is None:
            return self._list.pop()
        if isinstance(key, int):
            return self._list.pop(key)
        try:
            value = self._get_key(key)
        except KeyError:
            if default is not _missing:
                return default
            raise
        self._del_key(key)
        return value

    def popitem(self) -> tuple[str, str]:
        """Remove and return the last pair."""
        return self._list.pop()

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self._get_key(key)
        except KeyError:
            return False
        return True

    def __iter__(self) -> cabc.Iterator[tuple[str, str]]:
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    def add(self, key: str, value: t.Any, /, **kwargs: t.Any) -> None:
        """Append a pair; ``**kwargs`` become ``; key=value`` parameters (``_`` -> ``-``).

        ``add("Content-Disposition", "attachment", filename="x.txt")`` gives
        ``attachment; filename=x.txt``; values that are not tokens are quoted.
        """
        if kwargs:
            value = _with_options(value, kwargs)
        self._list.append((key, _header_value(value)))

    def add_header(self, key: str, value: t.Any, /, **kwargs: t.Any) -> None:
        """Alias of :meth:`add` (``wsgiref.headers`` name)."""
        self.add(key, value, **kwargs)

    def clear(self) -> None:
        """Remove every pair."""
        self._list.clear()

    def set(self, key: str, value: t.Any, /, **kwargs: t.Any) -> None:
        """Replace the first pair named ``key`` in place and drop the others (or append)."""
        if kwargs:
            value = _with_options(value, kwargs)
        value = _header_value(value)
        ikey = key.lower()
        for idx, (name, _) in enumerate(self._list):
            if name.lower() == ikey:
                self._list[idx] = (key, value)
                rest = self._list[idx + 1 :]
                self._list[idx + 1 :] = [item for item in rest if item[0].lower() != ikey]
                return
        self._list.append((key, value))

    def setlist(self, key: str, values: t.Iterable[t.Any]) -> None:
        """Replace all values of ``key`` (an empty iterable removes the header)."""
        if values:
            iterator = iter(values)
            self.set(key, next(iterator))
            for value in iterator:
                self.add(key, value)
        else:
            self.remove(key)

    def setdefault(self, key: str, default: t.Any) -> str:
        """The first value of ``key``, setting it to ``default`` when missing."""
        if key not in self:
            self.set(key, default)
        return self._get_key(key)

    def setlistdefault(self, key: str, default: t.Iterable[t.Any]) -> list[str]:
        """All values of ``key``, setting them to ``default`` when missing."""
        if key not in self:
            self.setlist(key, default)
        return self.getlist(key)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        if isinstance(key, str):
            self.set(key, value)
        elif isinstance(key, int):
            self._list[key] = (value[0], _header_value(value[1]))
        else:
            self._list[key] = [(k, _header_value(v)) for k, v in value]

    def update(self, arg: t.Any = None, /, **kwargs: t.Any) -> None:
        """Replace headers from a Headers, MultiDict, mapping or pairs (lists set all values)."""
        if arg is not None:
            if isinstance(arg, (Headers, MultiDict)):
                for key in list(dict.fromkeys(arg.keys())):
                    self.setlist(key, arg.getlist(key))
            elif isinstance(arg, cabc.Mapping):
                self._update_mapping(arg)
            else:
                for key, value in arg:
                    self.set(key, value)
        self._update_mapping(kwargs)

    def _update_mapping(self, mapping: t.Mapping[str, t.Any]) -> None:
        for key, value in mapping.items():
            if isinstance(value, (list, tuple, set)):
                self.setlist(key, value)
            else:
                self.set(key, value)

    def __or__(self, other: t.Any) -> Headers:
        if not isinstance(other, cabc.Mapping):
            return NotImplemented
        result = self.copy()
        result.update(other)
        return result

    def __ior__(self, other: t.Any) -> Headers:
        if not isinstance(other, (cabc.Mapping, cabc.Iterable)):
            return NotImplemented
        self.update(other)
        return self

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        """The pairs as a new list, order and duplicates preserved."""
        return list(self._list)

    def copy(self) -> Headers:
        """A mutable copy of the same class."""
        return self.__class__(self._list)

    def __copy__(self) -> Headers:
        return self.copy()

    def __str__(self) -> str:
        lines = [f"{key}: {value}" for key, value in self._list]
        lines.append("\r\n")
        return "\r\n".join(lines)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._list!r})"


# (lookup key, display name) of common request headers, so building the view rarely
# has to lower-case or title-case anything.
_COMMON_NAMES: dict[bytes, tuple[str, str]] = {
    name.lower().encode("latin-1"): (name.lower(), name)
    for name in (
        "Host", "User-Agent", "Accept", "Accept-Language", "Accept-Encoding",
        "Accept-Charset", "Connection", "Content-Type", "Content-Length", "Cookie",
        "Authorization", "Cache-Control", "Pragma", "Referer", "Origin", "Date",
        "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
        "If-Range", "Range", "Upgrade-Insecure-Requests", "X-Requested-With",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-Ip",
        "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User",
        "Dnt", "Te", "Transfer-Encoding", "Content-Encoding", "Expect", "Keep-Alive",
        "Priority", "X-Request-Id", "Sec-Ch-Ua", "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform",
    )
}  # fmt: skip


class RequestHeaders(Headers):
    """The read-only headers of a request, built from ASGI ``(bytes, bytes)`` pairs.

    Lookups are case-insensitive and treat ``_`` like ``-`` (as WSGI's ``HTTP_*``
    keys do). Mutators raise ``TypeError``; :meth:`copy` returns a mutable
    :class:`Headers`.

    Flask parity: Werkzeug's ``EnvironHeaders`` over a server that joins repeated
    fields, which is what Flask sees under gunicorn or the dev server.
    """

    __slots__ = ("_index",)
    _werkzeug_name = "EnvironHeaders"

    def __init__(self, raw: t.Iterable[tuple[bytes, bytes]] = ()) -> None:
        pairs: list[tuple[str, str]] = []
        index: dict[str, str] = {}
        for raw_name, raw_value in raw:
            common = _COMMON_NAMES.get(raw_name)
            if common is None:
                key = raw_name.decode("latin-1").lower().replace("_", "-")
                common = (key, key.title())
            key = common[0]
            value = raw_value.decode("latin-1")
            if key in index:
                # A repeated field: join it into the first one, as WSGI servers do.
                value = index[key] + ("; " if key == "cookie" else ", ") + value
                pairs = [(name, value) if name.lower() == key else (name, v) for name, v in pairs]
            else:
                pairs.append((common[1], value))
            index[key] = value
        self._list = pairs
        self._index = index

    def __getitem__(self, key: t.Any) -> t.Any:
        if isinstance(key, str):
            return self._get_key(key)
        if isinstance(key, int):
            return self._list[key]
        return Headers(self._list[key])

    def _get_key(self, key: str) -> str:
        if isinstance(key, str):
            value = self._index.get(key.lower().replace("_", "-"))
            if value is not None:
                return value
        raise BadRequestKeyError(key)

    def getlist(self, key: str, type: t.Callable[[str], T] | None = None) -> list[t.Any]:
        """The value of ``key`` as a one-item list (repeated fields are already joined)."""
        # Werkzeug's EnvironHeaders.getlist compares names literally ("_" stays "_").
        value = self._index.get(key.lower()) if "_" not in key else None
        if value is None:
            return []
        if type is None:
            return [value]
        try:
            return [type(value)]
        except ValueError:
            return []

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower().replace("_", "-") in self._index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RequestHeaders):
            return self._index == other._index
        return Headers.__eq__(self, other)

    __hash__ = None

    def copy(self) -> Headers:
        """A mutable :class:`Headers` with the same pairs."""
        return Headers(self._list)

    def __copy__(self) -> Headers:
        return self.copy()

    def _refuse(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        _immutable_error(self)

    __setitem__ = __delitem__ = __ior__ = _refuse
    set = setlist = add = add_header = remove = extend = update = _refuse
    pop = popitem = setdefault = setlistdefault = clear = _refuse

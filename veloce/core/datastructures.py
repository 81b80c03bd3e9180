"""The public home of Veloce's datastructures (Werkzeug's ``werkzeug.datastructures``).

The classes live in one module per concept (:mod:`~veloce.core.structures`,
:mod:`~veloce.core.headers`, :mod:`~veloce.core.uploads`, :mod:`~veloce.core.accept`,
:mod:`~veloce.core.headervalues`, :mod:`~veloce.core.cache_control`); import them from
here. The small connection helpers :class:`Address`, :class:`State` and :class:`URL`
are defined in this module.
"""

from __future__ import annotations

import typing as t
from urllib.parse import SplitResult, urlsplit

from veloce.core.accept import Accept, AcceptHeader, CharsetAccept, LanguageAccept, MIMEAccept
from veloce.core.cache_control import CacheControl, RequestCacheControl, ResponseCacheControl
from veloce.core.headers import Headers, HeaderSet, RequestHeaders
from veloce.core.headervalues import Authorization, ETags, IfRange, Range, RangeSpec, UserAgent
from veloce.core.structures import (
    CombinedMultiDict,
    ImmutableList,
    ImmutableMultiDict,
    MultiDict,
    TypeConversionDict,
    iter_multi_items,
)
from veloce.core.uploads import FileStorage, FormData, ImmutableFormData, UploadFile

__all__ = [
    "Accept",
    "AcceptHeader",
    "Address",
    "Authorization",
    "CacheControl",
    "CharsetAccept",
    "CombinedMultiDict",
    "ETags",
    "FileStorage",
    "FormData",
    "HeaderSet",
    "Headers",
    "IfRange",
    "ImmutableFormData",
    "ImmutableList",
    "ImmutableMultiDict",
    "LanguageAccept",
    "MIMEAccept",
    "MultiDict",
    "Range",
    "RangeSpec",
    "RequestCacheControl",
    "RequestHeaders",
    "ResponseCacheControl",
    "State",
    "TypeConversionDict",
    "URL",
    "UploadFile",
    "UserAgent",
    "iter_multi_items",
]


class Address(t.NamedTuple):
    """A peer address; ``host, port = request.client`` works."""

    host: str
    port: int | None


class State:
    """Per-request scratch space with attribute and item access over one dict.

    ``state.user = u``, ``state["user"]`` and ``state.get("user")`` all read and write
    the same dict (for a request, ``scope["state"]``, which ASGI middleware share).
    """

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, t.Any] | None = None) -> None:
        object.__setattr__(self, "_data", {} if data is None else data)

    def __getattr__(self, name: str) -> t.Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(f"'State' object has no attribute {name!r}") from None

    def __setattr__(self, name: str, value: t.Any) -> None:
        self._data[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> t.Any:
        return self._data[key]

    def __setitem__(self, key: str, value: t.Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> t.Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str, default: t.Any = None) -> t.Any:
        """The value of ``key`` or ``default``."""
        return self._data.get(key, default)

    def __repr__(self) -> str:
        return f"State({self._data!r})"


class URL(str):
    """A URL string with parsed components (``url.path``, ``url.hostname``, ...).

    It *is* the ``str`` Flask code expects from ``request.url``; the components are
    parsed on first use (Starlette's ``request.url.path`` shape).
    """

    __slots__ = ()

    @property
    def components(self) -> SplitResult:
        """The ``urllib.parse.urlsplit`` result."""
        return urlsplit(self)

    @property
    def scheme(self) -> str:
        """``http``, ``https``, ..."""
        return self.components.scheme

    @property
    def netloc(self) -> str:
        """``host[:port]`` (with credentials, if any)."""
        return self.components.netloc

    @property
    def path(self) -> str:
        """The path component."""
        return self.components.path

    @property
    def query(self) -> str:
        """The query string, without ``?``."""
        return self.components.query

    @property
    def fragment(self) -> str:
        """The fragment, without ``#``."""
        return self.components.fragment

    @property
    def username(self) -> str | None:
        """The user name of the netloc, if any."""
        return self.components.username

    @property
    def password(self) -> str | None:
        """The password of the netloc, if any."""
        return self.components.password

    @property
    def hostname(self) -> str | None:
        """The lower-cased host name, without port."""
        return self.components.hostname

    @property
    def port(self) -> int | None:
        """The explicit port, if any."""
        return self.components.port

    @property
    def is_secure(self) -> bool:
        """True for ``https`` and ``wss``."""
        return self.scheme in ("https", "wss")

    def replace(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """``str.replace(old, new)``, or with keywords a URL with components replaced.

        ``url.replace(path="/x", query="")`` keeps the string method's behaviour
        for positional calls, so it is still a drop-in ``str``.
        """
        if args or not kwargs:
            return str.replace(self, *args, **kwargs)
        return URL(self.components._replace(**kwargs).geturl())

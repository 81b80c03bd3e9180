"""The test client's cookie jar.

Cookies are stored per ``(domain, path, name)`` and sent back when the request host
and path match, as in Werkzeug 3's test client. Expiry follows browsers (RFC 6265):
``Max-Age`` wins over ``Expires``, ``Max-Age<=0`` or an ``Expires`` in the past deletes
the cookie on arrival, and a cookie whose lifetime ran out is no longer sent.
Werkzeug only deletes on ``Max-Age=0`` or ``Expires`` at the epoch and never ages
cookies; the two agree on everything ``delete_cookie`` and ``set_cookie`` produce.
"""

from __future__ import annotations

import dataclasses
import time
import typing as t
from collections.abc import Iterator, MutableMapping

from veloce.core.cookies import dump_cookie, parse_set_cookie
from veloce.core.dates import parse_date

if t.TYPE_CHECKING:
    import datetime as _dt

__all__ = ["Cookie", "CookieJar"]


def _now() -> float:
    # Indirection so tests can move the clock that cookie lifetimes are measured by.
    return time.time()


@dataclasses.dataclass
class Cookie:
    """One stored cookie.

    Flask parity: the fields of Werkzeug's ``werkzeug.test.Cookie`` (what
    ``client.get_cookie()`` returns), plus ``expiry``, the Unix time it stops being
    sent (``None`` for a session cookie).
    """

    key: str
    """The name as sent in the header."""
    value: str
    """The value as sent in the header (quoted/escaped form)."""
    decoded_key: str
    """The name as the application sets and reads it."""
    decoded_value: str
    """The value as the application sets and reads it."""
    expires: _dt.datetime | None
    max_age: int | None
    domain: str
    """The Domain attribute (leading dot dropped), or the request host."""
    origin_only: bool
    """True when no Domain attribute was given: exact host matches only."""
    path: str
    secure: bool | None
    http_only: bool | None
    same_site: str | None
    expiry: float | None = dataclasses.field(default=None, compare=False)

    @classmethod
    def from_set_cookie(cls, host: str, request_path: str, header: str) -> Cookie:
        """Parse one ``Set-Cookie`` value received for ``host`` and ``request_path``."""
        pair, _, attributes = header.partition(";")
        key, _, value = pair.partition("=")
        decoded_key, decoded_value = parse_set_cookie(pair)
        params: dict[str, str | None] = {}
        for item in attributes.split(";"):
            name, sep, attr = item.partition("=")
            params[name.strip(" \t").lower()] = attr.strip(" \t") if sep else None
        max_age: int | None = None
        raw_max_age = params.get("max-age")
        if raw_max_age is not None:
            try:
                max_age = int(raw_max_age)
            except ValueError:
                max_age = None
        expires = parse_date(params.get("expires"))
        if max_age is not None:
            expiry: float | None = _now() + max_age
        elif expires is not None:
            expiry = expires.timestamp()
        else:
            expiry = None
        path = params.get("path") or ""
        if not path.startswith("/"):
            path = request_path.rpartition("/")[0] or "/"
        domain = (params.get("domain") or "").lstrip(".").lower() or host
        return cls(
            key=key.strip(" \t"),
            value=value.strip(" \t"),
            decoded_key=decoded_key,
            decoded_value=decoded_value,
            expires=expires,
            max_age=max_age,
            domain=domain,
            origin_only="domain" not in params,
            path=path,
            secure="secure" in params,
            http_only="httponly" in params,
            same_site=params.get("samesite"),
            expiry=expiry,
        )

    @property
    def storage_key(self) -> tuple[str, str, str]:
        """``(domain, path, decoded_key)``: a new cookie with the same key replaces this."""
        return self.domain, self.path, self.decoded_key

    def is_expired(self, now: float | None = None) -> bool:
        """Whether the cookie's lifetime is over."""
        return self.expiry is not None and self.expiry <= (_now() if now is None else now)

    def matches(self, host: str, path: str) -> bool:
        """Whether a request to ``host`` and ``path`` carries this cookie."""
        if host != self.domain and (
            self.origin_only
            or not host.endswith(self.domain)
            or not host[: -len(self.domain)].endswith(".")
        ):
            return False
        if path == self.path:
            return True
        if not path.startswith(self.path):
            return False
        return self.path.endswith("/") or path[len(self.path)] == "/"

    def to_request_header(self) -> str:
        """``name=value`` as sent in a Cookie header."""
        return f"{self.key}={self.value}"


class CookieJar(MutableMapping[str, str]):
    """Cookies a test client stores and sends.

    Two APIs: Werkzeug's (``get_cookie``/``set_cookie``/``delete_cookie``, keyed by
    domain and path) and the spec's live mapping of names to decoded values
    (``jar["session"]``, ``jar["k"] = "v"``, ``del jar["k"]``, iteration,
    ``clear()``). Assignment stores the cookie for ``default_domain`` and path ``/``;
    reading returns the first unexpired cookie of that name; deleting removes the name
    for every domain and path.
    """

    def __init__(self, default_domain: str = "localhost") -> None:
        self.default_domain = default_domain
        self._cookies: dict[tuple[str, str, str], Cookie] = {}

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> Cookie | None:
        """The cookie stored under ``(domain, path, key)``, if any and not expired."""
        cookie = self._cookies.get((domain, path, key))
        if cookie is not None and cookie.is_expired():
            del self._cookies[cookie.storage_key]
            return None
        return cookie

    def set_cookie(
        self,
        key: str,
        value: str = "",
        *,
        domain: str = "localhost",
        origin_only: bool = True,
        path: str = "/",
        **kwargs: t.Any,
    ) -> None:
        """Store a cookie as if a response to ``domain`` had set it.

        Flask parity: Werkzeug's ``Client.set_cookie``; ``kwargs`` go to
        ``dump_cookie`` (``max_age``, ``expires``, ...), so an already-expired cookie
        deletes the stored one.
        """
        header = dump_cookie(key, value, domain=domain, path=path, **kwargs)
        cookie = Cookie.from_set_cookie(domain, "/", header)
        cookie.origin_only = origin_only
        self._store(cookie)

    def delete_cookie(self, key: str, *, domain: str = "localhost", path: str = "/") -> None:
        """Forget the cookie stored under ``(domain, path, key)``, if any."""
        self._cookies.pop((domain, path, key), None)

    def _store(self, cookie: Cookie) -> None:
        if cookie.is_expired():
            self._cookies.pop(cookie.storage_key, None)
        else:
            self._cookies[cookie.storage_key] = cookie

    def update_from_response(self, host: str, path: str, headers: t.Iterable[str]) -> None:
        """Apply the ``Set-Cookie`` values of a response to ``host`` + ``path``."""
        for header in headers:
            self._store(Cookie.from_set_cookie(host, path, header))

    def request_header(self, host: str, path: str) -> str:
        """The Cookie header value for a request (``""`` when nothing matches).

        Expired cookies are dropped on the way.
        """
        now = _now()
        expired = [k for k, c in self._cookies.items() if c.is_expired(now)]
        for key in expired:
            del self._cookies[key]
        return "; ".join(
            c.to_request_header() for c in self._cookies.values() if c.matches(host, path)
        )

    def iter_cookies(self) -> Iterator[Cookie]:
        """Every stored, unexpired cookie."""
        now = _now()
        return (c for c in list(self._cookies.values()) if not c.is_expired(now))

    def __getitem__(self, name: str) -> str:
        for cookie in self.iter_cookies():
            if cookie.decoded_key == name:
                return cookie.decoded_value
        raise KeyError(name)

    def __setitem__(self, name: str, value: str) -> None:
        self.set_cookie(name, value, domain=self.default_domain)

    def __delitem__(self, name: str) -> None:
        keys = [k for k in self._cookies if k[2] == name]
        if not keys:
            raise KeyError(name)
        for key in keys:
            del self._cookies[key]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(c.decoded_key for c in self.iter_cookies()))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def clear(self) -> None:
        """Forget every cookie."""
        self._cookies.clear()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict(self)!r}>"

"""Convenience methods of :class:`~veloce.core.response.Response`: cookies, ETags,
conditional requests, JSON reading, the spec's header-writing helpers, and the
``response.stream`` writer.

They sit on top of the header properties (``_response_headers.py``) and ``headers``;
none of them is on the request hot path.
"""

from __future__ import annotations

import hashlib
import typing as t
import unicodedata
from urllib.parse import quote

from veloce.core._conditional import make_conditional
from veloce.core._json import loads as _json_loads
from veloce.core.cookies import dump_cookie, parse_set_cookie
from veloce.core.http import dump_options_header, quote_etag, unquote_etag

if t.TYPE_CHECKING:
    import datetime as _dt

    from veloce.core.headers import Headers, HeaderSet
    from veloce.core.response import Response

__all__ = ["ResponseHelpersMixin", "ResponseStream"]


class ResponseHelpersMixin:
    """Cookie, ETag, conditional, JSON and header-helper methods of ``Response``."""

    __slots__ = ()

    if t.TYPE_CHECKING:
        headers: Headers
        default_cookie_samesite: str | None
        max_cookie_size: int
        is_json: bool
        vary: HeaderSet

        def get_data(self, as_text: bool = False) -> t.Any: ...

    @property
    def stream(self) -> ResponseStream:
        """A write-only file-like object that appends to the body."""
        return ResponseStream(t.cast("Response", self))

    # -- JSON ----------------------------------------------------------------------

    @property
    def json(self) -> t.Any:
        """The body parsed as JSON when the mimetype is JSON, else ``None``."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False) -> t.Any:
        """Parse the body as JSON (``json.loads`` semantics; not cached).

        Args:
            force: Parse even when the mimetype is not JSON.
            silent: Return ``None`` instead of raising on invalid JSON.

        Raises:
            ValueError: the body is not valid JSON and ``silent`` is false.
        """
        if not (force or self.is_json):
            return None
        try:
            return _json_loads(self.get_data())
        except ValueError:
            if not silent:
                raise
            return None

    # -- conditional requests ------------------------------------------------------

    def make_conditional(
        self,
        request_or_environ: t.Any,
        accept_ranges: bool | str = False,
        complete_length: int | None = None,
    ) -> Response:
        """Downgrade to 304 (or 412) when the request's validators match, or serve a
        206 range; returns ``self``.

        Flask parity: Werkzeug's ``make_conditional``. ``request_or_environ`` is a
        Request, an ASGI scope or a WSGI environ; only GET and HEAD are affected, a
        Date header is added, and ``accept_ranges``/``complete_length`` enable ranges.

        Raises:
            RequestedRangeNotSatisfiable: the Range cannot be satisfied.
        """
        return make_conditional(
            t.cast("Response", self), request_or_environ, accept_ranges, complete_length
        )

    # -- cookies -------------------------------------------------------------------

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: _dt.timedelta | int | None = None,
        expires: str | _dt.datetime | int | float | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: t.Any = ...,
        partitioned: bool = False,
    ) -> None:
        """Add a Set-Cookie header (see :func:`~veloce.core.cookies.dump_cookie`).

        ``samesite`` defaults to :attr:`default_cookie_samesite` (``"Lax"`` natively,
        ``None`` — Werkzeug's default — in the Flask compat subclass). A header larger
        than :attr:`max_cookie_size` triggers a warning but is still set.

        Raises:
            ValueError: the key or value contains CR, LF or NUL, or ``samesite`` is
                invalid.
        """
        if samesite is ...:
            samesite = self.default_cookie_samesite
        for part in (key, value):
            if isinstance(part, str) and ("\r" in part or "\n" in part or "\0" in part):
                raise ValueError("Cookie names and values must not contain CR, LF or NUL.")
        self.headers.add(
            "Set-Cookie",
            dump_cookie(
                key,
                value=value,
                max_age=max_age,
                expires=expires,
                path=path,
                domain=domain,
                secure=secure,
                httponly=httponly,
                max_size=self.max_cookie_size,
                samesite=samesite,
                partitioned=partitioned,
            ),
        )

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Expire a cookie (empty value, ``Max-Age=0``, Expires in 1970).

        The browser only replaces the cookie when path, domain, secure and samesite
        match the ones it was set with, so pass the same flags.
        """
        self.set_cookie(
            key,
            expires=0,
            max_age=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )

    # -- spec helpers --------------------------------------------------------------

    def set_cache_control(
        self,
        max_age: int | None = None,
        public: bool = False,
        private: bool = False,
        no_cache: bool = False,
        no_store: bool = False,
        must_revalidate: bool = False,
        immutable: bool = False,
        s_maxage: int | None = None,
    ) -> str:
        """Replace Cache-Control with the given directives; returns the value set."""
        parts = [
            name
            for name, on in (
                ("public", public),
                ("private", private),
                ("no-cache", no_cache),
                ("no-store", no_store),
                ("must-revalidate", must_revalidate),
            )
            if on
        ]
        if max_age is not None:
            parts.append(f"max-age={int(max_age)}")
        if s_maxage is not None:
            parts.append(f"s-maxage={int(s_maxage)}")
        if immutable:
            parts.append("immutable")
        value = ", ".join(parts)
        if value:
            self.headers["Cache-Control"] = value
        else:
            self.headers.remove("Cache-Control")
        return value

    def add_vary(self, *names: str) -> str:
        """Merge header names into Vary (case-insensitive de-dup); returns the value."""
        vary = self.vary
        vary.update(names)
        return self.headers.get("Vary", "")  # type: ignore[no-any-return]

    def set_basic_auth_challenge(self, realm: str = "Authentication Required") -> str:
        """Set ``WWW-Authenticate: Basic realm="...", charset="UTF-8"``; returns it."""
        escaped = realm.replace("\\", "\\\\").replace('"', '\\"')
        value = f'Basic realm="{escaped}", charset="UTF-8"'
        self.headers["WWW-Authenticate"] = value
        return value

    def set_content_range(
        self, start: int | None, stop: int | None, length: int | None, unit: str = "bytes"
    ) -> str:
        """Set Content-Range from an inclusive ``start``-``stop``; returns the value.

        Raises:
            ValueError: only one of start/stop given, or an unsatisfied range
                (both ``None``) without a length.
        """
        if (start is None) != (stop is None):
            raise ValueError("start and stop must both be given or both be None")
        if start is None:
            if length is None:
                raise ValueError("an unsatisfied range needs the complete length")
            value = f"{unit} */{length}"
        else:
            value = f"{unit} {start}-{stop}/{'*' if length is None else length}"
        self.headers["Content-Range"] = value
        return value

    def set_content_disposition(
        self, disposition: str = "attachment", filename: str | None = None
    ) -> str:
        """Set Content-Disposition; a non-ASCII filename also gets ``filename*`` (RFC 5987)."""
        params: dict[str, str] = {}
        if filename is not None:
            try:
                filename.encode("ascii")
                params["filename"] = filename
            except UnicodeEncodeError:
                simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore")
                params["filename"] = simple.decode("ascii")
                params["filename*"] = f"UTF-8''{quote(filename, safe='!#$&+^`|')}"
        value = dump_options_header(disposition, params)
        self.headers["Content-Disposition"] = value
        return value

    @property
    def cookies(self) -> dict[str, str]:
        """``{name: value}`` of the Set-Cookie headers (the last one wins)."""
        return dict(parse_set_cookie(v) for v in self.headers.getlist("Set-Cookie"))

    # -- ETags ---------------------------------------------------------------------

    def set_etag(self, etag: str, weak: bool = False) -> None:
        """Set the ETag header, quoting ``etag`` (``W/`` prefix when weak).

        Raises:
            ValueError: the tag contains a double quote.
        """
        self.headers["ETag"] = quote_etag(etag, weak)

    def get_etag(self) -> tuple[str, bool] | tuple[None, None]:
        """``(etag, is_weak)`` from the ETag header, ``(None, None)`` when unset."""
        return unquote_etag(self.headers.get("ETag"))

    def add_etag(self, overwrite: bool = False, weak: bool = False) -> None:
        """Set an ETag from the SHA-1 of the body unless one is set (Werkzeug's rule)."""
        if overwrite or "etag" not in self.headers:
            self.set_etag(hashlib.sha1(self.get_data()).hexdigest(), weak)


class ResponseStream:
    """File-like writer appending to a response body (Werkzeug's ``response.stream``)."""

    __slots__ = ("response", "closed")
    mode = "wb+"
    encoding = "utf-8"

    def __init__(self, response: Response) -> None:
        self.response = response
        self.closed = False

    def write(self, value: bytes) -> int:
        """Append ``value`` to the body; drops Content-Length, which is now unknown."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        self.response._ensure_sequence(mutable=True)
        self.response.response.append(value)
        self.response.headers.pop("Content-Length", None)
        return len(value)

    def writelines(self, seq: t.Iterable[bytes]) -> None:
        """Write each item of ``seq``."""
        for item in seq:
            self.write(item)

    def close(self) -> None:
        """Mark the stream closed."""
        self.closed = True

    def flush(self) -> None:
        """No-op; raises if closed."""
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def isatty(self) -> bool:
        """Always ``False``; raises if closed."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return False

    def tell(self) -> int:
        """Bytes written so far."""
        self.response._ensure_sequence()
        return sum(map(len, self.response.response))

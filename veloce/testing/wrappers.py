"""What a test request sent and what it got back.

:class:`TestRequest` is the ASGI scope and body the client delivered, with read-only
Werkzeug-named views (``path``, ``url``, ``headers``, ...). :class:`TestResponse` is the
fully buffered answer: every ``http.response.body`` chunk is collected before the
client returns, so ``data``, ``json`` and friends never touch the app again.
"""

from __future__ import annotations

import json as _json
import typing as t
from urllib.parse import parse_qsl, quote

from veloce.core.datastructures import Headers, MultiDict
from veloce.core.dates import parse_date
from veloce.core.http import parse_options_header
from veloce.core.status import status_line

if t.TYPE_CHECKING:
    import datetime as _dt

__all__ = ["TestRequest", "TestResponse", "response_headers"]

_PATH_SAFE = "%!$&'()*+,/:;=@"


# Names whose usual spelling is not plain Title-Case.
_SPECIAL_NAMES = {
    "content-md5": "Content-MD5",
    "dnt": "DNT",
    "etag": "ETag",
    "te": "TE",
    "www-authenticate": "WWW-Authenticate",
    "x-ua-compatible": "X-UA-Compatible",
    "x-webkit-csp": "X-WebKit-CSP",
    "x-xss-protection": "X-XSS-Protection",
}


def response_headers(raw: t.Iterable[tuple[bytes, bytes]]) -> Headers:
    """Headers from ASGI pairs, lower-case names given their usual spelling.

    ASGI apps send lower-case names; Werkzeug's test response shows the names Flask
    set (``Content-Type``, ``ETag``), so that is what tests printing or comparing
    header lists expect. A name sent in mixed case is kept as sent.
    """
    pairs = []
    for key, value in raw:
        name = key.decode("latin-1")
        if name.islower():
            name = _SPECIAL_NAMES.get(name) or name.title()
        pairs.append((name, value.decode("latin-1")))
    return Headers(pairs)


def _request_headers(raw: t.Iterable[tuple[bytes, bytes]]) -> Headers:
    # Werkzeug's EnvironHeaders spelling: HTTP_X_FOO -> "X-Foo".
    return Headers([(k.decode("latin-1").title(), v.decode("latin-1")) for k, v in raw])


class TestRequest:
    """The request a test client sent: ``scope`` plus the body bytes.

    Flask parity: stands in for the Werkzeug ``Request`` found on
    ``response.request``; it offers the attributes tests read (``method``, ``path``,
    ``full_path``, ``url``, ``base_url``, ``args``, ``headers``, ``data``,
    ``environ``), not the whole request API.
    """

    __test__ = False  # not a pytest test class
    __slots__ = ("scope", "body", "_headers")

    def __init__(self, scope: dict[str, t.Any], body: bytes = b"") -> None:
        self.scope = scope
        self.body = body
        self._headers: Headers | None = None

    @property
    def environ(self) -> dict[str, t.Any]:
        """The ASGI scope (Veloce's ``request.environ``)."""
        return self.scope

    @property
    def method(self) -> str:
        """HTTP method."""
        return t.cast("str", self.scope["method"])

    @property
    def scheme(self) -> str:
        """URL scheme."""
        return t.cast("str", self.scope["scheme"])

    @property
    def root_path(self) -> str:
        """The mount prefix (Werkzeug's ``script_root``)."""
        return t.cast("str", self.scope["root_path"])

    script_root = root_path

    @property
    def path(self) -> str:
        """Decoded path below ``root_path`` (Werkzeug's ``path``)."""
        return t.cast("str", self.scope["path"][len(self.root_path) :]) or "/"

    @property
    def raw_path(self) -> bytes:
        """Percent-encoded path including ``root_path``."""
        return t.cast("bytes", self.scope["raw_path"])

    @property
    def query_string(self) -> bytes:
        """Raw query string."""
        return t.cast("bytes", self.scope["query_string"])

    @property
    def full_path(self) -> str:
        """``path`` plus ``?`` and the query string (``?`` alone when empty)."""
        return f"{self.path}?{self.query_string.decode('latin-1')}"

    @property
    def args(self) -> MultiDict[str, str]:
        """The parsed query string."""
        query = self.query_string.decode("utf-8", "replace")
        return MultiDict(parse_qsl(query, keep_blank_values=True))

    @property
    def headers(self) -> Headers:
        """Request headers, names title-cased as in a WSGI environ."""
        if self._headers is None:
            self._headers = _request_headers(self.scope["headers"])
        return self._headers

    @property
    def host(self) -> str:
        """The Host header."""
        return t.cast("str", self.headers.get("Host", ""))

    @property
    def host_url(self) -> str:
        """``scheme://host/``."""
        return f"{self.scheme}://{self.host}/"

    @property
    def url_root(self) -> str:
        """``scheme://host/root_path/``."""
        return f"{self.scheme}://{self.host}{quote(self.root_path, safe=_PATH_SAFE)}/"

    @property
    def base_url(self) -> str:
        """URL without the query string (``/`` after the root path, as in Werkzeug)."""
        raw_root = quote(self.root_path, safe=_PATH_SAFE)
        raw_path = self.raw_path.decode("ascii")
        if raw_path.startswith(raw_root):
            raw_path = raw_path[len(raw_root) :]
        return f"{self.scheme}://{self.host}{raw_root}/{raw_path.lstrip('/')}"

    @property
    def url(self) -> str:
        """The full URL, query string included."""
        query = self.query_string.decode("latin-1")
        return f"{self.base_url}?{query}" if query else self.base_url

    @property
    def remote_addr(self) -> str | None:
        """Client address from ``scope["client"]``."""
        client = self.scope.get("client")
        return client[0] if client else None

    @property
    def content_type(self) -> str | None:
        """The Content-Type header."""
        return t.cast("str | None", self.headers.get("Content-Type"))

    @property
    def data(self) -> bytes:
        """The body bytes."""
        return self.body

    def get_data(self, as_text: bool = False) -> bytes | str:
        """The body, decoded as UTF-8 when ``as_text``."""
        return self.body.decode() if as_text else self.body

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url!r} [{self.method}]>"


class TestResponse:
    """A fully buffered response from a test request.

    Flask parity: the Werkzeug ``TestResponse`` attributes — ``status_code``,
    ``status``, ``headers``, ``data``/``get_data``, ``text``, ``json``/``get_json``,
    ``is_json``, ``mimetype``, ``mimetype_params``, ``content_type``,
    ``content_length``, ``location``, ``allow``, ``history``, ``request`` — plus
    httpx's ``content``. Differences: ``status`` is rebuilt from the code (ASGI has no
    reason phrase), header names are spelled canonically because ASGI sends them
    lower-case (see :func:`response_headers`), and ``json`` is a property as in
    Flask, not httpx's method.
    """

    __test__ = False  # not a pytest test class

    #: ``default_mimetype`` of Werkzeug's TestResponse: never assume one.
    default_mimetype = None

    def __init__(
        self,
        status_code: int,
        headers: Headers,
        chunks: list[bytes],
        request: TestRequest,
        history: tuple[TestResponse, ...] = (),
        json_module: t.Any = None,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        #: Body chunks in the order the app sent them (one per ``http.response.body``).
        self.response = chunks
        self.request = request
        self.history = history
        self.json_module = json_module if json_module is not None else _json
        self._data: bytes | None = None
        # The request before the client added jar cookies; redirects start from it.
        self._source = request

    @property
    def status(self) -> str:
        """Status line as Werkzeug prints it (``"404 NOT FOUND"``)."""
        return status_line(self.status_code)

    @property
    def data(self) -> bytes:
        """The body bytes."""
        if self._data is None:
            self._data = b"".join(self.response)
        return self._data

    content = data

    def get_data(self, as_text: bool = False) -> t.Any:
        """The body, decoded as UTF-8 when ``as_text``."""
        return self.data.decode() if as_text else self.data

    @property
    def text(self) -> str:
        """The body as text."""
        return t.cast("str", self.get_data(as_text=True))

    def iter_encoded(self) -> t.Iterator[bytes]:
        """Iterate over the body chunks as received."""
        return iter(self.response)

    @property
    def is_json(self) -> bool:
        """Whether the mimetype is ``application/json`` or ``application/*+json``."""
        mt = self.mimetype
        return mt is not None and (
            mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))
        )

    @property
    def json(self) -> t.Any:
        """``get_json()``: the parsed body, or ``None`` when not JSON."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False) -> t.Any:
        """Parse the body as JSON.

        Flask parity: returns ``None`` unless the mimetype is JSON or ``force``; a
        parse error raises unless ``silent``. Parsing uses the app's JSON provider
        when the client knows it.
        """
        if not (force or self.is_json):
            return None
        try:
            return self.json_module.loads(self.data)
        except ValueError:
            if not silent:
                raise
            return None

    @property
    def content_type(self) -> str | None:
        """The Content-Type header."""
        return t.cast("str | None", self.headers.get("Content-Type"))

    @property
    def mimetype(self) -> str | None:
        """Content-Type without parameters."""
        ct = self.content_type
        return ct.partition(";")[0].strip() if ct else None

    @property
    def mimetype_params(self) -> dict[str, str]:
        """Content-Type parameters, e.g. ``{"charset": "utf-8"}``."""
        return dict(parse_options_header(self.content_type or "")[1])

    @property
    def content_length(self) -> int | None:
        """Content-Length as an int, ``None`` when absent or invalid."""
        value = self.headers.get("Content-Length")
        if value is None or not value.strip().isdigit():
            return None
        return int(value)

    @property
    def location(self) -> str | None:
        """The Location header."""
        return t.cast("str | None", self.headers.get("Location"))

    @property
    def allow(self) -> set[str]:
        """Methods of the Allow header, e.g. after a 405."""
        return _header_set(self.headers.get("Allow"))

    @property
    def vary(self) -> set[str]:
        """Names in the Vary header."""
        return _header_set(self.headers.get("Vary"))

    @property
    def content_encoding(self) -> str | None:
        """The Content-Encoding header."""
        return t.cast("str | None", self.headers.get("Content-Encoding"))

    @property
    def date(self) -> _dt.datetime | None:
        """The Date header, parsed."""
        return parse_date(self.headers.get("Date"))

    @property
    def last_modified(self) -> _dt.datetime | None:
        """The Last-Modified header, parsed."""
        return parse_date(self.headers.get("Last-Modified"))

    @property
    def expires(self) -> _dt.datetime | None:
        """The Expires header, parsed."""
        return parse_date(self.headers.get("Expires"))

    def get_etag(self) -> tuple[str, bool] | tuple[None, None]:
        """``(etag, is_weak)`` from the ETag header, or ``(None, None)``."""
        value = self.headers.get("ETag")
        if not value:
            return None, None
        weak = value.startswith(("W/", "w/"))
        if weak:
            value = value[2:]
        return value.strip('"'), weak

    def close(self) -> None:
        """Nothing to release: the body is already buffered."""

    def __enter__(self) -> TestResponse:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self.data)} bytes [{self.status}]>"


def _header_set(value: str | None) -> set[str]:
    if not value:
        return set()
    return {item.strip() for item in value.split(",") if item.strip()}

"""ASGI wire form of a response's headers, and body chunk encoding.

Headers become lower-cased ``(bytes, bytes)`` pairs adjusted for the status as
Werkzeug adjusts its WSGI headers. Common header names and Content-Type values are
encoded once and looked up in module-level tables.
"""

from __future__ import annotations

import typing as t
from urllib.parse import quote, urlsplit, urlunsplit

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["aencode_chunks", "encode_chunks", "iri_to_uri", "wire_headers"]

# Lower-cased wire names of common headers, keyed by the spellings apps use.
_COMMON_NAMES = """
    Content-Type Content-Length Location Set-Cookie Cache-Control ETag Last-Modified
    Expires Date Vary Allow Server Content-Encoding Content-Language Content-Location
    Content-Disposition Content-Range Accept-Ranges Age Retry-After WWW-Authenticate
    X-Content-Type-Options X-Frame-Options Strict-Transport-Security
    Content-Security-Policy Referrer-Policy Access-Control-Allow-Origin
    Access-Control-Allow-Credentials Access-Control-Allow-Headers
    Access-Control-Allow-Methods Access-Control-Expose-Headers Access-Control-Max-Age
    Connection Transfer-Encoding Keep-Alive X-Request-ID Link Pragma
""".split()
_NAME_BYTES: dict[str, bytes] = {}
for _name in _COMMON_NAMES:
    _NAME_BYTES[_name] = _NAME_BYTES[_name.lower()] = _name.lower().encode("latin-1")
del _name
_NAME_CACHE_LIMIT = 1024
_VALUE_CACHE: dict[str, bytes] = {}  # Content-Type values, the one value every response has
_VALUE_CACHE_LIMIT = 256

# Headers a 304 must not carry (Werkzeug's entity headers minus Expires/Content-Location).
_NOT_MODIFIED_DROP = frozenset(
    b"allow content-encoding content-language content-length content-md5 content-range"
    b" content-type last-modified".split()
)


def _name_bytes(name: str) -> bytes:
    raw = _NAME_BYTES.get(name)
    if raw is None:
        raw = name.lower().encode("latin-1")
        if len(_NAME_BYTES) < _NAME_CACHE_LIMIT:
            _NAME_BYTES[name] = raw
    return raw


def _ctype_bytes(value: str) -> bytes:
    raw = _VALUE_CACHE.get(value)
    if raw is None:
        raw = value.encode("latin-1")
        if len(_VALUE_CACHE) < _VALUE_CACHE_LIMIT:
            _VALUE_CACHE[value] = raw
    return raw


_USERINFO_SAFE = "%!$&'()*+,;="


def iri_to_uri(iri: str) -> str:
    """Percent-encode an IRI for a Location header, with IDNA hosts (Werkzeug's rules)."""
    parts = urlsplit(iri)
    path = quote(parts.path, safe="%!$&'()*+,/:;=@")
    query = quote(parts.query, safe="%!$&'()*+,/:;=?@")
    fragment = quote(parts.fragment, safe="%!#$&'()*+,/:;=?@")
    netloc = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    if parts.username is not None:
        auth = quote(parts.username, safe=_USERINFO_SAFE)
        if parts.password is not None:
            password = quote(parts.password, safe=_USERINFO_SAFE)
            auth = f"{auth}:{password}"
        netloc = f"{auth}@{netloc}"
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def encode_chunks(iterable: t.Iterable[t.Any]) -> t.Iterator[bytes]:
    """Yield the chunks of a body as bytes (``str`` chunks UTF-8 encoded)."""
    for item in iterable:
        yield item.encode() if isinstance(item, str) else item


async def aencode_chunks(iterable: t.AsyncIterable[t.Any]) -> t.AsyncIterator[bytes]:
    """Async version of :func:`encode_chunks`."""
    async for item in iterable:
        yield item.encode() if isinstance(item, str) else item


def wire_headers(self: Response) -> list[tuple[bytes, bytes]]:
    """Headers as ASGI pairs, adjusted for the status like Werkzeug's WSGI headers.

    No Content-Length on 1xx/204, no entity headers on 304, Content-Length added for
    buffered bodies, Location/Content-Location made URI-safe. The response is not
    modified. Bound as ``Response._wire_headers``, hence ``self``.
    """
    code = self._status_code
    bodiless = 100 <= code < 200 or code == 204
    not_modified = code == 304
    hdrs = self._headers
    if hdrs is None:
        ctype = self._ctype
        out: list[tuple[bytes, bytes]] = (
            [] if ctype is None or not_modified else [(b"content-type", _ctype_bytes(ctype))]
        )
        if bodiless or not_modified:
            return out
        length = self._clen
        if length is None:
            body = self.response
            if not self.automatically_set_content_length or not isinstance(body, (list, tuple)):
                return out
            length = sum(len(chunk) for chunk in encode_chunks(body))
        out.append((b"content-length", b"%d" % length))
        return out

    add_length = (
        self.automatically_set_content_length
        and not bodiless
        and not not_modified
        and isinstance(self.response, (list, tuple))
    )
    out = []
    has_length = False
    for key, value in hdrs:
        name = _name_bytes(key)
        if name == b"content-length":
            has_length = True
            if bodiless:
                continue
        elif name == b"location" or name == b"content-location":
            value = iri_to_uri(value)
        if not_modified and name in _NOT_MODIFIED_DROP:
            continue
        out.append(
            (name, _ctype_bytes(value) if name == b"content-type" else value.encode("latin-1"))
        )
    if add_length and not has_length:
        length = sum(len(chunk) for chunk in encode_chunks(self.response))
        out.append((b"content-length", b"%d" % length))
    return out

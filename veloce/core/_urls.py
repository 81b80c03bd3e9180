"""Host validation and request URL reconstruction, matching Werkzeug 3.1 byte for byte.

``request.url`` and friends are IRIs: percent-encoded UTF-8 is shown decoded, while
reserved and invalid sequences stay encoded, and Punycode hosts are decoded.
"""

from __future__ import annotations

import codecs
import re
import typing as t
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from veloce.core.exceptions import SecurityError

__all__ = [
    "ERRORS_URL_QUOTE",
    "get_current_url",
    "get_host",
    "host_is_trusted",
    "parse_query",
]

ERRORS_URL_QUOTE = "veloce.url_quote"


def _requote_invalid(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: leave undecodable bytes percent-encoded."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return quote(exc.object[exc.start : exc.end], safe=""), exc.end


codecs.register_error(ERRORS_URL_QUOTE, _requote_invalid)


def parse_query(text: str) -> list[tuple[str, str]]:
    """Split a query string into ``(name, value)`` pairs, blanks kept, ``+`` as space.

    Exactly ``urllib.parse.parse_qsl(text, keep_blank_values=True)`` with invalid
    UTF-8 left percent-encoded, minus its per-call overhead: most query strings have
    nothing to unquote.
    """
    pairs: list[tuple[str, str]] = []
    if not text:
        return pairs
    plain = "%" not in text and "+" not in text
    for item in text.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        if not plain:
            name = unquote(name.replace("+", " "), "utf-8", ERRORS_URL_QUOTE)
            value = unquote(value.replace("+", " "), "utf-8", ERRORS_URL_QUOTE)
        pairs.append((name, value))
    return pairs


_host_re = re.compile(
    r"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+])(?::([1-9][0-9]{,4}))?",
    re.ASCII | re.IGNORECASE,
)


def host_is_trusted(hostname: str | None, trusted_list: t.Collection[str] | None = None) -> bool:
    """Whether ``host[:port]`` has valid characters and, if a list is given, matches it.

    A trusted name starting with ``.`` also matches its subdomains; ports are ignored.
    """
    if not hostname:
        return False
    match = _host_re.fullmatch(hostname)
    if match is None:
        return False
    name, port = match.groups()
    if port and not 1 <= int(port) <= 65535:
        return False
    if not trusted_list:
        return True
    if isinstance(trusted_list, str):
        trusted_list = [trusted_list]
    for ref in trusted_list:
        suffix = ref.startswith(".")
        if suffix:
            ref = ref[1:]
        try:
            ref = ref.partition(":")[0].encode("idna").decode("ascii")
        except UnicodeError:
            return False
        if ref == name or (suffix and name.endswith(f".{ref}")):
            return True
    return False


def get_host(
    scheme: str,
    host_header: str | None,
    server: tuple[str, int | None] | list[t.Any] | None = None,
    trusted_hosts: t.Collection[str] | None = None,
) -> str:
    """The request's ``host[:port]``, default port removed; ``""`` when unknown or invalid.

    Raises:
        SecurityError: ``trusted_hosts`` is set and the host is not in it.
    """
    if host_header is not None:
        host = host_header
    elif server is not None and server[1] is not None:
        name = server[0]
        if ":" in name and name[0] != "[":
            name = f"[{name}]"
        host = f"{name}:{server[1]}"
    else:
        return ""
    if scheme in ("http", "ws"):
        host = host.removesuffix(":80")
    elif scheme in ("https", "wss"):
        host = host.removesuffix(":443")
    if not host_is_trusted(host, trusted_hosts):
        if trusted_hosts:
            raise SecurityError(f"Host {host!r} is not trusted.")
        return ""
    return host


def _partial_unquoter(keep: str) -> t.Callable[[str], str]:
    """Unquote everything except percent-escapes of the ``keep`` characters."""
    codes = "|".join(f"{ord(c):02X}" for c in sorted(keep))
    kept = re.compile(f"((?:%(?:{codes}))+)", re.IGNORECASE)

    def unquote_part(value: str) -> str:
        pieces = kept.split(value)
        # Even indexes are decodable text, odd indexes are runs to keep verbatim.
        for idx in range(0, len(pieces), 2):
            pieces[idx] = unquote(pieces[idx], "utf-8", ERRORS_URL_QUOTE)
        return "".join(pieces)

    return unquote_part


_ALWAYS_QUOTED = bytes((*range(0x21), 0x25, 0x7F)).decode()
_unquote_path = _partial_unquoter(_ALWAYS_QUOTED + "/?#")
_unquote_query = _partial_unquoter(_ALWAYS_QUOTED + "&=+#")
_unquote_fragment = _partial_unquoter(_ALWAYS_QUOTED)
_unquote_user = _partial_unquoter(_ALWAYS_QUOTED + ":@/?#")


def _decode_idna(domain: str) -> str:
    try:
        data = domain.encode("ascii")
    except UnicodeEncodeError:
        return domain
    try:
        return data.decode("idna")
    except UnicodeError:
        pass
    labels = []
    for label in data.split(b"."):
        try:
            labels.append(label.decode("idna"))
        except UnicodeError:
            labels.append(label.decode("ascii"))
    return ".".join(labels)


def _uri_to_iri(uri: str) -> str:
    parts = urlsplit(uri)
    netloc = _decode_idna(parts.hostname) if parts.hostname else ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    if parts.username is not None:
        auth = _unquote_user(parts.username)
        if parts.password is not None:
            auth = f"{auth}:{_unquote_user(parts.password)}"
        netloc = f"{auth}@{netloc}"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            _unquote_path(parts.path),
            _unquote_query(parts.query),
            _unquote_fragment(parts.fragment),
        )
    )


_PATH_SAFE = "!$&'()*+,/:;=@%"
_QUERY_SAFE = "!$&'()*+,/:;=?@%"


# Inputs made only of these characters come out of quoting and IRI decoding unchanged.
# A port with leading zeros is not "plain": Werkzeug rewrites it as an integer.
_plain_host_re = re.compile(r"[a-z0-9.\-]+(?::(?:0|[1-9][0-9]*))?", re.ASCII)
_plain_path_re = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,/:;=@]*", re.ASCII)
_plain_query_re = re.compile(rb"[A-Za-z0-9\-._~!$&'()*+,/:;=?@]*")


def _plain_url(
    scheme: str, host: str, root_path: str, path: str, query_string: bytes | None
) -> str | None:
    if (
        _plain_host_re.fullmatch(host) is None
        or "xn--" in host
        or (root_path and root_path[0] != "/")
        or _plain_path_re.fullmatch(root_path) is None
        or _plain_path_re.fullmatch(path) is None
        or (query_string and _plain_query_re.fullmatch(query_string) is None)
    ):
        return None
    url = f"{scheme}://{host}{root_path.rstrip('/')}/{path.lstrip('/')}"
    if query_string:
        return f"{url}?{query_string.decode('ascii')}"
    return url


def get_current_url(
    scheme: str,
    host: str,
    root_path: str | None = None,
    path: str | None = None,
    query_string: bytes | None = None,
) -> str:
    """Rebuild the request URL; each omitted part drops the parts after it too."""
    if root_path is not None and path is not None:
        plain = _plain_url(scheme, host, root_path, path, query_string)
        if plain is not None:
            return plain
    url = [scheme, "://", host]
    if root_path is None:
        url.append("/")
        return _uri_to_iri("".join(url))
    url.append(quote(root_path.rstrip("/"), safe=_PATH_SAFE))
    url.append("/")
    if path is None:
        return _uri_to_iri("".join(url))
    url.append(quote(path.lstrip("/"), safe=_PATH_SAFE))
    if query_string:
        url.append("?")
        url.append(quote(query_string, safe=_QUERY_SAFE))
    return _uri_to_iri("".join(url))

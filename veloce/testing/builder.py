"""Turning test-client arguments into the ASGI request a server would have produced.

The rules follow Werkzeug 3.1's ``EnvironBuilder`` so that a test written for Flask
sends the same request through Veloce: path and query handling, ``json`` serialized
with the app's JSON provider, Content-Type / Content-Length set exactly when Werkzeug
sets them, and WSGI-style ``environ_base``/``environ_overrides`` mapped onto the scope.
Body encodings live in :mod:`veloce.testing.encoding`. The result is a
:class:`~veloce.testing.wrappers.TestRequest` holding the ASGI ``scope`` and the body.
"""

from __future__ import annotations

import base64
import json as _json
import typing as t
from urllib.parse import quote, unquote, urlsplit

from veloce.testing.encoding import (
    content_type_for,
    encode_body,
    encode_query,
    files_to_parts,
    header_pairs,
    iter_multi,
)
from veloce.testing.wrappers import TestRequest

if t.TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_CLIENT", "assemble_scope", "build_request"]

#: ``scope["client"]`` unless ``REMOTE_ADDR``/``REMOTE_PORT`` say otherwise.
DEFAULT_CLIENT = ("127.0.0.1", 50000)

_ASGI = {"version": "3.0", "spec_version": "2.3"}

# WHATWG path-segment safe set, plus "%" so already-quoted input is kept.
_PATH_SAFE = "%!$&'()*+,/:;=@"

_BODY_HEADERS = frozenset({"content-type", "content-length"})


def _encode_header_value(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode()


def _split_host(host: str, scheme: str) -> tuple[str, int]:
    name, sep, port = host.rpartition(":")
    if sep and port.isdigit() and (not name.startswith("[") or name.endswith("]")):
        return name, int(port)
    return host, 443 if scheme in ("https", "wss") else 80


def build_request(
    path: str = "/",
    *,
    method: str = "GET",
    base_url: str | None = None,
    query_string: t.Any = None,
    headers: t.Any = None,
    data: t.Any = None,
    json: t.Any = None,
    content_type: str | None = None,
    mimetype: str | None = None,
    auth: t.Any = None,
    environ_base: Mapping[str, t.Any] | None = None,
    environ_overrides: Mapping[str, t.Any] | None = None,
    json_dumps: t.Callable[[t.Any], str] = _json.dumps,
    client: tuple[str, int] | None = DEFAULT_CLIENT,
    files: t.Any = None,
) -> TestRequest:
    """Build the ASGI scope and body for one test request.

    Flask parity: the arguments and their encoding are Werkzeug's ``EnvironBuilder``'s
    (``path`` may carry ``?query``, but not together with ``query_string``; a full URL
    in ``path`` sets scheme and host, as Flask's builder does). Differences: a path
    starting with ``//`` stays a path, and header values are kept as separate ASGI
    pairs instead of being joined with ``", "``.

    Args:
        path: Request path, optionally with a query string or a full URL.
        method: HTTP method.
        base_url: ``scheme://host[:port][/root_path]``; defaults to ``http://localhost``.
        query_string: ``str``/``bytes`` sent as-is, or a mapping/pairs to urlencode.
        headers: A dict, Headers or pairs.
        data: ``str``/``bytes``/file (raw body) or a form dict; a file object or
            ``(file, filename[, content_type])`` tuple value makes it multipart.
        json: Object serialized with ``json_dumps``; defaults the content type to
            ``application/json``.
        content_type: Request Content-Type.
        mimetype: Like ``content_type``, with ``charset=utf-8`` added for text types.
        auth: ``(username, password)`` for Basic auth, or an object with ``to_header()``.
        environ_base: WSGI-style defaults (``REMOTE_ADDR``, ``HTTP_*``, custom keys).
        environ_overrides: WSGI-style overrides, applied last.
        json_dumps: Serializer for ``json``.
        client: Default ``scope["client"]``.
        files: httpx-style files (see :func:`files_to_parts`); sent as multipart
            together with the fields of a form ``data``.

    Raises:
        ValueError: both ``query_string`` and ``?`` in ``path``.
        TypeError: both ``json`` and ``data``.
    """
    scheme, host, root, path, query = _split_target(path, base_url, query_string)
    pairs = header_pairs(headers)
    if auth is not None:
        pairs = [(k, v) for k, v in pairs if k.lower() != "authorization"]
        pairs.append(("Authorization", _auth_header(auth)))
    body, pairs = _body_and_headers(pairs, data, json, files, content_type, mimetype, json_dumps)
    scope = assemble_scope(
        method=method.upper(),
        scheme=scheme,
        host=host,
        root_path=root,
        raw_path=quote(path, safe=_PATH_SAFE),
        query_string=query,
        headers=pairs,
        client=client,
    )
    if environ_base:
        _apply_environ(scope, environ_base, override=False)
    if environ_overrides:
        _apply_environ(scope, environ_overrides, override=True)
    return TestRequest(scope, body or b"")


def _split_target(
    path: str, base_url: str | None, query_string: t.Any
) -> tuple[str, str, str, str, bytes]:
    """``(scheme, host, root_path, path, query)`` from the path and base URL."""
    scheme, host, root = _split_base_url(base_url)
    if "://" in path.partition("?")[0]:
        url = urlsplit(path)
        scheme, host = url.scheme or scheme, url.netloc or host
        path = url.path or "/"
        if url.query:
            path = f"{path}?{url.query}"
    # urlsplit's hygiene: tabs and newlines are removed from URLs.
    path = path.replace("\t", "").replace("\r", "").replace("\n", "")
    path, has_query, query_part = path.partition("#")[0].partition("?")
    if has_query:
        if query_string is not None:
            raise ValueError("Query string is defined in the path and as an argument")
        query_string = query_part
    if query_string is None:
        query = b""
    elif isinstance(query_string, (bytes, bytearray)):
        query = bytes(query_string)
    elif isinstance(query_string, str):
        query = query_string.encode()
    else:
        query = encode_query(query_string).encode("ascii")
    return scheme, host, root, path, query


def _auth_header(auth: t.Any) -> str:
    if isinstance(auth, tuple):
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        return f"Basic {token}"
    return t.cast("str", auth.to_header())


def _body_and_headers(
    pairs: list[tuple[str, str]],
    data: t.Any,
    json: t.Any,
    files: t.Any,
    content_type: str | None,
    mimetype: str | None,
    json_dumps: t.Callable[[t.Any], str],
) -> tuple[bytes | None, list[tuple[str, str]]]:
    """The body (``None``: none sent) and the headers with Content-Type/-Length set."""
    if files:
        if json is not None:
            raise TypeError("can't provide both json and files")
        if isinstance(data, (str, bytes, bytearray)):
            raise TypeError("files= needs form fields in data=, not a raw body")
        fields = iter_multi(data, expand_tuples=False) if data else ()
        data = [*fields, *files_to_parts(files)]
    given_type = next((v for k, v in pairs if k.lower() == "content-type"), None)
    if json is not None:
        if data is not None:
            raise TypeError("can't provide both json and data")
        data = json_dumps(json)
        if content_type is None and given_type is None:
            content_type = "application/json"
    if content_type is None:
        content_type = given_type
    if mimetype is not None:
        content_type = content_type_for(mimetype)
    body: bytes | None = None
    if data:
        body, content_type = encode_body(data, content_type)
    # Like Werkzeug, Content-Length describes the body actually sent; a Content-Length
    # passed in ``headers`` is dropped.
    pairs = [(k, v) for k, v in pairs if k.lower() not in _BODY_HEADERS]
    if content_type is not None:
        pairs.append(("Content-Type", content_type))
    if body is not None:
        pairs.append(("Content-Length", str(len(body))))
    return body, pairs


def _split_base_url(base_url: str | None) -> tuple[str, str, str]:
    if base_url is None:
        return "http", "localhost", ""
    url = urlsplit(base_url)
    if url.query or url.fragment:
        raise ValueError("base url must not contain a query string or fragment")
    return url.scheme or "http", url.netloc or "localhost", url.path.rstrip("/")


def assemble_scope(
    *,
    method: str,
    scheme: str,
    host: str,
    root_path: str,
    raw_path: str,
    query_string: bytes,
    headers: list[tuple[str, str]],
    client: tuple[str, int] | None = DEFAULT_CLIENT,
) -> dict[str, t.Any]:
    """The HTTP scope a server would build; ``raw_path`` excludes ``root_path``.

    Per the ASGI spec, ``scope["path"]`` includes ``root_path`` (as uvicorn sends it).
    A ``Host`` in ``headers`` wins over ``host``, as in Werkzeug.
    """
    raw_root = quote(root_path, safe=_PATH_SAFE)
    full_raw = raw_root + raw_path
    asgi_headers = []
    has_host = False
    for key, value in headers:
        name = key.lower()
        has_host = has_host or name == "host"
        asgi_headers.append((name.encode("latin-1"), _encode_header_value(value)))
    if not has_host:
        asgi_headers.insert(0, (b"host", _encode_header_value(host)))
    return {
        "type": "http",
        "asgi": dict(_ASGI),
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "server": _split_host(host, scheme),
        "client": client,
        "root_path": unquote(raw_root),
        "path": unquote(full_raw),
        "raw_path": full_raw.encode("ascii"),
        "query_string": query_string,
        "headers": asgi_headers,
        "extensions": {},
    }


def _set_header(scope: dict[str, t.Any], key: str, value: t.Any, *, override: bool) -> None:
    # "HTTP_X_FOO" / "CONTENT_TYPE" -> b"x-foo" / b"content-type".
    name = key.removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
    headers = scope["headers"]
    if any(k == name for k, _ in headers):
        if not override:
            return
        headers[:] = [(k, v) for k, v in headers if k != name]
    headers.append((name, _encode_header_value(str(value))))


def _set_remote_addr(scope: dict[str, t.Any], value: t.Any) -> None:
    client = scope["client"] or DEFAULT_CLIENT
    scope["client"] = (value, client[1])


def _set_remote_port(scope: dict[str, t.Any], value: t.Any) -> None:
    client = scope["client"] or DEFAULT_CLIENT
    scope["client"] = (client[0], int(value))


def _set_scheme(scope: dict[str, t.Any], value: t.Any) -> None:
    scope["scheme"] = value


def _set_server_name(scope: dict[str, t.Any], value: t.Any) -> None:
    scope["server"] = (value, scope["server"][1])


def _set_server_port(scope: dict[str, t.Any], value: t.Any) -> None:
    scope["server"] = (scope["server"][0], int(value))


def _set_protocol(scope: dict[str, t.Any], value: t.Any) -> None:
    scope["http_version"] = value.partition("/")[2] or "1.1"


def _set_method(scope: dict[str, t.Any], value: t.Any) -> None:
    scope["method"] = value.upper()


def _set_paths(scope: dict[str, t.Any], root: str, tail: str) -> None:
    scope["root_path"] = root
    scope["path"] = root + tail
    scope["raw_path"] = quote(scope["path"], safe=_PATH_SAFE).encode("ascii")


def _set_script_name(scope: dict[str, t.Any], value: t.Any) -> None:
    _set_paths(scope, value, scope["path"][len(scope["root_path"]) :])


def _set_path_info(scope: dict[str, t.Any], value: t.Any) -> None:
    _set_paths(scope, scope["root_path"], value)


def _set_query_string(scope: dict[str, t.Any], value: t.Any) -> None:
    scope["query_string"] = value.encode() if isinstance(value, str) else value


# Keys the builder never sets itself: honoured in environ_base and environ_overrides.
_CLIENT_KEYS: dict[str, t.Callable[[dict[str, t.Any], t.Any], None]] = {
    "REMOTE_ADDR": _set_remote_addr,
    "REMOTE_PORT": _set_remote_port,
}

# Keys the builder derives from its arguments: honoured in environ_overrides only.
_BUILDER_KEYS: dict[str, t.Callable[[dict[str, t.Any], t.Any], None]] = {
    "wsgi.url_scheme": _set_scheme,
    "SERVER_NAME": _set_server_name,
    "SERVER_PORT": _set_server_port,
    "SERVER_PROTOCOL": _set_protocol,
    "REQUEST_METHOD": _set_method,
    "SCRIPT_NAME": _set_script_name,
    "PATH_INFO": _set_path_info,
    "QUERY_STRING": _set_query_string,
}


def _apply_environ(
    scope: dict[str, t.Any], environ: Mapping[str, t.Any], *, override: bool
) -> None:
    """Map WSGI-style ``environ_base``/``environ_overrides`` keys onto the scope.

    ``REMOTE_ADDR``/``REMOTE_PORT`` set ``client``; ``HTTP_*``, ``CONTENT_TYPE`` and
    ``CONTENT_LENGTH`` set headers (only where missing, unless overriding);
    ``wsgi.url_scheme``, ``SERVER_*``, ``REQUEST_METHOD``, ``SCRIPT_NAME``,
    ``PATH_INFO`` and ``QUERY_STRING`` are honoured as overrides only, since the
    builder sets them from its arguments (as in Werkzeug, where ``environ_base`` loses
    to them). Any other key goes into the scope verbatim, where ``request.environ``
    (the scope) exposes it.
    """
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            _set_header(scope, key, value, override=override)
        elif key in _CLIENT_KEYS:
            _CLIENT_KEYS[key](scope, value)
        elif key in _BUILDER_KEYS:
            if override:
                _BUILDER_KEYS[key](scope, value)
        elif override:
            scope[key] = value
        else:
            scope.setdefault(key, value)

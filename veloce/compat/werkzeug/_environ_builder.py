"""``EnvironBuilder``: Werkzeug's WSGI environ builder, producing the same environ.

The builder is a large class of settable properties (URL pieces, headers, form, files,
body) that every other part of ``werkzeug.test`` only calls into, so it has a module of
its own. Import it from :mod:`veloce.compat.werkzeug.test` (or ``flask.testing``).
"""

from __future__ import annotations

import io
import json as _json
import sys
import typing as t
from collections import defaultdict
from urllib.parse import unquote, urlsplit, urlunsplit

from veloce.compat.werkzeug._multipart import stream_encode_multipart
from veloce.compat.werkzeug.datastructures import (
    Authorization,
    CallbackDict,
    CombinedMultiDict,
    EnvironHeaders,
    FileMultiDict,
    Headers,
    MultiDict,
)
from veloce.compat.werkzeug.http import dump_options_header, parse_options_header
from veloce.compat.werkzeug.urls import iri_to_uri
from veloce.compat.werkzeug.utils import get_content_type
from veloce.compat.werkzeug.wrappers import Request
from veloce.testing.encoding import encode_query
from veloce.testing.environ import request_from_environ

__all__ = ["EnvironBuilder"]


def _wsgi_str(value: str) -> str:
    # PEP 3333: text in the environ is bytes decoded as latin-1.
    return value.encode().decode("latin-1")


def _iter_data(data: t.Mapping[str, t.Any]) -> t.Iterator[tuple[str, t.Any]]:
    """Form ``data`` items: a list value repeats the key; a tuple is a file spec."""
    if isinstance(data, MultiDict):
        yield from data.items(multi=True)
        return
    for key, value in data.items():
        if isinstance(value, list):
            for item in value:
                yield key, item
        else:
            yield key, value


class EnvironBuilder:
    """Build a WSGI environ (or a request) from test-client style arguments.

    ``data`` is a ``str``/``bytes``/file (the raw body; give a ``content_type``) or
    a form mapping whose file values (file objects or ``(file, filename[,
    content_type])`` tuples) go to :attr:`files`. ``form``, ``files`` and ``args``
    can be edited until :meth:`get_environ` encodes them.

    Flask parity: Werkzeug 3.1's ``EnvironBuilder`` with the same arguments,
    attributes and :meth:`get_environ` output (only the multipart boundary's random
    part differs). :meth:`get_request` returns Veloce's compat ``Request``, built
    over the ASGI scope equivalent to the environ.
    """

    server_protocol = "HTTP/1.1"
    wsgi_version = (1, 0)
    request_class: type[t.Any] = Request
    json_dumps = staticmethod(_json.dumps)

    def __init__(
        self,
        path: str = "/",
        base_url: str | None = None,
        query_string: t.Mapping[str, str] | str | None = None,
        method: str = "GET",
        input_stream: t.IO[bytes] | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        errors_stream: t.IO[str] | None = None,
        multithread: bool = False,
        multiprocess: bool = False,
        run_once: bool = False,
        headers: Headers | t.Iterable[tuple[str, str]] | None = None,
        data: t.IO[bytes] | str | bytes | t.Mapping[str, t.Any] | None = None,
        environ_base: t.Mapping[str, t.Any] | None = None,
        environ_overrides: t.Mapping[str, t.Any] | None = None,
        mimetype: str | None = None,
        json: t.Any = None,
        auth: Authorization | tuple[str, str] | None = None,
    ) -> None:
        if query_string is not None and "?" in path:
            raise ValueError("Query string is defined in the path and as an argument")
        self._args: MultiDict[str, str] | None = None
        self._query_string: str | None = None
        self._input_stream: t.IO[bytes] | None = None
        self._form: MultiDict[str, t.Any] | None = None
        self._files: FileMultiDict | None = None
        request_uri = urlsplit(path)
        if query_string is None and "?" in path:
            query_string = request_uri.query
        self.path = iri_to_uri(request_uri.path)
        self.request_uri = path
        if base_url is not None:
            base_url = iri_to_uri(base_url)
        self.base_url = base_url  # type: ignore[assignment]
        if isinstance(query_string, str):
            self.query_string = query_string
        else:
            self.args = (
                query_string
                if isinstance(query_string, MultiDict)
                else MultiDict(query_string or ())
            )
        self.method = method
        self.headers = headers if isinstance(headers, Headers) else Headers(headers or ())
        if content_type is not None:
            self.content_type = content_type
        self.errors_stream = sys.stderr if errors_stream is None else errors_stream
        self.multithread = multithread
        self.multiprocess = multiprocess
        self.run_once = run_once
        self.environ_base = environ_base
        self.environ_overrides = environ_overrides
        self.input_stream = input_stream
        self.content_length = content_length
        self.closed = False
        if auth is not None:
            if isinstance(auth, tuple):
                auth = Authorization("basic", {"username": auth[0], "password": auth[1]})
            self.headers.set("Authorization", auth.to_header())
        if json is not None:
            if data is not None:
                raise TypeError("can't provide both json and data")
            data = self.json_dumps(json)
            if self.content_type is None:
                self.content_type = "application/json"
        if data:
            self._set_data(data, input_stream)
        if mimetype is not None:
            self.mimetype = mimetype

    def _set_data(self, data: t.Any, input_stream: t.IO[bytes] | None) -> None:
        if input_stream is not None:
            raise TypeError("can't provide input stream and data")
        if hasattr(data, "read"):
            data = data.read()
        if isinstance(data, str):
            data = data.encode()
        if isinstance(data, bytes):
            self.input_stream = io.BytesIO(data)
            if self.content_length is None:
                self.content_length = len(data)
            return
        for key, value in _iter_data(data):
            if isinstance(value, tuple):
                self.files.add_file(key, *value)
            elif isinstance(value, dict) or hasattr(value, "read"):
                self.files.add_file(key, value)
            else:
                self.form.setlistdefault(key).append(value)

    @classmethod
    def from_environ(cls, environ: t.Mapping[str, t.Any], **kwargs: t.Any) -> EnvironBuilder:
        """A builder that rebuilds ``environ``; ``kwargs`` override what it gives."""
        headers = EnvironHeaders(environ).copy()
        script_root = environ["SCRIPT_NAME"].encode("latin-1").decode(errors="replace")
        out: dict[str, t.Any] = {
            "path": environ["PATH_INFO"].encode("latin-1").decode(errors="replace"),
            "base_url": cls._make_base_url(
                environ["wsgi.url_scheme"], headers.pop("Host"), script_root
            ),
            "query_string": environ["QUERY_STRING"].encode("latin-1").decode(errors="replace"),
            "method": environ["REQUEST_METHOD"],
            "input_stream": environ["wsgi.input"],
            "content_type": headers.pop("Content-Type", None),
            "content_length": headers.pop("Content-Length", None),
            "errors_stream": environ["wsgi.errors"],
            "multithread": environ["wsgi.multithread"],
            "multiprocess": environ["wsgi.multiprocess"],
            "run_once": environ["wsgi.run_once"],
            "headers": headers,
        }
        out.update(kwargs)
        return cls(**out)

    @staticmethod
    def _make_base_url(scheme: str, host: str, script_root: str) -> str:
        return urlunsplit((scheme, host, script_root, "", "")).rstrip("/") + "/"

    @property
    def base_url(self) -> str:
        """``scheme://host/script_root/``; setting it splits it into those three."""
        return self._make_base_url(self.url_scheme, self.host, self.script_root)

    @base_url.setter
    def base_url(self, value: str | None) -> None:
        if value is None:
            scheme, netloc, script_root = "http", "localhost", ""
        else:
            scheme, netloc, script_root, query, fragment = urlsplit(value)
            if query or fragment:
                raise ValueError("base url must not contain a query string or fragment")
        self.script_root = script_root.rstrip("/")
        self.host = netloc
        self.url_scheme = scheme

    @property
    def content_type(self) -> str | None:
        """The Content-Type header; without one, derived from ``files``/``form``."""
        value = self.headers.get("Content-Type")
        if value is None and not self._input_stream:
            if self._files:
                return "multipart/form-data"
            if self._form:
                return "application/x-www-form-urlencoded"
        return value  # type: ignore[no-any-return]

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        if value is None:
            self.headers.pop("Content-Type", None)
        else:
            self.headers["Content-Type"] = value

    @property
    def mimetype(self) -> str | None:
        """The content type without parameters; setting it adds ``charset=utf-8``
        to text types."""
        value = self.content_type
        return value.partition(";")[0].strip() if value else None

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.content_type = get_content_type(value, "utf-8")

    @property
    def mimetype_params(self) -> t.MutableMapping[str, str]:
        """The content type's parameters; changing the dict rewrites the header."""

        def on_update(params: t.Mapping[str, str]) -> None:
            self.headers["Content-Type"] = dump_options_header(self.mimetype, params)

        params = parse_options_header(self.headers.get("content-type", ""))[1]
        return CallbackDict(params, on_update)

    @property
    def content_length(self) -> int | None:
        """The Content-Length header as an int (``None`` if absent or invalid)."""
        return self.headers.get("Content-Length", type=int)  # type: ignore[no-any-return]

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self.headers.pop("Content-Length", None)
        else:
            self.headers["Content-Length"] = str(value)

    def _form_storage(self, name: str, factory: t.Callable[[], t.Any]) -> t.Any:
        if self.input_stream is not None:
            raise AttributeError("an input stream is defined")
        value = getattr(self, name)
        if value is None:
            value = factory()
            setattr(self, name, value)
        return value

    @property
    def form(self) -> MultiDict[str, t.Any]:
        """Form fields (``AttributeError`` once an input stream is set)."""
        return t.cast("MultiDict[str, t.Any]", self._form_storage("_form", MultiDict))

    @form.setter
    def form(self, value: MultiDict[str, t.Any]) -> None:
        self._input_stream = None
        self._form = value

    @property
    def files(self) -> FileMultiDict:
        """Uploaded files; ``add_file`` adds one (``AttributeError`` with a stream)."""
        return t.cast("FileMultiDict", self._form_storage("_files", FileMultiDict))

    @files.setter
    def files(self, value: FileMultiDict) -> None:
        self._input_stream = None
        self._files = value

    @property
    def input_stream(self) -> t.IO[bytes] | None:
        """The raw body stream; setting it discards ``form`` and ``files``."""
        return self._input_stream

    @input_stream.setter
    def input_stream(self, value: t.IO[bytes] | None) -> None:
        self._input_stream = value
        self._form = None
        self._files = None

    @property
    def query_string(self) -> str:
        """The query string (setting it makes ``args`` unavailable)."""
        if self._query_string is None:
            return encode_query(self._args) if self._args is not None else ""
        return self._query_string

    @query_string.setter
    def query_string(self, value: str | None) -> None:
        self._query_string = value
        self._args = None

    @property
    def args(self) -> MultiDict[str, str]:
        """The query arguments (``AttributeError`` once a query string is set)."""
        if self._query_string is not None:
            raise AttributeError("a query string is defined")
        if self._args is None:
            self._args = MultiDict()
        return self._args

    @args.setter
    def args(self, value: MultiDict[str, str] | None) -> None:
        self._query_string = None
        self._args = value

    @property
    def server_name(self) -> str:
        """The host without its port."""
        return self.host.partition(":")[0]

    @property
    def server_port(self) -> int:
        """The port of the host, else the scheme's default."""
        _, sep, port = self.host.partition(":")
        if sep and port.isdigit():
            return int(port)
        return 443 if self.url_scheme == "https" else 80

    def close(self) -> None:
        """Close the files added to :attr:`files`; once."""
        if self.closed:
            return
        files = self._files.values() if self._files is not None else ()
        for file in files:
            try:
                file.close()
            except Exception:  # noqa: BLE001, S110 - closing is best effort, as in Werkzeug
                pass
        self.closed = True

    def _body(self) -> tuple[t.IO[bytes], int | None, str | None]:
        stream, length, content_type = self.input_stream, self.content_length, self.content_type
        mimetype = self.mimetype
        if stream is not None:
            start = stream.tell()
            stream.seek(0, 2)
            length = stream.tell() - start
            stream.seek(start)
        elif mimetype == "multipart/form-data":
            stream, length, boundary = stream_encode_multipart(
                CombinedMultiDict([self.form, self.files])
            )
            content_type = f'{mimetype}; boundary="{boundary}"'
        elif mimetype == "application/x-www-form-urlencoded":
            encoded = encode_query(self.form).encode("ascii")
            stream, length = io.BytesIO(encoded), len(encoded)
        else:
            stream = io.BytesIO()
        return stream, length, content_type

    def get_environ(self) -> dict[str, t.Any]:
        """The WSGI environ: ``environ_base``, the built keys, then ``environ_overrides``.

        Content-Type and Content-Length are set from the body actually built (the
        multipart boundary, the stream's remaining length); other headers become
        ``HTTP_*`` keys, repeated ones joined with ``", "``.
        """
        stream, length, content_type = self._body()
        result: dict[str, t.Any] = dict(self.environ_base or {})
        raw_uri = _wsgi_str(self.request_uri)
        result.update(
            {
                "REQUEST_METHOD": self.method,
                "SCRIPT_NAME": _wsgi_str(unquote(self.script_root)),
                "PATH_INFO": _wsgi_str(unquote(self.path)),
                "QUERY_STRING": _wsgi_str(self.query_string),
                "REQUEST_URI": raw_uri,
                "RAW_URI": raw_uri,
                "SERVER_NAME": self.server_name,
                "SERVER_PORT": str(self.server_port),
                "HTTP_HOST": self.host,
                "SERVER_PROTOCOL": self.server_protocol,
                "wsgi.version": self.wsgi_version,
                "wsgi.url_scheme": self.url_scheme,
                "wsgi.input": stream,
                "wsgi.errors": self.errors_stream,
                "wsgi.multithread": self.multithread,
                "wsgi.multiprocess": self.multiprocess,
                "wsgi.run_once": self.run_once,
            }
        )
        if content_type is not None:
            result["CONTENT_TYPE"] = content_type
        if length is not None:
            result["CONTENT_LENGTH"] = str(length)
        combined: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in self.headers.items():
            if key.lower() not in ("content-type", "content-length"):
                combined[f"HTTP_{key.upper().replace('-', '_')}"].append(_wsgi_str(value))
        for key, values in combined.items():
            result[key] = ", ".join(values)
        if self.environ_overrides:
            result.update(self.environ_overrides)
        return result

    def get_request(self, cls: type[t.Any] | None = None) -> t.Any:
        """A request object for the built environ (:attr:`request_class` by default).

        Flask parity: Werkzeug passes the environ to ``cls``; Veloce requests wrap an
        ASGI scope and body, so ``cls`` gets those (the environ converted).
        """
        built = request_from_environ(self.get_environ())
        return (cls or self.request_class)(built.scope, built.body)

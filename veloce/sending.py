"""``send_file`` and ``send_from_directory``: files as conditional, range-aware responses.

Two layers, as in Flask and Werkzeug: :func:`send_file_response` and
:func:`send_from_directory_response` take the request and every option explicitly
(Werkzeug's ``werkzeug.utils`` functions are thin wrappers over them), while
:func:`send_file` and :func:`send_from_directory` read the request, the response
class, the app's directory and the cache lifetime from the current context (Flask's
``flask.send_file``).

The response body is a :class:`~veloce.core.files.FileBody`: nothing is read until
the response is sent, and then chunk by chunk in the thread pool.
"""

from __future__ import annotations

import io
import mimetypes
import os
import time
import typing as t
import unicodedata
import zlib
from urllib.parse import quote

from veloce.core.context import _cv_ctx
from veloce.core.exceptions import NotFound, RequestedRangeNotSatisfiable
from veloce.core.filenames import safe_join
from veloce.core.files import FileBody, file_response_class
from veloce.core.headers import Headers
from veloce.core.response import Response
from veloce.globals import _no_req_msg

if t.TYPE_CHECKING:
    import datetime as _dt

__all__ = [
    "send_file",
    "send_file_response",
    "send_from_directory",
    "send_from_directory_response",
]

T_max_age = int | t.Callable[[str | None], int | None] | None


def _disposition_names(download_name: str) -> dict[str, str]:
    try:
        download_name.encode("ascii")
    except UnicodeEncodeError:
        # An ASCII fallback for old clients plus the exact name per RFC 5987.
        simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore")
        quoted = quote(download_name, safe="!#$&+-.^_`|~")
        return {"filename": simple.decode("ascii"), "filename*": f"UTF-8''{quoted}"}
    return {"filename": download_name}


def send_file_response(
    path_or_file: os.PathLike[str] | str | t.IO[bytes],
    request: t.Any,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: _dt.datetime | int | float | None = None,
    max_age: T_max_age = None,
    use_x_sendfile: bool = False,
    response_class: type[Response] | None = None,
    root_path: os.PathLike[str] | str | None = None,
) -> Response:
    """A response sending a file, for ``request`` (a Request, ASGI scope or WSGI environ).

    Flask parity: Werkzeug 3.1's ``send_file`` — the same headers (Content-Type
    guessed from the name, Content-Encoding for e.g. ``.gz`` unless an attachment,
    Content-Disposition with an RFC 5987 ``filename*`` for non-ASCII names,
    Content-Length, Last-Modified, ``Cache-Control: no-cache`` or ``public,
    max-age=N`` with Expires, the ``<mtime>-<size>-<adler32(path)>`` ETag) and the same
    conditional handling (304, 412, 206 single range, 416). The file is streamed, not
    read into memory; a relative path is taken relative to ``root_path`` (or the
    working directory).

    Raises:
        TypeError: no name to guess the mimetype from, or an attachment without a name.
        ValueError: a text-mode file.
        FileNotFoundError: the path does not exist.
        RequestedRangeNotSatisfiable: the Range cannot be served.
    """
    path: str | None = None
    file: t.IO[bytes] | None = None
    size: int | None = None
    mtime: float | None = None
    headers = Headers()

    if isinstance(path_or_file, (os.PathLike, str)) or hasattr(path_or_file, "__fspath__"):
        if root_path is not None:
            path = os.path.join(root_path, t.cast("str", path_or_file))
        else:
            path = os.path.abspath(t.cast("str", path_or_file))
        stat = os.stat(path)
        size = stat.st_size
        mtime = stat.st_mtime
    else:
        file = t.cast("t.IO[bytes]", path_or_file)

    if download_name is None and path is not None:
        download_name = os.path.basename(path)

    if mimetype is None:
        if download_name is None:
            raise TypeError(
                "Unable to detect the MIME type because a file name is"
                " not available. Either set 'download_name', pass a"
                " path instead of a file, or set 'mimetype'."
            )
        mimetype, encoding = mimetypes.guess_type(download_name)
        if mimetype is None:
            mimetype = "application/octet-stream"
        # Browsers would decompress a saved .tar.gz, so attachments get no encoding.
        if encoding is not None and not as_attachment:
            headers.set("Content-Encoding", encoding)

    if download_name is not None:
        headers.set(
            "Content-Disposition",
            "attachment" if as_attachment else "inline",
            **_disposition_names(download_name),
        )
    elif as_attachment:
        raise TypeError(
            "No name provided for attachment. Either set"
            " 'download_name' or pass a path instead of a file."
        )

    body: FileBody | None
    if use_x_sendfile and path is not None:
        headers["X-Sendfile"] = path
        body = None
    else:
        if file is None:
            body = FileBody(path=path)
        else:
            if isinstance(file, io.BytesIO):
                size = file.getbuffer().nbytes
            elif isinstance(file, io.TextIOBase):
                raise ValueError("Files must be opened in binary mode or use BytesIO.")
            body = FileBody(file=file)

    cls = file_response_class(response_class or Response)
    rv = cls(body, mimetype=mimetype, headers=headers, direct_passthrough=True)

    if size is not None:
        rv.content_length = size
    if last_modified is not None:
        rv.last_modified = last_modified  # type: ignore[assignment]
    elif mtime is not None:
        rv.last_modified = mtime  # type: ignore[assignment]

    cache_control = rv.cache_control
    cache_control.no_cache = True
    if callable(max_age):
        max_age = max_age(path)
    if max_age is not None:
        if max_age > 0:
            cache_control.no_cache = None
            cache_control.public = True
        cache_control.max_age = max_age
        rv.expires = int(time.time() + max_age)  # type: ignore[assignment]

    if isinstance(etag, str):
        rv.set_etag(etag)
    elif etag and path is not None:
        check = zlib.adler32(path.encode()) & 0xFFFFFFFF
        rv.set_etag(f"{mtime}-{size}-{check}")

    if conditional:
        try:
            rv = rv.make_conditional(request, accept_ranges=True, complete_length=size)
        except RequestedRangeNotSatisfiable:
            if file is not None:
                file.close()
            raise
        if rv.status_code == 304:
            rv.headers.pop("x-sendfile", None)
    return rv


def send_from_directory_response(
    directory: os.PathLike[str] | str,
    path: os.PathLike[str] | str,
    request: t.Any,
    **kwargs: t.Any,
) -> Response:
    """Send ``path`` from inside ``directory``; anything else is a 404.

    Flask parity: Werkzeug's ``send_from_directory``: ``path`` (untrusted) is joined
    with :func:`~veloce.core.filenames.safe_join`, so ``..``, absolute paths and NUL
    bytes give :class:`~veloce.core.exceptions.NotFound`, as does a path that is not
    a regular file. ``directory`` must not come from the client. ``kwargs`` go to
    :func:`send_file_response`.

    Raises:
        NotFound: the path escapes ``directory`` or is not a file.
    """
    joined = safe_join(os.fspath(directory), os.fspath(path))
    if joined is None:
        raise NotFound()
    root_path = kwargs.get("root_path")
    if root_path is not None:
        joined = os.path.join(root_path, joined)
    if not os.path.isfile(joined):
        raise NotFound()
    return send_file_response(joined, request, **kwargs)


def _context_kwargs(kwargs: dict[str, t.Any]) -> tuple[t.Any, dict[str, t.Any]]:
    ctx = _cv_ctx.get(None)
    request = None if ctx is None else getattr(ctx, "request", None)
    if request is None:
        raise RuntimeError(_no_req_msg)
    app = ctx.app
    if kwargs.get("max_age") is None:
        kwargs["max_age"] = app.get_send_file_max_age
    kwargs["use_x_sendfile"] = app.config["USE_X_SENDFILE"]
    kwargs["response_class"] = app.response_class
    kwargs["root_path"] = app.package_root
    return request, kwargs


def send_file(
    path_or_file: os.PathLike[str] | str | t.IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: _dt.datetime | int | float | None = None,
    max_age: T_max_age = None,
) -> Response:
    """Send a file (a path, relative to the app's ``package_root``, or a binary file).

    Flask parity: ``flask.send_file`` — see :func:`send_file_response` for the headers
    and conditional rules. ``max_age`` defaults to ``app.get_send_file_max_age``
    (``SEND_FILE_MAX_AGE_DEFAULT``), the response is the app's ``response_class``
    (extended to stream files) and ``USE_X_SENDFILE`` is honoured. Never pass a path
    from the client: use :func:`send_from_directory`.

    Raises:
        RuntimeError: no request context.
    """
    request, kwargs = _context_kwargs(
        {
            "mimetype": mimetype,
            "as_attachment": as_attachment,
            "download_name": download_name,
            "conditional": conditional,
            "etag": etag,
            "last_modified": last_modified,
            "max_age": max_age,
        }
    )
    return send_file_response(path_or_file, request, **kwargs)


def send_from_directory(
    directory: os.PathLike[str] | str, path: os.PathLike[str] | str, **kwargs: t.Any
) -> Response:
    """Send ``path`` (from the client) out of ``directory`` (relative to the app).

    Flask parity: ``flask.send_from_directory``; traversal attempts and missing files
    are a 404 ``NotFound``. ``kwargs`` are :func:`send_file`'s.

    Raises:
        NotFound: the path escapes ``directory`` or is not a file.
        RuntimeError: no request context.
    """
    request, kwargs = _context_kwargs(kwargs)
    return send_from_directory_response(directory, path, request, **kwargs)

"""``werkzeug.utils``: ``secure_filename``, ``redirect``, ``import_string``, ``send_file``,
``send_from_directory``."""

from __future__ import annotations

import os
import typing as t
from functools import cached_property as cached_property

from veloce.compat.werkzeug.wrappers import Response as _WerkzeugResponse
from veloce.core.filenames import secure_filename as secure_filename
from veloce.core.response import Response
from veloce.core.response import redirect as redirect
from veloce.sending import T_max_age, send_file_response, send_from_directory_response
from veloce.utils import ImportStringError as ImportStringError
from veloce.utils import import_string as import_string

from ._utils_extra import append_slash_redirect as append_slash_redirect
from ._utils_extra import environ_property as environ_property
from ._utils_extra import find_modules as find_modules
from ._utils_extra import get_content_type as get_content_type
from ._utils_extra import header_property as header_property

if t.TYPE_CHECKING:
    import datetime as _dt

__all__ = [
    "ImportStringError",
    "append_slash_redirect",
    "cached_property",
    "environ_property",
    "find_modules",
    "get_content_type",
    "header_property",
    "import_string",
    "redirect",
    "secure_filename",
    "send_file",
    "send_from_directory",
]


def send_file(
    path_or_file: os.PathLike[str] | str | t.IO[bytes],
    environ: t.Any,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: _dt.datetime | int | float | None = None,
    max_age: T_max_age = None,
    use_x_sendfile: bool = False,
    response_class: type[Response] | None = None,
    _root_path: os.PathLike[str] | str | None = None,
) -> Response:
    """Werkzeug's ``send_file``; ``environ`` may be a WSGI environ, an ASGI scope or a
    request. See :func:`veloce.sending.send_file_response`."""
    return send_file_response(
        path_or_file,
        environ,
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=download_name,
        conditional=conditional,
        etag=etag,
        last_modified=last_modified,
        max_age=max_age,
        use_x_sendfile=use_x_sendfile,
        response_class=response_class or _WerkzeugResponse,
        root_path=_root_path,
    )


def send_from_directory(
    directory: os.PathLike[str] | str,
    path: os.PathLike[str] | str,
    environ: t.Any,
    **kwargs: t.Any,
) -> Response:
    """Werkzeug's ``send_from_directory`` (``NotFound`` for traversal or a missing file)."""
    if "_root_path" in kwargs:
        kwargs["root_path"] = kwargs.pop("_root_path")
    kwargs.setdefault("response_class", _WerkzeugResponse)
    return send_from_directory_response(directory, path, environ, **kwargs)

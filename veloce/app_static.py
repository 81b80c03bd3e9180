"""Static files of the app and its blueprints: folders, the ``static`` route, caching.

Flask parity: ``static_folder`` (relative to the app's directory, ``package_root``),
``static_url_path`` (derived from the folder name), ``has_static_folder``,
``send_static_file`` and ``get_send_file_max_age`` behave as in Flask 3.1, and the
``static`` endpoint ``<static_url_path>/<path:filename>`` is added when the app is
created with a static folder (a blueprint's ``<name>.static`` when it is registered).
"""

from __future__ import annotations

import os
import typing as t
from datetime import timedelta

from veloce.core.context import _cv_ctx
from veloce.globals import _no_app_msg
from veloce.sending import send_from_directory

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["AppStatic", "StaticFileServing"]


class StaticFileServing:
    """``send_static_file`` and ``get_send_file_max_age``, shared by apps and blueprints."""

    if t.TYPE_CHECKING:
        static_folder: str | None
        has_static_folder: bool

    def _send_file_config(self) -> t.Mapping[str, t.Any]:
        # A blueprint has no config of its own: the app serving the request decides.
        ctx = _cv_ctx.get(None)
        if ctx is None:
            raise RuntimeError(_no_app_msg)
        return ctx.app.config  # type: ignore[no-any-return]

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """The ``max_age`` for ``send_file``: ``SEND_FILE_MAX_AGE_DEFAULT`` in seconds.

        Flask parity: ``None`` (the default) means no max-age, so browsers revalidate
        with the ETag / Last-Modified; a ``timedelta`` is converted to seconds. Override
        it to vary the lifetime by ``filename``.
        """
        value = self._send_file_config()["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return int(value)

    def send_static_file(self, filename: str) -> Response:
        """The view of the ``static`` endpoint: ``filename`` from :attr:`static_folder`.

        Flask parity: traversal-safe (``send_from_directory``); a missing file is a 404.

        Raises:
            RuntimeError: no static folder is set.
            NotFound: the file does not exist or escapes the folder.
        """
        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(t.cast(str, self.static_folder), filename, max_age=max_age)


class AppStatic(StaticFileServing):
    """The app's static folder properties and its ``static`` route."""

    if t.TYPE_CHECKING:
        package_root: str
        config: t.Any
        _static_folder: str | None
        _static_url_path: str | None

        def add_url_rule(self, rule: str, endpoint: str | None = ..., **options: t.Any) -> None: ...

    def _send_file_config(self) -> t.Mapping[str, t.Any]:
        return self.config  # type: ignore[no-any-return]

    @property
    def static_folder(self) -> str | None:  # type: ignore[override]
        """The absolute static folder (relative ones are under ``package_root``), or ``None``."""
        folder = self._static_folder
        return None if folder is None else os.path.join(self.package_root, folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        self._static_folder = None if value is None else os.fspath(value).rstrip("\\/")

    @property
    def has_static_folder(self) -> bool:  # type: ignore[override]
        """Whether a static folder is configured (it need not exist)."""
        return self._static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of static files: as given, else ``/<folder name>``."""
        if self._static_url_path is not None:
            return self._static_url_path
        folder = self.static_folder
        if folder is None:
            return None
        return f"/{os.path.basename(folder)}".rstrip("/")

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_path = None if value is None else value.rstrip("/")

    def _add_static_route(self, static_host: str | None, host_matching: bool) -> None:
        """Add the ``static`` endpoint when there is a static folder (constructor step).

        Raises:
            AssertionError: ``static_host`` given without ``host_matching`` or the
                reverse (Flask raises the same).
        """
        if not self.has_static_folder:
            return
        if bool(static_host) != host_matching:
            raise AssertionError("Invalid static_host/host_matching combination")
        self.add_url_rule(
            f"{self.static_url_path}/<path:filename>",
            endpoint="static",
            host=static_host,
            view_func=self.send_static_file,
        )

    def mount_static(
        self,
        path: str,
        directory: str | os.PathLike[str],
        name: str | None = None,
        **options: t.Any,
    ) -> None:
        """Mount a static file directory at URL prefix ``path``.

        Adds the rule ``<path>/<path:filename>`` under endpoint ``name`` (default: the
        prefix's last segment). ``directory`` is relative to ``package_root``; files are
        served like ``send_static_file`` (traversal-safe, conditional, ranges).
        ``options`` go to :meth:`add_url_rule` (e.g. ``host``).
        """
        prefix = path.rstrip("/")
        endpoint = name or (prefix.rsplit("/", 1)[-1] or "static")
        folder = os.path.join(self.package_root, os.fspath(directory))
        view = _DirectoryView(self, folder)
        self.add_url_rule(
            f"{prefix}/<path:filename>", endpoint=endpoint, view_func=view, **options
        )


class _DirectoryView:
    """The view of a ``mount_static`` rule (a callable object, no closure)."""

    __slots__ = ("app", "directory", "__name__")

    def __init__(self, app: StaticFileServing, directory: str) -> None:
        self.app = app
        self.directory = directory
        self.__name__ = "mount_static"

    def __call__(self, filename: str) -> Response:
        max_age = self.app.get_send_file_max_age(filename)
        return send_from_directory(self.directory, filename, max_age=max_age)

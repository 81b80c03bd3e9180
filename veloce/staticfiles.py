"""``StaticFiles``: an ASGI application serving a directory (Starlette's shape).

Mount it under a prefix (``app.mount("/assets", StaticFiles(directory="assets"))``) or
use it as a standalone ASGI app. Files go out as
:class:`~veloce.core.files.FileResponse`: streamed in chunks read in the thread pool,
with ETag / Last-Modified and 304 / 206 / 416 handling. The path lookup and ``stat``
also run in the thread pool, so the event loop never touches the disk.
"""

from __future__ import annotations

import asyncio
import os
import stat
import typing as t

from veloce.core.exceptions import MethodNotAllowed, NotFound
from veloce.core.filenames import safe_join
from veloce.core.files import FileResponse

__all__ = ["StaticFiles"]


class StaticFiles:
    """Serve the files under ``directory`` for GET and HEAD requests.

    Args:
        directory: The folder to serve.
        html: HTML mode: a directory serves its ``index.html`` and a missing file
            serves ``404.html`` (status 404) when it exists.
        check_dir: Fail at construction when ``directory`` is not a directory.
        follow_symlink: Serve symlinks pointing outside ``directory``; otherwise the
            resolved path must stay inside it.

    Raises:
        RuntimeError: ``check_dir`` is set and ``directory`` does not exist.
    """

    __slots__ = ("directory", "html", "follow_symlink", "_real_root")

    def __init__(
        self,
        *,
        directory: str | os.PathLike[str],
        html: bool = False,
        check_dir: bool = True,
        follow_symlink: bool = False,
    ) -> None:
        self.directory = os.fspath(directory)
        self.html = html
        self.follow_symlink = follow_symlink
        self._real_root = os.path.realpath(self.directory)
        if check_dir and not os.path.isdir(self.directory):
            raise RuntimeError(f"Directory '{self.directory}' does not exist")

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        """Answer one HTTP request (the ASGI entry point)."""
        if scope["type"] != "http":
            raise RuntimeError("StaticFiles only handles HTTP requests")
        response: t.Any
        if scope.get("method") not in ("GET", "HEAD"):
            response = MethodNotAllowed(valid_methods=["GET", "HEAD"]).get_response(scope=scope)
        else:
            loop = asyncio.get_running_loop()
            found = await loop.run_in_executor(None, self.lookup, self.route_path(scope))
            if found is None:
                response = NotFound().get_response(scope=scope)
            else:
                full_path, stat_result, status = found
                response = FileResponse(full_path, status, stat_result=stat_result)
        await response(scope, receive, send)

    @staticmethod
    def route_path(scope: t.Any) -> str:
        """The request path below the mount point (``root_path`` removed)."""
        path: str = scope.get("path", "/")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        return path.lstrip("/")

    def _file(self, relative: str) -> tuple[str, os.stat_result] | None:
        joined = safe_join(self.directory, relative) if relative else self.directory
        if joined is None:
            return None
        if not self.follow_symlink:
            real = os.path.realpath(joined)
            if real != self._real_root and not real.startswith(self._real_root + os.sep):
                return None
        try:
            result = os.stat(joined)
        except (OSError, ValueError):
            return None
        return joined, result

    def lookup(self, relative: str) -> tuple[str, os.stat_result, int] | None:
        """``(path, stat, status)`` of what to send for ``relative``, or ``None`` (404).

        Runs in the thread pool (it touches the disk).
        """
        found = self._file(relative)
        if found is not None and stat.S_ISREG(found[1].st_mode):
            return found[0], found[1], 200
        if self.html:
            if found is not None and stat.S_ISDIR(found[1].st_mode):
                index_path = os.path.join(relative, "index.html") if relative else "index.html"
                index = self._file(index_path)
                if index is not None and stat.S_ISREG(index[1].st_mode):
                    return index[0], index[1], 200
            missing = self._file("404.html")
            if missing is not None and stat.S_ISREG(missing[1].st_mode):
                return missing[0], missing[1], 404
        return None

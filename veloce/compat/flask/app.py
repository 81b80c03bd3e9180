"""``flask.app``: the ``Flask`` class, a Veloce app with Flask's defaults."""

from __future__ import annotations

import os
import typing as t

from veloce.app import Veloce

from .wrappers import Request, Response

__all__ = ["Flask"]


class Flask(Veloce):
    """Veloce with Flask's defaults where the native ones differ.

    * Unhandled HTTP errors render Werkzeug's HTML pages.
    * ``request.json`` is a property; cookies carry no SameSite by default.
    * ``root_path`` is the package directory, as in Flask (Veloce calls it
      ``package_root`` and keeps ``root_path`` for the ASGI mount prefix).
    """

    request_class = Request
    response_class = Response
    html_error_pages = True

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(
            import_name,
            static_url_path=static_url_path,
            static_folder=static_folder,
            static_host=static_host,
            host_matching=host_matching,
            subdomain_matching=subdomain_matching,
            template_folder=template_folder,
            instance_path=instance_path,
            instance_relative_config=instance_relative_config,
            package_root=root_path,
            **kwargs,
        )

    @property  # type: ignore[override]
    def root_path(self) -> str:
        """The package directory (Flask's meaning)."""
        return self.package_root

    @root_path.setter
    def root_path(self, value: str) -> None:
        self.package_root = value

"""``flask.testing``: the test client (Veloce's drives the app over ASGI), the CLI
runner, and ``EnvironBuilder`` with the app's defaults."""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

from veloce.cli import VeloceCliRunner as FlaskCliRunner
from veloce.compat.werkzeug.test import EnvironBuilder as _WerkzeugEnvironBuilder
from veloce.testing import TestClient as FlaskClient

__all__ = ["EnvironBuilder", "FlaskCliRunner", "FlaskClient"]


class EnvironBuilder(_WerkzeugEnvironBuilder):
    """A ``werkzeug.test.EnvironBuilder`` whose defaults come from ``app``.

    Without ``base_url``, the URL is built from ``PREFERRED_URL_SCHEME`` (or
    ``url_scheme``), ``subdomain`` + ``SERVER_NAME`` (``localhost`` when unset) and
    ``APPLICATION_ROOT``; a full URL in ``path`` supplies its own scheme and host.
    ``json`` is serialized with ``app.json``.

    Raises:
        TypeError: ``base_url`` together with ``subdomain`` or ``url_scheme``.

    Flask parity: ``flask.testing.EnvironBuilder``; Flask reports the conflicting
    arguments with an ``AssertionError``.
    """

    def __init__(
        self,
        app: t.Any,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: t.Any,
        **kwargs: t.Any,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            raise TypeError('Cannot pass "subdomain" or "url_scheme" with "base_url".')
        if base_url is None:
            host = app.config.get("SERVER_NAME") or "localhost"
            root = app.config["APPLICATION_ROOT"]
            if subdomain:
                host = f"{subdomain}.{host}"
            if url_scheme is None:
                url_scheme = app.config["PREFERRED_URL_SCHEME"]
            url = urlsplit(path)
            base_url = f"{url.scheme or url_scheme}://{url.netloc or host}/{root.lstrip('/')}"
            path = f"{url.path}?{url.query}" if url.query else url.path
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:  # type: ignore[override]
        """Serialize ``obj`` with the app's JSON provider."""
        return t.cast("str", self.app.json.dumps(obj, **kwargs))

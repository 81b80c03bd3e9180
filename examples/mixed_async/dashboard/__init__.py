"""A weather dashboard: sync Flask-style views and async views in one app.

The forecasts come from a slow upstream HTTP service. The async view asks it for every
city at once with ``asyncio.gather``, so the page takes as long as the slowest answer,
not the sum; the sync view does the same calls one after another, as a Flask view
would, to show the difference.

Run the stub upstream and the app in two shells::

    uvicorn dashboard.stub:app --port 9000
    UPSTREAM_URL=http://127.0.0.1:9000 uvicorn --factory dashboard:create_app --port 8000

Tests plug the stub in-process instead (``UPSTREAM_TRANSPORT``), with no network.
"""

from __future__ import annotations

import os
import typing as t

from veloce import Veloce

from dashboard import views


def create_app(config: t.Mapping[str, t.Any] | None = None) -> Veloce:
    """Build the app. Config keys:

    ``UPSTREAM_URL``: the forecast service's base URL; ``UPSTREAM_TRANSPORT``: an
    ``httpx`` transport to reach it by (tests pass ``httpx.ASGITransport``);
    ``UPSTREAM_TIMEOUT``: seconds per upstream call; ``CITIES``: the default list.
    """
    app = Veloce(__name__)
    app.config.from_mapping(
        UPSTREAM_URL=os.environ.get("UPSTREAM_URL", "http://127.0.0.1:9000"),
        UPSTREAM_TRANSPORT=None,
        UPSTREAM_TIMEOUT=5.0,
        CITIES=["Oslo", "Lima", "Pune"],
    )
    if config is not None:
        app.config.from_mapping(config)
    app.register_blueprint(views.bp)
    return app

"""``flask.testing``: the test client (Veloce's drives the app over ASGI)."""

from veloce.cli import VeloceCliRunner as FlaskCliRunner
from veloce.testing import TestClient as FlaskClient

__all__ = ["FlaskCliRunner", "FlaskClient"]

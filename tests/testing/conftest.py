"""Fixtures for the test-client tests."""

from __future__ import annotations

import typing as t

import pytest
from asgi_apps import echo_app

from veloce.testing import TestClient


@pytest.fixture
def echo_client() -> t.Iterator[TestClient]:
    """A client for the echo app, closed after the test."""
    test_client = TestClient(echo_app)
    yield test_client
    test_client.close()

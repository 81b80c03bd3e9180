"""The dashboard's tests: sync and async views, and the upstream calls' concurrency.

Concurrency is shown by the stub's count of calls in flight at once, not by timing.
Fixtures live in this module (no conftest) so Veloce's own suite can load it as is.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from veloce import AsyncTestClient

from dashboard import create_app
from dashboard.stub import create_stub

CITIES = ["Oslo", "Lima", "Pune"]


@pytest.fixture
def stub_options():
    return {}


@pytest.fixture
def stub(stub_options):
    return create_stub(**{"delay": 0.05, **stub_options})


@pytest.fixture
def app(stub):
    return create_app(
        {
            "TESTING": True,
            "UPSTREAM_URL": "http://upstream.test",
            "UPSTREAM_TRANSPORT": httpx.ASGITransport(app=stub),
            "UPSTREAM_TIMEOUT": 2.0,
            "CITIES": CITIES,
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


def test_sync_index_renders(client):
    page = client.get("/")
    assert page.status_code == 200
    assert b"Weather for 3 cities" in page.data
    assert b'href="/forecast"' in page.data


def test_sync_view_shares_its_thread_with_the_sync_hook(client):
    assert client.get("/cities").get_json() == {"cities": CITIES, "same_thread_as_hook": True}


@pytest.mark.parametrize("stub_options", [{"gather_at": 3}])
def test_async_view_calls_the_upstream_concurrently(client, stub):
    response = client.get("/forecast")
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(body["forecasts"]) == sorted(CITIES)
    assert body["errors"] == {}
    stats = stub.extensions["stats"]
    assert stats.calls == 3
    assert stats.peak == 3  # all three were waiting on the upstream at the same time


@pytest.mark.parametrize("stub_options", [{"gather_at": 3, "hold": 0.05}])
def test_sync_view_calls_the_upstream_one_at_a_time(client, stub):
    body = client.get("/forecast/one-by-one").get_json()
    assert sorted(body["forecasts"]) == sorted(CITIES)
    stats = stub.extensions["stats"]
    assert stats.calls == 3
    assert stats.peak == 1


@pytest.mark.parametrize("path", ["/forecast", "/forecast/one-by-one"])
def test_both_views_answer_alike(client, path):
    body = client.get(path, query_string={"city": ["Oslo", "Atlantis"]}).get_json()
    assert list(body["forecasts"]) == ["Oslo"]
    assert body["errors"] == {"Atlantis": "HTTP 404"}


@pytest.mark.parametrize("path", ["/forecast", "/forecast/one-by-one"])
def test_all_upstream_calls_failing_is_a_502(client, path):
    response = client.get(path, query_string={"city": "Atlantis"})
    assert response.status_code == 502
    assert response.get_json() == {"forecasts": {}, "errors": {"Atlantis": "HTTP 404"}}


def test_a_slow_upstream_times_out_without_holding_the_others(app, client):
    app.config["UPSTREAM_TIMEOUT"] = 0.2  # Slowtown takes 0.5s
    body = client.get("/forecast", query_string={"city": ["Slowtown", "Oslo"]}).get_json()
    assert body == {
        "forecasts": {"Oslo": {"city": "Oslo", "sky": "rain", "high": 20}},
        "errors": {"Slowtown": "timed out"},
    }


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({"city": [f"C{'a' * n}" for n in range(11)]}, "At most 10 cities per request."),
        ({"city": "../etc"}, "City names are letters and spaces only."),
    ],
)
def test_bad_city_lists_are_400(client, query, detail):
    response = client.get("/forecast", query_string=query)
    assert response.status_code == 400
    assert response.get_json() == {"detail": detail}


@pytest.mark.parametrize("stub_options", [{"gather_at": 6}])
def test_sync_views_stay_responsive_while_async_views_wait(app, stub):
    """Several slow async pages and a sync page at once: none waits for another."""

    async def scenario():
        async with AsyncTestClient(app) as client:
            return await asyncio.gather(
                client.get("/forecast"),
                client.get("/forecast"),
                client.get("/cities"),
            )

    slow_a, slow_b, quick = asyncio.run(scenario())
    assert slow_a.status_code == slow_b.status_code == quick.status_code == 200
    assert stub.extensions["stats"].peak == 6  # both pages' three calls overlapped

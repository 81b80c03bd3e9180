"""Calls to the forecast service, with ``httpx.AsyncClient``.

One client per request keeps no connection state across event loops (tests run
several loops); a long-running deployment would keep one client for the app's
lifetime instead (open it in a lifespan handler).
"""

from __future__ import annotations

import asyncio
import typing as t

import httpx
from veloce import current_app


class UpstreamError(Exception):
    """The forecast service failed for one city (status, timeout or network)."""

    def __init__(self, city: str, reason: str) -> None:
        super().__init__(f"{city}: {reason}")
        self.city = city
        self.reason = reason


def _client() -> httpx.AsyncClient:
    config = current_app.config
    return httpx.AsyncClient(
        base_url=config["UPSTREAM_URL"],
        transport=config["UPSTREAM_TRANSPORT"],
        timeout=config["UPSTREAM_TIMEOUT"],
    )


async def _get(client: httpx.AsyncClient, city: str) -> dict[str, t.Any]:
    try:
        # wait_for bounds the whole call, whatever the transport (an in-process
        # ASGITransport applies no httpx timeouts).
        response = await asyncio.wait_for(
            client.get(f"/forecast/{city}"), current_app.config["UPSTREAM_TIMEOUT"]
        )
    except (asyncio.TimeoutError, httpx.TimeoutException):
        raise UpstreamError(city, "timed out") from None
    except httpx.HTTPError as error:
        raise UpstreamError(city, type(error).__name__) from None
    if response.status_code != 200:
        raise UpstreamError(city, f"HTTP {response.status_code}")
    return response.json()


async def forecast(city: str) -> dict[str, t.Any]:
    """One city's forecast."""
    async with _client() as client:
        return await _get(client, city)


async def forecasts(cities: t.Sequence[str]) -> list[dict[str, t.Any] | UpstreamError]:
    """Every city's forecast, fetched concurrently; a failure is returned in its place."""
    async with _client() as client:
        results = await asyncio.gather(
            *(_get(client, city) for city in cities), return_exceptions=True
        )
    for result in results:
        # Anything but our own error is a bug: let it surface as a 500.
        if isinstance(result, BaseException) and not isinstance(result, UpstreamError):
            raise result
    return t.cast("list[dict[str, t.Any] | UpstreamError]", results)

"""The dashboard's views: which are sync, which are async, and why.

* ``index`` and ``cities`` are plain sync views, unchanged from a Flask app: they do
  no IO worth awaiting. Veloce runs them on a worker thread.
* ``forecast_all`` is ``async def``: it waits on the network, so it awaits the calls
  together and the event loop serves other requests meanwhile.
* ``forecast_one_by_one`` is the sync version of the same page, calling the async
  upstream code through ``current_app.ensure_sync`` one city at a time — what a
  Flask view does, and the starting point of a port.
"""

from __future__ import annotations

import threading
import typing as t

from veloce import Blueprint, abort, current_app, g, render_template_string, request

from dashboard import upstream

bp = Blueprint("dashboard", __name__)

PAGE = """<!doctype html>
<title>Dashboard</title>
<h1>Weather for {{ cities|length }} cities</h1>
<ul>{% for city in cities %}<li>{{ city }}</li>{% endfor %}</ul>
<p><a href="{{ url_for('dashboard.forecast_all') }}">All forecasts (JSON)</a></p>
"""

MAX_CITIES = 10


def _requested_cities() -> list[str]:
    """``?city=A&city=B`` or the configured default list; bounded to ``MAX_CITIES``."""
    cities = [c.strip() for c in request.args.getlist("city") if c.strip()]
    if not cities:
        cities = list(current_app.config["CITIES"])
    if len(cities) > MAX_CITIES:
        abort(400, f"At most {MAX_CITIES} cities per request.")
    if any(not c.replace(" ", "").isalpha() for c in cities):
        abort(400, "City names are letters and spaces only.")
    return cities


@bp.before_app_request
def remember_thread():
    # A sync hook: it runs on the same worker thread as a sync view of its request.
    g.hook_thread = threading.get_ident()


@bp.get("/")
def index():
    return render_template_string(PAGE, cities=current_app.config["CITIES"])


@bp.get("/cities")
def cities():
    return {
        "cities": current_app.config["CITIES"],
        "same_thread_as_hook": g.hook_thread == threading.get_ident(),
    }


def _page(cities: list[str], results: t.Sequence[t.Any]) -> tuple[dict[str, t.Any], int]:
    forecasts = {}
    errors = {}
    for city, result in zip(cities, results, strict=True):
        if isinstance(result, upstream.UpstreamError):
            errors[city] = result.reason
        else:
            forecasts[city] = result
    # Some answers are still worth showing; none at all is the upstream's failure.
    status = 502 if not forecasts else 200
    return {"forecasts": forecasts, "errors": errors}, status


@bp.get("/forecast")
async def forecast_all():
    cities = _requested_cities()
    return _page(cities, await upstream.forecasts(cities))


@bp.get("/forecast/one-by-one")
def forecast_one_by_one():
    cities = _requested_cities()
    fetch = current_app.ensure_sync(upstream.forecast)
    results: list[t.Any] = []
    for city in cities:
        try:
            results.append(fetch(city))
        except upstream.UpstreamError as error:
            results.append(error)
    return _page(cities, results)

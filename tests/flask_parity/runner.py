"""Run parity apps under one framework and print their normalised responses.

Usage (from the repository root)::

    python -m tests.flask_parity.runner flask routing errors
    python -m tests.flask_parity.runner veloce routing --out /tmp/veloce.json

For ``veloce`` the compat aliases are installed *before* any app module is imported,
so the unmodified ``from flask import ...`` lines get Veloce; for ``flask`` nothing is
touched and the real Flask runs. Each case gets a fresh ``app.test_client()``.

A case (an entry of an app module's ``CASES``) is a JSON-like dict:

* ``id``: unique within the module; the pytest id is ``<area>::<id>``.
* ``method`` (default ``GET``), ``path``, ``kwargs``: passed to ``client.open``
  (``data``, ``json``, ``headers``, ``query_string``, ``content_type``,
  ``follow_redirects``, ``base_url``, ``environ_base``, ...).
* ``files``: ``{"field": [[content, filename(, content_type)], ...]}``, merged into
  ``kwargs["data"]`` as file tuples (so the request is multipart).
* ``raw_data``: a str whose code points 0-255 are the body bytes (latin-1), for bodies
  that are not valid UTF-8.
* ``client_kwargs``: arguments for ``app.test_client()`` (e.g. ``use_cookies``).
* ``client_cookies``: ``{"name": "value"}`` set on the client before the request.
* ``steps``: a list of ``{method, path, kwargs, files}`` sent in order through one
  client (cookies carry over); the record holds one entry per step. A step may
  ``capture`` values from its response body, ``{"name": "regex"}`` (the first group,
  else the whole match; a miss records ``capture_missed``), which later steps use by
  writing ``<<name>>`` anywhere in their ``path`` or ``kwargs`` strings (a CSRF token
  taken from a rendered form).
* ``mask``: regexes whose matches are replaced by ``<masked>`` in every string of the
  case's record, for values that are random by design (a CSRF token, its session
  secret); everything around them is still compared.
* ``raw_body``: compare a JSON body as text (bytes-level parity, key order).
* ``headers``: more response header names to record.
* ``header_names``: also record the response header names as spelled (sorted).
* ``config``: ``{"KEY": value}`` set on ``app.config`` for this case only (the previous
  values, or the keys' absence, are restored afterwards), the way Flask test suites
  flip ``TRAP_HTTP_EXCEPTIONS`` or ``PROPAGATE_EXCEPTIONS`` between tests.
* ``call``: instead of a request, call the app module's function of that name with no
  arguments and record what it returns (``{"result": ...}``, made JSON-like) or raises.
  For behaviour outside the HTTP path: ``app.test_request_context(...)``,
  ``app.app_context()``, ``with client:``, ``Config`` loaders.

The output is ``{"framework", "app_classes", "areas": {area: {"error", "records"}}}``.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import re
import sys
import time
import traceback
import typing as t
import warnings
from pathlib import Path

from tests.flask_parity.normalize import (
    SessionCodec,
    normalize_body,
    normalize_exception,
    normalize_headers,
)

__all__ = ["FRAMEWORKS", "capture", "main", "mask", "run_area", "run_case", "substitute"]

FRAMEWORKS = ("flask", "veloce")
APPS_PACKAGE = "tests.flask_parity.apps"
REPO = Path(__file__).resolve().parents[2]
_STEP_KEYS = ("method", "path", "kwargs", "files", "raw_data")
_MISSING = object()
_MASKED = "<masked>"


def _file_tuple(spec: list[str]) -> tuple[t.Any, ...]:
    content, filename, *content_type = spec
    return (io.BytesIO(content.encode("utf-8")), filename, *content_type)


def build_kwargs(step: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """``client.open`` keyword arguments for one request description."""
    kwargs = dict(step.get("kwargs") or {})
    if "raw_data" in step:
        kwargs["data"] = step["raw_data"].encode("latin-1")
    files = step.get("files")
    if files:
        data = dict(kwargs.get("data") or {})
        for field, specs in files.items():
            data[field] = [_file_tuple(spec) for spec in specs]
        kwargs["data"] = data
    return kwargs


def _session_codec(app: t.Any) -> SessionCodec | None:
    """Decode the app's signed session cookie, if it has one configured."""
    interface = getattr(app, "session_interface", None)
    if interface is None or not hasattr(interface, "get_signing_serializer"):
        return None
    serializer = interface.get_signing_serializer(app)
    if serializer is None:
        return None
    return app.config["SESSION_COOKIE_NAME"], serializer.loads


def _request_info(response: t.Any) -> dict[str, t.Any] | None:
    request = getattr(response, "request", None)
    if request is None:
        return None
    return {"method": getattr(request, "method", None), "path": getattr(request, "path", None)}


def _record_response(response: t.Any, step: t.Mapping[str, t.Any], case: t.Mapping[str, t.Any],
                     *, sent_at: float, session: SessionCodec | None) -> dict[str, t.Any]:
    headers = response.headers
    record: dict[str, t.Any] = {
        "status_code": response.status_code,
        "status": response.status,
        "headers": normalize_headers(
            headers, sent_at=sent_at, extra=case.get("headers", ()), session=session
        ),
        "body": normalize_body(
            response.get_data(), headers.get("Content-Type"), raw=bool(case.get("raw_body"))
        ),
    }
    if case.get("header_names"):
        record["header_names"] = sorted(str(name) for name, _ in headers.items())
    if (step.get("kwargs") or {}).get("follow_redirects"):
        record["history"] = [
            {"status_code": past.status_code, "location": past.headers.get("Location")}
            for past in response.history
        ]
        record["final_request"] = _request_info(response)
    return record


def _send(client: t.Any, app: t.Any, step: t.Mapping[str, t.Any],
          case: t.Mapping[str, t.Any], body_out: list[str] | None = None) -> dict[str, t.Any]:
    kwargs = build_kwargs(step)
    session = _session_codec(app)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sent_at = time.time()
        try:
            response = client.open(step.get("path", "/"), method=step.get("method", "GET"),
                                   **kwargs)
        except Exception as exc:
            record: dict[str, t.Any] = {"exception": normalize_exception(exc)}
        else:
            record = _record_response(response, step, case, sent_at=sent_at, session=session)
            if body_out is not None:
                body_out.append(response.get_data(as_text=True))
    record["warnings"] = [
        {"category": w.category.__name__, "message": str(w.message)}
        for w in caught
        if not issubclass(w.category, ResourceWarning)
    ]
    return record


def _jsonable(value: t.Any) -> t.Any:
    """``value`` as JSON data; what JSON cannot hold is named by its type."""

    def unjsonable(obj: t.Any) -> t.Any:
        if isinstance(obj, (set, frozenset)):
            return sorted(obj, key=repr)
        if isinstance(obj, bytes):
            return {"bytes": obj.decode("latin-1")}
        return {"unjsonable": type(obj).__name__}

    return json.loads(json.dumps(value, default=unjsonable, sort_keys=True))


def _call(module: t.Any, case: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    function = getattr(module, case["call"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            record: dict[str, t.Any] = {"result": _jsonable(function())}
        except Exception as exc:
            record = {"exception": normalize_exception(exc)}
    record["warnings"] = [
        {"category": w.category.__name__, "message": str(w.message)}
        for w in caught
        if not issubclass(w.category, ResourceWarning)
    ]
    return record


def substitute(value: t.Any, captured: t.Mapping[str, str]) -> t.Any:
    """``value`` with every ``<<name>>`` in its strings replaced by ``captured[name]``."""
    if isinstance(value, str):
        for name, text in captured.items():
            value = value.replace(f"<<{name}>>", text)
        return value
    if isinstance(value, dict):
        return {key: substitute(item, captured) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, captured) for item in value]
    return value


def capture(body: str, patterns: t.Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The values ``patterns`` find in ``body``, and the names that found nothing."""
    found, missed = {}, []
    for name, pattern in patterns.items():
        match = re.search(pattern, body)
        if match is None:
            missed.append(name)
        else:
            found[name] = match.group(1) if match.re.groups else match.group(0)
    return found, missed


def mask(value: t.Any, patterns: t.Sequence[str]) -> t.Any:
    """``value`` with every match of ``patterns`` in its strings replaced by ``<masked>``."""
    if isinstance(value, str):
        for pattern in patterns:
            value = re.sub(pattern, _MASKED, value)
        return value
    if isinstance(value, dict):
        return {key: mask(item, patterns) for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item, patterns) for item in value]
    return value


def _run_steps(client: t.Any, app: t.Any, case: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    captured: dict[str, str] = {}
    records = []
    for step in case["steps"]:
        step = {key: substitute(value, captured) if key in ("path", "kwargs") else value
                for key, value in step.items()}
        patterns = step.get("capture")
        if patterns:
            # The body is read off the response object the step produced, so keep it.
            body_holder: list[str] = []
            record = _send(client, app, step, case, body_holder)
            found, missed = capture(body_holder[0] if body_holder else "", patterns)
            captured.update(found)
            if missed:
                record["capture_missed"] = missed
        else:
            record = _send(client, app, step, case)
        records.append(record)
    return {"steps": records}


def _run_requests(app: t.Any, case: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    client = app.test_client(**(case.get("client_kwargs") or {}))
    try:
        for name, value in (case.get("client_cookies") or {}).items():
            client.set_cookie(name, value)
        if case.get("steps"):
            return _run_steps(client, app, case)
        return _send(client, app, {key: case[key] for key in _STEP_KEYS if key in case}, case)
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()


def run_case(app: t.Any, case: t.Mapping[str, t.Any], module: t.Any = None) -> dict[str, t.Any]:
    """Run one case (requests through a fresh test client, or a ``call``); its record.

    Args:
        app: The app under test.
        case: The case description (see the module docstring).
        module: The app module, where ``call`` cases find their function.
    """
    overrides = case.get("config") or {}
    saved = {key: app.config.get(key, _MISSING) for key in overrides}
    app.config.update(overrides)
    try:
        record = _call(module, case) if "call" in case else _run_requests(app, case)
        patterns = case.get("mask")
        return mask(record, patterns) if patterns else record
    finally:
        for key, value in saved.items():
            if value is _MISSING:
                app.config.pop(key, None)
            else:
                app.config[key] = value


def run_area(area: str) -> dict[str, t.Any]:
    """Import ``apps/<area>.py`` and run all its cases."""
    try:
        module = importlib.import_module(f"{APPS_PACKAGE}.{area}")
    except Exception as exc:
        return {"error": {**normalize_exception(exc), "traceback": traceback.format_exc()},
                "records": {}, "app_class": None}
    records: dict[str, t.Any] = {}
    for case in module.CASES:
        try:
            records[case["id"]] = run_case(module.app, case, module)
        except Exception as exc:  # a harness-level failure, not a response
            records[case["id"]] = {"runner_error": normalize_exception(exc),
                                   "traceback": traceback.format_exc()}
    app_class = type(module.app)
    return {"error": None, "records": records,
            "app_class": f"{app_class.__module__}.{app_class.__qualname__}"}


def run(framework: str, areas: t.Sequence[str]) -> dict[str, t.Any]:
    """Run ``areas`` under ``framework`` in this process (call once per process)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}, not {framework!r}")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    if framework == "veloce":
        import veloce.compat

        veloce.compat.install()
    return {"framework": framework, "areas": {area: run_area(area) for area in areas}}


def main(argv: t.Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("framework", choices=FRAMEWORKS)
    parser.add_argument("areas", nargs="+", help="module names under tests/flask_parity/apps")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    args = parser.parse_args(argv)
    result = run(args.framework, args.areas)
    text = json.dumps(result, default=repr, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

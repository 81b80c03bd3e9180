"""The parity harness itself: normalisation keeps differences visible, comparison is exact.

A harness that normalised too much would make every parity test pass vacuously; these
tests pin down that real differences survive normalisation and only the documented
drift (Expires timing) is reconciled.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.flask_parity import harness  # noqa: E402
from tests.flask_parity.normalize import (  # noqa: E402
    normalize_body,
    normalize_headers,
    parse_set_cookie,
)
from tests.flask_parity.runner import capture, mask, substitute  # noqa: E402

NOW = 1_700_000_000.0


def _results(flask_record: object, veloce_record: object) -> dict[str, dict[str, object]]:
    def wrap(record: object) -> dict[str, object]:
        return {"areas": {"area": {"error": None, "records": {"case": record},
                                   "app_class": "x"}}}

    return {"flask": wrap(flask_record), "veloce": wrap(veloce_record)}


def test_set_cookie_parsed_with_order_and_spelling() -> None:
    cookie = parse_set_cookie("a=1; Secure; Path=/; SameSite=Lax", sent_at=NOW)
    assert cookie == {
        "name": "a",
        "value": "1",
        "attrs": {"secure": True, "path": "/", "samesite": "Lax"},
        "order": ["Secure", "Path", "SameSite"],
    }


def test_set_cookie_expires_becomes_delta() -> None:
    cookie = parse_set_cookie("a=1; Expires=Tue, 14 Nov 2023 22:13:20 GMT", sent_at=NOW - 60)
    assert cookie["attrs"]["expires"] == {"delta": 60, "format_ok": True}


def test_set_cookie_epoch_expires_kept_exact() -> None:
    cookie = parse_set_cookie("a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", sent_at=NOW)
    assert cookie["attrs"]["expires"] == {"exact": "Thu, 01 Jan 1970 00:00:00 GMT"}


def test_session_cookie_compared_decoded() -> None:
    codec = ("session", lambda value: {"decoded-from": value})
    session = parse_set_cookie("session=abc; Path=/", sent_at=NOW, session=codec)
    other = parse_set_cookie("other=abc; Path=/", sent_at=NOW, session=codec)
    assert session["value"] == {"decoded": {"decoded-from": "abc"}}
    assert other["value"] == "abc"


def test_headers_allow_is_a_sorted_set_and_names_case_insensitive() -> None:
    headers = {"Allow": "POST, OPTIONS", "content-type": "text/plain", "X-Custom": "1",
               "Server": "ignored", "ETag": 'W/"x"'}
    record = normalize_headers(headers, sent_at=NOW)
    assert record == {"allow": ["OPTIONS", "POST"], "content-type": "text/plain",
                      "x-custom": "1", "etag": "weak"}


def test_repeated_headers_kept_as_list() -> None:
    record = normalize_headers(_Pairs([("X-A", "1"), ("X-A", "2")]), sent_at=NOW)
    assert record == {"x-a": ["1", "2"]}


class _Pairs:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return self.pairs


def test_json_body_parsed_unless_raw() -> None:
    assert normalize_body(b'{"b": 1, "a": 2}', "application/json") == {"json": {"a": 2, "b": 1}}
    assert normalize_body(b'{"b":1}\n', "application/json", raw=True) == {"text": '{"b":1}\n'}
    assert normalize_body(b"\xff", "application/octet-stream") == {"base64": "/w=="}


def test_compare_reports_any_other_difference() -> None:
    comparison = harness.compare_case(
        _results({"status_code": 200}, {"status_code": 201}), "area", "case")
    assert not comparison.identical
    assert "-  \"status_code\": 200" in comparison.diff()
    assert "+  \"status_code\": 201" in comparison.diff()


def test_compare_tolerates_small_expires_drift_only() -> None:
    def record(delta: int) -> dict[str, object]:
        return {"headers": {"set-cookie": [
            {"attrs": {"expires": {"delta": delta, "format_ok": True}}}]}}

    assert harness.compare_case(_results(record(3600), record(3602)), "area", "case").identical
    assert not harness.compare_case(_results(record(3600), record(7200)), "area",
                                    "case").identical


def test_crashed_runner_fails_every_case() -> None:
    results = _results({"status_code": 200}, {"status_code": 200})
    results["veloce"] = {"crashed": "exit 1\nImportError: boom"}
    comparison = harness.compare_case(results, "area", "case")
    assert comparison.veloce == {"runner_crashed": "ImportError: boom"}
    assert not comparison.identical
    assert harness.failures(results) == ["the veloce runner crashed:\nexit 1\nImportError: boom"]


def test_same_import_error_on_both_sides_is_not_identical() -> None:
    def broken() -> dict[str, object]:
        return {"areas": {"area": {"error": {"type": "E", "message": "m", "traceback": "t"},
                                   "records": {}, "app_class": None}}}

    comparison = harness.compare_case({"flask": broken(), "veloce": broken()}, "area", "case")
    assert comparison.flask == comparison.veloce
    assert not comparison.identical


def test_every_app_module_has_cases() -> None:
    areas = harness.discover_areas()
    assert areas
    for area in areas:
        assert harness.read_cases(area), area


def test_capture_takes_first_group_and_reports_misses() -> None:
    body = '<input name="csrf_token" value="tok.en-1"><p>id=42</p>'
    found, missed = capture(body, {"token": r'name="csrf_token" value="([^"]+)"',
                                   "whole": r"id=\d+", "absent": r"nothing(here)"})
    assert found == {"token": "tok.en-1", "whole": "id=42"}
    assert missed == ["absent"]


def test_substitute_reaches_nested_strings_only() -> None:
    kwargs = {"data": {"csrf_token": "<<token>>", "n": 1}, "headers": ["x-<<token>>-y"]}
    assert substitute(kwargs, {"token": "abc"}) == {
        "data": {"csrf_token": "abc", "n": 1}, "headers": ["x-abc-y"]}
    assert substitute("/p?t=<<other>>", {"token": "abc"}) == "/p?t=<<other>>"


def test_mask_hides_only_the_matches() -> None:
    record = {"body": {"text": "token=deadbeef; user=alice"}, "status_code": 200,
              "steps": [{"value": {"csrf": "cafe"}}]}
    assert mask(record, [r"\b[0-9a-f]{4,8}\b"]) == {
        "body": {"text": "token=<masked>; user=alice"}, "status_code": 200,
        "steps": [{"value": {"csrf": "<masked>"}}]}

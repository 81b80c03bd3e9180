"""Every case of every app under tests/flask_parity/apps answers the same on Flask and Veloce.

The two runner subprocesses run once per test session (per xdist worker); each case
is then one test comparing the two normalised records. Allowlisted cases are strict
xfails: when Veloce starts answering like Flask, the allowlist entry has to go.
"""

from __future__ import annotations

import re
import sys
import typing as t
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.flask_parity import harness  # noqa: E402
from tests.flask_parity.allowlist import ALLOWED  # noqa: E402

DIFFERENCES_MD = REPO / "migration-guide" / "differences.md"
MIN_CASES = 80
AREAS = harness.discover_areas()
CASES = {area: harness.read_cases(area) for area in AREAS}


def _params() -> list[t.Any]:
    params = []
    for area, cases in CASES.items():
        for case in cases:
            key = f"{area}::{case['id']}"
            marks = ()
            if key in ALLOWED:
                marks = (pytest.mark.xfail(reason=f"allowlisted: {ALLOWED[key]}", strict=True),)
            params.append(pytest.param(area, case["id"], id=key, marks=marks))
    return params


@pytest.fixture(scope="session")
def parity_results() -> dict[str, dict[str, t.Any]]:
    """Both frameworks' records for every area (two subprocesses, once per session)."""
    return harness.run_frameworks(AREAS)


@pytest.mark.parametrize(("area", "case_id"), _params())
def test_case_answers_like_flask(
    parity_results: dict[str, dict[str, t.Any]], area: str, case_id: str
) -> None:
    comparison = harness.compare_case(parity_results, area, case_id)
    if not comparison.identical:
        pytest.fail(f"{comparison.key} differs (- flask, + veloce):\n{comparison.diff()}",
                    pytrace=False)


def test_runners_ran_every_app(parity_results: dict[str, dict[str, t.Any]]) -> None:
    broken = harness.failures(parity_results)
    assert not broken, "\n\n".join(broken)


def test_runs_used_real_flask_and_veloce(parity_results: dict[str, dict[str, t.Any]]) -> None:
    flask_classes = harness.app_classes(parity_results, "flask")
    veloce_classes = harness.app_classes(parity_results, "veloce")
    assert set(flask_classes) == set(veloce_classes) == set(AREAS)
    assert set(flask_classes.values()) == {"flask.app.Flask"}
    assert all(name and name.startswith("veloce.") for name in veloce_classes.values())


def test_case_ids_are_unique_words_per_area() -> None:
    for area, cases in CASES.items():
        ids = [case["id"] for case in cases]
        assert len(ids) == len(set(ids)), f"duplicate case id in apps/{area}.py"
        assert all(re.fullmatch(r"[a-z0-9_]+", case_id) for case_id in ids), area


def test_suite_has_enough_cases() -> None:
    assert sum(len(cases) for cases in CASES.values()) >= MIN_CASES


def test_allowlist_entries_name_existing_cases() -> None:
    known = {f"{area}::{case['id']}" for area, cases in CASES.items() for case in cases}
    assert set(ALLOWED) <= known, sorted(set(ALLOWED) - known)
    assert all(reason.strip() for reason in ALLOWED.values())


def test_allowlist_is_mirrored_in_differences_md() -> None:
    text = DIFFERENCES_MD.read_text(encoding="utf-8")
    _, heading, rest = text.partition("## Parity allowlist")
    section = rest.split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z0-9_]+::[a-z0-9_]+)`", section)) if heading else set()
    assert listed == set(ALLOWED), {
        "missing from differences.md": sorted(set(ALLOWED) - listed),
        "not in allowlist.py": sorted(listed - set(ALLOWED)),
    }

"""The blog example's own test suite passes on real Flask and on Veloce.

``examples/blog/`` is an ordinary Flask project (app factory, blueprints, sqlite,
sessions, templates, an ``init-db`` command). Its suite runs in a subprocess, once as
is and once with ``-p veloce.compat.pytest_plugin``; one of its tests prints the
``flask`` module that answered, which proves the second run was Veloce's.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

PROJECT = pathlib.Path(__file__).resolve().parents[1] / "examples" / "blog"


def _run_suite(*extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *extra],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTEST_PLUGINS": ""},
        timeout=180,
    )


def _passed(stdout: str) -> int:
    match = re.search(r"(\d+) passed", stdout)
    assert match is not None, stdout
    return int(match.group(1))


def _test_count() -> int:
    """How many tests the suite defines, counted without importing Flask or Veloce."""
    result = _run_suite("--collect-only")
    assert result.returncode == 0, result.stdout + result.stderr
    return len([line for line in result.stdout.splitlines() if "::" in line])


@pytest.fixture(scope="module")
def expected_tests() -> int:
    count = _test_count()
    assert count >= 40, count  # the suite was collected, not silently emptied
    return count


@pytest.mark.parametrize(
    ("args", "expected_module"),
    [((), "flask "), (("-p", "veloce.compat.pytest_plugin"), "veloce.compat.flask ")],
    ids=["real-flask", "veloce"],
)
def test_blog_suite(expected_tests: int, args: tuple[str, ...], expected_module: str) -> None:
    result = _run_suite(*args)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert _passed(result.stdout) == expected_tests, output
    assert " failed" not in result.stdout and " error" not in result.stdout, output
    assert f"flask module: {expected_module}" in result.stdout, output

"""The example Flask project's own test suite passes on real Flask and on Veloce."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

PROJECT = pathlib.Path(__file__).resolve().parents[1] / "examples" / "flask_project"


def _run_suite(*extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *extra],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "env", "expected_module"),
    [
        ((), {"PYTEST_PLUGINS": ""}, "flask "),
        (("-p", "veloce.compat.pytest_plugin"), {"PYTEST_PLUGINS": ""}, "veloce.compat.flask "),
        ((), {"PYTEST_PLUGINS": "veloce.compat.pytest_plugin"}, "veloce.compat.flask "),
    ],
    ids=["real-flask", "plugin-flag", "plugin-env"],
)
def test_example_flask_project_suite(args, env, expected_module) -> None:
    result = _run_suite(*args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout
    assert f"flask module: {expected_module}" in result.stdout

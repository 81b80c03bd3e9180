"""``veloce run`` reads the ``FLASK_RUN_*`` variables ``flask run`` users keep in .flaskenv."""

from __future__ import annotations

import os
import pathlib

import pytest

from veloce import Veloce
from veloce.cli import cli

__all__: list[str] = []


@pytest.fixture(autouse=True)
def _restore_environ() -> object:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def _run_options(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> object:
    from veloce.cli import commands

    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(commands, "serve", lambda *args: calls.append(args))
    result = Veloce("flaskenv").test_cli_runner().invoke(cli, ["run"], env=env)
    assert result.exit_code == 0, result.output
    return calls[-1][2]


def test_flask_run_variables_are_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    extra = tmp_path / "settings.cfg"
    extra.write_text("")
    options = _run_options(
        monkeypatch,
        {
            "FLASK_RUN_HOST": "0.0.0.0",
            "FLASK_RUN_PORT": "5055",
            "FLASK_RUN_RELOAD": "false",
            "FLASK_RUN_EXTRA_FILES": str(extra),
            "FLASK_RUN_EXCLUDE_PATTERNS": "*.tmp",
        },
    )
    assert (options.host, options.port, options.reload) == ("0.0.0.0", 5055, False)
    assert options.extra_files == [str(extra)]
    assert options.exclude_patterns == ["*.tmp"]


def test_veloce_run_variables_win_over_flask_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    options = _run_options(
        monkeypatch,
        {"FLASK_RUN_PORT": "5055", "VELOCE_RUN_PORT": "6066", "VELOCE_RUN_WORKERS": "2"},
    )
    assert (options.port, options.workers) == (6066, 2)

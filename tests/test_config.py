"""Config loaders and defaults, compared with flask.Config where Flask has them."""

from __future__ import annotations

import json
from datetime import timedelta

import flask
import pytest

from veloce import Veloce
from veloce.config import DEFAULT_CONFIG, Config


def test_defaults_match_flask(monkeypatch) -> None:
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("VELOCE_DEBUG", raising=False)
    ours = {k: v for k, v in DEFAULT_CONFIG.items() if k != "WORKER_THREADS"}
    assert ours == dict(flask.Flask.default_config)
    app_config = {k: v for k, v in Veloce(__name__).config.items() if k != "WORKER_THREADS"}
    assert app_config == dict(flask.Flask(__name__).config)


@pytest.mark.parametrize("value", ["1", "true", "0", ""])
def test_debug_flag_from_environment_like_flask(monkeypatch, value) -> None:
    monkeypatch.delenv("VELOCE_DEBUG", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", value)
    assert Veloce(__name__).debug == flask.Flask(__name__).debug


def test_app_shortcuts() -> None:
    app = Veloce(__name__)
    app.debug = True
    app.testing = True
    app.secret_key = "s"
    assert app.config["DEBUG"] and app.config["TESTING"] and app.config["SECRET_KEY"] == "s"
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime == timedelta(seconds=60)


def _both(tmp_path):
    return Config(str(tmp_path)), flask.Config(str(tmp_path))


def test_from_mapping_and_object(tmp_path) -> None:
    class Settings:
        DEBUG = True
        lower = "ignored"

    for config in _both(tmp_path):
        config.from_object(Settings)
        config.from_mapping({"A": 1, "b": 2}, C=3)
    ours, theirs = _both(tmp_path)
    for config in (ours, theirs):
        config.from_object(Settings)
        config.from_mapping({"A": 1, "b": 2}, C=3)
    assert dict(ours) == dict(theirs) == {"DEBUG": True, "A": 1, "C": 3}


def test_from_pyfile_and_envvar(tmp_path, monkeypatch) -> None:
    (tmp_path / "settings.py").write_text("SECRET = 'x'\nlower = 1\nNUM = 2 * 21\n")
    monkeypatch.setenv("APP_SETTINGS", str(tmp_path / "settings.py"))
    ours, theirs = _both(tmp_path)
    for config in (ours, theirs):
        assert config.from_pyfile("settings.py")
        assert config.from_envvar("APP_SETTINGS")
        assert config.from_pyfile("missing.py", silent=True) is False
    assert dict(ours) == dict(theirs)
    with pytest.raises(OSError, match="Unable to load configuration file"):
        ours.from_pyfile("missing.py")
    monkeypatch.delenv("APP_SETTINGS")
    with pytest.raises(RuntimeError, match="is not set"):
        ours.from_envvar("APP_SETTINGS")
    assert ours.from_envvar("APP_SETTINGS", silent=True) is False


def test_from_file_json(tmp_path) -> None:
    (tmp_path / "c.json").write_text(json.dumps({"KEY": [1, 2], "low": 1}))
    ours, theirs = _both(tmp_path)
    for config in (ours, theirs):
        assert config.from_file("c.json", load=json.load)
    assert dict(ours) == dict(theirs) == {"KEY": [1, 2]}


def test_from_prefixed_env(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FLASK_NUM", "42")
    monkeypatch.setenv("FLASK_TEXT", "hello")
    monkeypatch.setenv("FLASK_NESTED__INNER", "true")
    monkeypatch.setenv("OTHER_X", "1")
    ours, theirs = _both(tmp_path)
    for config in (ours, theirs):
        config.from_prefixed_env()
    assert dict(ours) == dict(theirs)
    assert ours["NUM"] == 42 and ours["NESTED"] == {"INNER": True}


def test_get_namespace(tmp_path) -> None:
    ours, theirs = _both(tmp_path)
    for config in (ours, theirs):
        config.from_mapping(IMAGE_STORE_TYPE="fs", IMAGE_STORE_PATH="/x", OTHER=1)
    for kwargs in ({}, {"lowercase": False}, {"trim_namespace": False}):
        assert ours.get_namespace("IMAGE_STORE_", **kwargs) == theirs.get_namespace(
            "IMAGE_STORE_", **kwargs
        )

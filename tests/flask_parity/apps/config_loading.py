"""Config: the default keys, every loader, namespaces, and the config-backed attributes.

All cases are ``call`` cases. Each loads into a fresh ``Config`` (or a fresh app) so
cases do not see each other's keys; files live in ``apps/data/``. Environment
variables a case sets are removed again before it returns.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import tomllib
from flask import Config, Flask

app = Flask(__name__)
app.testing = True

DATA = Path(__file__).resolve().parent / "data"

#: Veloce-only default keys, documented as such (the size of the sync worker pool).
VELOCE_ONLY_KEYS = {"WORKER_THREADS"}


def attempt(fn):
    """``{"ok": fn()}`` or ``{"raised": [type name, message]}``."""
    try:
        return {"ok": fn()}
    except Exception as exc:
        return {"raised": [type(exc).__name__, str(exc)]}


def fresh_config(**defaults):
    return Config(str(DATA), defaults or None)


def user_keys(config):
    """The keys a loader added (those not in the app defaults)."""
    return {key: config[key] for key in sorted(config) if key not in app.default_config}


class EnvVars:
    """Set environment variables for the duration of a ``with`` block."""

    def __init__(self, **values):
        self.values = values

    def __enter__(self):
        self.saved = {key: os.environ.get(key) for key in self.values}
        os.environ.update(self.values)
        return self

    def __exit__(self, *exc_info):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def default_keys_and_values():
    fresh = Flask("config_loading_defaults")
    return {key: repr(value) for key, value in sorted(fresh.config.items())
            if key not in VELOCE_ONLY_KEYS}


def class_default_config():
    return {key: repr(value) for key, value in sorted(Flask.default_config.items())
            if key not in VELOCE_ONLY_KEYS}


def config_is_a_dict():
    config = fresh_config(A=1)
    return {
        "type": type(app.config).__name__,
        "is_dict": isinstance(app.config, dict),
        "root_path": app.config.root_path == app.root_path,
        "repr": repr(config),
        "standalone_root": config.root_path == str(DATA),
        "no_defaults": dict(Config(str(DATA))),
    }


def from_object_class():
    config = fresh_config()
    rv = config.from_object(_settings_module().DevelopmentConfig)
    return {"rv": rv, "keys": dict(config)}


def from_object_instance():
    config = fresh_config()
    config.from_object(_settings_module().DevelopmentConfig())
    return dict(config)


def from_object_import_strings():
    by_module = fresh_config()
    by_module.from_object("tests.flask_parity.apps.data.settings_module")
    by_dotted = fresh_config()
    by_dotted.from_object("tests.flask_parity.apps.data.settings_module.ProductionConfig")
    by_colon = fresh_config()
    by_colon.from_object("tests.flask_parity.apps.data.settings_module:ProductionConfig")
    return {"module": dict(by_module), "dotted": dict(by_dotted), "colon": dict(by_colon)}


def from_object_missing_import():
    config = fresh_config()
    try:
        config.from_object("tests.flask_parity.apps.data.no_such_module")
    except ImportError as exc:
        # The message is Werkzeug's import diagnosis; the type is what callers catch.
        return {"type": type(exc).__name__, "import_name": getattr(exc, "import_name", None)}
    return "no error"


def from_pyfile_relative_and_absolute():
    relative = fresh_config()
    rv = relative.from_pyfile("settings.cfg")
    absolute = fresh_config()
    absolute.from_pyfile(str(DATA / "settings.cfg"))
    return {"rv": rv, "relative": dict(relative), "absolute": dict(absolute)}


def from_pyfile_missing():
    config = fresh_config()
    return {
        "silent": config.from_pyfile("missing.cfg", silent=True),
        "loud": attempt(lambda: config.from_pyfile("missing.cfg")),
        "directory_silent": config.from_pyfile("instance", silent=True),
        "directory_loud": attempt(lambda: config.from_pyfile("instance")),
        "keys": dict(config),
    }


def from_pyfile_syntax_error():
    config = fresh_config()
    outcome = attempt(lambda: config.from_pyfile("bad_syntax.cfg", silent=True))
    return {"outcome": outcome, "keys": dict(config)}


def from_pyfile_through_app_root():
    # app.config's root is the app's root_path (this file's folder).
    config = Flask(__name__).config
    rv = config.from_pyfile("data/settings.cfg")
    return {"rv": rv, "keys": user_keys(config)}


def from_envvar_cases():
    config = fresh_config()
    result = {
        "unset_silent": config.from_envvar("PARITY_CONFIG_UNSET", silent=True),
        "unset_loud": attempt(lambda: config.from_envvar("PARITY_CONFIG_UNSET")),
    }
    with EnvVars(PARITY_CONFIG_EMPTY=""):
        result["empty_loud"] = attempt(lambda: config.from_envvar("PARITY_CONFIG_EMPTY"))
    with EnvVars(PARITY_CONFIG_FILE=str(DATA / "settings.cfg")):
        result["set"] = config.from_envvar("PARITY_CONFIG_FILE")
    with EnvVars(PARITY_CONFIG_MISSING=str(DATA / "missing.cfg")):
        result["missing_silent"] = config.from_envvar("PARITY_CONFIG_MISSING", silent=True)
        result["missing_loud"] = attempt(lambda: config.from_envvar("PARITY_CONFIG_MISSING"))
    result["keys"] = dict(config)
    return result


def from_file_json_and_toml():
    by_json = fresh_config()
    rv_json = by_json.from_file("settings.json", load=json.load)
    by_toml = fresh_config()
    rv_toml = by_toml.from_file("settings.toml", load=tomllib.load, text=False)
    return {"json": [rv_json, dict(by_json)], "toml": [rv_toml, dict(by_toml)]}


def from_file_missing():
    config = fresh_config()
    return {
        "silent": config.from_file("missing.json", load=json.load, silent=True),
        "loud": attempt(lambda: config.from_file("missing.json", load=json.load)),
        "keys": dict(config),
    }


def from_mapping_cases():
    config = fresh_config()
    result = {
        "mapping": config.from_mapping({"KEY": 1, "lower": 2}),
        "kwargs": config.from_mapping(KW_KEY="kw", kw_lower="x"),
        "both": config.from_mapping({"KEY": "mapping"}, KEY2="kwarg"),
        "none": config.from_mapping(None),
        "pairs": config.from_mapping([("PAIR", "from pairs")]),
    }
    result["keys"] = dict(config)
    return result


def from_prefixed_env_cases():
    env = {
        "PARITYAPP_SECRET_KEY": "plain string",
        "PARITYAPP_NUMBER": "42",
        "PARITYAPP_FLOAT": "1.5",
        "PARITYAPP_FLAG": "true",
        "PARITYAPP_NULL": "null",
        "PARITYAPP_LIST": "[1, 2, 3]",
        "PARITYAPP_OBJECT": '{"a": 1}',
        "PARITYAPP_BAD_JSON": "{not json",
        "PARITYAPP_DB__HOST": "db.local",
        "PARITYAPP_DB__PORT": "5432",
        "PARITYAPP_EXISTING__NEW": "added",
        "PARITYAPP_DEEP__A__B": "deep",
        "PARITYAPP_lower": "kept as written",
        "OTHERPREFIX_IGNORED": "1",
    }
    config = fresh_config(EXISTING={"OLD": "kept"})
    with EnvVars(**env):
        rv = config.from_prefixed_env("PARITYAPP")
        custom = fresh_config()
        custom.from_prefixed_env("PARITYAPP", loads=lambda value: f"<{value}>")
    return {"rv": rv, "keys": dict(config),
            "custom_loads": {key: custom[key] for key in ("NUMBER", "DB")}}


def from_prefixed_env_into_non_dict():
    config = fresh_config(SCALAR=1)
    with EnvVars(PARITYNEST_SCALAR__CHILD="2"):
        outcome = attempt(lambda: config.from_prefixed_env("PARITYNEST"))
    return {"outcome": outcome, "keys": dict(config)}


def from_prefixed_env_default_prefix():
    config = fresh_config()
    with EnvVars(FLASK_PARITY_SETTING="1", FLASK_PARITY_NESTED__KEY='"x"'):
        config.from_prefixed_env()
    return {key: config[key] for key in ("PARITY_SETTING", "PARITY_NESTED")}


def get_namespace_cases():
    config = fresh_config(
        IMAGE_STORE_TYPE="fs",
        IMAGE_STORE_PATH="/var/app/images",
        IMAGE_STORE_BASE_URL="http://img.website.com",
        IMAGESTORE_OTHER="no underscore",
        OTHER="x",
    )
    return {
        "default": config.get_namespace("IMAGE_STORE_"),
        "keep_case": config.get_namespace("IMAGE_STORE_", lowercase=False),
        "untrimmed": config.get_namespace("IMAGE_STORE_", trim_namespace=False),
        "both": config.get_namespace("IMAGE_STORE_", lowercase=False, trim_namespace=False),
        "prefix_only": config.get_namespace("IMAGE"),
        "nothing": config.get_namespace("MISSING_"),
    }


def config_attributes():
    fresh = Flask("config_loading_attributes")
    result = {
        "initial": [fresh.debug, fresh.testing, fresh.secret_key,
                    fresh.permanent_session_lifetime.total_seconds()],
    }
    fresh.debug = True
    fresh.testing = True
    fresh.secret_key = "attribute secret"
    fresh.permanent_session_lifetime = timedelta(hours=1)
    result["after_set"] = [fresh.config["DEBUG"], fresh.config["TESTING"],
                           fresh.config["SECRET_KEY"],
                           fresh.config["PERMANENT_SESSION_LIFETIME"].total_seconds()]
    fresh.config.update(DEBUG=False, SECRET_KEY=b"bytes", PERMANENT_SESSION_LIFETIME=60)
    result["from_config"] = [fresh.debug, repr(fresh.secret_key),
                             repr(fresh.permanent_session_lifetime)]
    return result


def instance_relative_config():
    instance = str(DATA / "instance")
    relative = Flask(__name__, instance_path=instance, instance_relative_config=True)
    rv = relative.config.from_pyfile("application.cfg")
    return {
        "root_is_instance": relative.config.root_path == instance,
        "instance_path": relative.instance_path == instance,
        "rv": rv,
        "keys": user_keys(relative.config),
        "relative_instance_path": attempt(lambda: Flask(__name__, instance_path="relative")),
    }


def app_paths():
    here = Path(__file__).resolve().parent
    repo = here.parents[2]
    return {
        "root_path": os.path.relpath(app.root_path, repo),
        "instance_path": os.path.relpath(app.instance_path, repo),
        "config_root_is_root_path": app.config.root_path == app.root_path,
        "name": app.name,
        "import_name": app.import_name,
    }


def logger_shape():
    fresh = Flask("config_loading_logger_quiet")
    logger = fresh.logger
    handler = logger.handlers[0] if logger.handlers else None
    debug_app = Flask("config_loading_logger_debug")
    debug_app.debug = True
    return {
        "name": logger.name,
        "level": logger.level,
        "effective_level": logger.getEffectiveLevel(),
        "propagate": logger.propagate,
        "handler_count": len(logger.handlers),
        "handler_class": type(handler).__name__,
        "handler_level": None if handler is None else handler.level,
        "format": None if handler is None else handler.formatter._fmt,
        "debug_level": debug_app.logger.level,
        "same_object": fresh.logger is logger,
    }


def logging_default_handler_module():
    from flask.logging import default_handler

    fresh = Flask("config_loading_logger_default_handler")
    return {
        "attached": default_handler in fresh.logger.handlers,
        "format": default_handler.formatter._fmt,
        "removable": fresh.logger.removeHandler(default_handler) is None
        and default_handler not in fresh.logger.handlers,
    }


def _settings_module():
    import importlib

    return importlib.import_module("tests.flask_parity.apps.data.settings_module")


CASES = [
    {"id": "default_keys_and_values", "call": "default_keys_and_values"},
    {"id": "class_default_config", "call": "class_default_config"},
    {"id": "config_is_a_dict", "call": "config_is_a_dict"},
    {"id": "from_object_class", "call": "from_object_class"},
    {"id": "from_object_instance", "call": "from_object_instance"},
    {"id": "from_object_import_strings", "call": "from_object_import_strings"},
    {"id": "from_object_missing_import", "call": "from_object_missing_import"},
    {"id": "from_pyfile_relative_and_absolute", "call": "from_pyfile_relative_and_absolute"},
    {"id": "from_pyfile_missing", "call": "from_pyfile_missing"},
    {"id": "from_pyfile_syntax_error", "call": "from_pyfile_syntax_error"},
    {"id": "from_pyfile_through_app_root", "call": "from_pyfile_through_app_root"},
    {"id": "from_envvar", "call": "from_envvar_cases"},
    {"id": "from_file_json_and_toml", "call": "from_file_json_and_toml"},
    {"id": "from_file_missing", "call": "from_file_missing"},
    {"id": "from_mapping", "call": "from_mapping_cases"},
    {"id": "from_prefixed_env", "call": "from_prefixed_env_cases"},
    {"id": "from_prefixed_env_into_non_dict", "call": "from_prefixed_env_into_non_dict"},
    {"id": "from_prefixed_env_default_prefix", "call": "from_prefixed_env_default_prefix"},
    {"id": "get_namespace", "call": "get_namespace_cases"},
    {"id": "config_attributes", "call": "config_attributes"},
    {"id": "instance_relative_config", "call": "instance_relative_config"},
    {"id": "app_paths", "call": "app_paths"},
    {"id": "logger_shape", "call": "logger_shape"},
    {"id": "logging_default_handler_module", "call": "logging_default_handler_module"},
]

"""veloce.compat: the flask/werkzeug import aliases, the pytest plugin, and serving a Flask app.

Everything runs in subprocesses: this test session imports the real Flask elsewhere
(parity references), and ``install()`` refuses to run once it has been imported.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import textwrap
import time
import typing as t
from pathlib import Path

import pytest
from _procs import HOST, free_port, stop, wait_until_accepting

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.flask_parity import harness  # noqa: E402
from tests.flask_parity.normalize import normalize_body, normalize_headers  # noqa: E402

SUBPROCESS_TIMEOUT = 60.0
SERVED_AREA = "routing"
PLUGIN = "veloce.compat.pytest_plugin"


def _env(**extra: str) -> dict[str, str]:
    """The current environment without pytest's own variables (PYTEST_PLUGINS etc.)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def _observe(code: str) -> dict[str, t.Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    return t.cast("dict[str, t.Any]", json.loads(proc.stdout.strip().splitlines()[-1]))


def test_install_aliases_flask_and_werkzeug_to_compat_modules() -> None:
    seen = _observe("""
        import json, sys
        import veloce.compat
        veloce.compat.install()
        import flask
        import flask.json
        from flask import Flask, request
        from werkzeug.exceptions import NotFound
        import veloce.compat.flask, veloce.core.exceptions, veloce.globals
        print(json.dumps({
            "flask_is_compat": flask is veloce.compat.flask,
            "shared_module": sys.modules["flask"] is sys.modules["veloce.compat.flask"],
            "json_is_compat": flask.json is sys.modules["veloce.compat.flask.json"],
            "sys_modules_json": sys.modules["flask.json"] is flask.json,
            "not_found_is_veloce": NotFound is veloce.core.exceptions.NotFound,
            "request_is_veloce": request is veloce.globals.request,
            "flask_class": f"{Flask.__module__}.{Flask.__qualname__}",
            "installed": veloce.compat.installed(),
        }))
    """)
    assert seen == {
        "flask_is_compat": True,
        "shared_module": True,
        "json_is_compat": True,
        "sys_modules_json": True,
        "not_found_is_veloce": True,
        "request_is_veloce": True,
        "flask_class": "veloce.compat.flask.app.Flask",
        "installed": True,
    }


def test_install_is_idempotent() -> None:
    seen = _observe("""
        import json, sys
        import veloce.compat
        veloce.compat.install()
        veloce.compat.install()
        finders = [f for f in sys.meta_path if type(f).__name__ == "CompatFinder"]
        print(json.dumps({"finders": len(finders), "first": sys.meta_path[0] is finders[0]}))
    """)
    assert seen == {"finders": 1, "first": True}


@pytest.mark.parametrize("module", ["flask.no_such_module", "werkzeug.no_such_module"])
def test_missing_compat_submodule_raises_module_not_found(module: str) -> None:
    seen = _observe(f"""
        import importlib, json, sys
        import veloce.compat
        veloce.compat.install()
        try:
            importlib.import_module({module!r})
        except ModuleNotFoundError as exc:
            result = {{"type": "ModuleNotFoundError", "name": exc.name}}
        else:
            result = {{"type": None}}
        result["real_flask_loaded"] = any(
            n.partition(".")[0] in ("flask", "werkzeug")
            and not m.__name__.startswith("veloce.compat.")
            for n, m in list(sys.modules.items()))
        print(json.dumps(result))
    """)
    assert seen == {"type": "ModuleNotFoundError", "name": module, "real_flask_loaded": False}


@pytest.mark.parametrize("package", ["flask", "werkzeug"])
def test_install_after_real_package_import_raises(package: str) -> None:
    seen = _observe(f"""
        import json
        import {package}
        import veloce.compat
        try:
            veloce.compat.install()
        except RuntimeError as exc:
            result = {{"type": "RuntimeError", "names_package": {package!r} in str(exc)}}
        else:
            result = {{"type": None}}
        result["installed"] = veloce.compat.installed()
        print(json.dumps(result))
    """)
    assert seen == {"type": "RuntimeError", "names_package": True, "installed": False}


def test_uninstall_gives_back_the_real_packages() -> None:
    seen = _observe("""
        import importlib, json, sys
        import veloce.compat
        veloce.compat.install()
        import flask
        compat = flask
        veloce.compat.uninstall()
        flask = importlib.import_module("flask")
        werkzeug_exceptions = importlib.import_module("werkzeug.exceptions")
        print(json.dumps({
            "installed": veloce.compat.installed(),
            "real_flask": flask is not compat and flask.__name__ == "flask"
                          and hasattr(flask, "Flask") and flask.Flask.__module__ == "flask.app",
            "real_werkzeug": werkzeug_exceptions.__name__ == "werkzeug.exceptions",
            "compat_module_kept": "veloce.compat.flask" in sys.modules,
        }))
    """)
    assert seen == {"installed": False, "real_flask": True, "real_werkzeug": True,
                    "compat_module_kept": True}


# -- the pytest plugin ---------------------------------------------------------------

PROJECT_FILES = {
    "pytest.ini": """
        [pytest]
        addopts = -p no:cacheprovider
    """,
    "app.py": """
        from flask import Flask, jsonify, request

        app = Flask(__name__)


        @app.route("/hello/<name>")
        def hello(name):
            return jsonify(greeting=f"hello {name}", q=request.args.get("q"))
    """,
    "conftest.py": """
        import flask
        import pytest

        from app import app as flask_app


        @pytest.fixture
        def client():
            return flask_app.test_client()


        @pytest.fixture
        def flask_module():
            return flask
    """,
    "test_app.py": """
        from flask import Flask


        def test_flask_is_veloce(flask_module):
            assert Flask.__module__.startswith("veloce."), Flask.__module__
            assert flask_module.__name__ == "veloce.compat.flask"


        def test_hello(client):
            response = client.get("/hello/ann?q=1")
            assert response.status_code == 200
            assert response.get_json() == {"greeting": "hello ann", "q": "1"}
    """,
}


@pytest.fixture
def flask_project(tmp_path: Path) -> Path:
    """A tiny Flask project with its own conftest and tests, written for real Flask."""
    for name, text in PROJECT_FILES.items():
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return tmp_path


def _pytest(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args],
        cwd=project, env=_env(**env), capture_output=True, text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )


def test_pytest_plugin_option_runs_flask_project_on_veloce(flask_project: Path) -> None:
    proc = _pytest(flask_project, "-p", PLUGIN)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


def test_pytest_plugin_env_var_runs_flask_project_on_veloce(flask_project: Path) -> None:
    proc = _pytest(flask_project, PYTEST_PLUGINS=PLUGIN)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


def test_without_plugin_the_project_gets_real_flask(flask_project: Path) -> None:
    proc = _pytest(flask_project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed, 1 passed" in proc.stdout
    assert "test_flask_is_veloce" in proc.stdout


# -- serving a parity app under uvicorn ----------------------------------------------


@pytest.fixture
def served_parity_app(tmp_path: Path) -> t.Iterator[int]:
    """apps/routing.py, unmodified, served by uvicorn after veloce.compat.install()."""
    port = free_port()
    code = (
        "import veloce.compat; veloce.compat.install(); import uvicorn; "
        f"uvicorn.run('tests.flask_parity.apps.{SERVED_AREA}:app', host={HOST!r},"
        f" port={port}, log_level='warning', lifespan='on')"
    )
    log = tmp_path / "uvicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=_env(),
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_accepting(process, port, log, "uvicorn")
        yield port
    finally:
        stop(process)


class _HeaderPairs:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return self.pairs


def _http_get(port: int, path: str) -> dict[str, t.Any]:
    """A real HTTP GET, normalised like the parity runner normalises test responses."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        # Host: localhost, so URLs the app builds match the test client's.
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        body = response.read()
        headers = _HeaderPairs(response.getheaders())
    finally:
        conn.close()
    recorded = normalize_headers(headers, sent_at=time.time())
    recorded.pop("date", None)  # the server's own header
    return {"status_code": response.status, "headers": recorded,
            "body": normalize_body(body, response.getheader("Content-Type"))}


def test_parity_app_serves_real_http_under_uvicorn(served_parity_app: int) -> None:
    flask_run = harness.run_frameworks([SERVED_AREA], frameworks=("flask",))["flask"]
    assert "crashed" not in flask_run, flask_run
    records = flask_run["areas"][SERVED_AREA]["records"]
    plain_gets = [
        case for case in harness.read_cases(SERVED_AREA)
        if set(case) == {"id", "path"} and "status_code" in records[case["id"]]
    ]
    assert len(plain_gets) >= 40
    mismatches = {}
    for case in plain_gets:
        expected = records[case["id"]]
        expected = {key: expected[key] for key in ("status_code", "headers", "body")}
        actual = _http_get(served_parity_app, case["path"])
        if actual != expected:
            mismatches[case["id"]] = {"flask test client": expected, "veloce over http": actual}
    assert not mismatches, json.dumps(mismatches, indent=2, ensure_ascii=False)

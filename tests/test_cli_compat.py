"""The ``veloce`` command runs unported Flask apps, as ``flask`` did.

The console script aliases ``flask``/``werkzeug`` to ``veloce.compat`` before it
imports the app (``veloce.cli.aliases``). Each subprocess here is one real command
line; the blog example is copied to a temporary directory so its instance folder
(the sqlite file ``init-db`` writes) never lands in the repository.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import sqlite3
import subprocess
import sys
import types
import urllib.request

import pytest
from _procs import HOST, free_port, stop, wait_until_accepting

from veloce.cli import NoAppException, find_best_app
from veloce.cli.aliases import install_flask_aliases, real_package_imported

BLOG = pathlib.Path(__file__).resolve().parents[1] / "examples" / "blog" / "blog"

UNPORTED_APP = """\
import flask
from flask import Flask, request

app = Flask(__name__)

@app.get("/")
def index():
    return f"{flask.__name__} {type(app).__module__} {request.args.get('q')}"
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VELOCE_", "FLASK_"))}
    env.update(PYTEST_PLUGINS="", **extra)
    return env


def _veloce(cwd: pathlib.Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veloce", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=60,
    )


@pytest.fixture
def blog_project(tmp_path: pathlib.Path) -> pathlib.Path:
    shutil.copytree(BLOG, tmp_path / "blog", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.fixture
def unported_app(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "hello.py").write_text(UNPORTED_APP, encoding="utf-8")
    return tmp_path


def _flask_rules(project: pathlib.Path) -> list[tuple[str, str]]:
    """(endpoint, rule) pairs of the blog built by real Flask in this process."""
    import flask

    sys.path.insert(0, str(project))
    try:
        import blog

        app = blog.create_app({"TESTING": True})
        assert isinstance(app, flask.Flask)
        return [(rule.endpoint, rule.rule) for rule in app.url_map.iter_rules()]
    finally:
        sys.path.remove(str(project))
        for name in [n for n in sys.modules if n == "blog" or n.startswith("blog.")]:
            del sys.modules[name]


def test_init_db_and_routes_on_the_unported_blog(blog_project: pathlib.Path) -> None:
    init = _veloce(blog_project, "--app", "blog", "init-db")
    assert init.returncode == 0, init.stderr
    database = blog_project / "instance" / "blog.sqlite"
    schema = (BLOG / "schema.sql").read_text(encoding="utf-8")
    expected_tables = set(re.findall(r"CREATE TABLE (\w+)", schema, flags=re.IGNORECASE))
    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert expected_tables and expected_tables <= tables

    # Flask-style discovery: FLASK_APP from .flaskenv, no --app.
    (blog_project / ".flaskenv").write_text("FLASK_APP=blog\n", encoding="utf-8")
    routes = _veloce(blog_project, "routes")
    assert routes.returncode == 0, routes.stderr
    rows = [line.split() for line in routes.stdout.splitlines()]
    listed = {(row[0], row[-1]) for row in rows if row}
    for endpoint, rule in _flask_rules(blog_project):
        assert (endpoint, rule) in listed, (endpoint, rule, routes.stdout)


def test_run_serves_an_unported_flask_app(
    unported_app: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "veloce", "run", "--host", HOST, "--port", str(port)],
            cwd=unported_app,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(FLASK_APP="hello.py"),
        )
    try:
        wait_until_accepting(process, port, log, "veloce run")
        with urllib.request.urlopen(f"http://{HOST}:{port}/?q=hi", timeout=10) as response:
            body = response.read().decode()
    finally:
        stop(process)
    flask_name, app_module, query = body.split()
    assert flask_name == "veloce.compat.flask"
    assert app_module.startswith("veloce.compat.flask")
    assert query == "hi"


def _missing_app_message(module_name: str) -> str:
    with pytest.raises(NoAppException) as info:
        find_best_app(types.ModuleType(module_name))
    return info.value.format_message()


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--no-compat",), {}), ((), {"VELOCE_NO_COMPAT": "1"})],
    ids=["option", "env"],
)
def test_no_compat_keeps_real_flask(
    unported_app: pathlib.Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    result = _veloce(unported_app, *args, "--app", "hello", "routes", **env)
    assert result.returncode == 2
    assert _missing_app_message("hello") in result.stderr
    assert "--no-compat or VELOCE_NO_COMPAT" in result.stderr


def test_flask_imported_before_the_command_is_explained(unported_app: pathlib.Path) -> None:
    code = "import flask\nfrom veloce.cli import main\nmain(['--app', 'hello', 'routes'])\n"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=unported_app,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 2
    assert _missing_app_message("hello") in result.stderr
    assert "The real 'flask' package was imported before" in result.stderr


def test_alias_rules_refuse_without_installing(monkeypatch: pytest.MonkeyPatch) -> None:
    import flask  # the real one: this test process runs without the compat plugin

    assert real_package_imported() == "flask"
    assert flask.__name__ == "flask"
    note = install_flask_aliases()
    assert note is not None and "imported before" in note
    monkeypatch.setenv("VELOCE_NO_COMPAT", "1")
    assert "VELOCE_NO_COMPAT" in (install_flask_aliases() or "")
    assert sys.modules["flask"] is flask

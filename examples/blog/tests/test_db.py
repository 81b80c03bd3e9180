import sqlite3

import pytest
from flask import g

from blog.db import get_db


def test_connection_is_shared_within_a_context_and_closed_after(app):
    with app.app_context():
        first = get_db()
        assert get_db() is first
        assert "db" in g
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        first.execute("SELECT 1")


def test_a_request_that_never_queries_opens_no_connection(app, monkeypatch):
    opened = []
    real_connect = sqlite3.connect
    monkeypatch.setattr(
        sqlite3, "connect", lambda *a, **k: opened.append(a) or real_connect(*a, **k)
    )
    assert app.test_client().get("/ping").status_code == 200
    assert opened == []


def test_init_db_command_recreates_the_tables(runner, query):
    assert query("SELECT count(*) FROM post") == [(1,)]
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Created the blog database." in result.output
    assert query("SELECT count(*) FROM post") == [(0,)]
    assert query("SELECT count(*) FROM author") == [(0,)]


def test_init_db_command_is_listed_in_help(runner):
    result = runner.invoke(args=["--help"])
    assert result.exit_code == 0
    assert "init-db" in result.output


def test_init_db_creates_the_database_folder(tmp_path):
    from blog import create_app

    target = tmp_path / "nested" / "dir" / "blog.sqlite"
    app = create_app({"TESTING": True, "DATABASE": str(target)})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert target.exists()


def test_schema_is_a_package_resource(app):
    with app.open_resource("schema.sql") as schema:
        assert b"CREATE TABLE post" in schema.read()
    with app.open_resource("schema.sql", "r", encoding="utf-8") as schema:
        assert "CREATE TABLE author" in schema.read()
    with pytest.raises(ValueError):
        app.open_resource("schema.sql", "w")

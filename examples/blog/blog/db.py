"""The database: one sqlite3 connection per request, kept in ``g``.

A connection is opened on first use in a request and closed when the app context
ends, so a view that never touches the database never opens one. sqlite3 connections
belong to the thread that created them, which is why the whole request must run on
one thread (it does, under a WSGI server and under Veloce).
"""

import os
import sqlite3

import click
from flask import current_app, g


def get_db():
    """The request's connection, opened on first use."""
    if "db" not in g:
        # No PARSE_DECLTYPES: sqlite3's default date converters are deprecated (3.12),
        # and the templates only show the stored text.
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
        g.db.execute("PRAGMA foreign_keys = ON")
    return g.db


def close_db(exc=None):
    """Close the connection, if this context opened one."""
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def init_db():
    """Create the tables from ``schema.sql`` (dropping existing ones)."""
    directory = os.path.dirname(current_app.config["DATABASE"])
    if directory:
        os.makedirs(directory, exist_ok=True)
    with current_app.open_resource("schema.sql") as schema:
        get_db().executescript(schema.read().decode("utf-8"))


def init_app(app):
    """Register the teardown and the ``init-db`` command on ``app``."""
    app.teardown_appcontext(close_db)

    @app.cli.command("init-db")
    def init_db_command():
        """Drop and recreate the blog's tables."""
        init_db()
        click.echo("Created the blog database.")

"""The flaskr pattern under concurrency: a sqlite connection in ``g`` for one request.

Flask's tutorial (flaskr) opens a sqlite connection into ``g``, uses it in the view and
closes it at teardown. ``sqlite3`` connections refuse to be used from any thread but
the one that created them (``check_same_thread``), so the pattern only works if every
sync stage of a request runs on the same thread, as under a WSGI server. Veloce runs a
request's sync stages on one worker lane; a framework that moves each stage to
whichever pool thread is free (Quart's ``run_sync`` per stage) fails here with
``sqlite3.ProgrammingError``.

Each test sends 200 concurrent requests through ``app.async_test_client()`` against a
file database in ``tmp_path``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import typing as t
from pathlib import Path

import pytest

from veloce import Veloce, abort, g, request

CONCURRENT = 200

SCHEMA = """
CREATE TABLE post (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author TEXT NOT NULL,
    body TEXT NOT NULL
);
"""


class Connections:
    """Counts connections opened and closed, and the threads that used them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.opened = 0
        self.closed = 0

    def open(self, path: Path) -> sqlite3.Connection:
        connection = sqlite3.connect(path, timeout=30)  # check_same_thread=True
        connection.row_factory = sqlite3.Row
        with self._lock:
            self.opened += 1
        return connection

    def close(self, connection: sqlite3.Connection) -> None:
        connection.close()
        with self._lock:
            self.closed += 1


def _init_db(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()


def _responses(app: Veloce, requests: t.Sequence[tuple[str, str]]) -> list[t.Any]:
    async def main() -> list[t.Any]:
        async with app.async_test_client() as client:
            return list(await asyncio.gather(
                *(client.open(path, method) for method, path in requests)
            ))

    return asyncio.run(main())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "flaskr.sqlite"
    _init_db(path)
    return path


def _blog_app(db_path: Path, connections: Connections) -> Veloce:
    """flaskr's shape: connection opened before the request, closed at teardown."""
    app = Veloce("flaskr")

    @app.before_request
    def open_db() -> None:
        g.db = connections.open(db_path)
        g.db_thread = threading.get_ident()

    @app.teardown_request
    def close_db(exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            connections.close(db)

    @app.route("/create/<author>", methods=["POST"])
    def create(author: str) -> tuple[dict[str, t.Any], int]:
        body = request.args["body"]
        cursor = g.db.execute("INSERT INTO post (author, body) VALUES (?, ?)", (author, body))
        g.db.commit()
        return {"id": cursor.lastrowid, "same_thread": threading.get_ident() == g.db_thread}, 201

    @app.route("/posts/<author>")
    def posts(author: str) -> dict[str, t.Any]:
        rows = g.db.execute(
            "SELECT author, body FROM post WHERE author = ? ORDER BY id", (author,)
        ).fetchall()
        return {"posts": [dict(row) for row in rows]}

    @app.route("/post/<int:post_id>")
    def post(post_id: int) -> dict[str, t.Any]:
        row = g.db.execute("SELECT author, body FROM post WHERE id = ?", (post_id,)).fetchone()
        if row is None:
            abort(404)
        return dict(row)

    return app


def test_connection_in_g_survives_200_concurrent_writes_and_reads(db_path: Path) -> None:
    connections = Connections()
    app = _blog_app(db_path, connections)

    writes = _responses(app, [("POST", f"/create/author{i}?body=post-{i}")
                              for i in range(CONCURRENT)])
    assert [r.status_code for r in writes] == [201] * CONCURRENT, writes[0].data[:2000]
    assert all(r.get_json()["same_thread"] for r in writes)
    ids = sorted(r.get_json()["id"] for r in writes)
    assert ids == list(range(1, CONCURRENT + 1))

    reads = _responses(app, [("GET", f"/posts/author{i}") for i in range(CONCURRENT)])
    for i, response in enumerate(reads):
        assert response.status_code == 200, response.data[:2000]
        assert response.get_json() == {"posts": [{"author": f"author{i}", "body": f"post-{i}"}]}

    lookups = _responses(app, [("GET", f"/post/{i}") for i in range(1, CONCURRENT + 2)])
    assert [r.status_code for r in lookups] == [200] * CONCURRENT + [404]

    total = 3 * CONCURRENT + 1
    assert connections.opened == connections.closed == total


def test_lazy_get_db_closed_in_teardown_appcontext(db_path: Path) -> None:
    """flaskr's actual code: ``get_db()`` on first use, ``close_db`` on app teardown."""
    connections = Connections()
    app = Veloce("flaskr_lazy")

    def get_db() -> sqlite3.Connection:
        if "db" not in g:
            g.db = connections.open(db_path)
        return t.cast(sqlite3.Connection, g.db)

    @app.teardown_appcontext
    def close_db(exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            connections.close(db)

    @app.before_request
    def load_author() -> None:
        # A hook reads through the connection the view will reuse.
        g.count_before = get_db().execute("SELECT COUNT(*) FROM post").fetchone()[0]

    @app.route("/write/<int:n>", methods=["POST"])
    def write(n: int) -> dict[str, t.Any]:
        db = get_db()
        db.execute("INSERT INTO post (author, body) VALUES (?, ?)", (f"a{n}", f"b{n}"))
        db.commit()
        return {"n": n, "count_before": g.count_before}

    @app.after_request
    def count_after(response: t.Any) -> t.Any:
        total = get_db().execute("SELECT COUNT(*) FROM post").fetchone()[0]
        response.headers["X-Count"] = str(total)
        return response

    responses = _responses(app, [("POST", f"/write/{n}") for n in range(CONCURRENT)])
    assert [r.status_code for r in responses] == [200] * CONCURRENT, responses[0].data[:2000]
    assert [r.get_json()["n"] for r in responses] == list(range(CONCURRENT))
    assert all(1 <= int(r.headers["X-Count"]) <= CONCURRENT for r in responses)
    assert connections.opened == connections.closed == CONCURRENT
    with sqlite3.connect(db_path) as check:
        assert check.execute("SELECT COUNT(*) FROM post").fetchone()[0] == CONCURRENT
    check.close()


def test_errors_still_close_the_connection(db_path: Path) -> None:
    connections = Connections()
    app = _blog_app(db_path, connections)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.logger.disabled = True  # the 500s below are expected

    @app.route("/broken/<int:n>")
    def broken(n: int) -> str:
        g.db.execute("SELECT * FROM no_such_table")
        return "unreachable"

    try:
        responses = _responses(app, [("GET", f"/broken/{n}") for n in range(CONCURRENT)])
    finally:
        app.logger.disabled = False
    assert [r.status_code for r in responses] == [500] * CONCURRENT
    assert connections.opened == connections.closed == CONCURRENT


def test_sqlite_rejects_cross_thread_use(db_path: Path) -> None:
    """The guard these tests rely on: a connection used from another thread raises."""
    connection = sqlite3.connect(db_path)
    errors: list[BaseException] = []

    def use() -> None:
        try:
            connection.execute("SELECT 1")
        except sqlite3.ProgrammingError as exc:
            errors.append(exc)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    connection.close()
    assert len(errors) == 1

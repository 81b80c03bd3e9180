import sqlite3

import pytest
from werkzeug.security import generate_password_hash

from blog import create_app
from blog.db import get_db, init_db

# Two authors (passwords "alpha-pass" and "beta-pass") and one post by the first.
SEED = """
INSERT INTO author (username, password_hash) VALUES
  ('alpha', '{alpha}'),
  ('beta', '{beta}');
INSERT INTO post (title, body, author_id, published) VALUES
  ('First post', 'Hello from alpha.', 1, '2024-05-01 09:30:00');
"""


@pytest.fixture(scope="session")
def seed_sql():
    # Hashed once, with few pbkdf2 rounds: check_password_hash reads the method from
    # the stored hash, so logging in stays fast in tests (the app's default is scrypt).
    fast = "pbkdf2:sha256:1000"
    return SEED.format(
        alpha=generate_password_hash("alpha-pass", method=fast),
        beta=generate_password_hash("beta-pass", method=fast),
    )


@pytest.fixture
def app(tmp_path, seed_sql):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "blog.sqlite")})
    with app.app_context():
        init_db()
        get_db().executescript(seed_sql)
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def query(app):
    """Run a query against the test database outside any request."""

    def run(sql, *params):
        connection = sqlite3.connect(app.config["DATABASE"])
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    return run


class Login:
    """Log in and out through the real views, as a browser would."""

    def __init__(self, client):
        self._client = client

    def login(self, username="alpha", password="alpha-pass"):
        return self._client.post(
            "/auth/login", data={"username": username, "password": password}
        )

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return Login(client)


"""examples/hello.py served by a real uvicorn process and spoken to over real sockets.

Everything in-process (the test client, the bench drivers) calls the app directly; this
is the one test that proves a stock ASGI server can run a Veloce app end to end. The
expected answers come from the same routes written in real Flask, through Flask's own
test client, so the test checks parity rather than restating bodies by hand. Keep
``_flask_reference`` in step with examples/hello.py.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import flask
import pytest
from _procs import HOST, free_port, stop, wait_until_accepting
from flask.testing import FlaskClient

from veloce.core.exceptions import NotFound, json_error_body

__all__: list[str] = []

REPO = Path(__file__).resolve().parent.parent
# Headers a WSGI app and an ASGI app behind uvicorn must agree on; Date/Server are the
# server's own.
COMPARED_HEADERS = ("content-type", "content-length")


@dataclass(frozen=True)
class Served:
    host: str
    port: int
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no log)"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def compared_headers(self) -> dict[str, str | None]:
        return {name: self.headers.get(name) for name in COMPARED_HEADERS}


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    if importlib.util.find_spec("uvicorn") is None:
        pytest.fail(
            "uvicorn is not installed in this interpreter; it is part of the test extra: "
            "pip install -e '.[test]'"
        )
    if not (REPO / "examples" / "hello.py").is_file():
        pytest.fail(f"{REPO / 'examples' / 'hello.py'} is missing; this test serves it")
    port = free_port()
    log = tmp_path_factory.mktemp("uvicorn") / "uvicorn.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "examples.hello:app",
                "--host", HOST, "--port", str(port),
            ],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    request.addfinalizer(lambda: stop(process))
    wait_until_accepting(process, port, log, "uvicorn")
    yield Served(HOST, port, log)


def _flask_reference() -> flask.Flask:
    """The routes of examples/hello.py, in real Flask: the expected behaviour."""
    app = flask.Flask(__name__)

    @app.route("/")
    def index() -> str:
        return "Hello, World!"

    @app.route("/json")
    def json_message() -> dict[str, str]:
        return {"message": "Hello, World!"}

    @app.route("/users/<int:id>")
    def user(id: int) -> flask.Response:
        return flask.jsonify(id=id, q=flask.request.args.get("q"))

    @app.post("/echo")
    def echo() -> dict[str, object]:
        return {
            "form": flask.request.form.to_dict(),
            "json": flask.request.get_json(silent=True),
        }

    return app


@pytest.fixture(scope="module")
def expected() -> Iterator[FlaskClient]:
    with _flask_reference().test_client() as client:
        yield client


def _flask_answer(
    client: FlaskClient,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    response = client.open(path, method=method, data=body, headers=headers)
    got = {name.lower(): value for name, value in response.headers.items()}
    return Answer(response.status_code, got, response.get_data())


def _served_answer(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    headers = {name.lower(): value for name, value in response.getheaders()}
    return Answer(response.status, headers, body)


@pytest.fixture
def connection(server: Served) -> Iterator[http.client.HTTPConnection]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        yield conn
    finally:
        conn.close()


def _assert_same(served: Answer, reference: Answer, server: Served) -> None:
    detail = f"\nuvicorn output:\n{server.log_text()}"
    assert served.status == reference.status, detail
    assert served.compared_headers() == reference.compared_headers(), detail
    assert served.body == reference.body, detail


def test_get_root_returns_plaintext(
    server: Served, connection: http.client.HTTPConnection, expected: FlaskClient
) -> None:
    served = _served_answer(connection, "GET", "/")
    assert served.status == 200
    assert served.body == b"Hello, World!"
    _assert_same(served, _flask_answer(expected, "GET", "/"), server)


def test_get_json_returns_json_object(
    server: Served, connection: http.client.HTTPConnection, expected: FlaskClient
) -> None:
    served = _served_answer(connection, "GET", "/json")
    assert served.status == 200
    assert served.headers["content-type"] == "application/json"
    assert json.loads(served.body) == {"message": "Hello, World!"}
    _assert_same(served, _flask_answer(expected, "GET", "/json"), server)


@pytest.mark.parametrize(
    ("path", "value"),
    [("/users/7", {"id": 7, "q": None}), ("/users/7?q=a%20b", {"id": 7, "q": "a b"})],
)
def test_get_user_converts_int_path_parameter_and_reads_query(
    server: Served,
    connection: http.client.HTTPConnection,
    expected: FlaskClient,
    path: str,
    value: dict[str, object],
) -> None:
    served = _served_answer(connection, "GET", path)
    assert served.status == 200
    assert json.loads(served.body) == value
    _assert_same(served, _flask_answer(expected, "GET", path), server)


def test_post_echo_reads_request_body(
    server: Served, connection: http.client.HTTPConnection, expected: FlaskClient
) -> None:
    body = b"name=Ada&lang=py"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    served = _served_answer(connection, "POST", "/echo", body, headers)
    assert served.status == 200
    assert json.loads(served.body) == {"form": {"name": "Ada", "lang": "py"}, "json": None}
    _assert_same(served, _flask_answer(expected, "POST", "/echo", body, headers), server)


@pytest.mark.parametrize("path", ["/missing", "/users/not-a-number"])
def test_unknown_path_returns_404(
    server: Served,
    connection: http.client.HTTPConnection,
    expected: FlaskClient,
    path: str,
) -> None:
    served = _served_answer(connection, "GET", path)
    detail = f"\nuvicorn output:\n{server.log_text()}"
    assert served.status == 404
    assert served.status == _flask_answer(expected, "GET", path).status, detail
    # The native Veloce app answers errors with its JSON body by design (Flask's HTML
    # pages are the compat class's), so the body is compared with Veloce's own builder.
    body = json_error_body(NotFound())
    assert served.headers.get("content-type") == "application/json", detail
    assert served.headers.get("content-length") == str(len(body)), detail
    assert served.body == body, detail


def test_head_root_sends_headers_without_body(
    server: Served, connection: http.client.HTTPConnection, expected: FlaskClient
) -> None:
    served = _served_answer(connection, "HEAD", "/")
    assert served.status == 200
    assert served.body == b""
    _assert_same(served, _flask_answer(expected, "HEAD", "/"), server)
    # Any body bytes sent after the HEAD headers would be read as the start of the next
    # response on this keep-alive connection and break it.
    follow_up = _served_answer(connection, "GET", "/json")
    assert follow_up.status == 200
    assert json.loads(follow_up.body) == {"message": "Hello, World!"}

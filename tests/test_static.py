"""Static folders, the static endpoints, StaticFiles and mount_static."""

from __future__ import annotations

import asyncio
import typing as t

import pytest

from veloce import Veloce
from veloce.blueprints import Blueprint
from veloce.staticfiles import StaticFiles


@pytest.fixture
def root(tmp_path: t.Any) -> t.Any:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.txt").write_text("static a")
    (tmp_path / "bpstatic").mkdir()
    (tmp_path / "bpstatic" / "b.css").write_text("b {}")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>index</p>")
    (tmp_path / "site" / "404.html").write_text("missing")
    return tmp_path


def test_static_folder_properties_match_flask(root: t.Any) -> None:
    from flask import Flask

    variants = (
        {}, {"static_folder": "assets/"}, {"static_url_path": "/s/"}, {"static_folder": None}
    )
    for kwargs in variants:
        ours = Veloce(__name__, package_root=str(root), **kwargs)
        flask = Flask(__name__, root_path=str(root), **kwargs)
        assert ours.static_folder == flask.static_folder
        assert ours.static_url_path == flask.static_url_path
        assert ours.has_static_folder == flask.has_static_folder
        assert ("static" in ours.url_map) == ("static" in flask.view_functions)


def test_static_host_requires_host_matching(root: t.Any) -> None:
    with pytest.raises(AssertionError):
        Veloce(__name__, package_root=str(root), static_host="example.com")


def test_static_route_and_blueprint_static(root: t.Any) -> None:
    app = Veloce(__name__, package_root=str(root))
    bp = Blueprint("bp", __name__, static_folder="bpstatic", root_path=str(root), url_prefix="/bp")
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/static/a.txt").data == b"static a"
    assert client.get("/bp/bpstatic/b.css").data == b"b {}"
    assert client.get("/static/../static/a.txt").status_code in (200, 404)
    assert client.get("/static/nope").status_code == 404
    with app.test_request_context():
        assert app.url_for("static", filename="a.txt") == "/static/a.txt"
        assert app.url_for("bp.static", filename="b.css") == "/bp/bpstatic/b.css"


def test_send_static_file_without_folder(root: t.Any) -> None:
    app = Veloce(__name__, package_root=str(root), static_folder=None)
    with app.test_request_context(), pytest.raises(RuntimeError):
        app.send_static_file("a.txt")


def test_get_send_file_max_age_timedelta(root: t.Any) -> None:
    import datetime

    app = Veloce(__name__, package_root=str(root))
    assert app.get_send_file_max_age("x") is None
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = datetime.timedelta(hours=1)
    assert app.get_send_file_max_age("x") == 3600


def test_mount_static(root: t.Any) -> None:
    app = Veloce(__name__, package_root=str(root))
    app.mount_static("/site", "site", name="site")
    client = app.test_client()
    assert client.get("/site/index.html").data == b"<p>index</p>"
    assert client.get("/site/..%2Fstatic%2Fa.txt").status_code == 404
    with app.test_request_context():
        assert app.url_for("site", filename="index.html") == "/site/index.html"


async def _call(
    asgi: t.Any, path: str, method: str = "GET", headers: t.Any = ()
) -> tuple[int, bytes]:
    messages: list[dict[str, t.Any]] = []

    async def receive() -> dict[str, t.Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, t.Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http", "method": method, "path": path, "root_path": "", "headers": list(headers)
    }
    await asgi(scope, receive, send)
    return messages[0]["status"], b"".join(m.get("body", b"") for m in messages[1:])


def test_staticfiles_asgi_app(root: t.Any) -> None:
    files = StaticFiles(directory=root / "static")
    assert asyncio.run(_call(files, "/a.txt")) == (200, b"static a")
    assert asyncio.run(_call(files, "/a.txt", headers=[(b"range", b"bytes=0-1")])) == (206, b"st")
    assert asyncio.run(_call(files, "/../site/index.html"))[0] == 404
    assert asyncio.run(_call(files, "/a.txt", "POST"))[0] == 405
    assert asyncio.run(_call(files, "/a.txt", "HEAD")) == (200, b"")


def test_staticfiles_html_mode(root: t.Any) -> None:
    files = StaticFiles(directory=root / "site", html=True)
    assert asyncio.run(_call(files, "/")) == (200, b"<p>index</p>")
    assert asyncio.run(_call(files, "/nope")) == (404, b"missing")


def test_staticfiles_check_dir(root: t.Any) -> None:
    with pytest.raises(RuntimeError):
        StaticFiles(directory=root / "absent")

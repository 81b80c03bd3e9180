import functools

import flask

import blog
from blog import create_app


def test_testing_flag_comes_from_test_config(tmp_path):
    assert not create_app({"DATABASE": str(tmp_path / "x.sqlite")}).testing
    assert create_app({"TESTING": True}).testing


def test_defaults_point_into_the_instance_folder():
    app = create_app({})
    assert app.config["DATABASE"].startswith(app.instance_path)
    assert app.config["POSTS_PER_PAGE"] == 10


def test_instance_config_file_is_read_without_test_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("POSTS_PER_PAGE = 3\nSECRET_KEY = 'from-file'\n")
    # Point the instance folder at tmp_path (a deployment's folder would hold the file).
    monkeypatch.setattr(blog, "Flask", functools.partial(flask.Flask, instance_path=str(tmp_path)))
    app = create_app()
    assert app.instance_path == str(tmp_path)
    assert app.config["POSTS_PER_PAGE"] == 3
    assert app.secret_key == "from-file"


def test_ping(client):
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.data == b"pong"


def test_static_stylesheet_is_served_and_linked(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/static/blog.css"' in page
    with client.get("/static/blog.css") as css:  # a file response: close it
        assert css.status_code == 200
        assert css.mimetype == "text/css"
        assert b".flash-error" in css.data


def test_index_endpoint_alias_builds_the_front_page(app):
    with app.test_request_context():
        assert flask.url_for("index") == "/"
        assert flask.url_for("posts.index", page=2) == "/?page=2"


def test_reports_which_flask_it_runs_on():
    # Printed so a run shows which implementation answered.
    print("flask module:", flask.__name__, flask.__file__)

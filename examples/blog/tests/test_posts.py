import pytest


def test_index_lists_posts_for_everyone(client):
    page = client.get("/")
    assert page.status_code == 200
    assert b"First post" in page.data
    assert b"by alpha on 2024-05-01" in page.data
    assert b"/1/edit" not in page.data


def test_author_sees_the_edit_link(client, auth):
    auth.login()
    assert b'href="/1/edit"' in client.get("/").data


def test_other_author_does_not(client, auth):
    auth.login("beta", "beta-pass")
    assert b'href="/1/edit"' not in client.get("/").data


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/new"), ("post", "/new"), ("get", "/1/edit"),
                         ("post", "/1/edit"), ("post", "/1/delete")]
)
def test_writing_needs_a_login(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_create(client, auth, query):
    auth.login()
    assert client.get("/new").status_code == 200
    response = client.post("/new", data={"title": "Second", "body": "More words."})
    assert response.status_code == 302
    assert query("SELECT title, body, author_id FROM post WHERE id = 2") == [
        ("Second", "More words.", 1)
    ]
    page = client.get("/")
    assert b"Post published." in page.data
    assert page.data.index(b"Second") < page.data.index(b"First post")


def test_update(client, auth, query):
    auth.login()
    form = client.get("/1/edit")
    assert form.status_code == 200
    assert b"Hello from alpha." in form.data
    response = client.post("/1/edit", data={"title": "Renamed", "body": "New text"})
    assert response.status_code == 302
    assert query("SELECT title, body FROM post WHERE id = 1") == [("Renamed", "New text")]


@pytest.mark.parametrize("path", ["/new", "/1/edit"])
def test_title_is_required(client, auth, query, path):
    auth.login()
    response = client.post(path, data={"title": "  ", "body": "kept"})
    assert response.status_code == 200
    assert b"A post needs a title." in response.data
    assert b">kept</textarea>" in response.data
    assert query("SELECT count(*) FROM post") == [(1,)]


def test_delete(client, auth, query):
    auth.login()
    response = client.post("/1/delete", follow_redirects=True)
    assert response.status_code == 200
    assert b"Post deleted." in response.data
    assert b"Nothing published yet." in response.data
    assert query("SELECT count(*) FROM post") == [(0,)]


@pytest.mark.parametrize(("method", "path"), [("get", "/1/edit"), ("post", "/1/edit"),
                                             ("post", "/1/delete")])
def test_someone_elses_post_is_forbidden(client, auth, query, method, path):
    auth.login("beta", "beta-pass")
    response = getattr(client, method)(path, data={"title": "Mine now", "body": ""})
    assert response.status_code == 403
    assert query("SELECT title FROM post WHERE id = 1") == [("First post",)]


@pytest.mark.parametrize(("method", "path"), [("get", "/7/edit"), ("post", "/7/edit"),
                                             ("post", "/7/delete")])
def test_missing_post_is_not_found(client, auth, method, path):
    auth.login()
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert b"There is no post 7." in response.data


def test_delete_is_post_only(client, auth):
    auth.login()
    assert client.get("/1/delete").status_code == 405


def test_pagination(app, client, auth):
    app.config["POSTS_PER_PAGE"] = 2
    auth.login()
    for n in range(2, 6):
        client.post("/new", data={"title": f"Post {n}", "body": ""})
    first = client.get("/").data
    assert b"Post 5" in first and b"Post 4" in first and b"Post 3" not in first
    assert b'rel="next" href="/?page=2"' in first
    assert b'rel="prev"' not in first
    last = client.get("/?page=3").data
    assert b"First post" in last and b'rel="next"' not in last
    assert b'rel="prev" href="/?page=2"' in last


@pytest.mark.parametrize("page", ["0", "-1"])
def test_page_out_of_range_is_not_found(client, page):
    assert client.get(f"/?page={page}").status_code == 404


def test_non_numeric_page_falls_back_to_the_first(client):
    assert b"First post" in client.get("/?page=abc").data

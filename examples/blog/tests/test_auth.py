import pytest
from flask import g, session


def test_register_page_renders(client):
    page = client.get("/auth/register")
    assert page.status_code == 200
    assert b"Create an account" in page.data


def test_register_creates_an_author_with_a_hashed_password(client, query):
    response = client.post("/auth/register", data={"username": "gamma", "password": "g-pass"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    [(stored,)] = query("SELECT password_hash FROM author WHERE username = 'gamma'")
    assert stored != "g-pass"
    assert stored.startswith(("scrypt:", "pbkdf2:"))
    follow = client.get("/auth/login")
    assert b"Account created, please log in." in follow.data


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "secret", b"Choose a username."),
        ("gamma", "abc", b"The password needs at least 4 characters."),
        ("alpha", "secret", b"The username &#39;alpha&#39; is taken."),
    ],
)
def test_register_rejects_bad_input(client, username, password, message):
    response = client.post("/auth/register", data={"username": username, "password": password})
    assert response.status_code == 200
    assert message in response.data
    assert b'class="flash flash-error"' in response.data


def test_login_stores_the_author_id_in_the_session(client, auth):
    assert client.get("/auth/login").status_code == 200
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user["username"] == "alpha"


@pytest.mark.parametrize(
    ("username", "password"), [("nobody", "alpha-pass"), ("alpha", "wrong-pass")]
)
def test_login_failures_share_one_message(auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert b"Wrong username or password." in response.data


def test_login_returns_to_the_page_that_asked(client, auth):
    asked = client.get("/new")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/auth/login?next=/new"
    response = client.post(
        "/auth/login?next=/new", data={"username": "alpha", "password": "alpha-pass"}
    )
    assert response.headers["Location"] == "/new"


def test_login_ignores_an_offsite_next(client):
    response = client.post(
        "/auth/login?next=//evil.example/",
        data={"username": "alpha", "password": "alpha-pass"},
    )
    assert response.headers["Location"] == "/"


def test_logout_clears_the_session(client, auth):
    auth.login()
    with client:
        response = auth.logout()
        assert response.status_code == 302
        assert "user_id" not in session
    assert b"You are logged out." in client.get("/").data


def test_logout_is_post_only(client):
    assert client.get("/auth/logout").status_code == 405


def test_session_can_be_prepared_without_the_login_form(client):
    with client.session_transaction() as sess:
        sess["user_id"] = 2
    page = client.get("/")
    assert b'<span class="who">beta</span>' in page.data


def test_nav_changes_once_logged_in(client, auth):
    anonymous = client.get("/").data
    assert b"Log in" in anonymous and b"Write" not in anonymous
    auth.login()
    member = client.get("/").data
    assert b"Log out" in member and b'href="/new"' in member

"""The bookshelf API's tests, on Veloce's TestClient and AsyncTestClient.

Fixtures live in this module (no conftest) so Veloce's own suite can load it as is.
"""

from __future__ import annotations

import asyncio

import pytest
from veloce import AsyncTestClient, TestClient

from bookshelf import create_app

DUNE = {"title": "Dune", "author": "Frank Herbert", "year": 1965}


@pytest.fixture
def app():
    return create_app({"DEFAULT_PER_PAGE": 2, "MAX_PER_PAGE": 3})


@pytest.fixture
def client(app):
    return TestClient(app)


def _error(response, status):
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()["error"]
    assert body["status"] == status
    return body


def test_create_then_read(client):
    created = client.post("/api/books", json=DUNE)
    assert created.status_code == 201
    book = created.get_json()
    assert book == {"id": 1, **DUNE}
    assert created.headers["Location"] == "/api/books/1"
    assert client.get("/api/books/1").get_json() == book


def test_create_trims_and_defaults_year(client):
    book = client.post("/api/books", json={"title": "  Emma ", "author": "Jane Austen"})
    assert book.get_json() == {"id": 1, "title": "Emma", "author": "Jane Austen", "year": None}


def test_replace_and_patch(client):
    client.post("/api/books", json=DUNE)
    replaced = client.put("/api/books/1", json={"title": "Dune Messiah", "author": "F. H."})
    assert replaced.get_json() == {
        "id": 1, "title": "Dune Messiah", "author": "F. H.", "year": None
    }
    patched = client.patch("/api/books/1", json={"year": 1969})
    assert patched.get_json()["year"] == 1969
    assert client.get("/api/books/1").get_json()["title"] == "Dune Messiah"


def test_delete(client):
    client.post("/api/books", json=DUNE)
    deleted = client.delete("/api/books/1")
    assert deleted.status_code == 204
    assert deleted.data == b""
    assert _error(client.get("/api/books/1"), 404)["detail"] == "No book with id 1."
    assert _error(client.delete("/api/books/1"), 404)["title"] == "Not Found"


@pytest.mark.parametrize(("method", "body"), [("get", None), ("put", DUNE), ("patch", DUNE)])
def test_missing_book_is_a_json_404(client, method, body):
    response = getattr(client, method)("/api/books/42", json=body)
    assert _error(response, 404)["detail"] == "No book with id 42."


def test_validation_lists_every_problem(client):
    response = client.post(
        "/api/books", json={"title": " ", "autor": "typo", "year": True}
    )
    body = _error(response, 422)
    assert body["fields"] == {
        "author": "Required.",
        "autor": "Unknown field.",
        "title": "Must be a non-empty string.",
        "year": "Must be an integer.",
    }
    assert client.get("/api/books").get_json()["total"] == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [([DUNE], ""), ({**DUNE, "year": 99999}, "year"), ({**DUNE, "title": "x" * 201}, "title")],
)
def test_validation_rejects(client, payload, field):
    assert field in _error(client.post("/api/books", json=payload), 422)["fields"]


def test_patch_validates_only_given_fields(client):
    client.post("/api/books", json=DUNE)
    assert _error(client.patch("/api/books/1", json={"year": "1965"}), 422)["fields"] == {
        "year": "Must be an integer."
    }
    assert client.patch("/api/books/1", json={}).get_json() == {"id": 1, **DUNE}


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b'{"title": ', "application/json", 400),
        (b"", "application/json", 400),
        (b'{"title": "x"}', "text/plain", 415),
        (b"\xff\xfe", "application/json", 400),
    ],
)
def test_bad_bodies_are_json_4xx(client, data, content_type, status):
    response = client.post("/api/books", data=data, content_type=content_type)
    _error(response, status)


def test_too_large_body_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100
    body = _error(client.post("/api/books", json={**DUNE, "title": "x" * 200}), 413)
    assert body["title"] == "Request Entity Too Large"


def test_unknown_url_and_method_keep_the_json_shape(client):
    assert _error(client.get("/api/nothing"), 404)["title"] == "Not Found"
    response = client.delete("/api/books")
    assert _error(response, 405)["title"] == "Method Not Allowed"
    assert "POST" in response.headers["Allow"]


def _titles(response):
    return [book["title"] for book in response.get_json()["items"]]


def test_pagination(client):
    for n in range(1, 6):
        client.post("/api/books", json={"title": f"Book {n}", "author": "A"})
    first = client.get("/api/books").get_json()
    assert [b["title"] for b in first["items"]] == ["Book 1", "Book 2"]
    assert first["total"] == 5
    assert first["prev"] is None
    assert first["next"] == "/api/books?page=2&per_page=2"
    last = client.get("/api/books?page=3")
    assert _titles(last) == ["Book 5"]
    assert last.get_json()["next"] is None
    assert last.get_json()["prev"] == "/api/books?page=2&per_page=2"
    assert _titles(client.get("/api/books?page=9")) == []


def test_per_page_is_capped(client):
    for n in range(1, 6):
        client.post("/api/books", json={"title": f"Book {n}", "author": "A"})
    assert client.get("/api/books?per_page=100").get_json()["per_page"] == 3


def test_filter_by_author_keeps_the_filter_in_links(client):
    for n, author in enumerate(["Le Guin", "Herbert", "le guin", "Le Guin"]):
        client.post("/api/books", json={"title": f"T{n}", "author": author})
    listing = client.get("/api/books?author=Le+Guin").get_json()
    assert [b["title"] for b in listing["items"]] == ["T0", "T2"]
    assert listing["total"] == 3
    assert listing["next"] == "/api/books?page=2&per_page=2&author=Le+Guin"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("page=0", "Query argument 'page' must be at least 1."),
        ("page=two", "Query argument 'page' must be an integer, got 'two'."),
        ("per_page=-5", "Query argument 'per_page' must be at least 1."),
    ],
)
def test_bad_query_args_are_400(client, query, detail):
    assert _error(client.get(f"/api/books?{query}"), 400)["detail"] == detail


def test_concurrent_creates_get_distinct_ids(app):
    async def scenario():
        async with AsyncTestClient(app) as client:
            responses = await asyncio.gather(
                *(client.post("/api/books", json={"title": f"B{n}", "author": "A"})
                  for n in range(20))
            )
            listing = await client.get("/api/books?per_page=3&page=7")
            return responses, listing

    responses, listing = asyncio.run(scenario())
    assert all(r.status_code == 201 for r in responses)
    assert sorted(r.get_json()["id"] for r in responses) == list(range(1, 21))
    assert listing.get_json()["total"] == 20
    assert len(listing.get_json()["items"]) == 2

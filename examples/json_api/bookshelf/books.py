"""The ``/api/books`` resource: list (paginated), create, read, replace, patch, delete.

All views are ``async def``: they await the store, and nothing here blocks the loop.
``request.get_json()`` is synchronous (the body was read before dispatch) and raises
the 400/415 errors the app renders as JSON.
"""

from __future__ import annotations

import typing as t

from veloce import Blueprint, abort, current_app, request, url_for

from bookshelf.store import BookStore
from bookshelf.validation import check_book

bp = Blueprint("books", __name__)


def _store() -> BookStore:
    return current_app.extensions["books"]


def _positive_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, f"Query argument {name!r} must be an integer, got {raw!r}.")
    if value < 1:
        abort(400, f"Query argument {name!r} must be at least 1.")
    return value


async def _found(book_id: int) -> dict[str, t.Any]:
    book = await _store().get(book_id)
    if book is None:
        abort(404, f"No book with id {book_id}.")
    return book


@bp.get("")
async def list_books() -> t.Any:
    page = _positive_arg("page", 1)
    per_page = min(
        _positive_arg("per_page", current_app.config["DEFAULT_PER_PAGE"]),
        current_app.config["MAX_PER_PAGE"],
    )
    author = request.args.get("author")
    items, total = await _store().page(
        (page - 1) * per_page, per_page, author.lower() if author else None
    )
    query = {"per_page": per_page, **({"author": author} if author else {})}
    has_next = page * per_page < total
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "next": url_for(".list_books", page=page + 1, **query) if has_next else None,
        "prev": url_for(".list_books", page=page - 1, **query) if page > 1 else None,
    }


@bp.post("")
async def create_book() -> t.Any:
    book = await _store().add(check_book(request.get_json()))
    location = url_for(".get_book", book_id=book["id"])
    return book, 201, {"Location": location}


@bp.get("/<int:book_id>")
async def get_book(book_id: int) -> t.Any:
    return await _found(book_id)


@bp.put("/<int:book_id>")
async def replace_book(book_id: int) -> t.Any:
    fields = check_book(request.get_json())
    await _found(book_id)
    return await _store().update(book_id, fields)


@bp.patch("/<int:book_id>")
async def patch_book(book_id: int) -> t.Any:
    fields = check_book(request.get_json(), partial=True)
    await _found(book_id)
    return await _store().update(book_id, fields)


@bp.delete("/<int:book_id>")
async def delete_book(book_id: int) -> t.Any:
    if not await _store().remove(book_id):
        abort(404, f"No book with id {book_id}.")
    return "", 204

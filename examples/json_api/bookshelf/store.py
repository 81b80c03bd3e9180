"""An in-memory book store with an async interface.

The views ``await`` it as they would a real database driver; a lock keeps id
allocation and updates consistent when requests run concurrently on the loop.
"""

from __future__ import annotations

import asyncio
import itertools
import typing as t

Book = dict[str, t.Any]


class BookStore:
    """Books by id, in insertion order."""

    def __init__(self) -> None:
        self._books: dict[int, Book] = {}
        self._ids = itertools.count(1)
        self._lock = asyncio.Lock()

    async def add(self, fields: Book) -> Book:
        async with self._lock:
            book = {"id": next(self._ids), **fields}
            self._books[book["id"]] = book
            return dict(book)

    async def get(self, book_id: int) -> Book | None:
        book = self._books.get(book_id)
        return None if book is None else dict(book)

    async def update(self, book_id: int, fields: Book) -> Book | None:
        async with self._lock:
            book = self._books.get(book_id)
            if book is None:
                return None
            book.update(fields)
            return dict(book)

    async def remove(self, book_id: int) -> bool:
        async with self._lock:
            return self._books.pop(book_id, None) is not None

    async def page(
        self, offset: int, limit: int, author: str | None = None
    ) -> tuple[list[Book], int]:
        """``limit`` books from ``offset`` and the total count, optionally by author."""
        books = [
            b for b in self._books.values() if author is None or b["author"].lower() == author
        ]
        return [dict(b) for b in books[offset : offset + limit]], len(books)

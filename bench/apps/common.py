"""Data every benchmark app shares, so that all of them do exactly the same work.

The template text lives in one file (``templates/items.html``), rendered by every
framework from its own template folder setting; the context and the user set by the
``/ctx`` hook are defined here once.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CTX_USER", "ITEMS", "TEMPLATE", "TEMPLATE_DIR", "TITLE"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "items.html"
TITLE = "Items & prices"  # the "&" makes autoescaping do some work
ITEMS = [{"name": f"item {n}", "price": n * 1.25} for n in range(10)]
# What the ``/ctx`` blueprint's before_request hook stores as ``g.user``.
CTX_USER = "ann:"

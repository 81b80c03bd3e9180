"""In-process benchmark of Veloce against a bare ASGI floor, Starlette, Flask and Quart.

Run ``python -m bench`` from the repository root; ``bench/README.md`` explains the
method and how to read the tables.
"""

from __future__ import annotations

__all__: list[str] = []

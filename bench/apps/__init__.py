"""The benchmark app, written once per framework.

Every module here builds the same three routes, in the way a user of that framework
would write them:

* ``/`` returns the plaintext ``Hello, World!``;
* ``/json`` returns the JSON object ``{"message": "Hello, World!"}``;
* ``/users/<int:id>`` returns the JSON object ``{"id": id}``.

Each module exposes a module-level ``app``. Importing a module imports its framework,
so a missing framework surfaces as an ``ImportError`` that the harness reports as a
skipped target.
"""

from __future__ import annotations

__all__: list[str] = []

"""The benchmark app, written once per framework.

Every module here builds the same routes, in the way a user of that framework would
write them:

* ``/`` returns the plaintext ``Hello, World!``;
* ``/json`` returns the JSON object ``{"message": "Hello, World!"}``;
* ``/users/<int:id>?q=`` returns ``{"id": id, "q": q}`` (a path converter and a query arg);
* ``/ctx?a=`` is on a blueprint whose ``before_request`` sets ``g.user``; the view
  returns ``g.user + request.args.get("a")``;
* ``/template`` renders ``templates/items.html`` (a loop over ten items);
* ``POST /form`` reads two fields of an urlencoded body and returns them as JSON.

The shared data (template context, the hook's user) is in ``common``.

Each module exposes a module-level ``app``. Importing a module imports its framework,
so a missing framework surfaces as an ``ImportError`` that the harness reports as a
skipped target.
"""

from __future__ import annotations

__all__: list[str] = []

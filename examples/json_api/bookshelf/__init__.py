"""A JSON API for a bookshelf, written for Veloce directly.

``create_app()`` builds the app; serve it with
``uvicorn --factory bookshelf:create_app`` or ``veloce --app bookshelf run``.

Every error, including the ones Veloce raises itself (malformed JSON, wrong
``Content-Type``, unknown URL, wrong method), answers with the same JSON shape::

    {"error": {"status": 404, "title": "Not Found", "detail": "..."}}

and a validation failure adds ``"fields": {"name": "problem"}`` (422).
"""

from __future__ import annotations

import typing as t

from veloce import HTTPException, Veloce, jsonify

from bookshelf.books import bp as books_bp
from bookshelf.store import BookStore
from bookshelf.validation import Invalid


def create_app(config: t.Mapping[str, t.Any] | None = None) -> Veloce:
    """Build the app with an empty in-memory store (``app.extensions["books"]``)."""
    app = Veloce(__name__)
    app.config.from_mapping(MAX_PER_PAGE=50, DEFAULT_PER_PAGE=10, MAX_CONTENT_LENGTH=64 * 1024)
    if config is not None:
        app.config.from_mapping(config)
    app.extensions["books"] = BookStore()
    app.register_blueprint(books_bp, url_prefix="/api/books")

    @app.errorhandler(Invalid)
    def invalid(error: Invalid) -> t.Any:
        body = _error_body(422, "Unprocessable Content", "The book is not valid.")
        body["error"]["fields"] = error.fields
        return jsonify(body), 422

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> t.Any:
        # Keep the exception's headers (``Allow`` on a 405), replace its body.
        response = error.get_response()
        response.set_data(jsonify(_error_body(error.code, error.name, error.description)).data)
        response.content_type = "application/json"
        return response

    return app


def _error_body(status: int | None, title: str, detail: str | None) -> dict[str, t.Any]:
    return {"error": {"status": status, "title": title, "detail": detail}}

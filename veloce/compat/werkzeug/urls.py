"""``werkzeug.urls``: IRI <-> URI conversion (Werkzeug 3.1 keeps only these two helpers).

Both use the same rules Veloce applies to ``Location`` headers and ``request.url``:
IDNA hosts, percent-encoding of the non-ASCII parts (and back), safe characters left as
they are. For other URL work Werkzeug 3 points to :mod:`urllib.parse`, and so do we.
"""

from __future__ import annotations

from veloce.core._urls import _uri_to_iri
from veloce.core._wire import iri_to_uri as _iri_to_uri

__all__ = ["iri_to_uri", "uri_to_iri"]


def iri_to_uri(iri: str) -> str:
    """Convert an IRI to an ASCII URI: IDNA host, UTF-8 percent-encoded path and query.

    Flask parity: ``werkzeug.urls.iri_to_uri``; already-encoded ``%XX`` sequences and
    reserved characters are kept, so applying it twice changes nothing.
    """
    return _iri_to_uri(iri)


def uri_to_iri(uri: str) -> str:
    """Convert a URI to an IRI: decode the IDNA host and the UTF-8 percent-escapes.

    Flask parity: ``werkzeug.urls.uri_to_iri``; escapes of reserved characters and of
    invalid UTF-8 stay encoded, so the result still means the same URL.
    """
    return _uri_to_iri(uri)

"""HTML-safe strings: ``Markup`` and ``escape`` (MarkupSafe's, which Jinja uses).

``Markup`` marks a string as already safe; concatenating plain text to it escapes the
text first. Veloce re-exports MarkupSafe's classes rather than defining its own so
values are interchangeable with Jinja templates and Flask code.
"""

from markupsafe import Markup as Markup
from markupsafe import escape as escape

__all__ = ["Markup", "escape"]

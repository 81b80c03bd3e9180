"""Checking a submitted book, field by field.

Collecting every problem (instead of stopping at the first) lets a client fix a form
in one round trip; the app turns :class:`Invalid` into a 422 listing them.
"""

from __future__ import annotations

import datetime
import typing as t

FIELDS = ("title", "author", "year")


class Invalid(Exception):
    """The payload has problems: ``fields`` maps a field name to what is wrong."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields)
        self.fields = fields


def check_book(payload: t.Any, *, partial: bool = False) -> dict[str, t.Any]:
    """The valid fields of ``payload``; raises :class:`Invalid` otherwise.

    ``partial`` (PATCH) allows missing fields; unknown fields are always refused so a
    typo (``"autor"``) is not silently dropped.
    """
    if not isinstance(payload, dict):
        raise Invalid({"": "Expected a JSON object."})
    problems: dict[str, str] = {}
    for name in payload.keys() - set(FIELDS):
        problems[name] = "Unknown field."
    clean: dict[str, t.Any] = {}
    for name in ("title", "author"):
        if name not in payload:
            if not partial:
                problems[name] = "Required."
            continue
        value = payload[name]
        if not isinstance(value, str) or not value.strip():
            problems[name] = "Must be a non-empty string."
        elif len(value) > 200:
            problems[name] = "At most 200 characters."
        else:
            clean[name] = value.strip()
    if "year" in payload:
        year = payload["year"]
        this_year = datetime.date.today().year
        # bool is an int subclass: refuse ``true`` explicitly.
        if isinstance(year, bool) or not isinstance(year, int):
            problems["year"] = "Must be an integer."
        elif not -3000 <= year <= this_year:
            problems["year"] = f"Must be between -3000 and {this_year}."
        else:
            clean["year"] = year
    elif not partial:
        clean["year"] = None
    if problems:
        raise Invalid(dict(sorted(problems.items())))
    return clean

"""HTTP-date formatting and parsing (RFC 9110 §5.6.7), shared by cookies, JSON and caching."""

from __future__ import annotations

import datetime as _dt
import email.utils
import time

__all__ = ["http_date", "parse_date"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(value: _dt.datetime | _dt.date | int | float | None = None) -> str:
    """Format ``value`` as an IMF-fixdate (``Wed, 21 Oct 2015 07:28:00 GMT``).

    Flask parity (Werkzeug's ``http_date``): a naive datetime is taken as UTC, an aware
    one is converted to UTC, a ``date`` means midnight UTC, a number is a Unix
    timestamp, and ``None`` means now.
    """
    if value is None:
        value = time.time()
    if isinstance(value, (int, float)):
        tm = time.gmtime(value)
        year, month, day, hour, minute, second, wday = tm[:7]
    else:
        if isinstance(value, _dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(_dt.timezone.utc)
        else:
            value = _dt.datetime(value.year, value.month, value.day)
        year, month, day = value.year, value.month, value.day
        hour, minute, second = value.hour, value.minute, value.second
        wday = value.weekday()
    return (
        f"{_WEEKDAYS[wday]}, {day:02d} {_MONTHS[month - 1]} {year:04d} "
        f"{hour:02d}:{minute:02d}:{second:02d} GMT"
    )


def parse_date(value: str | None) -> _dt.datetime | None:
    """Parse any of the three HTTP-date forms into an aware UTC datetime, or ``None``."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed.astimezone(_dt.timezone.utc)

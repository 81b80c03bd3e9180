"""``werkzeug.http``: date and cookie helpers."""

from veloce.core.cookies import dump_cookie as dump_cookie
from veloce.core.dates import http_date as http_date
from veloce.core.dates import parse_date as parse_date
from veloce.core.http import parse_cookie as parse_cookie
from veloce.core.http import parse_options_header as parse_options_header
from veloce.core.status import HTTP_STATUS_CODES as HTTP_STATUS_CODES

__all__ = [
    "HTTP_STATUS_CODES",
    "dump_cookie",
    "http_date",
    "parse_cookie",
    "parse_date",
    "parse_options_header",
]

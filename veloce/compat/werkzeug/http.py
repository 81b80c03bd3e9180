"""``werkzeug.http``: header parsing and dumping, dates, cookies, status codes.

Most helpers are the ones Veloce's own request and response use
(:mod:`veloce.core.http`); the rest are in :mod:`._http_extra`.
"""

from veloce.core.cookies import dump_cookie as dump_cookie
from veloce.core.dates import http_date as http_date
from veloce.core.dates import parse_date as parse_date
from veloce.core.http import dump_header as dump_header
from veloce.core.http import dump_options_header as dump_options_header
from veloce.core.http import is_byte_range_valid as is_byte_range_valid
from veloce.core.http import parse_accept_header as parse_accept_header
from veloce.core.http import parse_cache_control_header as parse_cache_control_header
from veloce.core.http import parse_cookie as parse_cookie
from veloce.core.http import parse_dict_header as parse_dict_header
from veloce.core.http import parse_etags as parse_etags
from veloce.core.http import parse_if_range_header as parse_if_range_header
from veloce.core.http import parse_list_header as parse_list_header
from veloce.core.http import parse_options_header as parse_options_header
from veloce.core.http import parse_range_header as parse_range_header
from veloce.core.http import parse_set_header as parse_set_header
from veloce.core.http import quote_etag as quote_etag
from veloce.core.http import quote_header_value as quote_header_value
from veloce.core.http import unquote_etag as unquote_etag
from veloce.core.http import unquote_header_value as unquote_header_value
from veloce.core.status import HTTP_STATUS_CODES as HTTP_STATUS_CODES

from ._http_extra import *  # noqa: F403
from ._http_extra import __all__ as _extra_all

__all__ = sorted(
    [
        *_extra_all,
        "HTTP_STATUS_CODES",
        "dump_cookie",
        "dump_header",
        "dump_options_header",
        "http_date",
        "is_byte_range_valid",
        "parse_accept_header",
        "parse_cache_control_header",
        "parse_cookie",
        "parse_date",
        "parse_dict_header",
        "parse_etags",
        "parse_if_range_header",
        "parse_list_header",
        "parse_options_header",
        "parse_range_header",
        "parse_set_header",
        "quote_etag",
        "quote_header_value",
        "unquote_etag",
        "unquote_header_value",
    ]
)

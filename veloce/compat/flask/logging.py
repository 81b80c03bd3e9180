"""``flask.logging``: the default handler and logger setup."""

from veloce.logging import create_logger as create_logger
from veloce.logging import default_handler as default_handler
from veloce.logging import has_level_handler as has_level_handler
from veloce.logging import wsgi_errors_stream as wsgi_errors_stream

__all__ = ["create_logger", "default_handler", "has_level_handler", "wsgi_errors_stream"]

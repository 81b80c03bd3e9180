"""``flask.helpers``: request-time helpers."""

from veloce.cli.discovery import get_load_dotenv as get_load_dotenv
from veloce.core.exceptions import abort as abort
from veloce.flashing import flash as flash
from veloce.flashing import get_flashed_messages as get_flashed_messages
from veloce.helpers import get_debug_flag as get_debug_flag
from veloce.helpers import make_response as make_response
from veloce.helpers import redirect as redirect
from veloce.helpers import url_for as url_for
from veloce.sending import send_file as send_file
from veloce.sending import send_from_directory as send_from_directory
from veloce.streaming import stream_with_context as stream_with_context
from veloce.templating import get_template_attribute as get_template_attribute
from veloce.utils import get_root_path as get_root_path

__all__ = [
    "abort",
    "flash",
    "get_debug_flag",
    "get_flashed_messages",
    "get_load_dotenv",
    "get_root_path",
    "get_template_attribute",
    "make_response",
    "redirect",
    "send_file",
    "send_from_directory",
    "stream_with_context",
    "url_for",
]

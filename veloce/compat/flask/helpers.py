"""``flask.helpers``: request-time helpers."""

from veloce.core.exceptions import abort as abort
from veloce.helpers import get_debug_flag as get_debug_flag
from veloce.helpers import make_response as make_response
from veloce.helpers import redirect as redirect
from veloce.helpers import url_for as url_for
from veloce.utils import get_root_path as get_root_path

__all__ = ["abort", "get_debug_flag", "get_root_path", "make_response", "redirect", "url_for"]

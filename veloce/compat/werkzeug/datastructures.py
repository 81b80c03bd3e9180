"""``werkzeug.datastructures``: multi-dicts, headers, uploaded files, Accept headers."""

from veloce.core.datastructures import *  # noqa: F403 - mirrors Werkzeug's namespace
from veloce.core.datastructures import __all__ as __all__  # noqa: F401

"""``werkzeug.exceptions``: the HTTPException tree and ``abort``."""

from veloce.core.exceptions import *  # noqa: F403 - the module mirrors Werkzeug's namespace
from veloce.core.exceptions import __all__ as __all__  # noqa: F401

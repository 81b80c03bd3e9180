"""``werkzeug.datastructures``: multi-dicts, headers, uploaded files, Accept headers.

Veloce's own classes (:mod:`veloce.core.datastructures`) plus the Werkzeug ones its API
does not need (immutable/callback mixins, ``ContentRange``, ``ContentSecurityPolicy``,
``EnvironHeaders``, ``FileMultiDict``), from :mod:`._datastructures`.
"""

from veloce.core.datastructures import *  # noqa: F403 - mirrors Werkzeug's namespace
from veloce.core.datastructures import __all__ as _core_all

from ._datastructures import *  # noqa: F403
from ._datastructures import __all__ as _compat_all

__all__ = sorted([*_core_all, *_compat_all])

"""``flask.json.tag``: the tagged JSON serializer used by cookie sessions."""

from veloce.json.tag import *  # noqa: F403 - mirrors flask.json.tag's namespace
from veloce.json.tag import __all__ as __all__  # noqa: F401

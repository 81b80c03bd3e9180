"""``flask.config``: Config and ConfigAttribute."""

from veloce.config import Config as Config
from veloce.config import ConfigAttribute as ConfigAttribute

__all__ = ["Config", "ConfigAttribute"]

"""``veloce migrate``: a codemod from ``flask``/``werkzeug`` imports to Veloce.

It rewrites imports on a real syntax tree (libcst, the ``veloce[migrate]`` extra,
imported only when the command runs), to ``veloce.compat`` by default or to native
``veloce`` names with ``--native``. Modules: :mod:`~veloce.migrate.native` (the
native-name table), :mod:`~veloce.migrate.targets` (where each import goes),
:mod:`~veloce.migrate.transformer` (the libcst transformer),
:mod:`~veloce.migrate.files` (which files), :mod:`~veloce.migrate.runner` (diff,
write, summary) and :mod:`~veloce.migrate.command` (the click command).
"""

from .command import migrate_command as migrate_command
from .native import NATIVE_NAMES as NATIVE_NAMES
from .runner import MissingLibCST as MissingLibCST
from .runner import migrate_paths as migrate_paths
from .targets import Resolver as Resolver

__all__ = ["NATIVE_NAMES", "MissingLibCST", "Resolver", "migrate_command", "migrate_paths"]

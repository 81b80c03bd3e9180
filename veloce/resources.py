"""Reading files shipped with the app or a blueprint, and the instance folder.

Apps keep data files (``schema.sql``, fixtures) beside their code and find them
through the package directory rather than the working directory, which differs
between ``pytest``, a server and a CLI command. This module gives the app and
blueprints that lookup.

Flask parity: ``open_resource`` (app and blueprints) and ``open_instance_resource``
(app) behave as Flask 3.1's: package resources are read-only, paths are joined as
given.
"""

from __future__ import annotations

import os
import typing as t

__all__ = ["InstanceResources", "PackageResources"]

_READ_MODES = frozenset({"r", "rt", "rb"})


class PackageResources:
    """``open_resource``: open a file relative to :attr:`package_root` for reading."""

    package_root: str

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> t.IO[t.Any]:
        """Open ``resource`` (relative to the package directory) for reading.

        Args:
            resource: a path relative to ``package_root`` (Flask's ``root_path``).
            mode: ``"rb"`` (default), ``"r"`` or ``"rt"``; writing is refused, since a
                package directory may be read-only once installed.
            encoding: the text encoding in text mode (ignored in binary mode).

        Raises:
            ValueError: for any mode that is not a read mode.
        """
        if mode not in _READ_MODES:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.package_root, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)


class InstanceResources:
    """``open_instance_resource``: open a file in the app's instance folder."""

    instance_path: str

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.Any]:
        """Open ``resource`` relative to :attr:`instance_path`, in any mode.

        The instance folder holds per-deployment files (config, a sqlite database),
        so unlike :meth:`PackageResources.open_resource` writing is allowed.
        ``encoding`` applies in text mode only.
        """
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

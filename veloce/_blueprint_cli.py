"""The blueprint's ``cli`` command group and how registration adds it to ``app.cli``."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from veloce.app import Veloce
    from veloce.cli.appgroup import AppGroup

__all__ = ["BlueprintCommands"]


class BlueprintCommands:
    """``Blueprint.cli`` and the ``cli_group`` rules applied at registration."""

    @property
    def cli(self) -> AppGroup:
        """The blueprint's click command group, added to ``app.cli`` on registration.

        Built on first access (importing click then). Where its commands land
        depends on ``cli_group`` (the constructor's, or ``register_blueprint``'s):
        not given, a group named after the blueprint; a string, a group of that
        name; ``None``, directly in the app's group.

        Flask parity: ``Blueprint.cli`` with the same ``cli_group`` rules.
        """
        group: AppGroup | None = self.__dict__.get("_cli")
        if group is None:
            # Deferred so ``import veloce`` does not import click (the spec's rule).
            from veloce.cli.appgroup import AppGroup

            group = self.__dict__["_cli"] = AppGroup()
        return group

    def _register_cli(self, app: Veloce, cli_group: t.Any, name: str, not_given: t.Any) -> None:
        """Add the blueprint's commands to ``app.cli`` as ``cli_group`` says.

        ``not_given`` is the sentinel meaning no group name was chosen: the group
        is then named after the blueprint's (dotted) registration ``name``.
        """
        group: AppGroup | None = self.__dict__.get("_cli")
        if group is None or not group.commands:
            return
        if cli_group is None:
            app.cli.commands.update(group.commands)
            return
        group.name = name if cli_group is not_given else cli_group
        app.cli.add_command(group)

"""``VeloceCliRunner``: click's ``CliRunner`` bound to one app (``app.test_cli_runner()``)."""

from __future__ import annotations

import typing as t

from click.testing import CliRunner, Result

from veloce.cli.discovery import ScriptInfo

if t.TYPE_CHECKING:
    from veloce.app import Veloce

__all__ = ["VeloceCliRunner"]


class VeloceCliRunner(CliRunner):
    """A ``CliRunner`` whose :meth:`invoke` defaults to the app's ``cli`` group.

    Args:
        app: The app whose commands are tested.
        **kwargs: Passed to ``click.testing.CliRunner``.

    Flask parity: ``flask.testing.FlaskCliRunner``.
    """

    def __init__(self, app: Veloce, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any
    ) -> Result:
        """Invoke ``cli`` (default: ``app.cli``) with ``args`` in an isolated environment.

        Unless ``obj`` is given, the command gets a :class:`ScriptInfo` that loads
        this runner's app, so ``with_appcontext`` commands need no ``--app``.
        """
        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)

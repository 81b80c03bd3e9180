"""The app's command-line side: ``app.cli``, ``test_cli_runner``, the shell namespace
and ``security_audit`` (what ``veloce check`` prints).

click is imported on first use of ``app.cli`` / ``test_cli_runner()``, not by
``import veloce``: serving an app never needs it.
"""

from __future__ import annotations

import typing as t

from veloce.globals import g

if t.TYPE_CHECKING:
    from veloce.cli.appgroup import AppGroup
    from veloce.cli.testing import VeloceCliRunner

__all__ = ["CommandLine", "MIN_SECRET_KEY_BYTES", "PLACEHOLDER_SECRET_KEYS"]

#: Shorter secret keys are reported as weak (32 bytes = 256 bits, what
#: ``secrets.token_hex(32)`` gives as text is 64).
MIN_SECRET_KEY_BYTES = 32

#: Values copied from tutorials and templates; reported whatever their length.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "dev",
        "development",
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "changeme",
        "change-me",
        "change_me",
        "default",
        "password",
        "test",
        "testing",
        "key",
        "your-secret-key",
        "super-secret",
        "supersecret",
    }
)


def _secret_key_problem(name: str, key: t.Any) -> str | None:
    """Why ``key`` (the value of config ``name``) is weak, or ``None``."""
    raw = key.encode() if isinstance(key, str) else bytes(key)
    text = raw.decode("utf-8", "replace").strip().lower()
    if text in PLACEHOLDER_SECRET_KEYS:
        return (
            f"{name} is a well-known placeholder value: generate a random one, e.g."
            " secrets.token_hex(32)."
        )
    if len(raw) < MIN_SECRET_KEY_BYTES:
        return (
            f"{name} is weak ({len(raw)} bytes): use at least {MIN_SECRET_KEY_BYTES}"
            " random bytes, e.g. secrets.token_hex(32)."
        )
    if len(set(raw)) < 8:
        return f"{name} has almost no variety (repeated characters): use random bytes."
    return None


class CommandLine:
    """``cli``, ``test_cli_runner``, ``make_shell_context`` and ``security_audit``.

    The app initialises ``shell_context_processors`` and ``config``.
    """

    config: t.Any
    name: str
    shell_context_processors: list[t.Callable[[], dict[str, t.Any]]]

    #: The runner class :meth:`test_cli_runner` builds (``None``: VeloceCliRunner).
    test_cli_runner_class: type[VeloceCliRunner] | None = None

    @property
    def cli(self) -> AppGroup:
        """The app's click command group; ``veloce <command>`` finds its commands.

        Built on first access (importing click then). ``@app.cli.command()``
        commands run in the app context and may be ``async def``.

        Flask parity: ``Flask.cli``, an ``AppGroup`` named after the app.
        """
        group: AppGroup | None = self.__dict__.get("_cli")
        if group is None:
            # Deferred so ``import veloce`` does not import click (the spec's rule).
            from veloce.cli.appgroup import AppGroup

            group = self.__dict__["_cli"] = AppGroup(self.name)
        return group

    def test_cli_runner(self, **kwargs: t.Any) -> VeloceCliRunner:
        """A click ``CliRunner`` whose ``invoke()`` runs this app's commands.

        ``runner.invoke(args=["init-db"])`` runs ``app.cli``'s command with the app
        loaded; pass ``cli=`` to invoke another command. ``kwargs`` go to
        ``click.testing.CliRunner``.

        Flask parity: ``Flask.test_cli_runner`` and ``test_cli_runner_class``.
        """
        cls = self.test_cli_runner_class
        if cls is None:
            from veloce.cli.testing import VeloceCliRunner as cls
        return cls(self, **kwargs)  # type: ignore[arg-type]

    def make_shell_context(self) -> dict[str, t.Any]:
        """The namespace of ``veloce shell``: ``app``, ``g``, then each shell context
        processor's dict in registration order (later ones win).

        Flask parity: ``Flask.make_shell_context``.
        """
        namespace: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            namespace.update(processor())
        return namespace

    def security_audit(self) -> list[str]:
        """Human-readable warnings about the app's security settings; empty if none.

        ``veloce check`` prints them and exits non-zero when there are any. Checks:

        * ``SECRET_KEY`` unset, a well-known placeholder (``"dev"``, ``"secret"``,
          ...), shorter than 32 bytes, or with almost no variety; the same for each
          of ``SECRET_KEY_FALLBACKS``;
        * ``DEBUG`` on (debug pages show tracebacks and code);
        * ``TESTING`` on (errors propagate instead of becoming 500 responses);
        * ``SESSION_COOKIE_SECURE`` off (the session cookie travels over HTTP);
        * ``SESSION_COOKIE_HTTPONLY`` off (page scripts can read the cookie);
        * ``SESSION_COOKIE_SAMESITE`` unset, not one of ``Strict``/``Lax``/``None``,
          or ``None`` without ``Secure`` (browsers drop such cookies).
        """
        config = self.config
        findings: list[str] = []
        key = config.get("SECRET_KEY")
        if not key:
            findings.append(
                "SECRET_KEY is not set: sessions and flashed messages cannot be signed."
            )
        else:
            problem = _secret_key_problem("SECRET_KEY", key)
            if problem:
                findings.append(problem)
        fallbacks = config.get("SECRET_KEY_FALLBACKS") or ()
        for index, fallback in enumerate(fallbacks):
            problem = _secret_key_problem(f"SECRET_KEY_FALLBACKS[{index}]", fallback or b"")
            if problem:
                findings.append(problem)
        if config.get("DEBUG"):
            findings.append(
                "DEBUG is on: error pages show tracebacks and source code to clients;"
                " turn it off in production."
            )
        if config.get("TESTING"):
            findings.append(
                "TESTING is on: exceptions propagate instead of becoming 500 responses;"
                " turn it off in production."
            )
        secure = bool(config.get("SESSION_COOKIE_SECURE"))
        if not secure:
            findings.append(
                "SESSION_COOKIE_SECURE is off: the session cookie is also sent over plain"
                " HTTP; set it to True when serving over HTTPS."
            )
        if not config.get("SESSION_COOKIE_HTTPONLY"):
            findings.append(
                "SESSION_COOKIE_HTTPONLY is off: scripts in the page can read the session"
                " cookie."
            )
        findings.extend(_samesite_findings(config.get("SESSION_COOKIE_SAMESITE"), secure))
        return findings


def _samesite_findings(samesite: t.Any, secure: bool) -> list[str]:
    """The ``SESSION_COOKIE_SAMESITE`` findings (see :meth:`CommandLine.security_audit`)."""
    if not samesite:
        return [
            "SESSION_COOKIE_SAMESITE is not set: the session cookie is sent with"
            " cross-site requests; set it to 'Lax' or 'Strict'."
        ]
    value = str(samesite).capitalize()
    if value not in ("Strict", "Lax", "None"):
        return [
            f"SESSION_COOKIE_SAMESITE is {samesite!r}: browsers only understand 'Strict',"
            " 'Lax' and 'None'."
        ]
    if value == "None" and not secure:
        return [
            "SESSION_COOKIE_SAMESITE is 'None' without SESSION_COOKIE_SECURE: browsers"
            " reject such cookies."
        ]
    return []

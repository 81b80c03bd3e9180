"""The ``veloce`` console script.

The full command line (``veloce run``, ``routes``, ``shell``, app discovery) is
built in its own issue; until then the script explains how to serve an app.
"""

from __future__ import annotations

import sys

__all__ = ["main"]

USAGE = """\
Usage: veloce [--help]

Veloce is an ASGI application framework. Serve an app with any ASGI server:

    uvicorn your_module:app

The 'veloce run' / 'routes' / 'shell' commands are not available in this version.
"""


def main(argv: list[str] | None = None) -> int:
    """Print usage; exit 0 for ``--help`` / no arguments, 2 for anything else."""
    args = sys.argv[1:] if argv is None else argv
    sys.stdout.write(USAGE)
    if not args or args[0] in {"-h", "--help"}:
        return 0
    sys.stderr.write(f"veloce: unknown command {args[0]!r}\n")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

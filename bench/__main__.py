"""Entry point of ``python -m bench``."""

from __future__ import annotations

import sys

from bench.runner import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())

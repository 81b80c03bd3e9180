"""``python -m veloce`` runs the ``veloce`` command line."""

import sys

from veloce.cli import main

sys.exit(main())

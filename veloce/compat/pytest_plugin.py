"""A pytest plugin that runs a Flask project's test suite on Veloce.

``pytest -p veloce.compat.pytest_plugin`` (or ``PYTEST_PLUGINS=veloce.compat.pytest_plugin``
in the environment) installs the ``flask``/``werkzeug`` aliases when pytest loads
plugins, before any test module or ``conftest.py`` is imported, so ``from flask
import Flask`` in the project's code and tests gets Veloce.
"""

from __future__ import annotations

from veloce.compat import install

install()

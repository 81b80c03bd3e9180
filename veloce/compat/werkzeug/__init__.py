"""Veloce's stand-in for the parts of ``werkzeug`` that Flask apps import.

Each submodule mirrors a Werkzeug module and re-exports Veloce's implementation
under Werkzeug's names; missing names are listed in migration-guide/differences.md.
"""

"""``flask.json``: dumps/loads through the app's provider, and jsonify."""

from veloce.json import dump as dump
from veloce.json import dumps as dumps
from veloce.json import jsonify as jsonify
from veloce.json import load as load
from veloce.json import loads as loads

__all__ = ["dump", "dumps", "jsonify", "load", "loads"]

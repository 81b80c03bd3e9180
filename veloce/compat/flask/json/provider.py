"""``flask.json.provider``: the JSON provider classes."""

from veloce.json.provider import DefaultJSONProvider as DefaultJSONProvider
from veloce.json.provider import JSONProvider as JSONProvider

__all__ = ["DefaultJSONProvider", "JSONProvider"]

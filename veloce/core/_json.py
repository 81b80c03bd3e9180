"""``json.loads`` semantics at orjson speed, shared by responses and the JSON provider.

orjson parses the common case. Inputs it reads differently from the standard library
are sent to :func:`json.loads` instead: integers of 19+ digits (orjson turns values past
64 bits into floats) are caught by a scan before parsing, and everything else orjson
rejects while Python accepts (``NaN``, ``1e400``, lone surrogate escapes, a UTF-8 BOM or
UTF-16/32 bytes) makes orjson raise, so the standard library then returns Python's
result or raises Python's error.
"""

from __future__ import annotations

import json
import re
import typing as t

import orjson

__all__ = ["loads"]

_LONG_NUMBER_BYTES = re.compile(rb"[0-9]{19}")
_LONG_NUMBER_STR = re.compile(r"[0-9]{19}")


def loads(data: str | bytes | bytearray) -> t.Any:
    """Parse JSON exactly as :func:`json.loads` would, using orjson when that is safe."""
    kind = type(data)
    if kind is bytes or kind is bytearray:
        if _LONG_NUMBER_BYTES.search(data) is None:  # type: ignore[arg-type]
            try:
                return orjson.loads(data)
            except orjson.JSONDecodeError:
                pass
    elif kind is str:
        if _LONG_NUMBER_STR.search(data) is None:  # type: ignore[arg-type]
            try:
                return orjson.loads(data)
            except orjson.JSONDecodeError:
                pass
    return json.loads(data)

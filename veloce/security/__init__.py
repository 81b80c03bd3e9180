"""Security helpers: signed tokens, password hashing and constant-time comparison."""

from __future__ import annotations

from .passwords import constant_time_compare as constant_time_compare
from .passwords import hash_password as hash_password
from .passwords import hash_password_async as hash_password_async
from .passwords import is_strong_password as is_strong_password
from .passwords import verify_password as verify_password
from .passwords import verify_password_async as verify_password_async
from .signing import BadData as BadData
from .signing import BadSignature as BadSignature
from .signing import BadTimeSignature as BadTimeSignature
from .signing import Signer as Signer

__all__ = [
    "BadData",
    "BadSignature",
    "BadTimeSignature",
    "Signer",
    "constant_time_compare",
    "hash_password",
    "hash_password_async",
    "is_strong_password",
    "verify_password",
    "verify_password_async",
]

"""``werkzeug.security``: ``safe_join`` (password hashing arrives with sessions)."""

from veloce.core.filenames import safe_join as safe_join

__all__ = ["safe_join"]

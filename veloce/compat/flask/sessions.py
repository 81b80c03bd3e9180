"""``flask.sessions``: the cookie session interface and session classes."""

from veloce.sessions import NullSession as NullSession
from veloce.sessions import SecureCookieSession as SecureCookieSession
from veloce.sessions import SecureCookieSessionInterface as SecureCookieSessionInterface
from veloce.sessions import SessionInterface as SessionInterface
from veloce.sessions import SessionMixin as SessionMixin
from veloce.sessions import session_json_serializer as session_json_serializer

__all__ = [
    "NullSession",
    "SecureCookieSession",
    "SecureCookieSessionInterface",
    "SessionInterface",
    "SessionMixin",
    "session_json_serializer",
]

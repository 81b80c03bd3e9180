"""Server-side session stores for :class:`~veloce.middleware.sessions.ServerSessionMiddleware`.

``RedisSessionStore`` needs the ``redis`` extra; importing this package does not
import redis.
"""

from .base import SessionStore as SessionStore
from .memory import InMemorySessionStore as InMemorySessionStore
from .redis import RedisSessionStore as RedisSessionStore

__all__ = ["InMemorySessionStore", "RedisSessionStore", "SessionStore"]

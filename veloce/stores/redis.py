"""A Redis-backed session store, shared by every worker and machine using the server.

``redis`` (redis-py, its ``redis.asyncio`` client) is an optional dependency: it is
imported when a store is built from a URL, never by ``import veloce``. Install it with
``pip install 'veloce[redis]'``.
"""

from __future__ import annotations

import asyncio
import typing as t

from veloce.sessions import session_json_serializer
from veloce.stores.base import SessionStore, check_max_age

__all__ = ["RedisSessionStore"]


def _redis_asyncio() -> t.Any:
    try:
        from redis import asyncio as redis_asyncio
    except ImportError as e:
        raise RuntimeError("install 'veloce[redis]' to use RedisSessionStore") from e
    return redis_asyncio


class RedisSessionStore(SessionStore):
    """Session payloads in Redis, one key per session with a Redis-side expiry.

    Each session is one string key, ``prefix + session_id``, written with
    ``SET ... EX max_age`` so Redis expires it on its own. :meth:`replace` is a
    single ``SET ... EX max_age XX`` (set only if the key exists): the existence check
    and the write are one atomic command, so a revocation cannot be undone by a
    request that was already in flight.

    Args:
        url: a ``redis://`` / ``rediss://`` / ``unix://`` URL, or an already built
            ``redis.asyncio.Redis`` client (the caller then owns and closes it).
        prefix: put in front of every session id, to share a database with other data.
        serializer: an object with ``dumps(obj) -> str`` and ``loads(str | bytes) -> obj``;
            the default is the tagged JSON of Flask's cookie sessions.
        **client_options: passed to ``redis.asyncio.from_url`` (``socket_timeout``,
            ``max_connections``, ...) when ``url`` is a string.

    A store built from a URL creates its client on first use, bound to the event loop
    running then (redis-py connections belong to one loop), and :meth:`aclose` closes
    it; call that at shutdown (an ``on_shutdown`` handler). Use one store per loop.

    Raises:
        RuntimeError: redis-py is not installed (``install 'veloce[redis]' ...``).
    """

    def __init__(
        self,
        url: str | t.Any = "redis://localhost:6379/0",
        *,
        prefix: str = "veloce:session:",
        serializer: t.Any = session_json_serializer,
        **client_options: t.Any,
    ) -> None:
        self.prefix = prefix
        self.serializer = serializer
        self._loop: asyncio.AbstractEventLoop | None = None
        if isinstance(url, str):
            # Imported now, so a missing extra fails at configuration, not mid-request.
            self._module: t.Any = _redis_asyncio()
            self._url: str | None = url
            self._client_options = client_options
            self._client: t.Any = None
        else:
            if client_options:
                raise TypeError(
                    "client options are only accepted with a URL; configure the given"
                    " client yourself"
                )
            self._module = None
            self._url = None
            self._client_options = {}
            self._client = url

    @property
    def client(self) -> t.Any:
        """The ``redis.asyncio.Redis`` client in use (created on first access from a URL)."""
        client = self._client
        if client is None:
            client = self._client = self._module.from_url(self._url, **self._client_options)
            self._loop = asyncio.get_running_loop()
        elif self._url is not None and self._loop is not asyncio.get_running_loop():
            raise RuntimeError(
                "this RedisSessionStore's connections belong to another event loop;"
                " await store.aclose() on that loop first, or use one store per loop"
            )
        return client

    def _key(self, session_id: str) -> str:
        return self.prefix + session_id

    async def read(self, session_id: str) -> dict[str, t.Any] | None:
        """``GET``: the payload, or ``None`` when absent, expired, revoked or unreadable.

        A value that does not decode (written by something else under the prefix) is
        treated like a tampered cookie: no session.
        """
        raw = await self.client.get(self._key(session_id))
        if raw is None:
            return None
        try:
            data = self.serializer.loads(raw)
        except (ValueError, TypeError, KeyError):
            return None
        return data if isinstance(data, dict) else None

    async def write(self, session_id: str, data: dict[str, t.Any], max_age: int) -> None:
        """``SET key payload EX max_age``."""
        seconds = check_max_age(max_age)
        await self.client.set(self._key(session_id), self.serializer.dumps(dict(data)), ex=seconds)

    async def delete(self, session_id: str) -> None:
        """``DEL key``: the session is revoked on every worker at once."""
        await self.client.delete(self._key(session_id))

    async def replace(self, session_id: str, data: dict[str, t.Any], max_age: int) -> bool:
        """``SET key payload EX max_age XX``: write only if the key still exists (atomic)."""
        seconds = check_max_age(max_age)
        done = await self.client.set(
            self._key(session_id), self.serializer.dumps(dict(data)), ex=seconds, xx=True
        )
        return bool(done)

    async def aclose(self) -> None:
        """Close the client this store created (a client passed in is left open)."""
        client = self._client
        if client is None or self._url is None:
            return
        self._client = None
        self._loop = None
        # redis-py 5.0.0 only has the async ``close``; later versions name it ``aclose``.
        close = getattr(client, "aclose", None) or client.close
        await close()

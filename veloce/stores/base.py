"""The interface every server-side session backend implements.

:class:`~veloce.middleware.sessions.ServerSessionMiddleware` keeps only an opaque id in
the cookie and the payload here, keyed by that id. Keeping the payload server-side is
what makes a session revocable: deleting the id ends the session wherever the cookie is.
"""

from __future__ import annotations

import abc
import typing as t

__all__ = ["SessionStore", "check_max_age"]


def check_max_age(max_age: int) -> int:
    """Return ``max_age`` as whole seconds, refusing lifetimes a store cannot honour.

    Raises:
        ValueError: ``max_age`` is below one second (Redis ``SET EX`` rejects 0, and a
            session that is born expired would silently never persist).
    """
    seconds = int(max_age)
    if seconds < 1:
        raise ValueError(f"a session's max_age must be at least 1 second, got {max_age!r}")
    return seconds


class SessionStore(abc.ABC):
    """Server-side session backend: payloads keyed by an opaque session id.

    ``ServerSessionMiddleware`` drives it. The methods are async so a network-backed
    store (Redis, a database) can implement them without blocking the event loop; the
    bundled :class:`~veloce.stores.memory.InMemorySessionStore` satisfies the contract
    without real awaiting. Payloads are plain dicts; how they are encoded is the
    store's business.

    Concurrency: requests of one client may run at the same time, so a store must
    tolerate interleaved calls for the same id. :meth:`replace` is the write the
    middleware uses for a session that already exists, so a request still in flight
    cannot resurrect a session a concurrent :meth:`delete` removed.
    """

    @abc.abstractmethod
    async def read(self, session_id: str) -> dict[str, t.Any] | None:
        """Return the stored payload, or ``None`` when absent, expired or revoked."""

    @abc.abstractmethod
    async def write(self, session_id: str, data: dict[str, t.Any], max_age: int) -> None:
        """Store ``data`` under ``session_id`` (creating or overwriting it).

        Args:
            session_id: the opaque id the cookie carries.
            data: the session payload.
            max_age: seconds until the entry expires (at least 1).
        """

    @abc.abstractmethod
    async def delete(self, session_id: str) -> None:
        """Revoke ``session_id``: a later :meth:`read` of it returns ``None``."""

    async def replace(self, session_id: str, data: dict[str, t.Any], max_age: int) -> bool:
        """Write ``data`` for ``session_id`` only if the id still exists.

        Returns ``True`` on success, ``False`` (writing nothing) when the id is absent
        because it was revoked or expired.

        This default reads, then writes: a delete landing between the two is undone.
        A store with an atomic conditional write (Redis ``SET ... XX``, an SQL
        ``UPDATE``) overrides it to close that window.
        """
        if await self.read(session_id) is None:
            return False
        await self.write(session_id, data, max_age)
        return True

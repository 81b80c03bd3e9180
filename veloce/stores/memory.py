"""A process-local session store: a dict with per-entry expiry."""

from __future__ import annotations

import time
import typing as t

from veloce.sessions import session_json_serializer
from veloce.stores.base import SessionStore, check_max_age

__all__ = ["InMemorySessionStore"]

# The store never sweeps a dict smaller than this: below it, expired entries cost
# less memory than scanning for them costs time.
_MIN_SWEEP = 1024


class InMemorySessionStore(SessionStore):
    """A process-local :class:`~veloce.stores.base.SessionStore` with per-entry expiry.

    Fine for a single-process app and for tests. It shares nothing across workers, so
    a multi-worker deployment needs a shared backend such as
    :class:`~veloce.stores.redis.RedisSessionStore`.

    Payloads are stored encoded with the session serializer (the tagged JSON of
    Flask's cookie sessions), as a network store would store them: a value that would
    not survive Redis fails here too, in development, and a payload read back is a
    fresh copy that later in-place edits cannot reach.

    Every method completes without awaiting, so :meth:`replace` is atomic on the
    event loop; nothing can interleave between its existence check and its write.

    Args:
        serializer: an object with ``dumps(obj) -> str`` and ``loads(str) -> obj``.
        clock: seconds on a monotonic scale; tests pass a fake clock to expire entries.
    """

    def __init__(
        self,
        *,
        serializer: t.Any = session_json_serializer,
        clock: t.Callable[[], float] = time.monotonic,
    ) -> None:
        self.serializer = serializer
        self._clock = clock
        # session id -> (deadline on the clock's scale, encoded payload)
        self._entries: dict[str, tuple[float, str]] = {}
        self._sweep_at = _MIN_SWEEP

    def _live(self, session_id: str) -> tuple[float, str] | None:
        entry = self._entries.get(session_id)
        if entry is not None and entry[0] <= self._clock():
            del self._entries[session_id]
            return None
        return entry

    async def read(self, session_id: str) -> dict[str, t.Any] | None:
        """The payload stored under ``session_id``; ``None`` once expired or deleted."""
        entry = self._live(session_id)
        if entry is None:
            return None
        return self.serializer.loads(entry[1])  # type: ignore[no-any-return]

    async def write(self, session_id: str, data: dict[str, t.Any], max_age: int) -> None:
        """Store ``data`` for ``max_age`` seconds from now, replacing any entry."""
        self._put(session_id, data, max_age)

    async def delete(self, session_id: str) -> None:
        """Forget ``session_id``; deleting an unknown id is not an error."""
        self._entries.pop(session_id, None)

    async def replace(self, session_id: str, data: dict[str, t.Any], max_age: int) -> bool:
        """Overwrite ``session_id`` if it is still stored (atomic: no await inside)."""
        if self._live(session_id) is None:
            return False
        self._put(session_id, data, max_age)
        return True

    def purge_expired(self) -> int:
        """Drop every expired entry now; returns how many were dropped.

        Writes call it on their own once the store has doubled since the last sweep,
        so memory stays bounded by the live sessions without a timer task.
        """
        now = self._clock()
        expired = [key for key, (deadline, _) in self._entries.items() if deadline <= now]
        for key in expired:
            del self._entries[key]
        return len(expired)

    def __len__(self) -> int:
        """The number of live (unexpired) sessions."""
        self.purge_expired()
        return len(self._entries)

    def _put(self, session_id: str, data: dict[str, t.Any], max_age: int) -> None:
        seconds = check_max_age(max_age)
        encoded = self.serializer.dumps(dict(data))
        entries = self._entries
        entries[session_id] = (self._clock() + seconds, encoded)
        if len(entries) >= self._sweep_at:
            self.purge_expired()
            self._sweep_at = max(_MIN_SWEEP, 2 * len(entries))

"""Read and write back-pressure for one connection.

Why: a slow client must not make the server buffer an unbounded streaming response,
and a fast uploader must not fill memory while the app is not reading. The transport
tells us when its write buffer passes its high-water mark (``pause_writing``); ``send``
then waits on :meth:`FlowControl.drain`. Reading is paused while an unread request body
is above :data:`READ_HIGH_WATER` and resumed when the app asks for more.
"""

from __future__ import annotations

import asyncio

__all__ = ["READ_HIGH_WATER", "FlowControl"]

READ_HIGH_WATER = 65536


class FlowControl:
    """Pause/resume flags for one transport, plus an event ``send`` can wait on."""

    __slots__ = ("_transport", "_writable", "read_paused", "write_paused")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self.read_paused = False
        self.write_paused = False
        self._writable = asyncio.Event()
        self._writable.set()

    async def drain(self) -> None:
        """Wait until the transport's write buffer has drained below its low-water mark."""
        await self._writable.wait()

    def pause_reading(self) -> None:
        """Stop reading from the socket (idempotent)."""
        if not self.read_paused:
            self.read_paused = True
            self._transport.pause_reading()

    def resume_reading(self) -> None:
        """Resume reading from the socket (idempotent)."""
        if self.read_paused:
            self.read_paused = False
            self._transport.resume_reading()

    def pause_writing(self) -> None:
        """Called through the protocol when the write buffer passes the high-water mark."""
        if not self.write_paused:
            self.write_paused = True
            self._writable.clear()

    def resume_writing(self) -> None:
        """Called when the buffer drains, and on disconnect so no writer waits forever."""
        if self.write_paused:
            self.write_paused = False
            self._writable.set()

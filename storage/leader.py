"""Which instance is the scheduler leader: at most one at a time runs the timers.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own, so it
leads exactly as long as that session lives: if the process dies its socket closes, and if its
machine vanishes the server's TCP keepalives end the session within seconds; either way the
lock is free for the next instance that asks. SQLite serves one process, which always leads.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Protocol

import asyncpg

from storage.postgres import MIGRATION_LOCK, is_url

logger = logging.getLogger(__name__)

LEADER_LOCK = MIGRATION_LOCK + 1
# The server drops a silent client after 2 s idle and 3 unanswered probes 1 s apart: 5 s; with
# the others asking every 3 s (bot/leader.py), a new leader within 10 s of the machine vanishing.
KEEPALIVES = {
    "tcp_keepalives_idle": "2",
    "tcp_keepalives_interval": "1",
    "tcp_keepalives_count": "3",
}
# A leader that cannot reach its own session within this long stops leading.
PING_TIMEOUT = 5.0


class Leadership(Protocol):
    """Asked again every few seconds (unless ``lasting``): whether this instance leads now."""

    lasting: bool

    async def acquire(self) -> bool:
        """Lead if no one else does; True while this instance leads."""
        ...

    async def close(self) -> None:
        """Stop leading (another instance may take over at once)."""
        ...


class SoleLeader:
    """SQLite: the one process always leads."""

    lasting = True  # once it leads, it always will: nobody need ask again

    async def acquire(self) -> bool:
        """Always True."""
        return True

    async def close(self) -> None:
        """Nothing to let go."""


class LockLeader:
    """PostgreSQL: leads while its own connection holds the leader's advisory lock."""

    lasting = False

    def __init__(self, url: str) -> None:
        self._url = url
        self._conn: asyncpg.Connection | None = None
        self._held = False

    async def acquire(self) -> bool:
        """Take the lock if it is free, or check the session that holds it is still alive."""
        try:
            if self._conn is None:
                self._conn = await asyncpg.connect(
                    self._url, server_settings=KEEPALIVES, timeout=PING_TIMEOUT
                )
            sql = "SELECT true" if self._held else "SELECT pg_try_advisory_lock($1)"
            args = () if self._held else (LEADER_LOCK,)
            self._held = bool(await self._conn.fetchval(sql, *args, timeout=PING_TIMEOUT))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            if self._held:
                logger.warning("lost the scheduler leader's session: %s", error)
            await self.close()
        return self._held

    async def close(self) -> None:
        """Close the session: the lock, if held, is released with it."""
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            try:
                await asyncio.wait_for(conn.close(), PING_TIMEOUT)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                conn.terminate()


def leadership_for(target: Path | str) -> Leadership:
    """The leadership of the database ``target`` (a ``postgresql://…`` URL or a SQLite path)."""
    return LockLeader(str(target)) if is_url(target) else SoleLeader()

"""Which instance is the scheduler leader, how the others reach it, how many instances run.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own, so it
leads exactly as long as that session lives: if the process dies its socket closes, and if its
machine vanishes the server's TCP keepalives end the session within seconds; either way the
lock is free for the next instance that asks. The same session listens for the notices of
instances that do not lead (``tell``). Every instance names its sessions
(``storage.postgres.session_name``), so the instances alive are counted from the server's list
of sessions. SQLite serves one process, which always leads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from storage.postgres import KEEPALIVES, MIGRATION_LOCK, SESSION_PREFIX, is_url, session_name

logger = logging.getLogger(__name__)

LEADER_LOCK = MIGRATION_LOCK + 1
# A leader that cannot reach its own session within this long stops leading.
PING_TIMEOUT = 5.0
# The channel of the notices to the leader.
CHANNEL = "branchbot_leader"
# The instances with a session on this database (the pool keeps one open at all times).
_INSTANCES = (
    "SELECT count(DISTINCT application_name) FROM pg_stat_activity"
    " WHERE datname = current_database() AND application_name LIKE $1"
)
_ASK = "SELECT pg_try_advisory_lock($2), (" + _INSTANCES + ")"
_CHECK = "SELECT true, (" + _INSTANCES + ")"
_OURS = SESSION_PREFIX + "%"

Heard = Callable[[str], None]


class Leadership(Protocol):
    """Asked again every few seconds (unless ``lasting``): whether this instance leads now."""

    lasting: bool
    instances: int  # how many instances share the database, as of the last ``acquire``

    async def acquire(self) -> bool:
        """Lead if no one else does; True while this instance leads."""
        ...

    def listen(self, heard: Heard) -> None:
        """While this instance leads, pass it every notice ``tell`` sends."""
        ...

    async def tell(self, notice: str) -> None:
        """Send a notice to whichever instance leads (lost if none does at that moment)."""
        ...

    async def close(self) -> None:
        """Stop leading (another instance may take over at once)."""
        ...


class SoleLeader:
    """SQLite: the one process always leads."""

    lasting = True  # once it leads, it always will: nobody need ask again
    instances = 1

    async def acquire(self) -> bool:
        """Always True."""
        return True

    def listen(self, heard: Heard) -> None:
        """No other instance sends notices."""

    async def tell(self, notice: str) -> None:
        """The one process leads: it acts itself and never tells."""

    async def close(self) -> None:
        """Nothing to let go."""


class LockLeader:
    """PostgreSQL: leads while its own connection holds the leader's advisory lock."""

    lasting = False

    def __init__(self, url: str, instance: str = "") -> None:
        self._url = url
        self._instance = instance
        self._conn: asyncpg.Connection | None = None
        self._held = False
        self._heard: Heard | None = None
        self._using = asyncio.Lock()  # one statement at a time on the connection
        self.instances = 1

    async def acquire(self) -> bool:
        """Take the lock if it is free, or check the session that holds it is still alive."""
        async with self._using:
            try:
                conn = await self._connected()
                held, instances = await conn.fetchrow(
                    *((_CHECK, _OURS) if self._held else (_ASK, _OURS, LEADER_LOCK)),
                    timeout=PING_TIMEOUT,
                )
                self.instances = max(1, instances)
                if held and not self._held and self._heard is not None:
                    await conn.add_listener(CHANNEL, self._notified)
                self._held = bool(held)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
                if self._held:
                    logger.warning("lost the scheduler leader's session: %s", error)
                await self._close()
        return self._held

    def listen(self, heard: Heard) -> None:
        """Pass notices to ``heard`` from the next time the lock is taken."""
        self._heard = heard

    async def tell(self, notice: str) -> None:
        """NOTIFY the leader's channel; a failure is logged (the leader rebuilds at start)."""
        async with self._using:
            try:
                conn = await self._connected()
                await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, notice)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
                logger.warning("a notice to the scheduler leader was lost: %s", error)
                await self._close()

    async def close(self) -> None:
        """Close the session: the lock, if held, is released with it."""
        async with self._using:
            await self._close()

    async def _connected(self) -> asyncpg.Connection:
        if self._conn is None:
            settings = {**KEEPALIVES, "application_name": session_name(self._instance)}
            self._conn = await asyncpg.connect(
                self._url, server_settings=settings, timeout=PING_TIMEOUT
            )
        return self._conn

    def _notified(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        if self._held and self._heard is not None:
            self._heard(payload)

    async def _close(self) -> None:
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            try:
                await asyncio.wait_for(conn.close(), PING_TIMEOUT)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                conn.terminate()


def leadership_for(target: Path | str, instance: str = "") -> Leadership:
    """The leadership of the database ``target`` (a ``postgresql://…`` URL or a SQLite path)."""
    return LockLeader(str(target), instance) if is_url(target) else SoleLeader()

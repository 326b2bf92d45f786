"""SQLite: one aiosqlite connection, serialized transactions and ``user_version`` migrations.

One connection does not isolate coroutines from each other: whatever one coroutine executes
between another's BEGIN and COMMIT becomes part of that transaction. Every statement therefore
runs under one ``asyncio.Lock``, owned for a whole transaction by the task that opened it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.db import (
    MIGRATIONS_DIR,
    SQLITE,
    DatabaseUnavailable,
    MigrationError,
    Params,
    Row,
    create_private_file,
    make_private_dir,
    nested_scope,
    pending_migrations,
    tighten,
)

logger = logging.getLogger(__name__)

# FULL: in WAL mode, NORMAL may roll back the last commits after a power loss, and branchbot
# confirms a check-in only once it is committed ("nothing acknowledged is ever lost"). FULL
# costs one WAL fsync per commit, which the single-writer design can afford.
SYNCHRONOUS = "FULL"
BUSY_TIMEOUT_MS = 5000

# SQLite gives its -wal and -shm files the database file's mode; older ones are tightened too.
_COMPANIONS = ("-wal", "-shm", "-journal")


class SqliteDatabase:
    """The shared connection and the lock that serializes its users."""

    dialect = SQLITE
    integrity_error = sqlite3.IntegrityError

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._scope: int | None = None  # the branch of the open transaction, if it has one
        self._depth = 0

    @classmethod
    async def open(cls, path: Path | str) -> SqliteDatabase:
        """Open (creating if needed) the database file and set the per-connection pragmas.

        The file, and the folders created for it, are the bot's alone (0600, 0700), whatever
        the umask: the database holds members' names and leave reasons.
        """
        try:
            if str(path) != ":memory:":
                await asyncio.to_thread(_private_database_file, Path(path))
            # isolation_level=None: the sqlite3 module must not open transactions on its own;
            # transaction() issues BEGIN/COMMIT itself.
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseUnavailable(
                f"the SQLite file {path}: {exc}: check BRANCHBOT_DB or storage.path (a folder on"
                " a local disk the bot's user may write to)"
            ) from None
        conn.row_factory = sqlite3.Row
        # Pragmas are per connection (except journal_mode) and are ignored inside a
        # transaction, so they are set here, before anything else runs.
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        return cls(conn)

    async def close(self) -> None:
        """Close the connection and stop its worker thread."""
        await self._conn.close()

    def _holds_lock(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def transaction(self, scope: int | None = None) -> AsyncIterator[None]:
        """Run the block as one transaction: committed if it ends, rolled back if it raises.

        Nested use within the same task becomes a SAVEPOINT. Cancellation rolls back too, so
        a cancelled handler never leaves the connection inside an open transaction. SQLite
        has one writer: ``scope`` changes nothing but is checked as PostgreSQL checks it.
        """
        if self._holds_lock():
            nested_scope(self._scope, scope)
            async with self._savepoint():
                yield
            return
        async with self._lock:
            self._owner, self._scope = asyncio.current_task(), scope
            try:
                # IMMEDIATE takes the write lock now: a deferred read-then-write transaction
                # could fail with SQLITE_BUSY against another process's writer.
                await self._conn.execute("BEGIN IMMEDIATE")
                yield
            except BaseException:
                await self._finish("ROLLBACK")
                raise
            else:
                try:
                    await self._finish("COMMIT")
                except BaseException:
                    await self._finish("ROLLBACK")
                    raise
            finally:
                self._owner = self._scope = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self._depth += 1
        name = f"sp{self._depth}"
        try:
            await self._conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                await self._finish(f"ROLLBACK TO {name}")
                await self._finish(f"RELEASE {name}")
                raise
            await self._conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    async def _finish(self, statement: str) -> None:
        """Run COMMIT/ROLLBACK even if the awaiting task is being cancelled.

        The connection's worker runs requests in order, so a statement already queued still
        precedes whatever the next lock holder sends.
        """
        try:
            await asyncio.shield(self._conn.execute(statement))
        except sqlite3.OperationalError:
            if statement.startswith("ROLLBACK") and not self._conn.in_transaction:
                return  # BEGIN never ran, or COMMIT already did: nothing to undo.
            raise

    @asynccontextmanager
    async def _access(self) -> AsyncIterator[None]:
        """Single statements outside transaction() still wait for any open transaction."""
        if self._holds_lock():
            yield
        else:
            async with self._lock:
                yield

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the number of rows it changed."""
        async with self._access():
            cursor = await self._conn.execute(sql, params)
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""
        async with self._access():
            await self._conn.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Return the first row of a query, or None."""
        async with self._access():
            cursor = await self._conn.execute(sql, params)
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row of a query."""
        async with self._access():
            return list(await self._conn.execute_fetchall(sql, params))

    async def backup(self, target: Path) -> None:
        """Copy the live database to ``target`` with SQLite's online backup.

        The copy is consistent: it runs on the connection's own thread, between statements,
        and waits for any open transaction.
        """
        create_private_file(target)
        copy = sqlite3.connect(target, check_same_thread=False)
        try:
            async with self._access():
                await self._conn.backup(copy)
        finally:
            copy.close()

    async def pragma(self, name: str) -> Any:
        """Return a pragma's current value (``name`` is a constant, never user input)."""
        row = await self.fetch_one(f"PRAGMA {name}")
        return row[0] if row else None

    async def describe(self) -> str:
        """The journal mode and synchronous setting, for the start-up log."""
        return (
            f"SQLite (journal_mode={await self.pragma('journal_mode')},"
            f" synchronous={await self.pragma('synchronous')})"
        )

    async def migrate(self, directory: Path | None = None, target: int | None = None) -> int:
        """Apply every numbered migration above ``user_version``, each in one transaction.

        Args:
            directory: the folder of ``NNNN_name.sql`` files (SQLite's by default).
            target: stop after this version (tests build old databases with it).

        Returns:
            The version the database is at afterwards.

        Raises:
            MigrationError: a file failed; it was rolled back, earlier ones stay applied.
        """
        directory = directory or MIGRATIONS_DIR / self.dialect.name
        async with self._lock:
            version = int((await (await self._conn.execute("PRAGMA user_version")).fetchone())[0])
            for number, path in pending_migrations(directory, version):
                if target is not None and number > target:
                    break
                # executescript() commits any open transaction before it starts, so BEGIN and
                # the version bump are part of the script: the file and its number commit
                # together or not at all.
                script = (
                    f"BEGIN IMMEDIATE;\n{path.read_text(encoding='utf-8')}\n;"
                    f"\nPRAGMA user_version = {number};\nCOMMIT;"
                )
                try:
                    await self._conn.executescript(script)
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise MigrationError(f"{path.name}: {exc}") from exc
                logger.info("applied migration %s", path.name)
                version = number
            return version


def _private_database_file(path: Path) -> None:
    """Make the database file (created empty if new) and its companions owner-only.

    SQLite creates a database file 0644 less the umask; one created here first keeps 0600,
    and the -wal and -shm files SQLite makes beside it copy that mode.
    """
    make_private_dir(path.parent)
    create_private_file(path)
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            tighten(companion)

"""PostgreSQL through an asyncpg pool, with the SQLite backend's semantics.

The repositories were written for SQLite's single writer: a transaction that reads and then
writes is never interleaved with another writer's. Every ``transaction()`` here therefore
starts by taking one transaction-level advisory lock, shared by every instance on the
database, so those blocks stay correct without auditing each one; conditional updates remain
the main guard. The busiest blocks (a check-in, a member seen in a group) touch one branch's
rows only and say so (``scope``): they hold that lock shared and their branch's exclusive, so
different branches' check-ins run side by side while anything unscoped still waits for them
all. Statements outside a transaction run on any pooled connection, as autocommit.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from storage.db import (
    MIGRATIONS_DIR,
    POSTGRESQL,
    DatabaseUnavailable,
    MigrationError,
    Params,
    Row,
    nested_scope,
    pending_migrations,
)

logger = logging.getLogger(__name__)

# Advisory lock keys (any bigint; these spell "branchbot" and its migrations in hex-ish).
WRITE_LOCK = 0x0B4A_4C4B_0001
MIGRATION_LOCK = 0x0B4A_4C4B_0002
# A branch's lock is the pair (BRANCH_LOCKS, branch id): the two-key form, its own key space.
BRANCH_LOCKS = 0x0B4A
POOL_SIZE = 10
URL_SCHEMES = ("postgresql", "postgres")
# What connecting raises for a server, database, role or URL that will not do.
UNAVAILABLE = (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError)
# Every session of an instance bears its name (``application_name``, at most 63 bytes), so the
# instances alive can be counted (storage/leader.py).
SESSION_PREFIX = "branchbot "
# The server drops a silent client after 2 s idle and 3 unanswered probes 1 s apart: 5 s. A
# vanished machine's sessions, the leader's lock among them, end within seconds, not hours.
KEEPALIVES = {
    "tcp_keepalives_idle": "2",
    "tcp_keepalives_interval": "1",
    "tcp_keepalives_count": "3",
}

# A parameter outside string literals and quoted names: ``?`` or ``:name`` (not ``::type``).
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|:([A-Za-z_]\w*)")


def is_url(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and urlsplit(target).scheme in URL_SCHEMES


def session_name(instance: str) -> str:
    """The ``application_name`` of an instance's sessions; a tool's (no instance) is not one."""
    return (SESSION_PREFIX + instance).strip().encode()[:63].decode(errors="ignore")


def redacted(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    """What connecting to ``url`` failed with, in one line without the password."""
    password = urlsplit(url).password
    detail = str(exc).replace(password, "***") if password else str(exc)
    return DatabaseUnavailable(
        f"PostgreSQL at {redacted(url)}: {detail}: check BRANCHBOT_DATABASE_URL or"
        " storage.url (the server, the database, the role and its password)"
    )


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """Rewrite ``?`` or ``:name`` parameters to ``$1…$n``, once per statement text.

    Returns:
        The statement, and the parameter names in ``$`` order (None for ``?`` parameters).
    """
    names: list[str] = []
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        found = match.group(0)
        if found == "?":
            count += 1
            return f"${count}"
        if match.group(1) is None:
            return found  # a literal or ``::``
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    text = _TOKEN.sub(number, sql)
    if names and count:
        raise ValueError(f"mixed ? and :name parameters in {sql!r}")
    return text, tuple(names) if names else None


def _arguments(sql: str, params: Params) -> tuple[str, Sequence[Any]]:
    text, names = translate(sql)
    if names is None:
        return text, tuple(params)
    return text, tuple(params[name] for name in names)  # type: ignore[call-overload]


def _rows_changed(status: str) -> int:
    """The row count of a command status (``UPDATE 3``, ``INSERT 0 1``)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresDatabase:
    """A pool of connections; a transaction binds one of them to the task that opened it."""

    dialect = POSTGRESQL
    integrity_error = asyncpg.IntegrityConstraintViolationError

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._url = url
        # (task, connection, scope) of the transaction open in this context; a task started
        # inside it inherits the variable but not the transaction (the task check tells them
        # apart).
        self._bound: contextvars.ContextVar[
            tuple[asyncio.Task[Any], asyncpg.Connection, int | None] | None
        ]
        self._bound = contextvars.ContextVar(f"pg_transaction_{id(self)}", default=None)

    @classmethod
    async def open(cls, url: str, instance: str = "") -> PostgresDatabase:
        """Connect a pool to the database named by ``url`` (``postgresql://…``).

        Its sessions bear the name of ``instance``, the one this process signs its claims with.
        """
        settings = {**KEEPALIVES, "application_name": session_name(instance)}
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=POOL_SIZE, reset=_reset, server_settings=settings
            )
        except UNAVAILABLE as exc:
            raise unavailable(url, exc) from None
        return cls(pool, url)

    async def close(self) -> None:
        """Close every pooled connection."""
        await self._pool.close()

    async def describe(self) -> str:
        """The server's version and the database's address, without the password."""
        version = await self.fetch_one("SHOW server_version")
        return f"PostgreSQL {version[0]} at {redacted(self._url)}"

    def _connection(self) -> asyncpg.Connection | None:
        bound = self._bound.get()
        if bound is not None and bound[0] is asyncio.current_task():
            return bound[1]
        return None

    @asynccontextmanager
    async def transaction(self, scope: int | None = None) -> AsyncIterator[None]:
        """Run the block as one transaction, serialized as ``Database.transaction`` says.

        Without a scope it takes the write lock, exclusive; with one, the write lock shared and
        its branch's lock exclusive. Nested use within the same task becomes a SAVEPOINT.
        Cancellation rolls back too.
        """
        bound = self._bound.get()
        if bound is not None and bound[0] is asyncio.current_task():
            nested_scope(bound[2], scope)
            async with self._savepoint(bound[1]):
                yield
            return
        async with self._pool.acquire() as conn:
            token = self._bound.set((asyncio.current_task(), conn, scope))  # type: ignore[arg-type]
            try:
                # One round trip: the transaction with its locks (see the module's docstring).
                await conn.execute(_begin(scope))
                try:
                    yield
                except BaseException:
                    await _finish(conn, "ROLLBACK")
                    raise
                try:
                    await _finish(conn, "COMMIT")
                except BaseException:
                    await _finish(conn, "ROLLBACK")
                    raise
            finally:
                self._bound.reset(token)

    @asynccontextmanager
    async def _savepoint(self, conn: asyncpg.Connection) -> AsyncIterator[None]:
        # One name serves every level: PostgreSQL's ROLLBACK TO and RELEASE take the newest.
        await conn.execute("SAVEPOINT nested")
        try:
            yield
        except BaseException:
            await _finish(conn, "ROLLBACK TO SAVEPOINT nested")
            await _finish(conn, "RELEASE SAVEPOINT nested")
            raise
        await conn.execute("RELEASE SAVEPOINT nested")

    @asynccontextmanager
    async def _access(self) -> AsyncIterator[asyncpg.Connection]:
        conn = self._connection()
        if conn is not None:
            yield conn
        else:
            async with self._pool.acquire() as pooled:
                yield pooled

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the number of rows it changed."""
        text, args = _arguments(sql, params)
        async with self._access() as conn:
            return _rows_changed(await conn.execute(text, *args))

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""
        text, _ = translate(sql)
        async with self._access() as conn:
            await conn.executemany(text, [tuple(row) for row in rows])

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Return the first row of a query, or None."""
        text, args = _arguments(sql, params)
        async with self._access() as conn:
            return await conn.fetchrow(text, *args)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row of a query."""
        text, args = _arguments(sql, params)
        async with self._access() as conn:
            return await conn.fetch(text, *args)

    async def migrate(self, directory: Path | None = None, target: int | None = None) -> int:
        """Apply every numbered migration above ``schema_version``, each in one transaction.

        A session advisory lock is held meanwhile: instances starting together migrate once,
        the others wait and then find the schema current.

        Args:
            directory: the folder of ``NNNN_name.sql`` files (PostgreSQL's by default).
            target: stop after this version.

        Returns:
            The version the database is at afterwards.

        Raises:
            MigrationError: a file failed; it was rolled back, earlier ones stay applied.
        """
        directory = directory or MIGRATIONS_DIR / self.dialect.name
        async with self._pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                return await _migrate(conn, directory, target)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)


async def _migrate(conn: asyncpg.Connection, directory: Path, target: int | None) -> int:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
        " INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version)"
    )
    version = await conn.fetchval("SELECT version FROM schema_version")
    for number, path in pending_migrations(directory, version):
        if target is not None and number > target:
            break
        try:
            async with conn.transaction():
                await conn.execute(path.read_text(encoding="utf-8"))
                await conn.execute("UPDATE schema_version SET version = $1", number)
        except asyncpg.PostgresError as exc:
            raise MigrationError(f"{path.name}: {exc}") from exc
        logger.info("applied migration %s", path.name)
        version = number
    return version


def _begin(scope: int | None) -> str:
    """BEGIN with the transaction's advisory locks, as one simple-protocol query."""
    if scope is None:
        return f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
    # The two-key form takes 32-bit keys: ids beyond share a lock, which only serializes more.
    key = int(scope) & 0x7FFF_FFFF
    return (
        f"BEGIN; SELECT pg_advisory_xact_lock_shared({WRITE_LOCK});"
        f" SELECT pg_advisory_xact_lock({BRANCH_LOCKS}, {key})"
    )


async def _reset(conn: asyncpg.Connection) -> None:
    """Return a connection to the pool as it was taken.

    Instead of asyncpg's default reset (a round trip after every statement to clear session
    state the bot never sets): only a transaction a cancellation left open is rolled back.
    """
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def _finish(conn: asyncpg.Connection, statement: str) -> None:
    """Run COMMIT/ROLLBACK even if the awaiting task is being cancelled."""
    await asyncio.shield(conn.execute(statement))

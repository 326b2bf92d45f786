"""One SQLite database copied into an empty PostgreSQL database, for moving to several instances.

Both engines have the same tables and migration numbers, and the values SQLite stores (integers,
text, blobs) are what PostgreSQL's columns (BIGINT, INTEGER, TEXT, BYTEA) take, so rows go
over as they are: with ``COPY`` in batches, parents before children (the order is read from
PostgreSQL's foreign keys, which stay checked: the target's role need not be a superuser), all
in one transaction, so a failure leaves the target empty.
"""

from __future__ import annotations

import asyncio
import graphlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import asyncpg

from storage import open_storage
from storage.db import DatabaseUnavailable
from storage.postgres import UNAVAILABLE, unavailable

BATCH = 50_000
# The migrations' own bookkeeping: each database keeps its own.
BOOKKEEPING = "schema_version"

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != $1"
_FOREIGN_KEYS = """
SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
WHERE contype = 'f' AND connamespace = 'public'::regnamespace
"""
_COLUMNS = """
SELECT column_name FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position
"""
_IDENTITIES = """
SELECT table_name, column_name FROM information_schema.columns
WHERE table_schema = 'public' AND is_identity = 'YES'
"""


# A value PostgreSQL's column refuses: asyncpg's encoder raises Python's errors for the wrong
# type or size (text in a BIGINT column), the server its own (a broken constraint).
_DOES_NOT_FIT = (
    TypeError,
    ValueError,
    OverflowError,
    asyncpg.DataError,
    asyncpg.IntegrityConstraintViolationError,
)


class CopyRefused(Exception):
    """The copy did not happen, or was rolled back: the target holds what it held before."""


async def copy_to_postgresql(
    source: Path, url: str, copied: Callable[[str, int], None] = lambda table, rows: None
) -> dict[str, int]:
    """Copy every table of the bot's schema from the SQLite file ``source`` to ``url``.

    Both databases are first migrated as the bot migrates them. The bot must be stopped.

    Args:
        source: the SQLite file (``storage.path``).
        url: the ``postgresql://`` URL of the target.
        copied: told each table and its row count once that table is copied.

    Returns:
        The rows copied per table, in the order copied.

    Raises:
        DatabaseUnavailable: either database cannot be opened.
        CopyRefused: the target already holds data, the schemas differ, or a row does not fit.
    """
    if not await asyncio.to_thread(source.is_file):
        raise DatabaseUnavailable(
            f"no SQLite database at {source}: check BRANCHBOT_DB or storage.path"
        )
    versions = []
    for target in (source, url):
        storage = await open_storage(target)
        try:
            versions.append(await storage.db.migrate())  # the version open_storage reached
        finally:
            await storage.close()
    if versions[0] != versions[1]:
        raise CopyRefused(
            f"the SQLite database is at schema version {versions[0]}, PostgreSQL at"
            f" {versions[1]}: copy with the version of branchbot that last ran on the SQLite file"
        )
    try:
        pg = await asyncpg.connect(url)
    except UNAVAILABLE as exc:
        raise unavailable(url, exc) from None
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True, check_same_thread=False)
    try:
        lite.execute("BEGIN")  # one snapshot of every table
        async with pg.transaction():
            counts = await _copy(lite, pg, copied)
        await pg.execute("ANALYZE")
    finally:
        await pg.close()
        lite.close()
    return counts


async def _copy(
    lite: sqlite3.Connection, pg: asyncpg.Connection, copied: Callable[[str, int], None]
) -> dict[str, int]:
    tables = await _in_key_order(pg)
    filled = [t for t in tables if await pg.fetchval(f'SELECT EXISTS (SELECT FROM "{t}")')]  # noqa: S608 - names from the catalog
    if filled:
        raise CopyRefused(
            f"the PostgreSQL database already holds data (in {', '.join(filled)}): copy into"
            " an empty database only"
        )
    counts: dict[str, int] = {}
    for table in tables:
        counts[table] = await _copy_table(lite, pg, table)
        copied(table, counts[table])
    for table, column in await pg.fetch(_IDENTITIES):
        await pg.execute(
            "SELECT setval(pg_get_serial_sequence($1, $2),"  # noqa: S608 - names from the catalog
            f' (SELECT coalesce(max("{column}"), 0) + 1 FROM "{table}"), false)',
            table,
            column,
        )
    return counts


async def _in_key_order(pg: asyncpg.Connection) -> list[str]:
    """The schema's tables, each after the tables its foreign keys refer to."""
    order: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for (table,) in await pg.fetch(_TABLES, BOOKKEEPING):
        order.add(table)
    for child, parent in await pg.fetch(_FOREIGN_KEYS):
        if child != parent:
            order.add(child, parent)
    return list(order.static_order())


async def _copy_table(lite: sqlite3.Connection, pg: asyncpg.Connection, table: str) -> int:
    """Copy one table in batches and check that the target counts what the source has."""
    columns = [row[0] for row in await pg.fetch(_COLUMNS, table)]
    names = ", ".join(f'"{column}"' for column in columns)
    try:
        rows = lite.execute(f'SELECT {names} FROM "{table}"')  # noqa: S608 - names from the catalog
        (expected,) = lite.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608
    except sqlite3.Error as exc:
        raise CopyRefused(f"{table}: the SQLite database cannot give it: {exc}") from None
    while batch := await asyncio.to_thread(rows.fetchmany, BATCH):
        try:
            await pg.copy_records_to_table(table, records=batch, columns=columns)
        except _DOES_NOT_FIT as exc:
            raise CopyRefused(
                f"{table}: a row does not fit PostgreSQL's column ({exc}); nothing was copied"
            ) from None
    count = await pg.fetchval(f'SELECT count(*) FROM "{table}"')  # noqa: S608
    if count != expected:
        raise CopyRefused(f"{table}: {count} rows copied of {expected}; nothing was copied")
    return count


__all__ = ["CopyRefused", "copy_to_postgresql"]

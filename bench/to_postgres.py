"""The load database on PostgreSQL: a copy of what ``bench.seed_data`` wrote into SQLite.

The target database is given the bot's schema (its migrations), then each table is copied
with ``COPY`` in batches, foreign keys unchecked (SQLite checked them when seeding), identity
sequences moved past the copied ids, and the statistics gathered, as after a restore. The
seeding moment (table ``bench_seed``) comes along, so the start-up benchmark can tell how old
the data is.

    python -m bench.to_postgres data/bench.sqlite3 postgresql://…/empty_database
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from pathlib import Path

import asyncpg

from storage import open_storage

BATCH = 50_000

_IDENTITIES = """
SELECT table_name, column_name FROM information_schema.columns
WHERE table_schema = 'public' AND is_identity = 'YES'
"""


async def copy(source: Path, url: str) -> dict[str, int]:
    """Copy every table of the SQLite file ``source`` into the database at ``url``.

    Returns:
        Rows copied per table.
    """
    storage = await open_storage(url)  # the schema, migrated as the bot migrates it
    await storage.db.close()
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True, check_same_thread=False)
    pg = await asyncpg.connect(url)
    copied: dict[str, int] = {}
    try:
        await pg.execute("CREATE TABLE bench_seed (seeded_at BIGINT NOT NULL)")
        await pg.execute("SET session_replication_role = replica")  # no foreign-key triggers
        names = {
            row[0]
            for row in await pg.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        tables = lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for (table,) in tables:
            if table not in names or await pg.fetchval(f'SELECT EXISTS (SELECT FROM "{table}")'):  # noqa: S608 - names from the schema
                continue  # a table of SQLite's own, or one the migrations filled
            rows = lite.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            columns = [d[0] for d in rows.description]
            copied[table] = 0
            while batch := await asyncio.to_thread(rows.fetchmany, BATCH):
                await pg.copy_records_to_table(table, records=batch, columns=columns)
                copied[table] += len(batch)
        for table, column in await pg.fetch(_IDENTITIES):
            await pg.execute(
                "SELECT setval(pg_get_serial_sequence($1, $2),"  # noqa: S608 - names from the schema
                f' (SELECT coalesce(max("{column}"), 0) + 1 FROM "{table}"), false)',
                table,
                column,
            )
        await pg.execute("ANALYZE")
    finally:
        await pg.close()
        lite.close()
    return copied


async def _main() -> None:
    source, url = Path(sys.argv[1]), sys.argv[2]
    started = time.monotonic()
    copied = await copy(source, url)
    print(f"copied {sum(copied.values()):,} rows in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    asyncio.run(_main())

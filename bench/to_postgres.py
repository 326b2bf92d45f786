"""The load database on PostgreSQL: a copy of what ``bench.seed_data`` wrote into SQLite.

The bot's own copy (``storage.copy``, the command ``branchbot copy-to-postgresql``) moves the
bot's tables; the seeding moment (table ``bench_seed``, the benchmarks' alone) is added after
it, so the start-up benchmark can tell how old the data is.

    python -m bench.to_postgres data/bench.sqlite3 postgresql://…/empty_database
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from pathlib import Path

import asyncpg

from storage.copy import copy_to_postgresql


async def copy(source: Path, url: str) -> dict[str, int]:
    """Copy the SQLite file ``source`` (the bot's tables and ``bench_seed``) to ``url``.

    Returns:
        Rows copied per table.
    """
    copied = await copy_to_postgresql(source, url)
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        (seeded,) = lite.execute("SELECT seeded_at FROM bench_seed").fetchone()
    finally:
        lite.close()
    pg = await asyncpg.connect(url)
    try:
        await pg.execute("CREATE TABLE bench_seed (seeded_at BIGINT NOT NULL)")
        await pg.execute("INSERT INTO bench_seed VALUES ($1)", seeded)
    finally:
        await pg.close()
    return {**copied, "bench_seed": 1}


async def _main() -> None:
    source, url = Path(sys.argv[1]), sys.argv[2]
    started = time.monotonic()
    copied = await copy(source, url)
    print(f"copied {sum(copied.values()):,} rows in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    asyncio.run(_main())

"""The benchmarks' load data is written in the bot's own schema: a small seeding must run
against the current migrations, give a database the bot reads as its own, and copy whole into
PostgreSQL's schema."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import asyncpg

from bench.to_postgres import copy
from storage.sqlite import SqliteDatabase as Database
from tests.conftest import postgresql_only, sqlite_only

ROOT = Path(__file__).resolve().parents[1]


async def seed(path: Path) -> None:
    seeding = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bench.seed_data", str(path), "--branches", "3", "--big", "20"),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await seeding.communicate()
    assert seeding.returncode == 0, err.decode()


@sqlite_only("the benchmarks seed a SQLite file")
async def test_a_small_seed_fits_the_current_schema(tmp_path):
    path = tmp_path / "bench.sqlite3"
    await seed(path)
    db = await Database.open(path)
    try:
        await db.migrate()  # nothing left to do, and nothing refused
        assert await db.fetch_all("PRAGMA foreign_key_check") == []
        (secretaries,) = await db.fetch_one(
            "SELECT count(*) FROM memberships WHERE role = 'secretary' AND left_at IS NULL"
        )
        assert secretaries == 4
    finally:
        await db.close()


@postgresql_only("copies into a PostgreSQL database")
async def test_the_seed_copies_whole_into_postgresql(tmp_path, database_url):
    path = tmp_path / "bench.sqlite3"
    await seed(path)
    copied = await copy(path, database_url)
    lite = sqlite3.connect(path)
    pg = await asyncpg.connect(database_url)
    try:
        for table, rows in copied.items():
            (expected,) = lite.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # noqa: S608
            assert rows == expected
            assert await pg.fetchval(f'SELECT count(*) FROM "{table}"') == expected  # noqa: S608
        assert copied["daily_checkins"] > 0
        assert await pg.fetchval("SELECT count(*) FROM bench_seed") == 1
        # The identity sequences start past the copied ids: the bot can insert.
        await pg.execute(
            "INSERT INTO branches"
            " (chat_id, title, timezone, language, created_at, last_activity_at)"
            " VALUES (-1, 'new', 'UTC', 'en', 0, 0)"
        )
    finally:
        await pg.close()
        lite.close()

"""The benchmarks' load data is written in the bot's own schema: a small seeding must run
against the current migrations and give a database the bot reads as its own."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from storage.sqlite import SqliteDatabase as Database
from tests.conftest import sqlite_only

ROOT = Path(__file__).resolve().parents[1]

pytestmark = sqlite_only("the benchmarks seed a SQLite file")


async def test_a_small_seed_fits_the_current_schema(tmp_path):
    path = tmp_path / "bench.sqlite3"
    seeding = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bench.seed_data", str(path), "--branches", "3", "--big", "20"),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await seeding.communicate()
    assert seeding.returncode == 0, err.decode()
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

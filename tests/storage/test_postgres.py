"""The PostgreSQL backend: its parameter rewriting, its schema against SQLite's, migrations
under the advisory lock, and a failing migration rolled back with its version."""

from __future__ import annotations

import asyncio
import shutil

import asyncpg
import pytest

from storage import open_storage
from storage.db import MIGRATIONS_DIR, MigrationError, pending_migrations
from storage.postgres import PostgresDatabase, redacted, translate
from storage.sqlite import SqliteDatabase
from tests.conftest import postgresql_only

LATEST = pending_migrations(MIGRATIONS_DIR / "postgresql", 0)[-1][0]


def test_both_engines_have_the_same_migration_numbers():
    numbers = {
        engine: [n for n, _ in pending_migrations(MIGRATIONS_DIR / engine, 0)]
        for engine in ("sqlite", "postgresql")
    }
    assert numbers["sqlite"] == numbers["postgresql"] == list(range(1, LATEST + 1))


def test_parameters_become_numbered_outside_literals():
    assert translate("SELECT ? || ':x?' , ?::text FROM t WHERE a = ?") == (
        "SELECT $1 || ':x?' , $2::text FROM t WHERE a = $3",
        None,
    )
    assert translate(
        "UPDATE t SET a = :new, k = 'forgotten:' || id WHERE a = :old OR b = :new"
    ) == (
        "UPDATE t SET a = $1, k = 'forgotten:' || id WHERE a = $2 OR b = $1",
        ("new", "old"),
    )


def test_a_password_never_shows():
    url = "postgresql://bot:s3cret@db.internal:5432/branchbot"
    assert redacted(url) == "postgresql://bot:***@db.internal:5432/branchbot"
    assert (
        redacted("postgresql:///branchbot?host=/run/pg") == "postgresql:///branchbot?host=/run/pg"
    )


async def _empty(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


async def _columns_pg(url: str) -> dict[str, list[tuple[str, bool]]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name != 'schema_version'"
            " ORDER BY table_name, ordinal_position"
        )
    finally:
        await conn.close()
    tables: dict[str, list[tuple[str, bool]]] = {}
    for table, column, nullable in rows:
        tables.setdefault(table, []).append((column, nullable == "YES"))
    return tables


async def _columns_sqlite(db: SqliteDatabase) -> dict[str, list[tuple[str, bool]]]:
    names = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    tables = {}
    for (table,) in names:
        info = await db.fetch_all(f"PRAGMA table_info({table})")
        # A primary key column is never NULL on PostgreSQL (nor, with NOT NULL, on SQLite).
        tables[table] = [(r["name"], not r["notnull"] and not r["pk"]) for r in info]
    return tables


@postgresql_only("the PostgreSQL schema")
async def test_the_postgresql_schema_has_the_tables_and_columns_of_sqlites(database_url, tmp_path):
    sqlite = await SqliteDatabase.open(tmp_path / "reference.sqlite3")
    await sqlite.migrate()
    try:
        assert await _columns_pg(database_url) == await _columns_sqlite(sqlite)
    finally:
        await sqlite.close()


@postgresql_only("the migration lock")
async def test_two_instances_starting_together_migrate_once(database_url, caplog):
    await _empty(database_url)
    caplog.set_level("INFO", logger="storage.postgres")
    first, second = await asyncio.gather(open_storage(database_url), open_storage(database_url))
    try:
        applied = [r.getMessage() for r in caplog.records if "applied migration" in r.message]
        assert len(applied) == LATEST  # each file once, by whichever instance got the lock
        row = await first.db.fetch_one("SELECT version FROM schema_version")
        assert row[0] == LATEST
        assert (await second.db.fetch_one("SELECT count(*) FROM schema_version"))[0] == 1
    finally:
        await first.close()
        await second.close()


@postgresql_only("PostgreSQL's transactional migrations")
async def test_a_failing_migration_rolls_back_with_its_version(database_url, tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR / "postgresql", folder)
    (folder / f"{LATEST + 1:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
        encoding="utf-8",
    )
    db = await PostgresDatabase.open(database_url)
    try:
        with pytest.raises(MigrationError, match="broken"):
            await db.migrate(folder)
        assert (await db.fetch_one("SELECT version FROM schema_version"))[0] == LATEST
        assert await db.fetch_one("SELECT to_regclass('half_done')") == (None,)
        assert await db.migrate() == LATEST  # and the lock was let go
    finally:
        await db.close()

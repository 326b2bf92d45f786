"""Numbered migrations: from empty to the reference schema, from every older version with
its data kept, and a failing file leaves the database as it was."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.db import MIGRATIONS_DIR as ALL_MIGRATIONS
from storage.db import MigrationError, pending_migrations
from storage.sqlite import SqliteDatabase as Database
from tests.conftest import sqlite_only

# SQLite's own migrations; tests/storage/test_postgres.py checks PostgreSQL's against them.
pytestmark = sqlite_only("SQLite's migrations and schema")

MIGRATIONS_DIR = ALL_MIGRATIONS / "sqlite"
REFERENCE = Path(__file__).with_name("reference_schema.sql")
VERSIONS = [number for number, _ in pending_migrations(MIGRATIONS_DIR, 0)]
LATEST = VERSIONS[-1]

# Rows a database at each version could hold; each later version must keep them.
FIXTURES = {
    1: [
        "INSERT INTO organisations VALUES (1, '城东党委', 'ABCD2345', 900001, '900001:1', 0)",
        "INSERT INTO branches VALUES (1, -4001, '第一支部', 1, 'Asia/Shanghai', 'zh', 6,"
        " '20:00', '08:00', 1, 0, 0)",
        "INSERT INTO users (id, first_name, last_name, username, language_code, started_at,"
        " private_branch_id, seen_at) VALUES (100002, '李四', NULL, 'lisi', 'zh', NULL, 1, 0)",
        "INSERT INTO memberships (branch_id, user_id, role, on_roster, joined_at, seen_at)"
        " VALUES (1, 100002, 'committee', 1, 0, 0)",
    ],
    2: [
        "INSERT INTO pending_messages (id, user_id, branch_id, message_key, params, dedupe_key,"
        " created_at) VALUES (1, 100002, 1, 'role.told', '{}', 'role:-4001:9', 0)",
        "INSERT INTO command_menus VALUES ('private:zh', 'abc', 0)",
    ],
    3: [
        "INSERT INTO meetings (id, branch_id, type, title, first_local, timezone, rule,"
        " duration_min, remind_min, materialised_until, ended_at, created_key, created_by,"
        " created_at) VALUES (1, 1, 'committee', '', '2031-03-05T19:30', 'Asia/Shanghai',"
        " 'FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=5', 90, '1440,60', 0, NULL, '-4001:7', 100001, 0)",
        "INSERT INTO occurrences VALUES (1, 1, 1962106200, 1962111600, 0, 0, NULL, NULL)",
        "INSERT INTO scheduled_sends (key, kind, occurrence_id, due_at, state, changed_at,"
        " message_id) VALUES ('open:1', 'open', 1, 1962105300, 'sent', 0, 55)",
        "INSERT INTO meeting_checkins VALUES (1, 100002, 1962106000, 0)",
        "INSERT INTO attendance VALUES (1, 100002, 'present')",
    ],
    4: [
        "INSERT INTO daily_checkins VALUES (1, 100002, '2031-03-05', 1962106000)",
        "INSERT INTO leaves (occurrence_id, user_id, reason, requested_at)"
        " VALUES (1, 100002, '出差', 0)",
    ],
    5: [
        "INSERT INTO modules VALUES (1, 1, '党章', '', '', '[]', '-4001:9:0', 100001, 0)",
        "INSERT INTO questions VALUES (1, 1, 0, '题', '[\"甲\", \"乙\"]', '[0]',"
        " '[null, null]', NULL, 1)",
        "INSERT INTO publications VALUES (1, 1, 0)",
    ],
    6: [
        "INSERT INTO quiz_attempts VALUES (1, 1, 1, 100002, 1, 1, 1, 7, 0, 0)",
        "INSERT INTO quiz_answers VALUES (1, 0, '[0]', 1, 0)",
    ],
    7: [
        "INSERT INTO points (branch_id, user_id, reason, source_key, points, local_date,"
        " awarded_at) VALUES (1, 100002, 'correct', 'correct:1:1:100002', 1, '2031-03-05', 0)",
    ],
    8: [
        "INSERT INTO quiz_polls VALUES ('p1', 1, 1, '-4001:12:0', 13, '[0]', 0)",
        "INSERT INTO poll_answers VALUES ('p1', 100002, '[0]', 1, 0)",
    ],
    9: [
        "INSERT INTO import_drafts VALUES (1, 100002, '100002:5', 'a.gift', x'00', 0)",
    ],
    10: [
        "INSERT INTO summaries VALUES (1, 1962000000, 'sent', 1, 0, 55, NULL, 0)",
    ],
    14: [
        "INSERT INTO acts VALUES ('leave:-4001:12', 0)",
    ],
    15: [
        "INSERT INTO scheduled_sends VALUES ('close:1', 'close', 1, 1962111600, 'failed', 0,"
        " NULL, 6)",
    ],
}
TABLES = (
    "organisations",
    "branches",
    "users",
    "memberships",
    "pending_messages",
    "command_menus",
    "meetings",
    "occurrences",
    "scheduled_sends",
    "meeting_checkins",
    "attendance",
    "daily_checkins",
    "leaves",
    "modules",
    "questions",
    "publications",
    "quiz_attempts",
    "quiz_answers",
    "points",
    "quiz_polls",
    "poll_answers",
    "import_drafts",
    "summaries",
    "acts",
)


async def schema(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.fetch_all(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def test_migrating_an_empty_database_gives_the_reference_schema(tmp_path):
    migrated = await Database.open(tmp_path / "migrated.sqlite3")
    assert await migrated.migrate() == LATEST
    reference = sqlite3.connect(tmp_path / "reference.sqlite3")
    reference.executescript(REFERENCE.read_text(encoding="utf-8"))
    reference.close()
    expected = await Database.open(tmp_path / "reference.sqlite3")
    assert await schema(migrated) == await schema(expected)
    assert await migrated.pragma("user_version") == LATEST
    await migrated.close()
    await expected.close()


@pytest.mark.parametrize("version", VERSIONS[:-1])
async def test_an_old_database_upgrades_in_place_and_keeps_its_data(tmp_path, version):
    path = tmp_path / "old.sqlite3"
    db = await Database.open(path)
    assert await db.migrate(target=version) == version
    counts = {}
    for v in range(1, version + 1):
        for statement in FIXTURES.get(v, []):
            await db.execute(statement)
    for table in TABLES:
        if await db.fetch_one("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)) is None:
            continue
        counts[table] = (await db.fetch_one(f"SELECT count(*) FROM {table}"))[0]
    await db.close()

    upgraded = await Database.open(path)
    assert await upgraded.migrate() == LATEST
    for table, count in counts.items():
        assert (await upgraded.fetch_one(f"SELECT count(*) FROM {table}"))[0] == count
    member = await upgraded.fetch_one("SELECT role, on_roster FROM memberships")
    assert tuple(member) == ("committee", 1)
    fresh = await Database.open(tmp_path / "fresh.sqlite3")
    await fresh.migrate()
    assert await schema(upgraded) == await schema(fresh)
    await upgraded.close()
    await fresh.close()


async def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "db.sqlite3"
    for _ in range(3):
        db = await Database.open(path)
        assert await db.migrate() == LATEST
        await db.close()


async def test_a_failing_migration_rolls_back_with_its_version(tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    (folder / f"{LATEST + 1:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
        encoding="utf-8",
    )
    db = await Database.open(tmp_path / "db.sqlite3")
    with pytest.raises(MigrationError, match="broken"):
        await db.migrate(folder)
    assert await db.pragma("user_version") == LATEST
    assert await db.fetch_one("SELECT 1 FROM sqlite_master WHERE name = 'half_done'") is None
    assert not db._conn.in_transaction  # noqa: SLF001
    await db.close()


async def test_the_points_ledger_credits_the_check_ins_recorded_before_it(tmp_path):
    db = await Database.open(tmp_path / "db.sqlite3")
    await db.migrate(target=6)
    for version in range(1, 7):
        for statement in FIXTURES.get(version, []):
            await db.execute(statement)
    await db.migrate()
    rows = await db.fetch_all(
        "SELECT reason, source_key, points, local_date FROM points ORDER BY reason"
    )
    assert [tuple(r) for r in rows] == [
        ("checkin", "checkin:1:100002:2031-03-05", 1, "2031-03-05"),
        ("meeting", "meeting:1:100002", 3, "2031-03-05"),
    ]
    await db.close()


async def test_kept_private_messages_become_references_without_names_or_reasons(tmp_path):
    db = await Database.open(tmp_path / "db.sqlite3")
    await db.migrate(target=11)
    for version in range(1, 12):
        for statement in FIXTURES.get(version, []):
            await db.execute(statement)
    leave_id = (await db.fetch_one("SELECT id FROM leaves"))[0]
    await db.execute(
        "INSERT INTO users (id, first_name, seen_at, forgotten) VALUES (-1, '', 0, 1)"
    )
    kept = [  # (user, key, params, dedupe key, delivered)
        (
            100002,
            "leave.for_secretary",
            '{"name": "李四", "reason": "旧"}',
            f"leave:{leave_id}:100002:旧",
            None,
        ),
        (
            100002,
            "leave.for_secretary",
            '{"name": "李四", "reason": "出差"}',
            f"leave:{leave_id}:100002:出差",
            None,
        ),
        (100002, "meeting.roll", '{"roll": "出席（1）：李四"}', "roll:1:100002", None),
        (
            100002,
            "summary.detail",
            '{"text": "缺席：李四"}',
            "summary:1:2032-03-07T12:00:00+00:00:100002:0",
            None,
        ),
        (
            100002,
            "summary.detail",
            '{"text": "…"}',
            "summary:1:2032-03-07T12:00:00+00:00:100002:1",
            None,
        ),
        (100002, "report.part", '{"text": "积分前五：李四"}', "report:-4001:80:0", None),
        (100002, "leave.approved", '{"meeting": "#1"}', "leave-outcome:9", 5),
        (-1, "leave.approved", '{"meeting": "#1"}', "leave-outcome:1", None),
    ]
    for user_id, key, params, dedupe, delivered in kept:
        await db.execute(
            "INSERT INTO pending_messages (user_id, branch_id, message_key, params, dedupe_key,"
            " created_at, delivered_at) VALUES (?, 1, ?, ?, ?, 0, ?)",
            (user_id, key, params, dedupe, delivered),
        )
    await db.migrate()
    rows = await db.fetch_all(
        "SELECT user_id, message_key, params, dedupe_key FROM pending_messages ORDER BY id"
    )
    week_end = 1962273600  # 2032-03-07 12:00 UTC
    assert [tuple(r) for r in rows] == [
        (100002, "role.told", "{}", "role:-4001:9"),  # version 2's row, kept as it was
        (100002, "leave.for_secretary", f'{{"leave":{leave_id}}}', f"leave:{leave_id}:100002"),
        (100002, "meeting.roll", '{"occurrence":1}', "roll:1:100002"),
        (100002, "summary.detail", f'{{"week_end":{week_end}}}', f"summary:1:{week_end}:100002"),
    ]
    await db.close()

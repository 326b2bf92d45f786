"""/backup, /branches and /report org: a consistent compressed copy of the live database, the
list of branches, and the organisation's roll-up with silent branches marked."""

from __future__ import annotations

import gzip
import re
import sqlite3
from datetime import timedelta

import handlers.operators
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, postgresql_only, sqlite_only
from tests.test_summary import seeded_week

SECOND = factories.Group(-4002, "城东第二支部")


@sqlite_only("SQLite's online backup")
async def test_backup_is_a_database_with_the_same_rows(harness, clock, tmp_path):
    await seeded_week(harness, clock)
    (document,) = await harness.say("/backup", chat=OPERATOR, user=OPERATOR)
    assert document.method == "sendDocument"
    upload = document.params["document"]
    assert upload.name.startswith("branchbot-20310309-")
    assert upload.name.endswith(".sqlite3.gz")
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(gzip.decompress(upload.content))
    db = harness.services.storage.db
    tables = [
        r[0] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type='table'")
    ]
    restored = sqlite3.connect(copy)
    for table in tables:
        live = (await db.fetch_one(f"SELECT count(*) FROM {table}"))[0]
        assert restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == live, table
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored.close()
    assert list(harness.config.storage.backup_dir.iterdir()) == []  # sent, not kept


@sqlite_only("SQLite's online backup")
async def test_a_backup_above_the_upload_limit_stays_on_disk(harness, monkeypatch):
    await harness.setup_branch()
    monkeypatch.setattr(handlers.operators, "UPLOAD_LIMIT", 100)
    text = await harness.reply("/backup", chat=OPERATOR, user=OPERATOR)
    (kept,) = harness.config.storage.backup_dir.iterdir()
    assert str(kept) in text
    assert gzip.decompress(kept.read_bytes()).startswith(b"SQLite format 3")


@postgresql_only("SQLite copies itself")
async def test_backup_on_postgresql_points_the_operator_to_pg_dump(harness):
    await harness.setup_branch()
    text = await harness.reply("/backup", chat=OPERATOR, user=OPERATOR)
    assert "pg_dump" in text
    assert text.startswith("The database is PostgreSQL")  # the operator reads English
    assert not harness.config.storage.backup_dir.exists()


async def test_branches_lists_every_branch_for_operators_only(harness):
    await harness.setup_branch()
    await harness.setup_branch(SECOND)
    text = await harness.reply("/branches", chat=OPERATOR, user=OPERATOR)
    assert f"#1 {GROUP.title}" in text
    assert f"#2 {SECOND.title}" in text
    assert "运维" in await harness.reply("/branches", chat=MEMBER, user=MEMBER)
    assert "运维" in await harness.reply("/backup", chat=ADMIN, user=ADMIN)


async def test_the_organisation_report_marks_silent_branches(harness, clock):
    created = await harness.reply("/org_add 城东党委", chat=OPERATOR, user=OPERATOR)
    code = re.search(r"/setup (\w+)", created).group(1)
    for group in (GROUP, SECOND):
        harness.api.bot_status[group.id] = "administrator"
        harness.api.admins.setdefault(group.id, []).append(ADMIN.id)
        await harness.say(f"/setup {code}", chat=group, user=ADMIN)
    await harness.say("/checkin", chat=GROUP, user=MEMBER)
    clock.advance(timedelta(days=20))
    await harness.say("/checkin", chat=GROUP, user=MEMBER)  # only the first branch is active
    text = await harness.reply("/report org", chat=OPERATOR, user=OPERATOR)
    lines = text.split("\n")
    assert lines[0] == "城东党委: each branch over the last 30 days"  # the operator reads English
    assert lines[1].startswith(f"#1 {GROUP.title}: check-in rate ")
    assert not lines[1].endswith("silent")
    assert lines[2].startswith(f"#2 {SECOND.title}: check-in rate —")
    assert lines[2].endswith("⚠️ silent")
    assert "overdue: none" in lines[2]
    assert await harness.reply("/report org", chat=MEMBER, user=MEMBER) == (
        "只有支部管理员（群管理员或被授予支部管理员角色的党员）可以使用 /report。"
    )

"""``branchbot copy-to-postgresql``: a SQLite database the bot filled moves whole into an empty
PostgreSQL database, where the bot goes on; a target with data, or a row PostgreSQL will not
take, leaves the target as it was; each failure is one line."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import asyncpg
import pytest

from bot.cli import EXIT_CONFIG, EXIT_COPY, EXIT_DATABASE, main
from storage import open_storage
from storage.copy import CopyRefused, copy_to_postgresql
from tests.conftest import (
    ADMIN,
    GROUP,
    MEMBER,
    OTHER,
    TOKEN,
    Harness,
    make_config,
    postgresql_only,
    start_app,
    stop_app,
)
from tests.test_checkin import checkin
from tests.test_meetings import add_meeting
from tests.test_study import gift_of, send_file

OPENED = datetime(2031, 3, 5, 11, 20, tzinfo=UTC)  # the meeting's check-in window is open


async def filled(tmp_path, api, clock):
    """A SQLite database the bot filled: a branch, members, a meeting, a check-in, a module."""
    config = make_config(tmp_path)
    app = await start_app(config, api, clock)
    harness = Harness(app, api, clock, config)
    try:
        await harness.setup_branch()
        for person in (MEMBER, OTHER):
            await harness.say("/help", chat=GROUP, user=person)
        _, occurrence = await add_meeting(harness, "group 2031-03-05 19:30 remind=1d,1h")
        clock.now = OPENED
        assert await checkin(harness) == "👍"
        await send_file(harness, gift_of(3), "三会一课.gift")
        assert "已向本支部发布" in await harness.reply("/publish #1", chat=GROUP, user=ADMIN)
    finally:
        await stop_app(app)
    return config, occurrence


def counts_in_sqlite(path):
    lite = sqlite3.connect(path)
    try:
        tables = lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return {t: lite.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for (t,) in tables}  # noqa: S608
    finally:
        lite.close()


async def counts_in_postgresql(url):
    pg = await asyncpg.connect(url)
    try:
        tables = await pg.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename != 'schema_version'"
        )
        return {t: await pg.fetchval(f'SELECT count(*) FROM "{t}"') for (t,) in tables}  # noqa: S608
    finally:
        await pg.close()


def copy_command(monkeypatch, path, url):
    """Run the command as the operator would (in a thread: it runs its own event loop)."""
    monkeypatch.setenv("BRANCHBOT_TOKEN", TOKEN)
    monkeypatch.setenv("BRANCHBOT_DB", str(path))
    monkeypatch.delenv("BRANCHBOT_DATABASE_URL", raising=False)
    return asyncio.to_thread(main, ["copy-to-postgresql", url])


@postgresql_only("copies into a PostgreSQL database")
async def test_the_bot_goes_on_on_postgresql_after_a_copy(
    tmp_path, api, clock, database_url, monkeypatch, capsys
):
    config, occurrence = await filled(tmp_path, api, clock)
    source = config.storage.path
    assert await copy_command(monkeypatch, source, database_url) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = counts_in_sqlite(source)
    copied = await counts_in_postgresql(database_url)
    assert copied == expected
    assert all(expected[t] > 0 for t in ("branches", "memberships", "scheduled_sends", "points"))
    assert len(lines) == len(expected) + 1
    assert lines.index("branches: 1 rows") < lines.index("memberships: 3 rows")  # parents first
    total = f"copied {sum(expected.values()):,} rows in {len(expected)} tables"
    assert lines[-1].startswith(total)

    storage = await open_storage(database_url)
    try:
        branch = await storage.branches.by_chat(GROUP.id)
        assert branch.title == GROUP.title
        assert await storage.meetings.checkin_count(occurrence) == 1
        assert [m.title for m in await storage.study.published(branch.id)] == ["三会一课"]
        assert await storage.points.total(branch.id, MEMBER.id, None) > 0
    finally:
        await storage.close()

    app = await start_app(make_config(tmp_path, database_url), api, clock)
    harness = Harness(app, api, clock, config)
    try:
        harness.read(harness.unread())  # what the start caught up with (the sends owed)
        listed = await harness.say("/meetings", chat=GROUP, user=MEMBER)
        assert "近期会议：\n#1 2031-03-05 19:30" in listed[-1].text
        assert await checkin(harness, OTHER) == "👍"  # new points rows: the ids moved on
        _, second = await add_meeting(harness, "committee 2031-03-06 19:30")
        assert second > occurrence
    finally:
        await stop_app(app)

    # A second copy into the target, now holding data, is refused and changes nothing.
    before = await counts_in_postgresql(database_url)
    assert await copy_command(monkeypatch, source, database_url) == EXIT_COPY
    (line,) = capsys.readouterr().err.splitlines()
    assert "already holds data" in line
    assert await counts_in_postgresql(database_url) == before


@postgresql_only("copies into a PostgreSQL database")
async def test_a_row_postgresql_will_not_take_leaves_the_target_empty(
    tmp_path, api, clock, database_url
):
    config, _ = await filled(tmp_path, api, clock)
    lite = sqlite3.connect(config.storage.path)
    lite.execute("UPDATE points SET points = 'many'")  # SQLite keeps text in an INTEGER column
    lite.commit()
    lite.close()
    with pytest.raises(CopyRefused, match="points"):
        await copy_to_postgresql(config.storage.path, database_url)
    assert set((await counts_in_postgresql(database_url)).values()) == {0}


@pytest.mark.parametrize(
    ("url", "source", "code", "says"),
    [
        ("postgresql://bot:secret-pw@127.0.0.1:1/branchbot", True, EXIT_DATABASE, "***"),
        ("postgresql://bot@127.0.0.1:1/branchbot", False, EXIT_DATABASE, "no SQLite database"),
        ("sqlite:///tmp/other.sqlite3", True, EXIT_CONFIG, "not a postgresql:// URL"),
    ],
)
async def test_a_copy_that_cannot_start_says_why_in_one_line(
    tmp_path, monkeypatch, capsys, url, source, code, says
):
    path = tmp_path / "branchbot.sqlite3"
    if source:
        path.touch()
    assert await copy_command(monkeypatch, path, url) == code
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith("branchbot: ")
    assert says in line
    assert "secret-pw" not in captured.err + captured.out
    assert captured.out == ""

"""The connection's settings and the transaction helper under concurrency and cancellation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from storage import open_storage
from storage.sqlite import BUSY_TIMEOUT_MS, SYNCHRONOUS
from tests.conftest import postgresql_only, sqlite_only

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


async def _user(storage, user_id):
    await storage.users.save(
        user_id=user_id,
        first_name=f"u{user_id}",
        last_name=None,
        username=None,
        language_code=None,
        now=NOW,
    )


async def _count(db, table="users"):
    row = await db.fetch_one(f"SELECT count(*) FROM {table}")
    return row[0]


@sqlite_only("the connection's pragmas")
async def test_connection_pragmas(storage):
    db = storage.db
    assert await db.pragma("journal_mode") == "wal"
    assert await db.pragma("foreign_keys") == 1
    assert await db.pragma("busy_timeout") == BUSY_TIMEOUT_MS
    assert await db.pragma("synchronous") == {"NORMAL": 1, "FULL": 2}[SYNCHRONOUS]


async def test_a_failed_transaction_never_commits_another_coroutines_work(storage):
    a_inside = asyncio.Event()
    b_done = asyncio.Event()

    async def a():
        with pytest.raises(RuntimeError):
            async with storage.transaction():
                await _user(storage, 1)
                a_inside.set()
                await asyncio.sleep(0)  # let B run while A's transaction is open
                raise RuntimeError("A fails")

    async def b():
        await a_inside.wait()
        async with storage.transaction():
            await _user(storage, 2)
        b_done.set()

    await asyncio.gather(a(), b())
    ids = [row[0] for row in await storage.db.fetch_all("SELECT id FROM users")]
    assert ids == [2]


async def test_a_statement_outside_a_transaction_waits_for_it(storage):
    inserted = asyncio.Event()
    seen = []

    async def writer():
        with pytest.raises(RuntimeError):
            async with storage.transaction():
                await _user(storage, 1)
                inserted.set()
                for _ in range(20):  # the reader queues its query meanwhile
                    await asyncio.sleep(0)
                raise RuntimeError("rolled back")

    async def reader():
        await inserted.wait()
        seen.append(await _count(storage.db))

    await asyncio.gather(writer(), reader())
    # The shared connection would show the open transaction's row; the lock makes the reader
    # wait for the rollback.
    assert seen == [0]


async def test_a_cancelled_transaction_leaves_nothing_open(storage, tmp_path, database_url):
    started = asyncio.Event()

    async def slow_handler():
        async with storage.transaction():
            await _user(storage, 1)
            started.set()
            await asyncio.Event().wait()  # never finishes: cancelled from outside

    task = asyncio.create_task(slow_handler())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _count(storage.db) == 0
    # Another instance can write: no write lock was left behind.
    other = await open_storage(database_url or tmp_path / "test.sqlite3")
    try:
        async with asyncio.timeout(5), other.transaction():
            await _user(other, 9)
    finally:
        await other.close()
    assert await _count(storage.db) == 1
    async with asyncio.timeout(5), storage.transaction():  # and this one still can
        await _user(storage, 10)


async def test_nested_transactions_are_savepoints(storage):
    async with storage.transaction():
        await _user(storage, 1)
        with pytest.raises(ValueError, match="inner"):
            async with storage.transaction():
                await _user(storage, 2)
                raise ValueError("inner")
        await _user(storage, 3)
    ids = [row[0] for row in await storage.db.fetch_all("SELECT id FROM users ORDER BY id")]
    assert ids == [1, 3]


async def test_a_nested_block_may_not_reach_beyond_its_transactions_branch(storage):
    async with storage.transaction(scope=1):
        async with storage.transaction(scope=1):  # the same branch: a savepoint
            await _user(storage, 1)
        for wider in (2, None):
            with pytest.raises(RuntimeError, match="inside a transaction of scope 1"):
                async with storage.transaction(scope=wider):
                    await _user(storage, 2)
    async with storage.transaction(), storage.transaction(scope=3):  # narrower: covered
        await _user(storage, 3)
    ids = [row[0] for row in await storage.db.fetch_all("SELECT id FROM users ORDER BY id")]
    assert ids == [1, 3]


@postgresql_only("two instances' locks")
async def test_branches_write_side_by_side_and_an_unscoped_block_waits_for_them(
    storage, database_url
):
    other = await open_storage(database_url)  # another instance
    holding, release = asyncio.Event(), asyncio.Event()

    async def first_branch():
        async with storage.transaction(scope=1):
            await _user(storage, 1)
            holding.set()
            await release.wait()

    async def waits(block) -> bool:
        """Whether ``block`` on the other instance waits on a lock (it is then let go)."""
        task = asyncio.create_task(block())
        for _ in range(200):
            if task.done() or await storage.db.fetch_one(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ):
                break
            await asyncio.sleep(0.01)
        waiting = not task.done()
        release.set()
        await asyncio.wait_for(task, 5)
        return waiting

    async def in_scope(scope):
        async with other.transaction(scope=scope):
            await _user(other, 100 + (scope or 0))

    try:
        for block, expected in (
            (lambda: in_scope(2), False),  # another branch: side by side
            (lambda: in_scope(1), True),  # the same branch: after it
            (lambda: in_scope(None), True),  # no scope: after every scoped block
        ):
            holding.clear()
            release.clear()
            held = asyncio.create_task(first_branch())
            await holding.wait()
            assert await waits(block) is expected
            await held
    finally:
        await other.close()


async def test_many_concurrent_transactions_all_commit(storage):
    async def one(n):
        async with storage.transaction():
            await _user(storage, n)
            await asyncio.sleep(0)

    await asyncio.gather(*(one(n) for n in range(1, 101)))
    assert await _count(storage.db) == 100


async def test_foreign_keys_cascade(storage):
    await _user(storage, 1)
    branch = await storage.branches.register(
        chat_id=-1,
        title="t",
        timezone="Asia/Shanghai",
        language="zh",
        organisation_id=None,
        now=NOW,
    )
    await storage.memberships.touch(branch.id, 1, NOW, on_roster=True)
    await storage.db.execute("DELETE FROM users WHERE id = 1")
    assert await _count(storage.db, "memberships") == 0


async def test_acts_are_kept_against_replays_until_they_are_let_go(storage):
    then = datetime(2031, 3, 1, tzinfo=UTC)
    assert await storage.acts.claim("leave:-4001:7", then)
    assert not await storage.acts.claim("leave:-4001:7", then)  # a replay
    assert await storage.acts.forget_before(datetime(2031, 3, 2, tzinfo=UTC)) == 1
    assert await storage.acts.claim("leave:-4001:7", datetime(2031, 3, 4, tzinfo=UTC))

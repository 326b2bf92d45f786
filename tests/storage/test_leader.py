"""The scheduler leader: one instance at a time on PostgreSQL, taken over when the leader's
session ends; SQLite's one process always leads."""

from __future__ import annotations

import asyncio

import asyncpg

from bot.leader import Leader
from storage.leader import LockLeader, SoleLeader, leadership_for
from tests.conftest import postgresql_only


class Jobs:
    """Counts starts and stops, as the application's jobs would be started and stopped."""

    def __init__(self) -> None:
        self.running = False
        self.starts = 0
        self.started = asyncio.Event()

    async def start(self) -> None:
        self.running, self.starts = True, self.starts + 1
        self.started.set()

    def stop(self) -> None:
        self.running = False


@postgresql_only("the leader's advisory lock")
async def test_only_one_of_two_instances_leads_and_the_other_takes_over(database_url):
    first, second = LockLeader(database_url), LockLeader(database_url)
    try:
        assert await first.acquire()
        assert not await second.acquire()
        assert await first.acquire()  # still its session: still the leader
        await first.close()
        assert await second.acquire()
        assert not await first.acquire()
    finally:
        await first.close()
        await second.close()


@postgresql_only("the leader's advisory lock")
async def test_a_leader_whose_session_dies_stops_leading_and_another_takes_over(database_url):
    first, second = LockLeader(database_url), LockLeader(database_url)
    admin = await asyncpg.connect(database_url)
    try:
        assert await first.acquire()
        # The leader's connection dies (its process killed, its machine gone).
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks"
            " WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
        )
        assert await second.acquire()
        assert not await first.acquire()  # it notices, and does not lead
    finally:
        await admin.close()
        await first.close()
        await second.close()


@postgresql_only("the leader's advisory lock")
async def test_the_jobs_run_on_the_leader_only_and_move_when_it_stops(database_url):
    one, two = Jobs(), Jobs()
    first = Leader(LockLeader(database_url), one.start, one.stop, every=0.05)
    second = Leader(LockLeader(database_url), two.start, two.stop, every=0.05)
    try:
        await first.begin()
        await second.begin()
        assert one.running
        assert not two.running
        await first.end()
        await asyncio.wait_for(two.started.wait(), 5)  # the follower asks every 0.05 s
        assert two.starts == 1
    finally:
        await first.end()
        await second.end()


async def test_sqlite_always_leads(tmp_path):
    leadership = leadership_for(tmp_path / "bot.sqlite3")
    assert isinstance(leadership, SoleLeader)
    jobs = Jobs()
    leader = Leader(leadership, jobs.start, jobs.stop)
    await leader.begin()
    assert jobs.running
    assert leader.leading
    await leader.end()


@postgresql_only("the leader's advisory lock")
async def test_a_notice_reaches_the_leader_only_and_instances_are_counted(database_url):
    heard: dict[str, asyncio.Queue[str]] = {"one": asyncio.Queue(), "two": asyncio.Queue()}
    first, second = LockLeader(database_url, "one"), LockLeader(database_url, "two")
    first.listen(heard["one"].put_nowait)
    second.listen(heard["two"].put_nowait)
    try:
        assert await first.acquire()
        assert not await second.acquire()
        assert (first.instances, second.instances) == (1, 2)  # the first asked alone
        await second.tell('{"daily": 7}')
        assert await asyncio.wait_for(heard["one"].get(), 5) == '{"daily": 7}'
        await first.close()
        assert await second.acquire()  # the new leader hears what is told from now on
        await second.tell("after")
        assert await asyncio.wait_for(heard["two"].get(), 5) == "after"
        assert heard["one"].empty()
        assert second.instances == 1
    finally:
        await first.close()
        await second.close()

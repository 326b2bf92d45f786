"""Several instances on one PostgreSQL database: only the scheduler leader runs jobs, so what
an instance that does not lead schedules reaches the leader's job queue (a NOTIFY it reads back
from the database); a new leader rebuilds it all; the sending budget is split between them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ADDED, EVENT_JOB_REMOVED

from bot.app import build_application
from tests.conftest import ADMIN, GROUP, Harness, make_config, postgresql_only, stop_app

pytestmark = postgresql_only("several instances share one database")


async def started(config: Any, api: Any, clock: Any) -> Any:
    """An instance, started as the CLI starts one (it leads only if no other does)."""
    app = build_application(config, clock=clock, base_url=api.base_url)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    return app


def jobs(app: Any) -> set[str]:
    return {job.id for job in app.job_queue.scheduler.get_jobs()}


async def until(app: Any, condition: Callable[[], bool]) -> None:
    """Wait for ``app``'s jobs to meet ``condition`` (a notice takes a round trip)."""
    changed = asyncio.Event()
    scheduler = app.job_queue.scheduler

    def heard(_: object) -> None:
        changed.set()

    scheduler.add_listener(heard, EVENT_JOB_ADDED | EVENT_JOB_REMOVED)
    try:
        async with asyncio.timeout(10):
            while not condition():
                await changed.wait()
                changed.clear()
    finally:
        scheduler.remove_listener(heard)


async def test_what_a_follower_schedules_is_run_by_the_leader(tmp_path, api, clock, database_url):
    config = make_config(tmp_path, database_url)
    leader = await started(config, api, clock)
    follower = await started(config, api, clock)
    try:
        assert leader.bot_data["leader"].leading
        assert not follower.bot_data["leader"].leading
        on_follower = Harness(follower, api, clock, config)
        branch = await on_follower.setup_branch()
        await until(leader, lambda: f"daily:{branch.id}" in jobs(leader))
        # Today at noon in Shanghai (the clock reads 09:00 there): all due within hours.
        await on_follower.say(
            "/meeting_add committee 2031-03-02 12:00 remind=1h,30m", chat=GROUP, user=ADMIN
        )
        sends = await leader.bot_data["services"].sends.pending_before(clock() + timedelta(1))
        keys = {send.key for send in sends}
        assert len(keys) == 4  # two reminders, the check-in post, the close
        await until(leader, lambda: keys <= jobs(leader))
        await on_follower.say("/settings checkin=off", chat=GROUP, user=ADMIN)
        await until(leader, lambda: f"daily:{branch.id}" not in jobs(leader))
        # The follower runs none of it: no send goes out twice, none from a follower.
        scheduled = ("daily:", "remind:", "open:", "close:")
        assert not any(job.startswith(scheduled) for job in jobs(follower))
        # The leader stops: the follower takes over with every job rebuilt from the database.
        await stop_app(leader)
        await follower.bot_data["leader"].step()
        assert follower.bot_data["leader"].leading
        assert keys <= jobs(follower)
    finally:
        await stop_app(follower)
        if leader.running:
            await stop_app(leader)


async def test_each_instance_sends_at_its_share_of_the_bots_rate(
    tmp_path, api, clock, database_url
):
    config = make_config(tmp_path, database_url)
    one = await started(config, api, clock)
    two = await started(config, api, clock)
    try:
        await one.bot_data["leader"].step()
        for app in (one, two):
            assert app.bot.rate_limiter.instances == 2
        await stop_app(two)
        await one.bot_data["leader"].step()
        assert one.bot.rate_limiter.instances == 1
    finally:
        await stop_app(one)
        if two.running:
            await stop_app(two)

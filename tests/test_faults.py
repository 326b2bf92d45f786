"""Faults: a weekly run to 200 branches while a tenth of the sends fail at random (429 with
retry_after, 500, 502, or the connection cut after the request arrived) and the bot restarts
in the middle: every branch gets its summary exactly once, and a cut send is logged, never
sent a second time."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from handlers.jobs.summary import DRAIN_LOCK
from tests.conftest import start_app
from tests.test_meetings import fire

WEEK_END = datetime(2031, 3, 9, 12, 0, tzinfo=UTC)  # Sunday 20:00 in Shanghai
GROUPS = [-8000 - n for n in range(200)]


def is_summary(method: str, params: dict) -> bool:
    return (
        method == "sendMessage"
        and int(params.get("chat_id", 0)) < 0
        and (params.get("text", "").startswith("📊"))
    )


def delivered(api) -> dict[int, int]:
    """Summaries Telegram received, per group (answered, or cut after arriving)."""
    copies: dict[int, int] = {}
    for call in api.calls:
        if is_summary(call.method, call.params) and (call.result or call in api.cut):
            copies[call.chat_id] = copies.get(call.chat_id, 0) + 1
    return copies


async def final_states(harness) -> dict[str, int]:
    rows = await harness.services.storage.db.fetch_all(
        "SELECT state, count(*) FROM summaries GROUP BY state"
    )
    return {row[0]: row[1] for row in rows}


@pytest.mark.slow
async def test_two_hundred_summaries_each_exactly_once_through_faults_and_a_restart(
    harness, api, clock, caplog
):
    storage = harness.services.storage
    for chat_id in GROUPS:
        await storage.branches.register(
            chat_id=chat_id,
            title=f"支部{-chat_id}",
            timezone="Asia/Shanghai",
            language="zh",
            organisation_id=None,
            now=clock(),
        )
    api.inject_faults(0.1, seed=20311, match=lambda m, p: m in ("sendMessage", "sendPhoto"))
    hold = api.hold("sendMessage", after=80, match=lambda p: is_summary("sendMessage", p))
    clock.now = WEEK_END
    caplog.set_level(logging.WARNING)

    run = asyncio.create_task(fire(harness, "summaries"))
    await api.wait_until(lambda: hold.waiting > 0, within=120)
    await harness.app.stop()  # the restart in the middle
    hold.release.set()
    await run
    await harness.app.shutdown()
    await harness.app.post_shutdown(harness.app)
    assert 0 < len(delivered(api)) < len(GROUPS)

    harness.app = await start_app(harness.config, api, clock)
    for minutes in (1, 3, 7, 15, 31, 63):  # each retry's backoff has passed
        async with harness.app.bot_data[DRAIN_LOCK]:
            pass  # the drain that start began (or the last tick's) has finished
        clock.now = WEEK_END + timedelta(minutes=minutes)
        await fire(harness, "summaries")
        if "pending" not in await final_states(harness):
            break

    copies = delivered(api)
    assert sorted(copies) == sorted(GROUPS)  # every branch got its summary
    assert set(copies.values()) == {1}  # and none twice
    states = await final_states(harness)
    cut = [c for c in api.cut if is_summary(c.method, c.params)]
    assert states.get("unconfirmed", 0) >= len(cut) > 0
    assert sum(states.values()) == len(GROUPS)
    assert set(states) <= {"sent", "unconfirmed"}
    assert caplog.text.count("may or may not be delivered") >= len(cut)
    harness.read(harness.unread())

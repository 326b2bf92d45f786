"""Points: the ledger (once per act, the daily cap), SPEC's week, /top and /me end to end."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.config import PointsConfig
from bot.periods import week_start
from bot.points import PointsLedger
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_checkin import checkin
from tests.test_meetings import add_meeting

SHANGHAI_SUNDAY_EVENING = datetime(2031, 3, 2, 12, 0, tzinfo=UTC)  # Sunday 20:00 local


async def test_the_week_ends_at_the_summary_time_or_else_on_monday(harness):
    branch = await harness.setup_branch()  # summary on Sunday 20:00, Asia/Shanghai
    just_before = datetime(2031, 3, 2, 11, 59, tzinfo=UTC)
    assert week_start(branch, just_before) == datetime(2031, 2, 23, 12, 0, tzinfo=UTC)
    assert week_start(branch, SHANGHAI_SUNDAY_EVENING) == SHANGHAI_SUNDAY_EVENING
    no_summary = replace(branch, summary_weekday=None, summary_time=None)
    monday = datetime(2031, 3, 2, 16, 0, tzinfo=UTC)  # Monday 00:00 local
    assert week_start(no_summary, just_before) == datetime(2031, 2, 23, 16, 0, tzinfo=UTC)
    assert week_start(no_summary, monday) == monday


async def test_the_ledger_credits_each_act_once_within_the_daily_cap(harness, clock):
    branch = await harness.setup_branch()
    await harness.say("/help", chat=GROUP, user=MEMBER)  # the member is recorded
    storage = harness.services.storage
    ledger = PointsLedger(storage, PointsConfig(correct_answer=3, daily_cap=7))
    now = clock()
    credited = [
        await ledger.credit_answer(branch, MEMBER.id, question, now) for question in (1, 2, 3)
    ]
    assert credited == [3, 3, 1]  # the third is cut to what the cap leaves
    assert await ledger.credit_answer(branch, MEMBER.id, 1, now) == 0  # replayed: nothing
    assert await ledger.credit_answer(branch, MEMBER.id, 4, now) == 0  # the day is full
    tomorrow = datetime(2031, 3, 2, 16, 30, tzinfo=UTC)  # 00:30 the next local day
    assert await ledger.credit_answer(branch, MEMBER.id, 4, tomorrow) == 3
    assert await ledger.of(branch, MEMBER.id, tomorrow) == (3, 10)


async def test_top_shows_this_week_and_all_time(harness, clock):
    await harness.setup_branch()
    assert await harness.reply("/top", chat=GROUP, user=MEMBER) == (
        "学习积分排行榜\n\n本周：\n暂无学习积分\n\n累计：\n暂无学习积分"
    )
    assert await checkin(harness, OTHER) == "👍"  # Sunday morning: last week
    await add_meeting(harness, "group 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 11, 20, tzinfo=UTC)  # its check-in window is open
    assert await checkin(harness, MEMBER) == "👍"  # meeting 3 + the day's check-in 1
    assert await harness.reply("/top", chat=GROUP, user=OTHER) == (
        "学习积分排行榜\n\n本周：\n1. 李四 — 4 分\n\n累计：\n1. 李四 — 4 分\n2. Zhang — 1 分"
    )
    late = datetime(2031, 3, 5, 11, 45, tzinfo=UTC)  # after start + 10 minutes
    clock.now = late
    assert await checkin(harness, ADMIN) == "🫡"  # late: a salute, not a thumbs-up
    rows = await harness.services.storage.db.fetch_all(
        "SELECT reason, points FROM points WHERE user_id = ? ORDER BY reason", (ADMIN.id,)
    )
    assert [tuple(r) for r in rows] == [("checkin", 1), ("meeting_late", 2)]


async def test_top_is_for_the_group(harness):
    await harness.setup_branch()
    assert await harness.reply("/top", chat=MEMBER, user=MEMBER) == "此命令需在支部群内使用。"

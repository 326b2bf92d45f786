"""Read after confirm: whatever the bot has confirmed (a 👍 on /checkin, a quiz answer) is in
every report, export and leaderboard asked after it, even in the same second.

Instants are stored as whole seconds; a period that ends at "now" must still take in the acts of
the second now is in. The clock here stands at a sub-second instant, so both check-ins and the
questions that follow land in one second, as they do when people are quick.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, OTHER
from tests.test_checkin import checkin, privately
from tests.test_meetings import roster_of
from tests.test_summary import QUIET

# Wednesday 10:00:07.1 in Shanghai: mid-week, mid-second.
MID_SECOND = datetime(2031, 3, 5, 2, 0, 7, 100_000, tzinfo=UTC)
TICK = timedelta(milliseconds=200)


async def two_checkins_in_one_second(harness, clock):
    branch = await harness.setup_branch()
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    clock.now = MID_SECOND
    assert await checkin(harness, MEMBER) == "👍"
    clock.advance(TICK)
    assert await checkin(harness, OTHER) == "👍"
    clock.advance(TICK)  # 10:00:07.5: the same second as both check-ins
    return branch


async def private_text(harness, text):
    calls = await harness.say(text, chat=GROUP, user=ADMIN)
    return "\n".join(c.text for c in calls if c.chat_id == ADMIN.id)


async def test_a_report_right_after_two_checkins_counts_both(harness, clock):
    await two_checkins_in_one_second(harness, clock)
    for text in ("/report", "/report week", "/report month", "/report 2031-03-05 2031-03-05"):
        report = await private_text(harness, text)
        assert "签到：2 人次" in report, (text, report)
        assert "1. 李四 — 1 分" in report, (text, report)  # the period's leaders too
        assert "2. Zhang — 1 分" in report, (text, report)


async def test_three_seconds_later_the_report_is_the_same(harness, clock):
    await two_checkins_in_one_second(harness, clock)
    right_away = await private_text(harness, "/report week")
    clock.advance(timedelta(seconds=3))
    assert await private_text(harness, "/report week") == right_away


async def test_the_organisation_report_counts_this_seconds_checkins(harness, clock):
    created = await harness.reply("/org_add 城东党委", chat=OPERATOR, user=OPERATOR)
    code = re.search(r"/setup (\w+)", created).group(1)
    harness.api.bot_status[GROUP.id] = "administrator"
    await harness.say(f"/setup {code}", chat=GROUP, user=ADMIN)
    await roster_of(harness, MEMBER)
    clock.now = MID_SECOND
    assert await checkin(harness, MEMBER) == "👍"
    clock.advance(TICK)
    assert await checkin(harness, OTHER) == "👍"
    clock.advance(TICK)
    text = await harness.reply("/report org", chat=OPERATOR, user=OPERATOR)
    # Two check-ins by a roster of one over 30 days: 7%, not the 0% that leaves out this second.
    assert f"#1 {GROUP.title}: check-in rate 7%," in text, text


async def test_export_top_and_me_right_after_the_checkins(harness, clock):
    await two_checkins_in_one_second(harness, clock)
    calls = await harness.say("/export", chat=GROUP, user=ADMIN)
    (checkins,) = [
        c.params["document"].content
        for c in calls
        if c.method == "sendDocument" and c.params["document"].name == "checkins.csv"
    ]
    rows = list(csv.reader(io.StringIO(checkins.decode("utf-8-sig"))))
    assert sorted(row[1] for row in rows[1:]) == sorted([str(MEMBER.id), str(OTHER.id)])
    assert await harness.reply("/top", chat=GROUP, user=QUIET) == (
        "学习积分排行榜\n\n本周：\n1. 李四 — 1 分\n2. Zhang — 1 分\n\n"
        "累计：\n1. 李四 — 1 分\n2. Zhang — 1 分"
    )
    me = (await privately(harness, "/me", OTHER)).split("\n")
    assert me[1].startswith("Days checked in: 1; days in a row now: 1")
    assert "Points: 1 this week, 1 in all" in me


async def test_a_report_in_the_second_the_week_begins_counts_that_seconds_checkins(harness, clock):
    await harness.setup_branch()  # summary on Sunday 20:00, Asia/Shanghai
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    clock.now = datetime(2031, 3, 9, 12, 0, 0, 300_000, tzinfo=UTC)  # 20:00:00.3 on Sunday
    assert await checkin(harness, MEMBER) == "👍"
    clock.advance(TICK)
    assert "签到：1 人次" in await private_text(harness, "/report week")

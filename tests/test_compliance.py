"""Compliance per meeting type: held, due and overdue over calendar periods, end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.compliance import compliance, period_start, previous_period_start
from bot.config import DEFAULT_CADENCE
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER
from tests.test_meetings import add_meeting, fire, roster_of

NOW = datetime(2031, 5, 20, 4, 0, tzinfo=UTC)
LONG_AGO = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "cadence", "start", "previous"),
    [
        (date(2031, 5, 20), "monthly", date(2031, 5, 1), date(2031, 4, 1)),
        (date(2031, 1, 9), "monthly", date(2031, 1, 1), date(2030, 12, 1)),
        (date(2031, 5, 20), "quarterly", date(2031, 4, 1), date(2031, 1, 1)),
        (date(2031, 2, 1), "quarterly", date(2031, 1, 1), date(2030, 10, 1)),
        (date(2031, 12, 31), "yearly", date(2031, 1, 1), date(2030, 1, 1)),
    ],
)
def test_periods(day, cadence, start, previous):
    assert period_start(day, cadence) == start
    assert previous_period_start(start, cadence) == previous


def states(last_held, since=LONG_AGO, now=NOW, timezone="Asia/Shanghai"):
    found = compliance(DEFAULT_CADENCE, last_held, now=now, timezone=timezone, since=since)
    return {c.type: c.state for c in found}


def test_held_due_and_overdue():
    result = states(
        {
            "committee": datetime(2031, 5, 3, 11, 0, tzinfo=UTC),  # this month
            "group": datetime(2031, 4, 28, 11, 0, tzinfo=UTC),  # last month only
            "general": datetime(2030, 12, 1, tzinfo=UTC),  # nothing last quarter
        }
    )
    assert result["committee"] == "held"
    assert result["group"] == "due"
    assert result["general"] == "overdue"
    assert result["theme_day"] == "overdue"  # never held
    assert "other" not in result  # no cadence


def test_a_new_branch_is_not_overdue_for_periods_before_it_existed():
    assert states({}, since=datetime(2031, 4, 15, tzinfo=UTC))["committee"] == "due"
    assert states({}, since=datetime(2031, 4, 1, tzinfo=UTC))["committee"] == "overdue"


def test_periods_follow_the_branch_timezone():
    # 31 May 18:00 UTC is already 1 June in Shanghai: the June period has started there.
    now = datetime(2031, 5, 31, 18, 0, tzinfo=UTC)
    held = {"committee": datetime(2031, 5, 31, 10, 0, tzinfo=UTC)}
    assert states(held, now=now)["committee"] == "due"
    assert states(held, now=now, timezone="UTC")["committee"] == "held"


async def test_secretaries_see_compliance_in_meetings_and_members_do_not(harness, clock):
    await harness.setup_branch()
    await roster_of(harness, MEMBER)
    _, occ = await add_meeting(harness, "committee 2031-03-05 19:30")
    text = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert "支部委员会：本月待开（最近 —）" in text
    assert "组织生活落实情况" not in await harness.reply("/meetings", chat=GROUP, user=MEMBER)
    clock.now = datetime(2031, 3, 5, 11, 20, tzinfo=UTC)
    # A committee member's check-in: it was held.
    committee_member = factories.message("hi", chat=GROUP, user=MEMBER)["message"]
    await harness.say("/role committee", chat=GROUP, user=ADMIN, reply_to=committee_member)
    await harness.press(f"mc:{occ}", chat=GROUP, user=MEMBER)
    clock.now = datetime(2031, 3, 5, 12, 0, tzinfo=UTC)
    text = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert "支部委员会：本月已开（最近 2031-03-05）" in text
    # A meeting recorded as held offline counts too.
    await harness.reply("/meeting_add lecture 2031-03-01 19:00 held", chat=GROUP, user=ADMIN)
    text = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert "党课：本季度已开（最近 2031-03-01）" in text


async def test_attendance_correction_after_the_close(harness, clock):
    await harness.setup_branch()
    await roster_of(harness, MEMBER)
    _, occ = await add_meeting(harness, "general 2031-03-05 19:30")
    text = await harness.reply(f"/attendance {occ} @lisi excused", chat=GROUP, user=ADMIN)
    assert "签到结束后" in text
    clock.now = datetime(2031, 3, 5, 13, 0, tzinfo=UTC)
    await fire(harness, f"close:{occ}")
    harness.read(harness.unread())
    # The detail goes to the secretary privately, the member is told, the group gets ✍.
    detail, reacted, told = await harness.say(
        f"/attendance {occ} @lisi excused", chat=GROUP, user=ADMIN
    )
    assert (detail.chat_id, reacted.chat_id, told.chat_id) == (ADMIN.id, GROUP.id, MEMBER.id)
    assert "请假" in detail.text
    roll = await harness.services.storage.meetings.roll(occ)
    assert [(e.user_id, e.status) for e in roll] == [(MEMBER.id, "excused")]
    for bad in (f"/attendance {occ} @lisi asleep", "/attendance", f"/attendance {occ}"):
        assert "用法：/attendance" in await harness.reply(bad, chat=GROUP, user=ADMIN)
    assert "支部管理员" in await harness.reply(
        f"/attendance {occ} @lisi present", chat=GROUP, user=MEMBER
    )
    roll = await harness.services.storage.meetings.roll(occ)
    assert [e.status for e in roll] == ["excused"]

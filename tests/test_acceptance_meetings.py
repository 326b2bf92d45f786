"""A secretary schedules a monthly committee meeting and a quarterly general meeting; the bot
sends the reminders, takes RSVPs, opens and closes check-in and reports the roll, across a
restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import ADMIN, GROUP, MEMBER, OTHER, start_app, stop_app
from tests.test_meetings import add_meeting, fire, roster_of


async def test_two_series_run_by_themselves_across_a_restart(harness, clock):
    await harness.setup_branch()
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    for person in (ADMIN, MEMBER, OTHER):
        await harness.say("/start", chat=person, user=person)
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    await harness.say(f"/role {MEMBER.id} committee", chat=GROUP, user=ADMIN)
    harness.read(harness.unread())
    _, committee = await add_meeting(harness, "committee 2031-03-05 19:30 repeat=monthly")
    _, general = await add_meeting(harness, "general 2031-03-28 15:00 repeat=quarterly")

    committee_start = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)
    clock.now = committee_start - timedelta(days=1)
    await fire(harness, f"remind:{committee}:1440")
    (reminder,) = harness.read(harness.unread())
    await harness.press(f"rsvp:{committee}:y", chat=GROUP, user=MEMBER)

    # The bot is down from before the 1h reminder until 20 minutes after it was due.
    await stop_app(harness.app)
    clock.now = committee_start - timedelta(minutes=40)
    harness.app = await start_app(harness.config, harness.api, clock)
    late = await harness.api.wait_for("sendMessage", lambda c: "会议提醒" in c.text and not c.read)
    nudges = [
        await harness.api.wait_for("sendMessage", lambda c, u=u: c.chat_id == u and not c.read)
        # MEMBER answered, and OTHER is not expected at a committee meeting: no nudge.
        for u in (ADMIN.id,)
    ]
    harness.read([late, *nudges])
    assert f"#{committee}" in late.text

    clock.now = committee_start - timedelta(minutes=15)
    await fire(harness, f"open:{committee}")
    harness.read(harness.unread())
    clock.now = committee_start
    await harness.press(f"mc:{committee}", chat=GROUP, user=MEMBER)
    await harness.press(f"mc:{committee}", chat=GROUP, user=ADMIN)
    clock.now = committee_start + timedelta(minutes=90)
    await fire(harness, f"close:{committee}")
    calls = harness.read(harness.unread())
    roll = next(c for c in calls if c.chat_id == ADMIN.id)
    assert "出席（2）" in roll.text
    assert "到会人数超过应到人数半数" in roll.text

    general_start = datetime(2031, 3, 28, 7, 0, tzinfo=UTC)
    clock.now = general_start + timedelta(minutes=5)
    await fire(harness, f"open:{general}")
    await harness.press(f"mc:{general}", chat=GROUP, user=OTHER)
    clock.now = general_start + timedelta(minutes=90)
    await fire(harness, f"close:{general}")
    calls = harness.read(harness.unread())
    group = next(c for c in calls if c.chat_id == GROUP.id and "签到已结束" in c.text)
    assert "应到 3 人，实到 1 人（其中迟到 0 人），请假 0 人，缺席 2 人" in group.text
    roll = next(c for c in calls if c.chat_id == ADMIN.id)
    assert "到会人数未超过应到人数半数" in roll.text
    text = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert "支部委员会：本月已开" in text
    assert "支部党员大会：本季度已开" in text
    assert reminder.text.count("#") == 1

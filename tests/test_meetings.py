"""Meetings end to end: scheduling, reminders, check-in, close and the roll, across restarts.

Time moves only when a test moves the clock; a job is fired by running the job the queue
holds, as the scheduler would at its time.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.leases import LEASE
from bot.recurrence import HORIZON
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER, start_app, stop_app

# The fake clock starts at 2031-03-02 01:00 UTC (09:00 in Shanghai).
T0 = datetime(2031, 3, 2, 1, 0, tzinfo=UTC)


async def fire(harness, key, app=None):
    """Run the job the queue holds for ``key``, at the clock's current time.

    A send beyond the job window is queued by the periodic extend job, which runs every six
    hours: it is run first when the send is not on the queue yet.
    """
    app = app or harness.app
    jobs = app.job_queue.get_jobs_by_name(key)
    if not jobs:
        (extend,) = app.job_queue.get_jobs_by_name("extend")
        await extend.run(app)
        jobs = app.job_queue.get_jobs_by_name(key)
    assert len(jobs) == 1, (key, jobs)
    await jobs[0].run(app)


def keys(app):
    """Names of the meeting sends on the job queue."""
    kinds = ("remind:", "open:", "close:")
    return sorted(job.name for job in app.job_queue.jobs() if job.name.startswith(kinds))


async def roster_of(harness, *people):
    for person in people:
        await harness.press("roster:join", chat=GROUP, user=person)


async def add_meeting(harness, line):
    text = await harness.reply(f"/meeting_add {line}", chat=GROUP, user=ADMIN)
    occurrence = int(text.split("#")[1].split()[0])
    return text, occurrence


async def test_monthly_committee_meeting_is_scheduled_with_its_jobs(harness):
    await harness.setup_branch()
    text, first = await add_meeting(
        harness, "committee 2031-03-05 19:30 支委会 repeat=monthly remind=1d,1h"
    )
    assert "2031-03-05 19:30 支部委员会 · 支委会" in text
    assert "共 3 次" in text  # 5 March, 5 April, 5 May within 90 days
    for key in (f"remind:{first}:1440", f"remind:{first}:60", f"open:{first}", f"close:{first}"):
        job = harness.app.job_queue.get_jobs_by_name(key)[0]
        assert job.job.misfire_grace_time == 3600
        assert job.job.id == key
    start = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)
    job = harness.app.job_queue.get_jobs_by_name(f"open:{first}")[0]
    assert job.next_t == start - timedelta(minutes=15)
    assert harness.app.job_queue.get_jobs_by_name(f"close:{first}")[0].next_t == start + timedelta(
        minutes=90
    )
    assert len(keys(harness.app)) == 12


async def test_a_meeting_runs_by_itself_reminders_checkin_close_and_roll(harness, clock):
    await harness.setup_branch()
    await harness.say("/start", chat=ADMIN, user=ADMIN)  # the secretary can be written to
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    _, occ = await add_meeting(harness, "committee 2031-03-05 19:30 remind=1d,1h")
    await harness.say(f"/role {MEMBER.id} committee", chat=GROUP, user=ADMIN)
    start = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)

    clock.now = start - timedelta(days=1)
    await fire(harness, f"remind:{occ}:1440")
    reminder = harness.read(harness.unread())
    assert [c.chat_id for c in reminder] == [GROUP.id]
    assert "会议提醒" in reminder[0].text
    assert f"#{occ} 2031-03-05 19:30" in reminder[0].text

    clock.now = start - timedelta(minutes=15)
    await fire(harness, f"open:{occ}")
    (post,) = harness.read(harness.unread())
    assert post.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"mc:{occ}"
    assert "已签到：0 人" in post.text

    clock.now = start - timedelta(minutes=5)
    assert (await harness.press(f"mc:{occ}", chat=GROUP, user=MEMBER))[0].text == "签到成功。"
    assert (await harness.press(f"mc:{occ}", chat=GROUP, user=MEMBER))[0].text == "你已签到。"
    clock.now = start + timedelta(minutes=11)
    assert "迟到" in (await harness.press(f"mc:{occ}", chat=GROUP, user=ADMIN))[0].text
    # However many press, one count edit is pending; running it shows the count.
    assert len(harness.app.job_queue.get_jobs_by_name(f"count:{occ}")) == 1
    await fire(harness, f"count:{occ}")
    (edit,) = harness.read(harness.unread())
    assert edit.method == "editMessageText"
    assert "已签到：2 人" in edit.text

    clock.now = start + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    calls = harness.read(harness.unread())
    group = [c for c in calls if c.chat_id == GROUP.id]
    private = [c for c in calls if c.chat_id == ADMIN.id]
    # Committee meeting: the expected list is committee members and secretaries on the roster.
    assert "应到 2 人，实到 2 人（其中迟到 1 人），请假 0 人，缺席 0 人" in group[0].text
    assert "李四" in private[0].text
    assert "王书记" in private[0].text
    assert "到会人数超过应到人数半数" in private[0].text
    assert "Zhang" not in private[0].text  # not a committee member
    # Pressing after the close records nothing.
    assert (await harness.press(f"mc:{occ}", chat=GROUP, user=OTHER))[0].text == (
        "Check-in for this meeting is closed."  # the presser's language
    )
    # Each send goes out once: firing its job again sends nothing.
    before = len(harness.api.of("sendMessage"))
    await fire(harness, f"close:{occ}")
    await fire(harness, f"remind:{occ}:1440")
    assert len(harness.api.of("sendMessage")) == before


async def test_checkin_before_the_window_opens_is_refused(harness, clock):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 11, 0, tzinfo=UTC)  # 30 minutes before the start
    calls = await harness.press(f"mc:{occ}", chat=GROUP, user=MEMBER)
    assert calls[0].text == "签到将于开始前 15 分钟开放。"
    assert await harness.services.meetings.checkin_count(occ) == 0


async def test_a_press_from_another_branchs_group_is_refused(harness, clock):
    await harness.setup_branch()
    other = factories.Group(-4777, "另一个支部")
    await harness.setup_branch(other)
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)
    calls = await harness.press(f"mc:{occ}", chat=other, user=MEMBER)
    assert calls[0].params["show_alert"] is True
    assert await harness.services.meetings.checkin_count(occ) == 0


async def test_quarterly_general_meeting_and_an_empty_roster_gives_unknown_quorum(harness, clock):
    await harness.setup_branch()
    await harness.say("/start", chat=ADMIN, user=ADMIN)
    text, occ = await add_meeting(harness, "general 2031-03-31 15:00 repeat=quarterly")
    assert "共 1 次" in text  # 31 March; 30 June is beyond 90 days
    clock.now = datetime(2031, 3, 31, 8, 30, tzinfo=UTC)
    await fire(harness, f"close:{occ}")
    calls = harness.read(harness.unread())
    assert "应到 0 人" in calls[0].text
    assert "无应到人员" in calls[1].text


async def test_meetings_lists_occurrences_with_their_ids(harness):
    await harness.setup_branch()
    await add_meeting(harness, "lecture 2031-03-10 19:00 党课一")
    await add_meeting(harness, "theme_day 2031-03-06 09:00")
    text = await harness.reply("/meetings", chat=GROUP, user=MEMBER)
    lines = text.splitlines()[1:]
    assert all(line.startswith("#") for line in lines)
    assert "2031-03-06 09:00 主题党日" in lines[0]
    assert "党课一" in lines[1]
    await harness.say("hi", chat=GROUP, user=OTHER)
    text = await harness.reply("/meetings", chat=OTHER, user=OTHER)
    assert text.startswith("Upcoming meetings:")
    assert "party lecture" in text


async def test_cancel_one_occurrence_and_then_the_series(harness):
    await harness.setup_branch()
    _, first = await add_meeting(harness, "committee 2031-03-05 19:30 repeat=monthly")
    text = await harness.reply(f"/meeting_cancel #{first}", chat=GROUP, user=ADMIN)
    assert "重复会议" in text  # a series: asked which, nothing cancelled yet
    assert harness.app.job_queue.get_jobs_by_name(f"open:{first}")
    answer, edit = await harness.press(f"mx:{first}:one", chat=GROUP, user=ADMIN)
    assert edit.text == f"已取消会议：#{first} 2031-03-05 19:30 支部委员会。"
    assert not harness.app.job_queue.get_jobs_by_name(f"open:{first}")
    listed = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    second = int(listed.splitlines()[1].split()[0][1:])
    text = await harness.reply(f"/meeting_cancel {second} series", chat=GROUP, user=ADMIN)
    assert "已取消 2 次会议" in text
    assert keys(harness.app) == []
    assert "暂无" in await harness.reply("/meetings", chat=GROUP, user=ADMIN)


async def test_notes_are_recorded(harness):
    branch = await harness.setup_branch()
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    text = await harness.reply(f"/meeting_notes {occ} 学习了年度计划", chat=GROUP, user=ADMIN)
    assert f"#{occ}" in text
    occurrence = await harness.services.meetings.occurrence_of(branch, occ)
    assert occurrence.notes == "学习了年度计划"


async def test_held_records_a_past_meeting_without_any_posts(harness):
    await harness.setup_branch()
    text = await harness.reply(
        "/meeting_add lecture 2031-02-20 19:00 held", chat=GROUP, user=ADMIN
    )
    assert text.startswith("已补录：#1 2031-02-20 19:00 党课。")
    assert keys(harness.app) == []
    rows = await harness.services.storage.db.fetch_all("SELECT held_offline FROM occurrences")
    assert [row[0] for row in rows] == [1]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("committee", "用法：/meeting_add"),
        ("committee 2031-13-01 19:30", "用法：/meeting_add"),
        ("committee 2031-03-05 25:00", "用法：/meeting_add"),
        ("party 2031-03-05 19:30", "党员大会、支委会、党小组会"),
        ("committee 2031-03-01 19:30", "已过"),
        ("committee 2031-03-05 19:30 repeat=hourly", "重复=hourly"),
        ("committee 2031-03-05 19:30 repeat=FREQ=HOURLY", "DAILY"),
        ("committee 2031-03-05 19:30 remind=soon", "提醒=1d,1h"),
        ("committee 2031-03-05 19:30 duration=0m", "时长=90m"),
        ("committee 2031-04-05 19:30 held", "held"),
    ],
)
async def test_bad_input_is_explained_and_schedules_nothing(harness, line, expected):
    await harness.setup_branch()
    text = await harness.reply(f"/meeting_add {line}", chat=GROUP, user=ADMIN)
    assert expected in text
    assert (await harness.services.storage.db.fetch_one("SELECT count(*) FROM meetings"))[0] == 0
    assert keys(harness.app) == []


async def test_full_width_input_works(harness):
    await harness.setup_branch()
    text = await harness.reply(
        "/meeting_add group ２０３１-０３-０５ １９：３０", chat=GROUP, user=ADMIN
    )
    assert "2031-03-05 19:30" in text


@pytest.mark.parametrize(
    "line",
    ["/meeting_add group 2031-03-05 19:30", "/meeting_cancel 1", "/meeting_notes 1 text"],
)
async def test_members_are_refused_and_nothing_changes(harness, line):
    await harness.setup_branch()
    if not line.startswith("/meeting_add"):
        await add_meeting(harness, "group 2031-03-05 19:30")
    before = keys(harness.app)
    text = await harness.reply(line, chat=GROUP, user=MEMBER)
    assert "支部管理员" in text
    assert keys(harness.app) == before
    rows = await harness.services.storage.db.fetch_all(
        "SELECT count(*), sum(cancelled), max(notes) FROM occurrences"
    )
    assert tuple(rows[0])[1:] in ((None, None), (0, None))


async def test_a_replayed_meeting_add_schedules_once(harness):
    await harness.setup_branch()
    update = factories.command("/meeting_add group 2031-03-05 19:30", chat=GROUP, user=ADMIN)
    harness.read(await harness.feed(update))
    harness.read(await harness.feed(update))
    assert (await harness.services.storage.db.fetch_one("SELECT count(*) FROM meetings"))[0] == 1


async def test_restart_between_reminders_sends_the_missed_one_once(harness, clock, caplog):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "committee 2031-03-05 19:30 remind=1d,1h")
    start = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)
    clock.now = start - timedelta(days=1)
    await fire(harness, f"remind:{occ}:1440")
    harness.read(harness.unread())
    await stop_app(harness.app)

    # Down through the 1h reminder; back 20 minutes later, within the one-hour grace.
    clock.now = start - timedelta(minutes=40)
    app = await start_app(harness.config, harness.api, clock)
    harness.app = app
    reminder = await harness.api.wait_for(
        "sendMessage", lambda c: "会议提醒" in c.text and not c.read
    )
    reminder.read = True
    assert len([c for c in harness.api.of("sendMessage") if "会议提醒" in c.text]) == 2
    assert app.job_queue.get_jobs_by_name(f"open:{occ}")[0].next_t == start - timedelta(minutes=15)

    # Three more restarts: every job exists once, nothing is sent again.
    for _ in range(3):
        await stop_app(app)
        app = await start_app(harness.config, harness.api, clock)
        harness.app = app
    for key in (f"open:{occ}", f"close:{occ}"):
        assert len(app.job_queue.get_jobs_by_name(key)) == 1
    assert not app.job_queue.get_jobs_by_name(f"remind:{occ}:60")
    assert len([c for c in harness.api.of("sendMessage") if "会议提醒" in c.text]) == 2


async def test_a_send_missed_beyond_the_grace_is_skipped_and_logged(harness, clock, caplog):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "committee 2031-03-05 19:30 remind=1d")
    await stop_app(harness.app)
    clock.now = datetime(2031, 3, 4, 13, 0, tzinfo=UTC)  # the 1d reminder is 90 minutes late
    caplog.set_level(logging.WARNING)
    harness.app = await start_app(harness.config, harness.api, clock)
    assert f"remind:{occ}:1440 skipped" in caplog.text
    assert not harness.app.job_queue.get_jobs_by_name(f"remind:{occ}:1440")
    _, state = await harness.services.storage.sends.get(f"open:{occ}")
    assert state == "pending"  # still owed; queued once it comes within the job window


async def test_a_send_interrupted_by_a_crash_is_never_repeated(harness, clock, caplog):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "committee 2031-03-05 19:30 remind=1d")
    clock.now = datetime(2031, 3, 4, 11, 30, tzinfo=UTC)
    # The process claimed the reminder and died before confirming it.
    assert await harness.services.sends.claim(f"remind:{occ}:1440", clock())
    await stop_app(harness.app)
    caplog.set_level(logging.WARNING)
    harness.app = await start_app(harness.config, harness.api, clock)
    # Within its lease the claim may be a live instance's: left alone, and not sent again.
    assert "was interrupted" not in caplog.text
    _, state = await harness.services.storage.sends.get(f"remind:{occ}:1440")
    assert state == "claimed"
    await stop_app(harness.app)
    clock.advance(LEASE)
    harness.app = await start_app(harness.config, harness.api, clock)
    assert f"remind:{occ}:1440 was interrupted" in caplog.text
    assert not harness.app.job_queue.get_jobs_by_name(f"remind:{occ}:1440")
    assert not [c for c in harness.api.of("sendMessage") if "会议提醒" in c.text]


async def test_after_a_long_stop_the_open_window_gets_its_post_and_the_close_still_runs(
    harness, clock
):
    await harness.setup_branch()
    _, first = await add_meeting(harness, "group 2031-03-05 19:30 remind=1d duration=3h")
    _, second = await add_meeting(harness, "group 2031-03-05 08:00 remind=1d")
    await stop_app(harness.app)
    # Back at 21:00 local: the first meeting's window opened 105 minutes ago (beyond the
    # grace) and is still open; the second one ended 11 hours ago and was never closed.
    clock.now = datetime(2031, 3, 5, 13, 0, tzinfo=UTC)
    harness.app = await start_app(harness.config, harness.api, clock)
    post = await harness.api.wait_for("sendMessage", lambda c: f"mc:{first}" in str(c.params))
    closed = await harness.api.wait_for("sendMessage", lambda c: "签到已结束" in c.text)
    roll = await harness.api.wait_for("sendMessage", lambda c: c.chat_id == ADMIN.id)
    harness.read([post, closed, roll])
    assert f"#{second}" in closed.text
    reminders = [c for c in harness.api.of("sendMessage") if "会议提醒" in c.text]
    assert reminders == []  # a day late: skipped


async def test_checkin_open_posts_now_for_a_named_todays_or_an_ad_hoc_meeting(harness, clock):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 9, 0, tzinfo=UTC)  # 17:00 local, before the window
    (post,) = await harness.say("/checkin_open", chat=GROUP, user=ADMIN)  # today's nearest
    assert buttons_of(post) == [f"mc:{occ}"]
    assert not harness.app.job_queue.get_jobs_by_name(f"open:{occ}")  # posted: not again
    assert (await harness.press(f"mc:{occ}", chat=GROUP, user=MEMBER))[0].text == "签到成功。"
    (reaction,) = await harness.say("/checkin", chat=GROUP, user=OTHER)  # finds it too
    assert reaction.params["reaction"][0]["emoji"] == "👍"
    assert await harness.services.meetings.checkin_count(occ) == 2
    (post,) = await harness.say(f"/checkin_open #{occ}", chat=GROUP, user=ADMIN)
    assert buttons_of(post) == [f"mc:{occ}"]
    await fire(harness, f"count:{occ}")  # edits go to the latest post
    (edit,) = harness.read(harness.unread())
    assert edit.params["message_id"] == post.result["message_id"]
    # Another day with nothing scheduled: an ad-hoc meeting starting now.
    clock.now = datetime(2031, 3, 7, 2, 0, tzinfo=UTC)
    (post,) = await harness.say("/checkin_open", chat=GROUP, user=ADMIN)
    adhoc = int(buttons_of(post)[0].split(":")[1])
    assert "2031-03-07 10:00 其他会议" in post.text
    assert harness.app.job_queue.get_jobs_by_name(f"close:{adhoc}")
    assert "签到成功" in (await harness.press(f"mc:{adhoc}", chat=GROUP, user=MEMBER))[0].text
    for bad in ("/checkin_open x", "/checkin_open 1 2"):
        assert "用法：/checkin_open" in await harness.reply(bad, chat=GROUP, user=ADMIN)
    assert "支部管理员" in await harness.reply("/checkin_open", chat=GROUP, user=MEMBER)


def buttons_of(call):
    return [row[0]["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"]]


async def test_a_scheduled_send_to_a_group_that_removed_the_bot(harness, clock):
    branch = await harness.setup_branch()
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30 remind=1d,1h")
    clock.now = datetime(2031, 3, 4, 11, 30, tzinfo=UTC)
    harness.api.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was kicked from the group chat"
    )
    await fire(harness, f"remind:{occ}:1440")
    (refused,) = harness.read(harness.unread())
    assert refused.result is None  # answered with the 403
    assert not (await harness.services.branches.get(branch.id)).active
    clock.now = datetime(2031, 3, 5, 10, 30, tzinfo=UTC)
    before = len(harness.api.of("sendMessage"))
    await fire(harness, f"remind:{occ}:60")  # inactive: nothing is sent
    assert len(harness.api.of("sendMessage")) == before


async def test_one_failing_roll_does_not_stop_the_others(harness, clock):
    await harness.setup_branch()
    await harness.press("roster:join", chat=GROUP, user=MEMBER)
    harness.api.admins[GROUP.id] = [ADMIN.id, OTHER.id]
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    harness.api.fail_next(
        "sendMessage",
        error_code=400,
        description="Bad Request: chat not found",
        match=lambda p: p.get("chat_id") == ADMIN.id,
    )
    clock.now = datetime(2031, 3, 5, 13, 0, tzinfo=UTC)
    await fire(harness, f"close:{occ}")
    calls = harness.read(harness.unread())
    assert [c.chat_id for c in calls] == [GROUP.id, ADMIN.id, OTHER.id]
    assert "到会情况" in calls[2].text
    state = await harness.services.storage.sends.get(f"close:{occ}")
    assert state[1] == "sent"


async def test_a_meeting_beyond_the_horizon_is_materialised_at_once_and_never_again(
    harness, clock
):
    await harness.setup_branch()
    text = await harness.reply("/meeting_add org_life 2031-07-20 09:00", chat=GROUP, user=ADMIN)
    assert "2031-07-20 09:00 组织生活会" in text
    (occ,) = await harness.services.meetings.upcoming(
        [(await harness.services.branches.for_chat(GROUP.id)).id], clock()
    )
    assert occ.starts_at == datetime(2031, 7, 20, 1, 0, tzinfo=UTC)
    _, state = await harness.services.storage.sends.get(f"close:{occ.id}")
    assert state == "pending"
    (job,) = harness.app.job_queue.get_jobs_by_name("extend")
    for now in (datetime(2031, 5, 1, 1, 0, tzinfo=UTC), datetime(2031, 7, 19, 20, 0, tzinfo=UTC)):
        clock.now = now
        await job.run(harness.app)
    assert f"close:{occ.id}" in keys(harness.app)
    assert len(await harness.services.storage.db.fetch_all("SELECT id FROM occurrences")) == 1


async def statements_of(harness):
    """Every SQL statement the bot's storage runs, and "transaction" for each transaction
    opened, from now on (a list that fills up)."""
    seen = []
    db = harness.services.storage.db

    def noting(run):
        async def noted(sql, *args):
            seen.append(sql)
            return await run(sql, *args)

        return noted

    for name in ("execute", "execute_many", "fetch_one", "fetch_all"):
        setattr(db, name, noting(getattr(db, name)))  # this database only: a restart opens another
    transaction = db.transaction

    def noted_transaction(scope=None):
        seen.append("transaction")
        return transaction(scope)

    db.transaction = noted_transaction
    return seen


def _schedule_table(statement):
    return any(table in statement for table in ("meetings", "occurrences", "scheduled_sends"))


async def test_a_restart_rewrites_no_materialised_series(harness, clock):
    await harness.setup_branch()
    await add_meeting(harness, "committee 2031-03-05 19:30 repeat=monthly")
    await add_meeting(harness, "group 2031-03-06 19:30 repeat=weekly")
    await add_meeting(harness, "lecture 2031-03-07 19:00 repeat=FREQ=YEARLY")
    await harness.reply("/meeting_add org_life 2031-07-20 09:00", chat=GROUP, user=ADMIN)
    await harness.reply("/meeting_add lecture 2031-02-20 19:00 held", chat=GROUP, user=ADMIN)
    clock.now = datetime(2031, 3, 2, 2, 0, tzinfo=UTC)
    (post,) = await harness.say("/checkin_open", chat=GROUP, user=ADMIN)  # an ad-hoc meeting
    post.read = True
    meetings = "SELECT id, materialised_until FROM meetings ORDER BY id"
    for minutes in (1, 60):  # a restart, then another an hour later
        await stop_app(harness.app)
        clock.now += timedelta(minutes=minutes)
        harness.app = await start_app(harness.config, harness.api, clock)
        db = harness.services.storage.db
        before = await db.fetch_all(meetings)
        seen = await statements_of(harness)
        await harness.services.meetings.extend(clock())
        assert [s for s in seen if not s.startswith("SELECT") and _schedule_table(s)] == []
        assert await db.fetch_all(meetings) == before
    # Each series records the start of its first occurrence not yet created.
    weekly = await harness.services.storage.meetings.meeting_of(
        (await db.fetch_one("SELECT max(id) FROM occurrences WHERE meeting_id = 2"))[0]
    )
    last = (await db.fetch_one("SELECT max(starts_at) FROM occurrences WHERE meeting_id = 2"))[0]
    assert weekly.materialised_until == datetime.fromtimestamp(last, UTC) + timedelta(days=7)
    assert weekly.materialised_until >= clock() + HORIZON


async def test_extend_writes_every_series_due_in_one_transaction(harness, clock):
    await harness.setup_branch()
    for day in range(5, 10):
        await add_meeting(harness, f"group 2031-03-{day:02d} 19:30 repeat=weekly")
    clock.now += timedelta(days=30)
    seen = await statements_of(harness)
    await harness.services.meetings.extend(clock())
    assert seen.count("transaction") == 1
    rows = await harness.services.storage.db.fetch_all(
        "SELECT meeting_id, count(*) FROM occurrences GROUP BY meeting_id"
    )
    assert [row[1] for row in rows] == [17] * 5  # every week until 90 days from the new now


async def test_a_missed_check_in_post_runs_at_start_though_its_close_lies_beyond_the_job_window(
    harness, clock
):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30 remind=1d duration=2d")
    await stop_app(harness.app)
    # Back two hours after the start: the post is beyond the grace, but the window is open
    # for two days, so its close is owed far beyond the twelve hours read at start.
    clock.now = datetime(2031, 3, 5, 13, 30, tzinfo=UTC)
    harness.app = await start_app(harness.config, harness.api, clock)
    post = await harness.api.wait_for("sendMessage", lambda c: f"mc:{occ}" in str(c.params))
    harness.read([post])
    assert not harness.app.job_queue.get_jobs_by_name(f"close:{occ}")  # left in the database
    _, state = await harness.services.storage.sends.get(f"close:{occ}")
    assert state == "pending"

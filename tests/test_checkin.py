"""Daily check-ins: /checkin answered with a reaction, the daily post and its button, streaks,
meeting windows, restarts, and /me."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from telegram.ext import JobQueue

from bot.checkin import streak_of
from handlers.jobs.checkin import _daily_trigger
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, OTHER, start_app, stop_app
from tests.test_meetings import add_meeting, fire, roster_of


def reaction(call):
    assert call.method == "setMessageReaction"
    return call.params["reaction"][0]["emoji"]


async def checkin(harness, person=MEMBER):
    calls = await harness.say("/checkin", chat=GROUP, user=person)
    assert len(calls) == 1
    return reaction(calls[0])


async def privately(harness, text, person=MEMBER):
    """A personal command asked in the group: the answer goes to the sender, the group gets ✍."""
    calls = await harness.say(text, chat=GROUP, user=person)
    assert [(c.method, c.chat_id) for c in calls] == [
        ("sendMessage", person.id),
        ("setMessageReaction", GROUP.id),
    ], calls
    assert reaction(calls[1]) == "✍"
    return calls[0].text


async def daily_rows(harness):
    rows = await harness.services.storage.db.fetch_all(
        "SELECT user_id, local_date FROM daily_checkins ORDER BY local_date"
    )
    return [tuple(row) for row in rows]


async def test_checkin_once_per_local_day_answered_with_reactions(harness, clock):
    await harness.setup_branch()
    clock.now = datetime(2031, 3, 2, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    assert await checkin(harness) == "👍"
    assert await checkin(harness) == "👌"
    clock.now = datetime(2031, 3, 2, 16, 1, tzinfo=UTC)  # 00:01 the next local day
    assert await checkin(harness) == "👍"
    assert await daily_rows(harness) == [(MEMBER.id, "2031-03-02"), (MEMBER.id, "2031-03-03")]


async def test_a_replayed_checkin_records_once(harness):
    await harness.setup_branch()
    update = factories.command("/checkin", chat=GROUP, user=MEMBER)
    harness.read(await harness.feed(update))
    harness.read(await harness.feed(update))
    assert len(await daily_rows(harness)) == 1


async def test_checkin_goes_to_the_open_meeting_and_counts_for_the_day(harness, clock):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 11, 20, tzinfo=UTC)  # window open since 11:15
    assert await checkin(harness) == "👍"
    assert await checkin(harness) == "👌"
    assert await harness.services.meetings.checkin_count(occ) == 1
    assert await daily_rows(harness) == [(MEMBER.id, "2031-03-05")]


async def test_with_several_meetings_open_the_member_chooses(harness, clock):
    await harness.setup_branch()
    _, first = await add_meeting(harness, "group 2031-03-05 19:30")
    _, second = await add_meeting(harness, "lecture 2031-03-05 19:40")
    clock.now = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)
    (choice,) = await harness.say("/checkin", chat=GROUP, user=MEMBER)
    data = [row[0]["callback_data"] for row in choice.params["reply_markup"]["inline_keyboard"]]
    assert data == [f"mc:{first}", f"mc:{second}"]
    await harness.press(f"mc:{second}", chat=GROUP, user=MEMBER)
    assert await harness.services.meetings.checkin_count(second) == 1
    assert await harness.services.meetings.checkin_count(first) == 0


async def test_the_daily_post_goes_out_once_and_its_button_shows_the_streak(harness, clock):
    branch = await harness.setup_branch()
    job = harness.app.job_queue.get_jobs_by_name(f"daily:{branch.id}")[0]
    assert job.job.misfire_grace_time == 3600
    assert (job.job.trigger.fields[5].expressions[0].first, str(job.job.trigger.timezone)) == (
        8,
        "Asia/Shanghai",
    )
    for day in range(3):
        clock.now = datetime(2031, 3, 3 + day, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
        await fire(harness, f"daily:{branch.id}")
        await fire(harness, f"daily:{branch.id}")  # a second run the same day posts nothing
        (post,) = harness.read(harness.unread())
        assert post.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ci"
        (toast,) = await harness.press("ci", chat=GROUP, user=MEMBER)
        assert toast.text == f"签到成功，已连续 {day + 1} 天。"
    (toast,) = await harness.press("ci", chat=GROUP, user=MEMBER)
    assert toast.text == "你今天已签到，已连续 3 天。"


async def test_a_missed_daily_post_is_sent_once_on_start_within_the_grace(harness, clock):
    branch = await harness.setup_branch()
    await harness.reply("/settings summary=off", chat=GROUP, user=ADMIN)  # only the post here
    await stop_app(harness.app)
    clock.now = datetime(2031, 3, 3, 0, 30, tzinfo=UTC)  # 08:30 local, 30 minutes late
    harness.app = await start_app(harness.config, harness.api, clock)
    post = await harness.api.wait_for("sendMessage", lambda c: "每日签到" in c.text)
    post.read = True
    await fire(harness, f"daily:{branch.id}")  # the day's post is claimed: nothing more
    await stop_app(harness.app)
    clock.now = datetime(2031, 3, 4, 2, 0, tzinfo=UTC)  # 10:00 local: beyond the grace
    harness.app = await start_app(harness.config, harness.api, clock)
    assert len([c for c in harness.api.of("sendMessage") if "每日签到" in c.text]) == 1


async def test_settings_move_or_stop_the_daily_post(harness):
    branch = await harness.setup_branch()
    await harness.reply("/settings checkin=07:30", chat=GROUP, user=ADMIN)
    (job,) = harness.app.job_queue.get_jobs_by_name(f"daily:{branch.id}")
    assert str(job.job.trigger.fields[6]) == "30"  # minute field
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    assert harness.app.job_queue.get_jobs_by_name(f"daily:{branch.id}") == ()


async def test_checkin_needs_a_branch_and_a_person(harness):
    assert "/setup" in await harness.reply("/checkin", chat=GROUP, user=MEMBER)
    await harness.setup_branch()
    calls = harness.read(await harness.feed(factories.channel_command("/checkin", chat=GROUP)))
    assert "个人身份" in calls[0].text
    assert await daily_rows(harness) == []


async def test_me_shows_checkins_streak_and_attendance(harness, clock):
    await harness.setup_branch()
    await roster_of(harness, MEMBER, OTHER)
    assert "（参会率 —）" in await privately(harness, "/me")
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 11, 20, tzinfo=UTC)
    await checkin(harness)
    clock.now = datetime(2031, 3, 5, 13, 0, tzinfo=UTC)
    await fire(harness, f"close:{occ}")
    harness.read(harness.unread())
    clock.now += timedelta(days=1)
    await checkin(harness)
    text = await privately(harness, "/me")
    assert "签到：2 天，当前连续 2 天" in text
    assert "到会情况：1/1（参会率 100%）" in text
    # Privately, in the reader's own language.
    assert "Meetings attended: 0 of 1 (0%)" in await privately(harness, "/me", OTHER)
    # In private, /me reads the branch chosen through the start link.
    branch = await harness.services.branches.for_chat(GROUP.id)
    await harness.say(f"/start b{branch.id}", chat=MEMBER, user=MEMBER)
    assert "签到：2 天" in await harness.reply("/me", chat=MEMBER, user=MEMBER)
    # Nothing chosen, one branch: /me answers for it at once.
    assert "你在支部“" in await harness.reply("/me", chat=ADMIN, user=ADMIN)


def test_streaks():
    today = date(2031, 3, 10)
    days = [today - timedelta(days=n) for n in (0, 1, 2, 4)]
    assert streak_of(days, today) == 3
    assert streak_of(days[1:], today) == 2  # not yet today: yesterday's streak still counts
    assert streak_of(days[2:], today) == 0
    assert streak_of([], today) == 0


async def test_many_branches_each_get_one_daily_post_without_a_scan_per_branch(
    harness, clock, monkeypatch
):
    storage = harness.services.storage
    for n in range(300):
        branch = await storage.branches.register(
            chat_id=-90000 - n,
            title=f"支部{n}",
            timezone="Asia/Shanghai",
            language="zh",
            organisation_id=None,
            now=clock(),
        )
        await storage.branches.update_settings(branch.id, {"checkin_time": f"{10 + n % 3}:30"})
    await stop_app(harness.app)
    scans = []
    listing = JobQueue.jobs
    monkeypatch.setattr(JobQueue, "jobs", lambda self, *a: scans.append(a) or listing(self, *a))
    harness.app = await start_app(harness.config, harness.api, clock)
    assert scans == []  # listing every job once per branch made start-up quadratic
    monkeypatch.undo()
    daily = [job for job in harness.app.job_queue.jobs() if job.name.startswith("daily:")]
    assert len(daily) == 300
    for job in daily:
        (hour,) = job.job.trigger.fields[5].expressions
        branch = await harness.services.storage.branches.get(job.data)
        assert (hour.first, f"daily:{branch.id}") == (int(branch.checkin_time[:2]), job.name)


def test_a_shared_daily_trigger_fires_when_its_own_cron_would():
    shared = _daily_trigger("08:00", "Asia/Shanghai")
    assert _daily_trigger("08:00", "Asia/Shanghai") is shared
    plain = CronTrigger(hour=8, minute=0, second=0, timezone=ZoneInfo("Asia/Shanghai"))
    start = datetime(2031, 3, 2, 23, 0, tzinfo=UTC)  # 07:00 local
    for minutes in (0, 30, 59, 60, 61, 90, 24 * 60, 25 * 60, 10, 0):
        now = start + timedelta(minutes=minutes)
        assert shared.get_next_fire_time(None, now) == plain.get_next_fire_time(None, now), now


async def test_a_group_that_allows_no_reactions_gets_the_checkin_answered_in_words(harness, clock):
    await harness.setup_branch()
    clock.now = datetime(2031, 3, 2, 2, 0, tzinfo=UTC)
    harness.api.fail_next(
        "setMessageReaction", error_code=400, description="Bad Request: REACTION_INVALID"
    )
    calls = await harness.say("/checkin", chat=GROUP, user=MEMBER)
    (answer,) = [c for c in calls if c.method == "sendMessage"]
    assert (answer.chat_id, answer.text) == (GROUP.id, "签到成功，已连续 1 天。")
    assert await daily_rows(harness) == [(MEMBER.id, "2031-03-02")]
    assert not [c for c in harness.api.calls if c.chat_id == OPERATOR.id]  # no error to report

"""The send policy: a meeting send that provably did not arrive is owed again after a backoff,
one that may have arrived never is, a migrated group gets the send at its new id, a failing
recipient does not stop a batch, and without Telegram's admin list the granted secretaries
still get what secretaries get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telegram.error import BadRequest

from handlers.outbound.policy import Outcome, outcome_of
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, OTHER
from tests.test_meetings import add_meeting, fire

START = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai
SUPERGROUP = factories.Group(-1004001, GROUP.title)
WEEK_END = datetime(2031, 3, 9, 12, 0, tzinfo=UTC)  # Sunday 20:00 in Shanghai


def to_group(params):
    return params.get("chat_id") == GROUP.id


async def a_reminder_due(harness, clock):
    """A meeting whose day-before reminder is due now; its key."""
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30 remind=1d,1h")
    clock.now = START - timedelta(days=1)
    return f"remind:{occ}:1440"


async def state_of(harness, key):
    send, state = await harness.services.storage.sends.get(key)
    return state, send.attempts


async def test_a_reminder_answered_with_a_502_is_sent_again_after_the_backoff_once(harness, clock):
    key = await a_reminder_due(harness, clock)
    harness.api.fail_next("sendMessage", error_code=502, description="Bad Gateway", match=to_group)
    await fire(harness, key)
    (refused,) = harness.read(harness.unread())
    assert refused.result is None
    assert await state_of(harness, key) == ("pending", 1)
    (job,) = harness.app.job_queue.get_jobs_by_name(key)
    assert job.next_t == clock.now + timedelta(minutes=1)  # owed again, due after the backoff

    clock.advance(timedelta(minutes=1))
    await fire(harness, key)
    (reminder,) = harness.read(harness.unread())
    assert (reminder.chat_id, reminder.result is not None) == (GROUP.id, True)
    assert "rsvp:" in str(reminder.params["reply_markup"])
    assert await state_of(harness, key) == ("sent", 2)
    await fire(harness, key)  # sent: nothing goes out again
    assert harness.unread() == []


async def test_a_reminder_still_undelivered_after_its_last_try_is_given_up(harness, clock, caplog):
    key = await a_reminder_due(harness, clock)
    for minutes in (0, 1, 2, 4, 8, 16):
        clock.advance(timedelta(minutes=minutes))
        harness.api.fail_next(
            "sendMessage", error_code=500, description="Internal Server Error", match=to_group
        )
        await fire(harness, key)
        harness.read(harness.unread())
    assert await state_of(harness, key) == ("failed", 6)
    assert "given up after 6 tries" in caplog.text
    await fire(harness, key)
    assert harness.unread() == []


async def test_a_reminder_that_may_have_arrived_is_never_sent_again(harness, clock):
    key = await a_reminder_due(harness, clock)
    harness.api.cut_next("sendMessage", match=to_group)  # no answer: as a read timeout
    await fire(harness, key)
    (cut,) = harness.read(harness.unread())
    assert cut in harness.api.cut
    assert await state_of(harness, key) == ("unconfirmed", 1)
    clock.advance(timedelta(hours=1))
    await fire(harness, key)
    assert harness.unread() == []


async def test_a_scheduled_send_to_a_migrated_group_moves_the_branch_and_arrives_there(
    harness, clock
):
    key = await a_reminder_due(harness, clock)
    branch = await harness.services.branches.for_chat(GROUP.id)
    harness.api.fail_next(
        "sendMessage",
        error_code=400,
        migrate_to_chat_id=SUPERGROUP.id,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        match=to_group,
    )
    await fire(harness, key)
    refused, reminder = harness.read(harness.unread())
    assert (refused.chat_id, refused.result) == (GROUP.id, None)
    assert reminder.chat_id == SUPERGROUP.id
    assert reminder.result is not None
    assert (await harness.services.branches.get(branch.id)).chat_id == SUPERGROUP.id
    assert await state_of(harness, key) == ("sent", 1)


async def two_secretaries(harness):
    """A branch whose group has two admins, ADMIN and OTHER, and a roster member."""
    await harness.setup_branch()
    harness.api.admins[GROUP.id] = [ADMIN.id, OTHER.id]
    await harness.press("roster:join", chat=GROUP, user=MEMBER)


async def test_a_secretary_who_refuses_the_roll_does_not_stop_the_others(harness, clock):
    await two_secretaries(harness)
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot can't initiate conversation with a user",
        match=lambda p: p.get("chat_id") == ADMIN.id,
    )
    clock.now = START + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    calls = harness.read(harness.unread())
    # The counts, ADMIN's refused roll, the start-link button in the group, OTHER's roll.
    assert [c.chat_id for c in calls] == [GROUP.id, ADMIN.id, GROUP.id, OTHER.id]
    assert "到会情况" in calls[3].text
    (kept,) = await harness.services.delivery.waiting(ADMIN.id)
    assert kept.message_key == "meeting.roll"


async def test_a_secretary_telegram_fails_to_reach_does_not_stop_the_leave_request(harness):
    await two_secretaries(harness)
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    harness.api.fail_next(
        "sendMessage",
        error_code=500,
        description="Internal Server Error",
        match=lambda p: p.get("chat_id") == ADMIN.id,
    )
    calls = await harness.say(f"/leave {occ} 出差", chat=GROUP, user=MEMBER)
    assert [c.chat_id for c in calls] == [GROUP.id, ADMIN.id, OTHER.id]
    assert calls[1].result is None
    assert calls[2].result is not None


async def test_without_telegrams_admin_list_the_granted_secretaries_get_the_roll(harness, clock):
    await harness.setup_branch()
    await harness.press("roster:join", chat=GROUP, user=MEMBER)
    await harness.say("hi", chat=GROUP, user=OTHER)
    await harness.say(f"/role {OTHER.id} secretary", chat=GROUP, user=ADMIN)
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    harness.api.inject_faults(1.0, seed=7, match=lambda m, p: m == "getChatAdministrators")
    clock.now = START + timedelta(minutes=90)  # the cached admin list is long stale
    await fire(harness, f"close:{occ}")
    calls = harness.read(harness.unread())
    # ADMIN is an admin only Telegram knows of: private rolls go to the granted secretary.
    assert [c.chat_id for c in calls] == [GROUP.id, OTHER.id]
    assert calls[1].text.startswith("Attendance")  # in OTHER's language
    # Commands still answer: the admin by the last list the bot had, members as members.
    assert "/meeting_add" in await harness.reply("/help", chat=GROUP, user=ADMIN)
    assert "/meeting_add" not in await harness.reply("/help", chat=GROUP, user=MEMBER)


async def test_without_telegrams_admin_list_the_granted_secretaries_get_the_summary_detail(
    harness, clock
):
    await harness.setup_branch()
    await harness.say("hi", chat=GROUP, user=OTHER)
    await harness.say(f"/role {OTHER.id} secretary", chat=GROUP, user=ADMIN)
    harness.read(harness.unread())
    harness.api.inject_faults(1.0, seed=7, match=lambda m, p: m == "getChatAdministrators")
    clock.now = WEEK_END
    await fire(harness, "summaries")
    calls = harness.read(harness.unread())
    assert [(c.method, c.chat_id) for c in calls] == [
        ("sendMessage", GROUP.id),
        ("sendPhoto", GROUP.id),
        ("sendMessage", OTHER.id),
    ]


def test_the_harmless_refusals_are_outcomes_of_their_own():
    assert outcome_of(BadRequest("Message is not modified: specified new message content")) is (
        Outcome.NOT_MODIFIED
    )
    assert outcome_of(BadRequest("Query is too old and response timeout expired")) is (
        Outcome.ANSWERED
    )
    assert outcome_of(BadRequest("Message to edit not found")) is Outcome.REFUSED


async def test_a_daily_post_answered_with_a_500_is_posted_after_the_backoff_once(harness, clock):
    branch = await harness.setup_branch()
    clock.now = datetime(2031, 3, 3, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    harness.api.fail_next("sendMessage", error_code=500, description="Internal", match=to_group)
    await fire(harness, f"daily:{branch.id}")
    (refused,) = harness.read(harness.unread())
    assert refused.result is None
    (retry,) = harness.app.job_queue.get_jobs_by_name(f"daily:{branch.id}:retry")
    assert retry.next_t == clock.now + timedelta(minutes=1)

    clock.advance(timedelta(minutes=1))
    await fire(harness, f"daily:{branch.id}:retry")
    (post,) = harness.read(harness.unread())
    assert (post.chat_id, post.result is not None) == (GROUP.id, True)
    assert "每日签到" in post.text
    await fire(harness, f"daily:{branch.id}")  # the day's post went out: nothing more
    assert harness.unread() == []


async def test_a_daily_post_that_may_have_arrived_is_not_posted_again(harness, clock):
    branch = await harness.setup_branch()
    clock.now = datetime(2031, 3, 3, 0, 0, tzinfo=UTC)
    harness.api.cut_next("sendMessage", match=to_group)
    await fire(harness, f"daily:{branch.id}")
    (cut,) = harness.read(harness.unread())
    assert cut in harness.api.cut
    assert harness.app.job_queue.get_jobs_by_name(f"daily:{branch.id}:retry") == ()
    await fire(harness, f"daily:{branch.id}")
    assert harness.unread() == []


def to_admin(params):
    return params.get("chat_id") == ADMIN.id


async def test_a_report_that_did_not_go_out_privately_is_not_said_to_have_gone(harness):
    await harness.setup_branch()
    harness.api.fail_next("sendMessage", error_code=502, description="Bad Gateway", match=to_admin)
    calls = await harness.say("/report", chat=GROUP, user=ADMIN)
    (answer,) = [c for c in calls if c.chat_id == GROUP.id]
    assert answer.text == "私信没有发出去（Telegram 暂时出错），请稍后再试。"
    assert await harness.services.storage.db.fetch_all("SELECT * FROM pending_messages") == []
    assert any(c.chat_id == OPERATOR.id for c in calls)  # reported, as any failure


async def test_a_report_kept_for_a_secretary_who_never_started_me_says_so(harness):
    await harness.setup_branch()
    harness.api.fail_next("sendMessage", error_code=403, description="Forbidden", match=to_admin)
    calls = await harness.say("/report", chat=GROUP, user=ADMIN)
    texts = [c.text for c in calls if c.chat_id == GROUP.id]
    assert "报告已私信发送给你。" not in texts
    # One message: the start-link button.
    words = harness.services.catalogs.words("zh")
    assert texts == [words("private.waiting", name="王书记")]


async def test_send_it_to_me_and_export_that_did_not_go_out_are_answered_so(harness):
    await harness.setup_branch()
    await harness.feed(factories.anonymous_admin_command("/report", chat=GROUP))
    harness.read(harness.unread())
    harness.api.fail_next("sendMessage", error_code=502, description="Bad Gateway", match=to_admin)
    calls = await harness.press("stm:report:", chat=GROUP, user=ADMIN)
    (alert,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert alert.text == "私信没有发出去（Telegram 暂时出错），请稍后再试。"
    harness.api.fail_next("sendDocument", error_code=500, description="Internal", match=to_admin)
    calls = await harness.say("/export", chat=GROUP, user=ADMIN)
    (answer,) = [c for c in calls if c.chat_id == GROUP.id]
    assert answer.text == "私信没有发出去（Telegram 暂时出错），请稍后再试。"

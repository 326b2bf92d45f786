"""Answers to reminders, private nudges, leave requests and secretaries' decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_chinese_arguments import LANGUAGES, branch_reading
from tests.test_meetings import add_meeting, fire, roster_of

START = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai


async def scheduled(harness, line="general 2031-03-05 19:30 remind=1d,1h"):
    await harness.setup_branch()
    for person in (ADMIN, MEMBER):
        await harness.say("/start", chat=person, user=person)
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    _, occ = await add_meeting(harness, line)
    return occ


def buttons(call):
    return [row[0]["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"]]


async def test_reminder_buttons_record_answers_and_ask_for_the_reason(harness, clock):
    occ = await scheduled(harness)
    clock.now = START - timedelta(days=1)
    await fire(harness, f"remind:{occ}:1440")
    (reminder,) = harness.read(harness.unread())
    assert buttons(reminder) == [f"rsvp:{occ}:y", f"rsvp:{occ}:n"]
    (toast,) = await harness.press(f"rsvp:{occ}:y", chat=GROUP, user=OTHER)
    assert toast.text == "Noted: you are coming."  # a toast is in the presser's language
    asked, toast = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    assert "私信" in toast.text
    assert asked.chat_id == MEMBER.id
    assert f"/leave {occ}" in asked.text


async def test_the_last_reminder_nudges_only_those_who_have_not_answered(harness, clock):
    occ = await scheduled(harness)
    await harness.press(f"rsvp:{occ}:y", chat=GROUP, user=OTHER)
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot can't initiate conversation with a user",
        match=lambda p: p.get("chat_id") == MEMBER.id,
    )
    clock.now = START - timedelta(hours=1)
    await fire(harness, f"remind:{occ}:60")
    calls = harness.read(harness.unread())
    # The group reminder, ADMIN's nudge, MEMBER's refused nudge; no start-link button posted.
    assert [c.chat_id for c in calls] == [GROUP.id, ADMIN.id, MEMBER.id]
    assert "尚未回复" in calls[1].text
    assert buttons(calls[1]) == [f"rsvp:{occ}:y", f"rsvp:{occ}:n"]
    assert await harness.services.delivery.waiting(MEMBER.id) == []


async def test_leave_approved_before_the_close_excuses_with_the_reason(harness, clock):
    occ = await scheduled(harness)
    calls = await harness.say(f"/leave {occ} 出差在外", chat=GROUP, user=MEMBER)
    assert [c.chat_id for c in calls] == [GROUP.id, ADMIN.id]
    assert "出差在外" in calls[1].text
    assert "李四" in calls[1].text
    approve, decline = buttons(calls[1])
    assert decline.endswith(":d")
    # A member cannot decide, even with the button's data.
    (refused,) = await harness.press(approve, chat=OTHER, user=OTHER)
    assert refused.params["show_alert"] is True
    copy = calls[1].result["message_id"]
    calls = await harness.press(approve, chat=ADMIN, user=ADMIN, message_id=copy)
    assert [c.method for c in calls] == [
        "answerCallbackQuery",
        "editMessageText",
        "sendMessage",
    ]
    assert "已批准（王书记）" in calls[1].text
    assert "reply_markup" not in calls[1].params
    assert calls[2].chat_id == MEMBER.id
    assert "已获批准" in calls[2].text
    (again,) = await harness.press(approve, chat=ADMIN, user=ADMIN, message_id=copy)
    assert again.text == "该申请已处理。"
    clock.now = START + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    roll = next(c for c in harness.read(harness.unread()) if c.chat_id == ADMIN.id)
    assert "请假（1）：李四（出差在外）" in roll.text


async def test_declined_leave_is_absent_and_a_pending_one_shows_in_the_roll(harness, clock):
    occ = await scheduled(harness)
    calls = await harness.say(f"/leave {occ} 有事", chat=GROUP, user=MEMBER)
    await harness.press(buttons(calls[1])[1], chat=ADMIN, user=ADMIN)
    await harness.say(f"/leave {occ} 生病", chat=GROUP, user=ADMIN)
    clock.now = START + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    roll = next(c for c in harness.read(harness.unread()) if c.chat_id == ADMIN.id)
    assert "缺席（3）" in roll.text
    assert "请假待批（1）：王书记（生病）" in roll.text


async def test_approval_after_the_close_updates_the_roll(harness, clock):
    occ = await scheduled(harness)
    calls = await harness.say(f"/leave {occ} 临时加班", chat=GROUP, user=MEMBER)
    clock.now = START + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    harness.read(harness.unread())
    await harness.press(buttons(calls[1])[0], chat=ADMIN, user=ADMIN)
    row = await harness.services.storage.db.fetch_one(
        "SELECT status FROM attendance WHERE occurrence_id = ? AND user_id = ?", (occ, MEMBER.id)
    )
    assert row[0] == "excused"


async def test_asking_again_while_pending_replaces_the_reason(harness):
    occ = await scheduled(harness)
    first = await harness.say(f"/leave {occ} 有事", chat=GROUP, user=MEMBER)
    await harness.say(f"/leave #{occ} 出差", chat=MEMBER, user=MEMBER)  # in private too
    rows = await harness.services.storage.db.fetch_all("SELECT reason, status FROM leaves")
    assert [tuple(r) for r in rows] == [("出差", "pending")]
    await harness.press(buttons(first[1])[0], chat=ADMIN, user=ADMIN)
    text = await harness.reply(f"/leave {occ} 又有事", chat=GROUP, user=MEMBER)
    assert "已获批准" in text


async def test_bad_leave_requests_change_nothing(harness):
    occ = await scheduled(harness)
    for line, expected in [
        (f"/leave {occ}", "用法：/leave"),
        ("/leave x 原因", "用法：/leave"),
        ("/leave 999 原因", "#999"),
    ]:
        assert expected in await harness.reply(line, chat=GROUP, user=MEMBER)
    await harness.reply(f"/meeting_cancel {occ}", chat=GROUP, user=ADMIN)
    assert "已取消" in await harness.reply(f"/leave {occ} 原因", chat=GROUP, user=MEMBER)
    assert await harness.services.storage.db.fetch_all("SELECT * FROM leaves") == []


async def test_a_leave_for_a_secretary_who_never_started_the_bot_keeps_its_buttons(harness, clock):
    await harness.setup_branch()
    await roster_of(harness, MEMBER)
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot can't initiate conversation with a user",
        match=lambda p: p.get("chat_id") == ADMIN.id,
    )
    calls = await harness.say(f"/leave {occ} 出差", chat=GROUP, user=MEMBER)
    assert [c.chat_id for c in calls] == [GROUP.id, ADMIN.id, GROUP.id]  # + start-link button
    calls = await harness.say("/start", chat=ADMIN, user=ADMIN)
    held = next(c for c in calls if "请假申请" in c.text)
    assert buttons(held)[0].endswith(":a")


async def test_a_leave_sent_in_another_branchs_group_is_refused_before_anything_is_kept(harness):
    from tests import factories

    occ = await scheduled(harness)
    other = factories.Group(-4888, "另一个支部")
    await harness.setup_branch(other)
    await harness.say("hi", chat=other, user=MEMBER)
    assert f"#{occ}" in await harness.reply(f"/leave {occ} 有事", chat=other, user=MEMBER)
    assert await harness.services.storage.db.fetch_all("SELECT * FROM leaves") == []


@LANGUAGES
async def test_a_branch_admins_own_leave_is_decided_by_another_admin(harness, language):
    await branch_reading(harness, language)
    for person in (ADMIN, MEMBER, OTHER):
        await harness.say("/start", chat=person, user=person)
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    role = "支部管理员" if language == "zh" else "secretary"
    await harness.say(f"/role @zhang {role}", chat=GROUP, user=ADMIN)
    _, occ = await add_meeting(harness, "general 2031-03-05 19:30")
    calls = await harness.say(f"/leave {occ} 出差在外", chat=ADMIN, user=ADMIN)
    # Only the other admin is asked; the requester gets no buttons to decide with.
    assert [c.chat_id for c in calls] == [ADMIN.id, OTHER.id]
    assert calls[0].text.startswith("已提交")
    assert buttons(calls[1])[0].endswith(":a")
    assert calls[1].text.startswith("Leave request: 王书记")  # OTHER reads English
    (refused,) = await harness.press(buttons(calls[1])[0], chat=ADMIN, user=ADMIN)
    assert refused.params["show_alert"] is True
    assert refused.text == "不能审批自己的请假申请，须由其他支部管理员审批。"
    assert (await harness.services.leaves.get(1))[0].status == "pending"
    listed = await harness.say("/leave list", chat=ADMIN, user=ADMIN)
    assert [c.text for c in listed] == ["没有待批的请假申请。"]
    calls = await harness.press(buttons(calls[1])[0], chat=OTHER, user=OTHER)
    assert calls[-1].chat_id == ADMIN.id
    assert "已获批准" in calls[-1].text


@LANGUAGES
async def test_the_only_admins_own_leave_is_recorded_and_they_are_told_so(harness, language):
    await branch_reading(harness, language)
    await harness.say("/start", chat=ADMIN, user=ADMIN)
    await roster_of(harness, ADMIN, MEMBER)
    _, occ = await add_meeting(harness, "general 2031-03-05 19:30")
    calls = await harness.say(f"/leave {occ} 出差在外", chat=ADMIN, user=ADMIN)
    (answer,) = calls
    assert answer.chat_id == ADMIN.id
    assert answer.text == (
        f"已提交 #{occ} 2031-03-05 19:30 支部党员大会 的请假并已记录。"
        "本支部没有其他支部管理员，无人可以审批；可用 /role 再指定一位支部管理员。"
    )
    assert buttons(answer) == ["lvw:1"]  # withdraw only
    assert (await harness.services.leaves.get(1))[0].status == "pending"

"""Leave as a flow: the meeting chosen with buttons, the reason given in reply to a private
prompt, withdrawal while pending, every secretary's copy showing the outcome, a secretary's
pending list, and committee meetings asking only those expected."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_leave import START, buttons, scheduled
from tests.test_meetings import add_meeting, fire

BOT = {"id": 5000000001, "is_bot": True, "first_name": "Branch Bot"}


def prompt_of(call):
    """The bot's message a member replies to."""
    return {
        "message_id": call.result["message_id"],
        "date": 0,
        "chat": call.result["chat"],
        "from": BOT,
        "text": call.text,
    }


async def answer(harness, call, text, person):
    return await harness.say(text, chat=person, user=person, reply_to=prompt_of(call))


async def grant_secretary(harness, person):
    replied = factories.message("hi", chat=GROUP, user=person)["message"]
    await harness.say("/role secretary", chat=GROUP, user=ADMIN, reply_to=replied)


async def test_the_reminders_button_asks_the_reason_with_a_reply_prompt(harness, clock):
    occ = await scheduled(harness)
    clock.now = START - timedelta(days=1)
    await fire(harness, f"remind:{occ}:1440")
    harness.read(harness.unread())
    asked, _ = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    assert asked.params["reply_markup"]["force_reply"] is True
    assert "事由" in asked.text
    calls = await answer(harness, asked, "出差在外", MEMBER)
    assert [c.chat_id for c in calls] == [MEMBER.id, ADMIN.id]
    assert "等待" in calls[0].text
    assert buttons(calls[0]) == ["lvw:1"]
    assert "出差在外" in calls[1].text
    # A second reply to the same prompt is refused: it was answered.
    (stale,) = await answer(harness, asked, "又有事", MEMBER)
    assert "已失效" in stale.text
    rows = await harness.services.storage.db.fetch_all("SELECT reason FROM leaves")
    assert [r[0] for r in rows] == ["出差在外"]


async def test_leave_without_arguments_in_a_group_continues_privately(harness, clock):
    occ = await scheduled(harness)
    _, second = await add_meeting(harness, "group 2031-03-06 19:30")
    calls = await harness.say("/leave", chat=GROUP, user=MEMBER)
    assert [c.chat_id for c in calls] == [MEMBER.id, GROUP.id]
    assert buttons(calls[0]) == ["lvs"]
    assert "私聊" in calls[1].text
    *_, choice = await harness.press("lvs", chat=MEMBER, user=MEMBER)
    assert choice.text == "请选择要请假的会议："
    assert buttons(choice) == [f"lvc:{occ}", f"lvc:{second}"]
    _, asked = await harness.press(f"lvc:{second}", chat=MEMBER, user=MEMBER)
    calls = await answer(harness, asked, "家中有事", MEMBER)
    assert "家中有事" in calls[1].text
    row = await harness.services.storage.db.fetch_one("SELECT occurrence_id FROM leaves")
    assert row[0] == second


async def test_leave_without_arguments_for_one_who_never_started_gets_the_start_link(harness):
    await harness.setup_branch()
    await harness.press("roster:join", chat=GROUP, user=OTHER)
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot can't initiate conversation with a user",
        match=lambda p: p.get("chat_id") == OTHER.id,
    )
    calls = await harness.say("/leave", chat=GROUP, user=OTHER)
    # Nothing could be sent: one line in the group, with the start-link button.
    assert [c.chat_id for c in calls] == [OTHER.id, GROUP.id]
    assert calls[1].text.startswith("请先启动我再请假")
    assert calls[1].params["reply_markup"]["inline_keyboard"][0][0]["url"].endswith("start=b1")
    calls = await harness.say("/start", chat=OTHER, user=OTHER)
    kept = next(c for c in calls if c.chat_id == OTHER.id and "reply_markup" in c.params)
    assert buttons(kept) == ["lvs"]
    assert kept.text.startswith("Ask for leave")
    # One meeting only: its prompt at once, in English.
    calls = await harness.press("lvs", chat=OTHER, user=OTHER)
    asked = calls[-1]
    assert asked.text.startswith("You can't come to")
    calls = await answer(harness, asked, "Travelling", OTHER)
    assert calls[0].text.startswith("Leave requested for")
    assert occ


async def test_a_decision_shows_on_every_secretarys_copy_and_a_withdrawn_request_is_closed(
    harness, clock
):
    occ = await scheduled(harness)
    await harness.say("/start", chat=OTHER, user=OTHER)
    await grant_secretary(harness, OTHER)
    calls = await harness.say(f"/leave {occ} 出差在外", chat=GROUP, user=MEMBER)
    assert [c.chat_id for c in calls] == [GROUP.id, ADMIN.id, OTHER.id]
    assert "出差在外" not in calls[0].text  # the group sees no reason
    copies = {c.chat_id: c.result["message_id"] for c in calls[1:]}
    approve = buttons(calls[1])[0]
    calls = await harness.press(approve, chat=ADMIN, user=ADMIN, message_id=copies[ADMIN.id])
    edits = [c for c in calls if c.method == "editMessageText"]
    assert {(c.chat_id, c.params["message_id"]) for c in edits} == set(copies.items())
    by_chat = {c.chat_id: c.text for c in edits}
    assert "已批准（王书记）" in by_chat[ADMIN.id]
    assert "Approved by 王书记" in by_chat[OTHER.id]
    # Withdrawing after the decision is refused.
    (refused,) = await harness.press("lvw:1", chat=GROUP, user=MEMBER)
    assert refused.params["show_alert"] is True
    assert "已获批准" in refused.text


async def test_withdrawing_edits_the_copies_and_refuses_a_second_press_and_a_decision(
    harness, clock
):
    occ = await scheduled(harness)
    calls = await harness.say(f"/leave {occ} 有事", chat=GROUP, user=MEMBER)
    approve = buttons(calls[1])[0]
    # Only the member who asked may withdraw.
    (foreign,) = await harness.press("lvw:1", chat=GROUP, user=OTHER)
    assert foreign.params["show_alert"] is True
    calls = await harness.press("lvw:1", chat=GROUP, user=MEMBER)
    edit = next(c for c in calls if c.method == "editMessageText" and c.chat_id == ADMIN.id)
    assert "已由本人撤回" in edit.text
    assert "reply_markup" not in edit.params
    (twice,) = await harness.press("lvw:1", chat=GROUP, user=MEMBER)
    assert twice.text == "该请假申请已撤回。"
    (late,) = await harness.press(approve, chat=ADMIN, user=ADMIN)
    assert late.text == "该申请已由本人撤回。"
    (status,) = await harness.services.storage.db.fetch_one("SELECT status FROM leaves")
    assert status == "withdrawn"
    # Asking again makes it pending once more.
    await harness.say(f"/leave {occ} 还是有事", chat=GROUP, user=MEMBER)
    (status,) = await harness.services.storage.db.fetch_one("SELECT status FROM leaves")
    assert status == "pending"


async def test_leave_cancel_in_chinese_and_english(harness, clock):
    occ = await scheduled(harness)
    await harness.say(f"/leave {occ} 有事", chat=MEMBER, user=MEMBER)
    *edits, done = await harness.say(f"/leave 撤回 {occ}", chat=MEMBER, user=MEMBER)
    assert [c.method for c in edits] == ["editMessageText"]
    assert done.text == "已撤回请假申请。"
    assert "已撤回" in await harness.reply(f"/leave cancel {occ}", chat=MEMBER, user=MEMBER)
    await harness.say(f"/leave {occ} Busy", chat=OTHER, user=OTHER)
    *_, done = await harness.say(f"/leave cancel {occ}", chat=OTHER, user=OTHER)
    assert done.text == "Your leave request was withdrawn."
    assert "#999" in await harness.reply("/leave cancel 999", chat=MEMBER, user=MEMBER)


async def test_leave_list_shows_a_secretary_the_pending_requests_privately(harness, clock):
    occ = await scheduled(harness)
    await harness.say(f"/leave {occ} 出差在外", chat=GROUP, user=MEMBER)
    text = await harness.reply("/leave 待批", chat=GROUP, user=ADMIN)
    assert "私聊" in text
    assert "出差在外" not in text
    (listed,) = await harness.say("/leave list", chat=ADMIN, user=ADMIN)
    assert "出差在外" in listed.text
    assert "李四" in listed.text
    assert buttons(listed) == ["lv:1:a", "lv:1:d"]
    # A member is refused; a decision from the list shows on the first copy too.
    assert "管理员" in await harness.reply("/leave list", chat=MEMBER, user=MEMBER)
    calls = await harness.press(
        "lv:1:d", chat=ADMIN, user=ADMIN, message_id=listed.result["message_id"]
    )
    assert len([c for c in calls if c.method == "editMessageText"]) == 2
    assert await harness.reply("/leave 列表", chat=ADMIN, user=ADMIN) == "没有待批的请假申请。"


async def test_a_committee_meeting_asks_only_those_expected(harness, clock):
    await harness.setup_branch()
    for person in (ADMIN, MEMBER, OTHER):
        await harness.say("/start", chat=person, user=person)
        await harness.press("roster:join", chat=GROUP, user=person)
    await harness.say(
        "/role committee",
        chat=GROUP,
        user=ADMIN,
        reply_to=(factories.message("hi", chat=GROUP, user=OTHER)["message"]),
    )
    _, occ = await add_meeting(harness, "committee 2031-03-05 19:30 remind=1h")
    harness.read(harness.unread())
    clock.now = START - timedelta(hours=1)
    await fire(harness, f"remind:{occ}:60")
    calls = harness.read(harness.unread())
    group = next(c for c in calls if c.chat_id == GROUP.id)
    assert "reply_markup" not in group.params  # no RSVP buttons for the whole group
    nudged = sorted(c.chat_id for c in calls if c.chat_id != GROUP.id)
    assert nudged == sorted([ADMIN.id, OTHER.id])
    # MEMBER is not expected: a forged RSVP, a /leave and /leave's choice are refused.
    (refused,) = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    assert refused.params["show_alert"] is True
    assert "应到" in await harness.reply(f"/leave {occ} 有事", chat=MEMBER, user=MEMBER)
    assert "没有" in await harness.reply("/leave", chat=MEMBER, user=MEMBER)
    (forged,) = await harness.press(f"lvc:{occ}", chat=MEMBER, user=MEMBER)
    assert forged.params["show_alert"] is True
    assert await harness.services.storage.db.fetch_all("SELECT * FROM leaves") == []
    # At the meeting, MEMBER's press is refused and their /checkin is the day's only: the
    # roll, which counts those expected, and the post's count agree.
    clock.now = START
    (refused,) = await harness.press(f"mc:{occ}", chat=GROUP, user=MEMBER)
    assert refused.text == "这次支部委员会只由支委委员和支部管理员签到。"
    (reacted,) = await harness.say("/checkin", chat=GROUP, user=MEMBER)
    assert reacted.method == "setMessageReaction"
    (counted,) = await harness.press(f"mc:{occ}", chat=GROUP, user=OTHER)
    assert counted.text == "Checked in."  # in the presser's own language
    meetings = harness.services.meetings
    assert await meetings.checkin_count(occ) == 1
    days = await harness.services.storage.db.fetch_all("SELECT user_id FROM daily_checkins")
    assert sorted(r[0] for r in days) == sorted([MEMBER.id, OTHER.id])


async def test_forget_deletes_a_secretarys_copies(harness, clock):
    occ = await scheduled(harness)
    await harness.say("/start", chat=OTHER, user=OTHER)
    await grant_secretary(harness, OTHER)
    await harness.say(f"/leave {occ} 有事", chat=GROUP, user=MEMBER)
    db = harness.services.storage.db
    chats = await db.fetch_all("SELECT chat_id FROM leave_copies ORDER BY chat_id")
    assert [r[0] for r in chats] == sorted([ADMIN.id, OTHER.id])
    await harness.say("/forget", chat=OTHER, user=OTHER)
    await harness.press("forget:yes", chat=OTHER, user=OTHER)
    chats = await db.fetch_all("SELECT chat_id FROM leave_copies")
    assert [r[0] for r in chats] == [ADMIN.id]

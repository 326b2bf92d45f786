"""A leave request's life at its edges: copies that stay in step with the request (a new
reason, a withdrawal, saying "going", /forget, a copy delivered late), who may ask, the
reason as written, truthful answers to one who never started the bot, and replies and
redelivered updates that ask for nothing."""

from __future__ import annotations

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_forget import refuse_next_to
from tests.test_leave import buttons, scheduled
from tests.test_leave_flow import answer, grant_secretary, prompt_of

STRANGER = factories.Person(100009, "路人", username="passer", language_code="zh")
GROUP2 = factories.Group(-4002, "城西第二支部")


def edits(calls):
    return {c.chat_id: c for c in calls if c.method == "editMessageText"}


async def with_english_secretary(harness):
    """A meeting; OTHER (English) is a granted secretary who started the bot."""
    occ = await scheduled(harness)
    await harness.say("/start", chat=OTHER, user=OTHER)
    await grant_secretary(harness, OTHER)
    return occ


async def test_forget_withdraws_a_pending_request_and_its_copies_name_no_one(harness):
    occ = await with_english_secretary(harness)
    calls = await harness.say(f"/leave {occ} 家中有事", chat=GROUP, user=MEMBER)
    copies = {c.chat_id: c.result["message_id"] for c in calls[1:]}
    await harness.say("/forget", chat=MEMBER, user=MEMBER)
    edited = edits(await harness.press("forget:yes", chat=MEMBER, user=MEMBER))
    del edited[MEMBER.id]  # the confirmation's own "done"
    assert edited[ADMIN.id].text == "↩️ 已撤回"
    assert edited[OTHER.id].text == "↩️ Withdrawn"
    assert {c: e.params["message_id"] for c, e in edited.items()} == copies
    assert all("reply_markup" not in e.params for e in edited.values())
    db = harness.services.storage.db
    assert [tuple(r) for r in await db.fetch_all("SELECT status, reason FROM leaves")] == [
        ("withdrawn", "")
    ]


async def test_a_copy_delivered_late_shows_the_outcome_without_buttons(harness):
    occ = await scheduled(harness)
    second = int(
        (await harness.reply("/meeting_add group 2031-03-06 19:30", chat=GROUP, user=ADMIN))
        .split("#")[1]
        .split()[0]
    )
    await grant_secretary(harness, OTHER)
    for meeting in (occ, second):
        refuse_next_to(harness, OTHER)
        await harness.say(f"/leave {meeting} 出差在外", chat=GROUP, user=MEMBER)
    await harness.press("lv:1:a", chat=ADMIN, user=ADMIN)
    await harness.press("lvw:2", chat=MEMBER, user=MEMBER)
    calls = await harness.say("/start", chat=OTHER, user=OTHER)
    late = [c for c in calls if "出差在外" in c.text]
    assert [c.text.splitlines()[-1] for c in late] == [
        "✅ Approved by 王书记",
        "↩️ Withdrawn by the member",
    ]
    assert all("reply_markup" not in c.params for c in late)


async def test_one_not_on_the_roster_is_not_expected(harness):
    occ = await scheduled(harness)
    await harness.say("大家好", chat=GROUP, user=STRANGER)  # seen in the group, never joined
    (refused,) = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=STRANGER)
    assert refused.params["show_alert"] is True
    assert "应到" in refused.text
    assert "应到" in await harness.reply(f"/leave {occ} 有事", chat=GROUP, user=STRANGER)
    assert "没有" in await harness.reply("/leave", chat=STRANGER, user=STRANGER)
    (forged,) = await harness.press(f"lvc:{occ}", chat=STRANGER, user=STRANGER)
    assert "应到" in forged.text
    assert await harness.services.storage.db.fetch_all("SELECT * FROM leaves") == []


async def test_the_reason_is_kept_as_written(harness):
    occ = await scheduled(harness)
    calls = await harness.say(
        f"/leave {occ} 家中有事，需要照顾老人（急）", chat=GROUP, user=MEMBER
    )
    assert "事由：家中有事，需要照顾老人（急）" in calls[1].text
    asked, _ = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    assert "500 字" in asked.text
    await answer(harness, asked, "\u200b出差：３天\u200b", MEMBER)
    (reason,) = await harness.services.storage.db.fetch_one("SELECT reason FROM leaves")
    assert reason == "出差：３天"


async def test_one_who_never_started_is_told_to_start_the_bot(harness):
    occ = await scheduled(harness)
    await harness.say("/start", chat=OTHER, user=OTHER)  # not MEMBER: refused below
    refuse_next_to(harness, MEMBER)
    calls = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    toast = next(c for c in calls if c.method == "answerCallbackQuery")
    assert toast.text == "已记录。请先按群里的“打开私聊”按钮启动我，我会在私聊中询问请假事由。"
    assert any("start=b1" in str(c.params.get("reply_markup")) for c in calls)


async def test_a_new_reason_or_asking_again_leaves_only_the_current_copy_actionable(harness):
    occ = await with_english_secretary(harness)
    calls = await harness.say(f"/leave {occ} 出差", chat=GROUP, user=MEMBER)
    first = {c.chat_id: c.result["message_id"] for c in calls[1:]}
    calls = await harness.say(f"/leave {occ} 改为：家中有事", chat=GROUP, user=MEMBER)
    old = edits(calls)
    assert {c: e.params["message_id"] for c, e in old.items()} == first
    assert old[ADMIN.id].text.endswith(
        "事由：改为：家中有事\n🔁 已有更新的申请，请在最新一条中审批"
    )
    assert old[OTHER.id].text.endswith("Superseded by a newer request: decide on the latest one")
    assert all("reply_markup" not in e.params for e in old.values())
    fresh = [c for c in calls if c.method == "sendMessage" and c.chat_id == ADMIN.id]
    assert buttons(fresh[0]) == ["lv:1:a", "lv:1:d"]
    # Withdrawn, then asked again: the withdrawn copies are superseded too.
    await harness.say(f"/leave 撤回 {occ}", chat=MEMBER, user=MEMBER)
    calls = await harness.say(f"/leave {occ} 还是去不了", chat=MEMBER, user=MEMBER)
    assert len(edits(calls)) == 2
    assert "🔁" in edits(calls)[ADMIN.id].text
    assert "已由本人撤回" not in edits(calls)[ADMIN.id].text


async def test_replies_that_answer_no_prompt_and_redelivered_updates_are_left_alone(harness):
    occ = await scheduled(harness)
    (helped,) = await harness.say("/help", chat=MEMBER, user=MEMBER)
    assert await harness.say("出差", chat=MEMBER, user=MEMBER, reply_to=prompt_of(helped)) == []
    asked, _ = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    reply = factories.message("出差", chat=MEMBER, user=MEMBER, reply_to=prompt_of(asked))
    assert len(harness.read(await harness.feed(reply))) == 2  # confirmation, secretary's copy
    assert await harness.feed(reply) == []
    # A command pushed twice: answered once.
    command = factories.message(f"/leave {occ} 家中有事", chat=GROUP, user=MEMBER)
    first = harness.read(await harness.feed(command))
    assert [c.chat_id for c in first if c.method == "sendMessage"] == [GROUP.id, ADMIN.id]
    assert await harness.feed(command) == []
    # A new reply to the answered prompt is still told it was answered.
    (stale,) = await answer(harness, asked, "又有事", MEMBER)
    assert "已失效" in stale.text


async def test_leave_list_refused_to_a_member_names_leave_list(harness):
    await scheduled(harness)
    assert "可以使用 /leave list。" in await harness.reply("/leave list", chat=MEMBER, user=MEMBER)
    text = await harness.reply("/leave 待批", chat=OTHER, user=OTHER)
    assert "/leave list" in text
    assert "use /leave." not in text


async def test_saying_going_withdraws_a_pending_request(harness):
    occ = await scheduled(harness)
    calls = await harness.say(f"/leave {occ} 出差", chat=GROUP, user=MEMBER)
    copy = calls[1].result["message_id"]
    calls = await harness.press(f"rsvp:{occ}:y", chat=GROUP, user=MEMBER)
    (edited,) = edits(calls).values()
    assert edited.params["message_id"] == copy
    assert edited.text.endswith("↩️ 已由本人撤回")
    toast = next(c for c in calls if c.method == "answerCallbackQuery")
    assert toast.text == "已记录：你将参加。你的请假申请已撤回。"
    (status,) = await harness.services.storage.db.fetch_one("SELECT status FROM leaves")
    assert status == "withdrawn"


async def test_an_empty_or_too_long_reason_is_answered_for_what_it_is(harness):
    occ = await scheduled(harness)
    asked, _ = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    (empty,) = await answer(harness, asked, "\u200b", MEMBER)
    assert empty.text.startswith("事由不能为空，请再回复请假提示")
    (long,) = await answer(harness, asked, "长" * 501, MEMBER)
    assert long.text.startswith("事由不超过 500 字")
    # The prompt still takes a good reply; in English too.
    assert len(await answer(harness, asked, "出差", MEMBER)) == 2
    (english,) = await harness.say(f"/leave {occ} {'x' * 501}", chat=OTHER, user=OTHER)
    assert english.text.startswith("The reason can be at most 500 characters")


async def test_another_members_withdraw_press_is_told_it_is_not_theirs(harness):
    occ = await scheduled(harness)
    await harness.say(f"/leave {occ} 出差", chat=GROUP, user=MEMBER)
    # The alert is in the presser's language, in the group as in private.
    (refused,) = await harness.press("lvw:1", chat=GROUP, user=ADMIN)
    assert refused.text == "这不是你的请假申请，只有申请人本人可以撤回。"
    (english,) = await harness.press("lvw:1", chat=GROUP, user=OTHER)
    assert english.text.startswith("This is not your leave request")
    (status,) = await harness.services.storage.db.fetch_one("SELECT status FROM leaves")
    assert status == "pending"


async def test_a_member_of_several_branches_sees_each_meetings_branch(harness):
    occ = await scheduled(harness)
    await harness.setup_branch(chat=GROUP2)
    await harness.press("roster:join", chat=GROUP2, user=MEMBER)
    text = await harness.reply("/meeting_add group 2031-03-06 19:30", chat=GROUP2, user=ADMIN)
    other = int(text.split("#")[1].split()[0])
    (choice,) = await harness.say("/leave", chat=MEMBER, user=MEMBER)
    labels = [row[0]["text"] for row in choice.params["reply_markup"]["inline_keyboard"]]
    assert labels[0].startswith(f"城东第一支部：#{occ} ")
    assert labels[1].startswith(f"城西第二支部：#{other} ")

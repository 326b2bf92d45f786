"""A private message is written wholly in its reader's language, whatever the group's: the
meeting types, roles and report lines it names too, sent now or kept until /start."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_meetings import add_meeting, fire, roster_of

START = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai
LINE_ZH = "2031-03-05 19:30 支部党员大会"  # ADMIN and MEMBER read Chinese


async def english_group_meeting(harness):
    """A general meeting in a group that speaks English; ADMIN and MEMBER started the bot."""
    await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    for person in (ADMIN, MEMBER):
        await harness.say("/start", chat=person, user=person)
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    _, occurrence = await add_meeting(harness, "general 2031-03-05 19:30 remind=1d,1h")
    harness.read(harness.unread())
    return occurrence


async def test_a_nudge_names_the_meeting_type_in_the_readers_language(harness, clock):
    occ = await english_group_meeting(harness)
    clock.now = START - timedelta(hours=1)
    await fire(harness, f"remind:{occ}:60")
    calls = harness.read(harness.unread())
    assert "general meeting" in calls[0].text  # the group's reminder: English
    nudges = {c.chat_id: c.text for c in calls[1:]}
    assert nudges[MEMBER.id].startswith(f"#{occ} {LINE_ZH} 即将召开")
    assert "general meeting" not in nudges[MEMBER.id]


async def test_leave_messages_name_the_meeting_type_in_the_readers_language(harness):
    occ = await english_group_meeting(harness)
    asked, _ = await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    assert asked.chat_id == MEMBER.id
    assert asked.text.startswith(f"你无法参加 #{occ} {LINE_ZH}。")
    assert f"/leave {occ} <事由>" in asked.text
    calls = await harness.say(f"/leave {occ} 出差在外", chat=GROUP, user=MEMBER)
    for_secretary = next(c for c in calls if c.chat_id == ADMIN.id)
    assert for_secretary.text.startswith(f"请假申请：李四，#{occ} {LINE_ZH}")
    approve = for_secretary.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    calls = await harness.press(approve, chat=ADMIN, user=ADMIN)
    assert calls[-1].chat_id == MEMBER.id
    assert calls[-1].text == f"你 #{occ} {LINE_ZH} 的请假已获批准。"


async def test_a_kept_leave_answer_names_the_meeting_in_the_readers_language(harness):
    occ = await english_group_meeting(harness)
    await harness.say(f"/leave {occ} 出差在外", chat=GROUP, user=MEMBER)
    assert await harness.services.delivery.waiting(ADMIN.id) == []  # sent to ADMIN
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot was blocked by the user",
        match=lambda p: p.get("chat_id") == MEMBER.id,
    )
    requests = harness.api.of("sendMessage")
    approve = next(
        c for c in requests if c.chat_id == ADMIN.id and "reply_markup" in c.params
    ).params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await harness.press(approve, chat=ADMIN, user=ADMIN)
    (kept,) = await harness.services.delivery.waiting(MEMBER.id)
    assert kept.params == {"occurrence": occ}
    calls = await harness.say("/start", chat=MEMBER, user=MEMBER)
    assert f"你 #{occ} {LINE_ZH} 的请假已获批准。" in [c.text for c in calls]


async def test_a_report_asked_in_an_english_group_is_written_in_the_readers_language(harness):
    await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    await harness.say("/start", chat=ADMIN, user=ADMIN)
    calls = await harness.say("/report 2031-03-01 2031-03-02", chat=GROUP, user=ADMIN)
    private = next(c for c in calls if c.chat_id == ADMIN.id)
    assert private.text.startswith("“城东第一支部”参与情况报告（2031-03-01 至 2031-03-02）")
    assert next(c for c in calls if c.chat_id == GROUP.id).text == (
        "The report is in your private chat with me."
    )


async def test_the_roll_is_written_in_the_secretarys_language(harness, clock):
    occ = await english_group_meeting(harness)
    clock.now = START + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    calls = harness.read(harness.unread())
    (roll,) = [c.text for c in calls if c.chat_id == ADMIN.id]
    assert roll.startswith("到会情况\n")
    assert f"#{occ} {LINE_ZH}" in roll
    assert "Present" not in roll


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Proper names may be written in any script: the group's title, the members' names, a title.
NAMES = (GROUP.title, ADMIN.first_name, MEMBER.first_name, "出差在外", "学习")


def english_only(text):
    """No Chinese word in ``text`` once the names it may quote are taken out."""
    for name in NAMES:
        text = text.replace(name, "")
    return not CJK.search(text)


async def chinese_group_with_an_english_secretary(harness):
    """A Chinese group; OTHER reads English, started the bot and is made a secretary."""
    await harness.setup_branch()
    for person in (ADMIN, MEMBER, OTHER):
        await harness.say("/start", chat=person, user=person)
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    calls = await harness.say(f"/role {OTHER.id} secretary", chat=GROUP, user=ADMIN)
    return next(c for c in calls if c.chat_id == OTHER.id)


async def test_every_private_message_to_an_english_reader_in_a_chinese_group(harness, clock):
    told = await chinese_group_with_an_english_secretary(harness)
    assert told.text == "Your role in the branch “城东第一支部” is now: branch admin."
    assert english_only(told.text), told.text
    _, occ = await add_meeting(harness, "general 2031-03-05 19:30 remind=1d,1h")
    harness.read(harness.unread())
    private = []
    # The nudge of the last reminder.
    clock.now = START - timedelta(hours=1)
    await fire(harness, f"remind:{occ}:60")
    private += [c for c in harness.read(harness.unread()) if c.chat_id == OTHER.id]
    # Cannot come: the reason is asked; the request reaches the other secretaries.
    private += [c for c in await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=OTHER)]
    calls = await harness.say(f"/leave {occ} 出差在外", chat=GROUP, user=OTHER)
    request = next(c for c in calls if c.chat_id == ADMIN.id)
    approve = request.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    private += [c for c in await harness.press(approve, chat=ADMIN, user=ADMIN)]
    # A request by a Chinese member reaches the English secretary.
    calls = await harness.say(f"/leave {occ} 出差在外", chat=GROUP, user=MEMBER)
    private += calls
    # The roll after the close.
    clock.now = START + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    private += harness.read(harness.unread())
    # A report asked in the group; the weekly summary's detail.
    private += await harness.say("/report 2031-03-01 2031-03-06", chat=GROUP, user=OTHER)
    clock.now = datetime(2031, 3, 9, 12, 0, tzinfo=UTC)
    await fire(harness, "summaries")
    private += harness.read(harness.unread())
    texts = [c.text for c in private if c.chat_id == OTHER.id and c.method == "sendMessage"]
    assert len(texts) >= 7, texts
    for text in texts:
        assert english_only(text), text


ENGLISH_WORD = re.compile(r"(?<![/@\w])[A-Za-z]{2,}")


def chinese_only(text):
    """No English word in ``text`` besides commands and the one English name."""
    return not ENGLISH_WORD.search(text.replace(OTHER.first_name, ""))


async def test_every_private_message_to_a_chinese_reader_in_an_english_group(harness, clock):
    await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    for person in (ADMIN, MEMBER, OTHER):
        await harness.say("/start", chat=person, user=person)
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    private = await harness.say(f"/role {MEMBER.id} secretary", chat=GROUP, user=ADMIN)
    _, occ = await add_meeting(harness, "general 2031-03-05 19:30 remind=1d,1h")
    harness.read(harness.unread())
    clock.now = START - timedelta(hours=1)
    await fire(harness, f"remind:{occ}:60")
    private += harness.read(harness.unread())
    private += await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=MEMBER)
    calls = await harness.say(f"/leave {occ} business trip", chat=GROUP, user=OTHER)
    private += calls
    request = next(c for c in calls if c.chat_id == ADMIN.id)
    approve = request.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await harness.press(approve, chat=ADMIN, user=ADMIN)
    await harness.say(f"/leave {occ} 出差在外", chat=GROUP, user=MEMBER)
    clock.now = START + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    private += harness.read(harness.unread())
    private += await harness.say("/report 2031-03-01 2031-03-06", chat=GROUP, user=MEMBER)
    clock.now = datetime(2031, 3, 9, 12, 0, tzinfo=UTC)
    await fire(harness, "summaries")
    private += harness.read(harness.unread())
    texts = [c.text for c in private if c.chat_id == MEMBER.id and c.method == "sendMessage"]
    assert texts[0] == "你在支部“城东第一支部”的角色现在是：支部管理员。"
    assert len(texts) >= 7, texts
    for text in texts:
        assert chinese_only(text.replace("business trip", "")), text

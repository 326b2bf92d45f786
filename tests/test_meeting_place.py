"""Where a meeting happens, and cancelling one: named, asked about for a series, and told
privately to those who had said they would come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_chinese_arguments import LANGUAGES, branch_reading
from tests.test_meetings import add_meeting, fire, keys, roster_of

TENCENT = "腾讯会议 123 456 789 https://meeting.tencent.com/dm/AbC?x=1&y=<b>2</b>"
START = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai


async def places(harness):
    rows = await harness.services.storage.db.fetch_all("SELECT place FROM meetings")
    return [row[0] for row in rows]


@LANGUAGES
async def test_a_place_is_shown_when_scheduled_listed_reminded_and_at_check_in(
    harness, clock, language
):
    await branch_reading(harness, language)
    words = harness.services.catalogs.words(language)
    option = "地点" if language == "zh" else "place"
    shown = words("meeting.place", place=TENCENT)
    text, occ = await add_meeting(
        harness, f"支委会 2031-03-05 19:30 重复=每月 提醒=1d {option}={TENCENT}"
    )
    assert text.endswith(f"\n{shown}")
    assert await places(harness) == [TENCENT]
    listed = await harness.reply("/meetings", chat=GROUP, user=MEMBER)
    assert f"#{occ} 2031-03-05 19:30" in listed
    assert f"\n{shown}" in listed
    clock.now = START - timedelta(days=1)
    await fire(harness, f"remind:{occ}:1440")
    (reminder,) = harness.read(harness.unread())
    assert shown in reminder.text
    assert "parse_mode" not in reminder.params  # plain text: the link stays a link, <b> as typed
    clock.now = START - timedelta(minutes=15)
    await fire(harness, f"open:{occ}")
    (post,) = harness.read(harness.unread())
    assert shown in post.text
    assert "parse_mode" not in post.params


@LANGUAGES
async def test_a_private_nudge_shows_the_place_in_the_readers_language(harness, clock, language):
    await branch_reading(harness, language)
    for person in (ADMIN, OTHER):
        await harness.say("/start", chat=person, user=person)
    await roster_of(harness, ADMIN, OTHER)
    _, occ = await add_meeting(harness, f"党员大会 2031-03-05 19:30 提醒=1h 地点={TENCENT}")
    harness.read(harness.unread())
    clock.now = START - timedelta(hours=1)
    await fire(harness, f"remind:{occ}:60")
    nudges = {c.chat_id: c.text for c in harness.read(harness.unread()) if c.chat_id > 0}
    assert nudges[ADMIN.id] == (
        f"#{occ} 2031-03-05 19:30 支部党员大会 即将召开，你尚未回复。是否参加？\n"
        f"会议地点：{TENCENT}"
    )
    assert nudges[OTHER.id] == (
        f"#{occ} 2031-03-05 19:30 general meeting is coming up and you have not"
        f" answered. Will you be there?\nPlace: {TENCENT}"
    )


@LANGUAGES
async def test_a_meeting_without_a_place_shows_none(harness, language):
    await branch_reading(harness, language)
    text, _ = await add_meeting(harness, "党课 2031-03-05 19:30")
    label = harness.services.catalogs.words(language)("meeting.place", place="")
    assert label not in text
    assert await places(harness) == [""]


async def test_the_place_is_kept_as_written_without_invisible_characters(harness):
    await harness.setup_branch()
    # Full-width letters and digits stay as typed; a direction override and zero-width
    # spaces at the ends go.
    await add_meeting(harness, "党课 2031-03-05 19:30 地点=\u200b\u202e会议室Ａ３０１\u200b")
    assert await places(harness) == ["会议室Ａ３０１"]


@LANGUAGES
@pytest.mark.parametrize(
    ("place", "key", "params"),
    [
        ("", "meeting_add.place_empty", {}),
        ("\u200b\u2060", "meeting_add.place_empty", {}),
        ("会议\x07室", "meeting_add.place_control", {}),
        ("会议室\x1b[31m301", "meeting_add.place_control", {}),
        ("会议\x00室", "meeting_add.place_control", {}),
        ("长" * 201, "meeting_add.place_too_long", {"length": 201, "limit": 200}),
    ],
    ids=["empty", "invisible", "bell", "escape", "nul", "too-long"],
)
async def test_a_bad_place_is_refused_and_nothing_is_scheduled(
    harness, language, place, key, params
):
    await branch_reading(harness, language)
    option = "地点" if language == "zh" else "place"
    text = await harness.reply(
        f"/meeting_add 党课 2031-03-05 19:30 {option}={place}", chat=GROUP, user=ADMIN
    )
    words = harness.services.catalogs.words(language)
    assert text.startswith(words(key, **params))
    assert words("meeting_add.usage") in text
    assert await places(harness) == []
    assert keys(harness.app) == []


async def test_a_place_typed_on_several_lines_is_one_line(harness):
    await harness.setup_branch()
    await add_meeting(harness, "党课 2031-03-05 19:30 地点=第一会议室\n\t第二会议室")
    assert await places(harness) == ["第一会议室 第二会议室"]


async def test_a_place_of_200_characters_is_taken(harness):
    await harness.setup_branch()
    await add_meeting(harness, "党课 2031-03-05 19:30 地点=" + "长" * 200)
    assert await places(harness) == ["长" * 200]


async def going(harness, occ, *people):
    for person in people:
        await harness.press(f"rsvp:{occ}:y", chat=GROUP, user=person)


@LANGUAGES
async def test_cancelling_a_one_off_names_it_and_tells_who_was_coming(harness, language):
    await branch_reading(harness, language)
    await roster_of(harness, MEMBER, OTHER, ADMIN)
    for person in (MEMBER, OTHER):
        await harness.say("/start", chat=person, user=person)
    _, occ = await add_meeting(harness, "党课 2031-03-05 19:30 党课一")
    await going(harness, occ, MEMBER, OTHER)
    await harness.press(f"rsvp:{occ}:n", chat=GROUP, user=ADMIN)
    harness.read(harness.unread())
    calls = await harness.say(f"/meeting_cancel {occ}", chat=GROUP, user=ADMIN)
    words = harness.services.catalogs.words(language)
    lecture = "党课 · 党课一" if language == "zh" else "party lecture · 党课一"
    line = f"#{occ} 2031-03-05 19:30 {lecture}"
    (answer,) = [c for c in calls if c.chat_id == GROUP.id]
    assert answer.text == (
        words("meeting_cancel.done", meeting=line) + "\n" + words("meeting_cancel.told", count=2)
    )
    notices = {c.chat_id: c.text for c in calls if c.chat_id != GROUP.id}
    assert set(notices) == {MEMBER.id, OTHER.id}  # not ADMIN, who could not come
    assert (
        notices[MEMBER.id]
        == f"会议已取消：#{occ} 2031-03-05 19:30 党课 · 党课一。你曾回复参加，特此告知。"
    )
    assert notices[OTHER.id].startswith(
        f"#{occ} 2031-03-05 19:30 party lecture · 党课一 has been cancelled."
    )
    assert keys(harness.app) == []
    again = await harness.reply(f"/meeting_cancel {occ}", chat=GROUP, user=ADMIN)
    assert again == words("meeting_cancel.nothing", meeting=line)
    assert harness.unread() == []  # nobody is told twice


@LANGUAGES
async def test_a_series_is_asked_about_and_only_the_first_answer_acts(harness, language):
    await branch_reading(harness, language)
    await roster_of(harness, MEMBER)
    await harness.say("/start", chat=MEMBER, user=MEMBER)
    words = harness.services.catalogs.words(language)
    _, first = await add_meeting(harness, "党员大会 2031-03-05 19:30 重复=每月")
    await going(harness, first, MEMBER)
    before = keys(harness.app)
    (question,) = await harness.say(f"/meeting_cancel {first}", chat=GROUP, user=ADMIN)
    general = "支部党员大会" if language == "zh" else "general meeting"
    line = f"#{first} 2031-03-05 19:30 {general}"
    assert question.text == words("meeting_cancel.ask", meeting=line)
    buttons = [b for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["callback_data"] for b in buttons] == [
        f"mx:{first}:one",
        f"mx:{first}:all",
        f"mx:{first}:keep",
    ]
    assert [b["text"] for b in buttons] == [
        words("meeting_cancel.one_button"),
        words("meeting_cancel.series_button"),
        words("meeting_cancel.keep_button"),
    ]
    assert keys(harness.app) == before  # asking cancels nothing

    # "Keep": the question is answered; a later press on it is stale and changes nothing.
    kept = await press(harness, f"mx:{first}:keep", message=question.result["message_id"])
    assert kept[-1].text == words("meeting_cancel.kept", meeting=line)
    stale = await press(harness, f"mx:{first}:all", message=question.result["message_id"])
    assert [c.method for c in stale] == ["answerCallbackQuery"]
    assert stale[0].params["show_alert"] is True
    assert keys(harness.app) == before

    # Asked again: the whole series; a double press cancels and tells nothing more.
    (asked,) = await harness.say(f"/meeting_cancel {first}", chat=GROUP, user=ADMIN)
    done = await press(harness, f"mx:{first}:all", message=asked.result["message_id"])
    edit = next(c for c in done if c.method == "editMessageText")
    assert edit.text.startswith(words("meeting_cancel.done_series", meeting=line, count=3))
    notices = [c for c in done if c.chat_id == MEMBER.id]
    assert len(notices) == 1
    assert notices[0].text.startswith("会议已取消：")  # MEMBER reads Chinese
    assert keys(harness.app) == []
    twice = await press(harness, f"mx:{first}:all", message=asked.result["message_id"])
    assert [c.method for c in twice] == ["answerCallbackQuery"]
    assert twice[0].params["show_alert"] is True
    once_more = await press(harness, f"mx:{first}:one", message=asked.result["message_id"])
    assert [c.method for c in once_more] == ["answerCallbackQuery"]
    listed = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert listed.startswith(words("meetings.none"))


async def test_one_occurrence_of_a_series_is_cancelled_and_the_rest_stays(harness):
    await harness.setup_branch()
    _, first = await add_meeting(harness, "支委会 2031-03-05 19:30 重复=每月")
    (asked,) = await harness.say(f"/meeting_cancel {first}", chat=GROUP, user=ADMIN)
    done = await press(harness, f"mx:{first}:one", message=asked.result["message_id"])
    assert done[-1].text == f"已取消会议：#{first} 2031-03-05 19:30 支部委员会。"
    listed = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert f"#{first} " not in listed
    assert "2031-04-05 19:30" in listed


async def test_only_a_secretary_answers_the_question(harness):
    await harness.setup_branch()
    await roster_of(harness, MEMBER)
    _, first = await add_meeting(harness, "支委会 2031-03-05 19:30 重复=每月")
    (asked,) = await harness.say(f"/meeting_cancel {first}", chat=GROUP, user=ADMIN)
    refused = await press(
        harness, f"mx:{first}:all", message=asked.result["message_id"], user=MEMBER
    )
    assert [c.method for c in refused] == ["answerCallbackQuery"]
    assert refused[0].params["show_alert"] is True
    assert len(keys(harness.app)) == 12


async def press(harness, data, *, message, user=ADMIN):
    """Press a button under the bot's message ``message`` in the group."""
    update = factories.callback(data, chat=GROUP, user=user, message_id=message)
    return harness.read(await harness.feed(update))


async def test_an_unreachable_member_is_not_told_later(harness):
    await harness.setup_branch()
    await roster_of(harness, MEMBER)  # never started the bot
    _, occ = await add_meeting(harness, "党课 2031-03-05 19:30")
    await going(harness, occ, MEMBER)
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot can't initiate conversation with a user",
        match=lambda p: p.get("chat_id") == MEMBER.id,
    )
    calls = await harness.say(f"/meeting_cancel {occ}", chat=GROUP, user=ADMIN)
    assert [c.chat_id for c in calls if c.method == "sendMessage"][-1] == GROUP.id
    kept = await harness.services.storage.db.fetch_all("SELECT * FROM pending_messages")
    assert kept == []  # no start-link fallback: the notice would come after the meeting


CHECK = "ma:1:20310305:1930:2:0"  # a monthly committee meeting, every choice made


async def flow_to_check(harness):
    """The guided flow up to its last step; returns that step's message (message 1)."""
    await harness.say("/meeting_add", chat=GROUP, user=ADMIN)
    calls = await harness.press(CHECK, chat=GROUP, user=ADMIN)
    return calls[-1]


def reply_to(check, text, *, user=ADMIN, author=None):
    """A reply to the flow's last step, which Telegram hands back with its buttons."""
    original = factories.callback("", chat=GROUP, user=user)["callback_query"]["message"]
    original |= {"text": check.text, "reply_markup": check.params["reply_markup"]}
    if author is not None:
        original["from"] = author
    return factories.message(text, chat=GROUP, user=user, reply_to=original)


@LANGUAGES
async def test_the_guided_flow_takes_the_place_as_a_reply(harness, language):
    await branch_reading(harness, language)
    words = harness.services.catalogs.words(language)
    check = await flow_to_check(harness)
    assert words("flow.check", summary="X").split("\n")[1] in check.text  # how to give a place
    calls = harness.read(await harness.feed(reply_to(check, f"  {TENCENT}\n")))
    assert [c.method for c in calls] == ["editMessageReplyMarkup", "sendMessage"]
    assert calls[0].params["message_id"] == 1  # the flow's buttons are gone
    assert calls[1].text.endswith("\n" + words("meeting.place", place=TENCENT))
    assert await places(harness) == [TENCENT]
    scheduled = keys(harness.app)
    assert len(scheduled) == 12
    # The confirm button pressed after all, or a second reply: the same meeting, once.
    await harness.press(f"{CHECK}:ok", chat=GROUP, user=ADMIN)
    harness.read(await harness.feed(reply_to(check, "另一个地点")))
    assert await places(harness) == [TENCENT]
    assert keys(harness.app) == scheduled


@LANGUAGES
async def test_a_bad_place_in_the_flow_is_refused_and_the_step_stays(harness, language):
    await branch_reading(harness, language)
    check = await flow_to_check(harness)
    calls = harness.read(await harness.feed(reply_to(check, "会议\x1b[2J室")))
    assert [c.method for c in calls] == ["sendMessage"]  # the buttons stay
    words = harness.services.catalogs.words(language)
    assert calls[0].text.startswith(words("meeting_add.place_control"))
    too_long = harness.read(await harness.feed(reply_to(check, "长" * 201)))
    assert too_long[0].text.startswith(words("meeting_add.place_too_long", length=201, limit=200))
    assert await places(harness) == []
    assert keys(harness.app) == []
    await harness.press(f"{CHECK}:ok", chat=GROUP, user=ADMIN)  # skipping the place still works
    assert await places(harness) == [""]


async def test_a_reply_from_one_who_may_not_schedule_is_left_as_chat(harness):
    await harness.setup_branch()
    await roster_of(harness, MEMBER)
    check = await flow_to_check(harness)
    for person in (MEMBER, OTHER):  # a member, and someone the bot has never seen
        assert harness.read(await harness.feed(reply_to(check, "会议室", user=person))) == []
    another_bot = {"id": 5000000002, "is_bot": True, "first_name": "Echo"}
    assert await harness.feed(reply_to(check, "会议室", author=another_bot)) == []
    channel = factories.channel_command("会议室", chat=GROUP)
    channel["message"]["reply_to_message"] = reply_to(check, "")["message"]["reply_to_message"]
    assert harness.read(await harness.feed(channel)) == []
    assert await places(harness) == []
    assert keys(harness.app) == []


@LANGUAGES
async def test_an_anonymous_admin_gives_the_place_by_reply(harness, language):
    await branch_reading(harness, language)
    words = harness.services.catalogs.words(language)
    check = await flow_to_check(harness)
    reply = factories.anonymous_admin_command(TENCENT, chat=GROUP)
    reply["message"]["reply_to_message"] = reply_to(check, "")["message"]["reply_to_message"]
    calls = harness.read(await harness.feed(reply))
    assert [c.method for c in calls] == ["editMessageReplyMarkup", "sendMessage"]
    assert calls[1].text.endswith("\n" + words("meeting.place", place=TENCENT))
    assert await places(harness) == [TENCENT]
    assert len(keys(harness.app)) == 12


@LANGUAGES
async def test_a_blank_or_second_reply_is_answered_in_the_flows_words(harness, language):
    await branch_reading(harness, language)
    words = harness.services.catalogs.words(language)
    check = await flow_to_check(harness)
    (blank,) = harness.read(await harness.feed(reply_to(check, " \u200b ")))
    assert blank.text == words("flow.place_empty")
    assert await places(harness) == []
    harness.read(await harness.feed(reply_to(check, "三楼会议室")))
    (again,) = harness.read(await harness.feed(reply_to(check, "另一个地点")))
    meeting = words("flow.already", meeting="#1 2031-03-05 19:30 " + words("type.committee"))
    assert again.text == meeting + "\n" + words("meeting.place", place="三楼会议室")
    assert await places(harness) == ["三楼会议室"]

"""Personal answers in private: /me, /points, /study scores and /attendance corrections asked
in the group go to the person, the group gets ✍ (or one line); /points explains the configured
rules and today's points; a late meeting check-in is told from an on-time one."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.config import PointsConfig
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER, start_app, stop_app
from tests.test_anonymous_admin import anonymous, nothing_for_the_stand_in
from tests.test_checkin import checkin, privately, reaction
from tests.test_chinese_arguments import branch_reading
from tests.test_meetings import add_meeting, fire, roster_of
from tests.test_quiz import answer_with_the_first_option, opened

LANGUAGES = pytest.mark.parametrize("language", ["zh", "en"])
STRANGER = factories.Person(100777, "路人", username="passerby", language_code="zh")
MEETING_START = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai


def refuse_reactions(harness):
    harness.api.fail_next(
        "setMessageReaction", error_code=400, description="Bad Request: REACTION_INVALID"
    )


def never_started(harness, person):
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot can't initiate conversation with a user",
        match=lambda p: p.get("chat_id") == person.id,
    )


async def with_points(harness, clock, points):
    """Restart the bot with other point values (no daily post on the way)."""
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    await stop_app(harness.app)
    harness.config = replace(harness.config, points=points)
    harness.app = await start_app(harness.config, harness.api, clock)


@LANGUAGES
async def test_me_and_points_asked_in_the_group_are_answered_privately(harness, language):
    await branch_reading(harness, language)
    me = await privately(harness, "/me")
    assert me.startswith("你在支部“城东第一支部”的参与情况：")  # the member's language
    assert me.endswith("\n积分规则和今天的积分：/points")
    points = await privately(harness, "/points", OTHER)
    assert points.startswith("How points are earned in “城东第一支部”:\n• daily check-in: +1\n")
    # A group that allows no reactions gets one short line, in the group's language.
    refuse_reactions(harness)
    calls = await harness.say("/points", chat=GROUP, user=MEMBER)
    assert [(c.method, c.chat_id) for c in calls] == [
        ("sendMessage", MEMBER.id),
        ("setMessageReaction", GROUP.id),
        ("sendMessage", GROUP.id),
    ]
    assert calls[2].text == ("已私信发给你。" if language == "zh" else "Sent to you privately.")
    # In private, the answer comes where it was asked.
    assert (await harness.reply("/points", chat=OTHER, user=OTHER)).startswith("How points")
    assert "/points" in await harness.reply("/me", chat=MEMBER, user=MEMBER)


async def test_points_shows_the_configured_rules_and_todays_points(harness, clock):
    await harness.setup_branch()
    await with_points(
        harness,
        clock,
        PointsConfig(checkin=2, meeting=5, meeting_late=4, correct_answer=3, daily_cap=8),
    )
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 11, 20, tzinfo=UTC)
    assert await checkin(harness) == "👍"
    assert await privately(harness, "/points") == (
        "支部“城东第一支部”的学习积分规则：\n"
        "• 每日签到：2 分\n"
        "• 会议签到（按时）：5 分\n"
        "• 会议签到（迟到）：4 分\n"
        "• 答对一道题（每题只计一次）：3 分\n"
        "每人每天最多 8 分。\n\n"
        "你今天已得 7 分\n"
        "  每日签到：2 分\n"
        "  会议签到（按时）：5 分\n"
        "今天还可得 1 分。"
    )
    assert (await privately(harness, "/points", OTHER)).endswith(
        "Most points a member can earn in a day: 8\n\n"
        "Your points today: 0\nPoints you can still earn today: 8"
    )
    # Today is the branch's day: at 00:01 in Shanghai the cap starts again.
    clock.now = datetime(2031, 3, 5, 16, 1, tzinfo=UTC)
    assert (await privately(harness, "/points")).endswith("你今天已得 0 分\n今天还可得 8 分。")


async def test_a_member_who_never_started_the_bot_gets_the_start_link(harness):
    branch = await harness.setup_branch()
    never_started(harness, MEMBER)
    refused, waiting = await harness.say("/me", chat=GROUP, user=MEMBER)
    assert refused.chat_id == MEMBER.id
    # The group gets one message: the start-link button, in reply to the ask.
    assert waiting.chat_id == GROUP.id
    words = harness.services.catalogs.words("zh")
    assert waiting.text == words("private.waiting", name="李四")
    assert waiting.params["reply_parameters"]["message_id"]
    (row,) = waiting.params["reply_markup"]["inline_keyboard"]
    assert row[0]["url"].endswith(f"?start=b{branch.id}")
    # Asked again: one short line points to the button already shown.
    never_started(harness, MEMBER)
    refused, kept = await harness.say("/points", chat=GROUP, user=MEMBER)
    assert (refused.chat_id, kept.chat_id) == (MEMBER.id, GROUP.id)
    assert kept.text == words("private.kept")
    # Started: the kept /me is read now and delivered.
    calls = await harness.say(f"/start b{branch.id}", chat=MEMBER, user=MEMBER)
    assert any(c.text.startswith("你在支部“城东第一支部”的参与情况") for c in calls)


async def test_an_anonymous_admin_has_no_points_and_corrects_attendance_in_one_line(
    harness, clock
):
    await harness.setup_branch()
    (answer,) = await anonymous(harness, "/points")
    assert answer.text == "/points 需以个人身份发送：匿名管理员和频道没有个人记录。"
    await roster_of(harness, MEMBER)
    _, occ = await add_meeting(harness, "general 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 13, 0, tzinfo=UTC)
    await fire(harness, f"close:{occ}")
    harness.read(harness.unread())
    line, told = await anonymous(harness, f"/attendance {occ} @lisi excused")
    assert (line.chat_id, line.text) == (GROUP.id, f"已更正 #{occ} 的到会情况。")
    assert told.chat_id == MEMBER.id
    assert told.text == f"你在 #{occ} 2031-03-05 19:30 支部党员大会 的到会情况已更正为：请假。"
    await nothing_for_the_stand_in(harness)


@LANGUAGES
async def test_an_attendance_correction_goes_to_the_secretary_and_the_member(
    harness, clock, language
):
    await branch_reading(harness, language)
    await roster_of(harness, MEMBER, OTHER)
    _, occ = await add_meeting(harness, "general 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 13, 0, tzinfo=UTC)
    await fire(harness, f"close:{occ}")
    harness.read(harness.unread())
    detail, reacted, told = await harness.say(
        f"/attendance {occ} @zhang absent", chat=GROUP, user=ADMIN
    )
    assert (detail.chat_id, reaction(reacted), told.chat_id) == (ADMIN.id, "✍", OTHER.id)
    assert "Zhang" in detail.text
    assert "缺席" in detail.text  # in the secretary's language
    assert told.text == (  # in the member's language
        f"Your attendance at #{occ} 2031-03-05 19:30 general meeting was corrected to: absent."
    )


async def test_a_stranger_gets_only_their_own_points_and_privately(harness):
    await harness.setup_branch()
    # Someone the bot never saw in a branch has no branch to be told about.
    no_branch = harness.services.catalogs.words("zh")("me.no_branch")
    assert await harness.reply("/points", chat=STRANGER, user=STRANGER) == no_branch
    # Not on the roster, asking in the group: their own (empty) day, privately.
    await checkin(harness)
    text = await privately(harness, "/points", STRANGER)
    assert text.endswith("你今天已得 0 分\n今天还可得 10 分。")
    assert "李四" not in text


async def test_study_in_the_group_shows_no_scores_and_sends_them_privately(harness):
    _, first = await opened(harness)
    done = await answer_with_the_first_option(harness, first)
    best = re.search(r"你的最好成绩：(\d+)", done.text).group(1)
    listing, scores = await harness.say("/study", chat=GROUP, user=MEMBER)
    assert (listing.chat_id, scores.chat_id) == (GROUP.id, MEMBER.id)
    assert listing.text == "学习专题：\n#1 党章学习（第一章 党员）（共 3 道题）"
    assert scores.text == (
        f"你在支部“城东第一支部”的答题最好成绩：\n  #1 党章学习（第一章 党员）：最好成绩 {best}/3"
    )
    # Without scores, nothing is sent privately.
    (listing,) = await harness.say("/study", chat=GROUP, user=OTHER)
    assert "最好成绩" not in listing.text


@LANGUAGES
async def test_a_late_meeting_checkin_is_told_from_an_on_time_one(harness, clock, language):
    await branch_reading(harness, language)
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 11, 20, tzinfo=UTC)  # before the start: on time
    refuse_reactions(harness)
    (_, answer) = await harness.say("/checkin", chat=GROUP, user=MEMBER)
    assert answer.text == ("签到成功。" if language == "zh" else "Checked in.")
    clock.now = datetime(2031, 3, 5, 11, 45, tzinfo=UTC)  # 15 minutes after the start
    assert await checkin(harness, OTHER) == "🫡"
    clock.now = datetime(2031, 3, 5, 11, 50, tzinfo=UTC)
    refuse_reactions(harness)
    (_, answer) = await harness.say("/checkin", chat=GROUP, user=ADMIN)
    assert answer.text == (
        "签到成功（迟到 20 分钟）。" if language == "zh" else "Checked in (20 min late)."
    )
    # The check-in post's button tells the same.
    await roster_of(harness, STRANGER)
    (toast,) = await harness.press(f"mc:{occ}", chat=GROUP, user=STRANGER)
    # Only the presser sees a toast: it is in their language (STRANGER's app reads zh).
    assert toast.params["text"] == "签到成功（迟到 20 分钟）。"
    # The day's check-in is never late, at any hour.
    clock.now = datetime(2031, 3, 6, 15, 0, tzinfo=UTC)  # 23:00 the next day
    assert await checkin(harness, OTHER) == "👍"

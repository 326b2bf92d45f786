"""The study side end to end: a secretary imports 50 Chinese GIFT questions and publishes them,
a member takes the quiz privately (a double tap and a restart on the way), the group answers a
quiz in polls, and /me and /top show the scores and points; a later attempt improves the best
score, not the points."""

from __future__ import annotations

from datetime import UTC, datetime

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER, start_app, stop_app
from tests.test_checkin import privately
from tests.test_quiz import buttons, data_for
from tests.test_study import gift_of, send_file


async def take_quiz(harness, question, *, wrong_from, restart_after=None, double_tap_at=None):
    """Answer every question: 党课 (right) before ``wrong_from``, 团课 (wrong) after."""
    number = 1
    while question.text.startswith(f"第 {number}/50 题"):
        choice = data_for(question, "党课" if number < wrong_from else "团课")
        calls = await harness.press(choice, chat=MEMBER, user=MEMBER)
        if number == double_tap_at:
            (again,) = await harness.press(choice, chat=MEMBER, user=MEMBER)
            assert again.text == "这道题已作答。"
        question = calls[-1]
        if number == restart_after:
            await stop_app(harness.app)
            harness.app = await start_app(harness.config, harness.api, harness.clock)
            branch = await harness.services.branches.for_chat(GROUP.id)
            question = (await harness.press(f"qs:1:{branch.id}", chat=MEMBER, user=MEMBER))[-1]
        number += 1
    return question


async def test_import_publish_private_quiz_group_quiz_me_and_top(harness, clock):
    branch = await harness.setup_branch()
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    for person in (MEMBER, OTHER):
        await harness.say("/help", chat=GROUP, user=person)

    # The secretary's question bank: 50 Chinese GIFT questions, imported and published.
    (imported,) = await send_file(harness, gift_of(50), "三会一课.gift")
    assert "#1 三会一课：50 道题（0 道超出群内答题限制）" in imported.text
    assert (
        await harness.reply("/publish 1", chat=GROUP, user=ADMIN) == "已向本支部发布 #1 三会一课。"
    )

    # A member opens it from /study and takes it privately.
    (listing,) = await harness.say("/study", chat=GROUP, user=MEMBER)
    link = listing.params["reply_markup"]["inline_keyboard"][0][0]["url"]
    payload = link.split("?start=")[1]
    assert payload == f"m1b{branch.id}"
    opened = await harness.say(f"/start {payload}", chat=MEMBER, user=MEMBER)
    (start,) = buttons(opened[-1])
    first = (await harness.press(start[1], chat=MEMBER, user=MEMBER))[-1]
    done = await take_quiz(harness, first, wrong_from=41, restart_after=25, double_tap_at=3)
    assert done.text == "答题完成：40/50。你的最好成绩：40/50。"

    # The group quiz: five polls; answers arrive as poll_answer updates.
    calls = await harness.say("/quiz 1", chat=GROUP, user=ADMIN)
    polls = [c for c in calls if c.method == "sendPoll"]
    assert len(polls) == 5
    for number, poll in enumerate(polls):
        poll_id = poll.result["poll"]["id"]
        await harness.feed(factories.poll_answer(poll_id, [0], user=MEMBER))
        await harness.feed(factories.poll_answer(poll_id, [0 if number else 1], user=OTHER))

    # The daily cap holds the member's 45 right answers today to 10 points.
    me = await privately(harness, "/me")
    assert "完成学习专题：1/1\n  #1 三会一课：最好成绩 40/50" in me
    assert "群内答题答对：5/5" in me
    assert "学习积分：本周 10 分，累计 10 分" in me
    assert "Group quiz answers right: 4 of 5" in await privately(harness, "/me", OTHER)
    assert await harness.reply("/top", chat=GROUP, user=OTHER) == (
        "学习积分排行榜\n\n本周：\n1. 李四 — 10 分\n2. Zhang — 4 分\n\n"
        "累计：\n1. 李四 — 10 分\n2. Zhang — 4 分"
    )

    # Days later (a new week), a second attempt improves the best score and earns nothing.
    clock.now = datetime(2031, 3, 4, 2, 0, tzinfo=UTC)
    again = (await harness.press(f"qs:1:{branch.id}", chat=MEMBER, user=MEMBER))[-1]
    done = await take_quiz(harness, again, wrong_from=51)
    assert done.text == "答题完成：50/50。你的最好成绩：50/50。"
    me = await privately(harness, "/me")
    assert "#1 三会一课：最好成绩 50/50" in me
    assert "学习积分：本周 0 分，累计 10 分" in me
    assert await harness.reply("/top", chat=GROUP, user=MEMBER) == (
        "学习积分排行榜\n\n本周：\n暂无学习积分\n\n累计：\n1. 李四 — 10 分\n2. Zhang — 4 分"
    )

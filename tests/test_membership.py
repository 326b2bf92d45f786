"""Links and buttons act only for members of the branch they name; leaderboards count members.

A member is someone seen in the branch's group who has not left it since (nor used /forget);
the branch's secretaries may use its links too.
"""

from __future__ import annotations

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_checkin import checkin
from tests.test_meetings import fire
from tests.test_quiz import answer_with_the_first_option, buttons
from tests.test_study import EXAMPLE, send_file
from tests.test_summary import seeded_week

OUTSIDER = factories.Person(100009, "Eve", username="eve", language_code="en")
OUTSIDER_ZH = factories.Person(100010, "赵六", username="zhaoliu", language_code="zh")
NOT_MEMBER_LINK = {
    "en": "You are not a member of that branch, so this link does not open it. "
    "Write in the branch's group first, then open the link again.",
    "zh": "我还没在该支部群里见过你，此链接无法打开。请先在支部群里发言，再打开链接。",
}
NOT_MEMBER_BUTTON = {
    "en": "You are not a member of that branch: this button does nothing for you. "
    "Nothing was recorded.",
    "zh": "我还没在该支部群里见过你，此按钮对你无效，未记录任何内容。",
}


async def published(harness):
    branch = await harness.setup_branch()
    await send_file(harness, EXAMPLE, "党章.toml")
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    return branch


async def count(harness, sql):
    return len(await harness.services.storage.db.fetch_all(sql))


async def test_an_outsider_cannot_open_a_module_link_nor_start_its_quiz(harness):
    branch = await published(harness)
    for outsider, language in ((OUTSIDER, "en"), (OUTSIDER_ZH, "zh")):
        text = await harness.reply(f"/start m1b{branch.id}", chat=outsider, user=outsider)
        assert text == NOT_MEMBER_LINK[language]  # no module, no quiz button
        assert (
            await harness.reply(f"/start b{branch.id}", chat=outsider, user=outsider)
            == (NOT_MEMBER_LINK[language])
        )
        user = await harness.services.storage.users.get(outsider.id)
        assert user.private_branch_id is None
        (refused,) = await harness.press(f"qs:1:{branch.id}", chat=outsider, user=outsider)
        assert refused.method == "answerCallbackQuery"
        assert refused.params["show_alert"] is True
        assert refused.text == NOT_MEMBER_BUTTON[language]
    assert await count(harness, "SELECT 1 FROM quiz_attempts") == 0
    assert await harness.reply("/top", chat=GROUP, user=MEMBER) == (
        "学习积分排行榜\n\n本周：\n暂无学习积分\n\n累计：\n暂无学习积分"
    )


async def test_a_member_who_left_is_refused_and_welcomed_back_when_seen_again(harness):
    branch = await published(harness)
    await harness.say("/help", chat=GROUP, user=MEMBER)  # seen in the group: a member
    calls = await harness.say(f"/start m1b{branch.id}", chat=MEMBER, user=MEMBER)
    (start,) = buttons(calls[-1])
    _, question = await harness.press(start[1], chat=MEMBER, user=MEMBER)
    await harness.feed(factories.chat_member(chat=GROUP, user=MEMBER, old="member", new="left"))
    # The quiz under way stops counting, and neither the link nor its button opens again.
    (refused,) = await harness.press(buttons(question)[0][1], chat=MEMBER, user=MEMBER)
    assert refused.text == NOT_MEMBER_BUTTON["zh"]
    (refused,) = await harness.press(start[1], chat=MEMBER, user=MEMBER)
    assert refused.text == NOT_MEMBER_BUTTON["zh"]
    text = await harness.reply(f"/start m1b{branch.id}", chat=MEMBER, user=MEMBER)
    assert text == NOT_MEMBER_LINK["zh"]
    assert await count(harness, "SELECT 1 FROM quiz_answers") == 0
    # Back in the group: a member again.
    await harness.feed(factories.chat_member(chat=GROUP, user=MEMBER, old="left", new="member"))
    _, question = await harness.press(start[1], chat=MEMBER, user=MEMBER)
    done = await answer_with_the_first_option(harness, question)
    assert done.text.startswith("答题完成")


async def test_a_secretary_who_never_wrote_in_the_group_may_use_its_links(harness):
    branch = await published(harness)
    text = await harness.reply(f"/start b{branch.id}", chat=ADMIN, user=ADMIN)
    assert GROUP.title in text


async def test_a_forged_rsvp_for_another_branch_is_refused(harness):
    from tests.test_meetings import add_meeting

    await harness.setup_branch()
    _, occurrence = await add_meeting(harness, "group 2031-03-05 19:30")
    (refused,) = await harness.press(f"rsvp:{occurrence}:y", chat=OUTSIDER, user=OUTSIDER)
    assert refused.params["show_alert"] is True
    assert await count(harness, "SELECT 1 FROM rsvps") == 0


async def test_top_and_the_weekly_summary_count_members_only(harness, clock):
    await seeded_week(harness, clock)  # 李四 5 points, Zhang 2 points
    await harness.feed(factories.chat_member(chat=GROUP, user=OTHER, old="member", new="left"))
    text = await harness.reply("/top", chat=GROUP, user=MEMBER)
    assert "Zhang" not in text
    assert "1. 李四 — 5 分" in text
    await fire(harness, "summaries")
    sent = harness.read(harness.unread())
    (group,) = [c for c in sent if c.method == "sendMessage" and c.chat_id == GROUP.id]
    lines = group.text.split("\n")
    top = lines.index("本周学习积分前五：")
    assert lines[top + 1 : top + 3] == ["1. 李四 — 5 分", "三会一课落实情况："]


async def test_points_of_someone_who_never_belonged_stay_off_the_leaderboard(harness):
    branch = await harness.setup_branch()
    assert await checkin(harness, MEMBER) == "👍"
    # Points that reached the ledger for an outsider (e.g. before links were checked).
    await harness.services.storage.users.save(
        user_id=OUTSIDER.id,
        first_name=OUTSIDER.first_name,
        last_name=None,
        username=OUTSIDER.username,
        language_code="en",
        now=harness.clock(),
    )
    await harness.services.points.credit_answer(branch, OUTSIDER.id, 1, harness.clock())
    text = await harness.reply("/top", chat=GROUP, user=MEMBER)
    assert "Eve" not in text
    assert "1. 李四 — 1 分" in text

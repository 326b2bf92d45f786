"""/quiz end to end: native quiz polls in the group, answers credited by poll id (also after a
restart), anonymous voters and other polls ignored, replays and limits."""

from __future__ import annotations

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER, start_app, stop_app
from tests.test_study import gift_of, send_file

MIXED_GIFT = (
    "::多选::以下属于“三会”的是（多选）{~%50%支部党员大会 ~%50%支部委员会 ~%-100%茶话会}\n\n"
    f"::过长::{'很' * 301}长的题目？{{=对 ~错}}\n\n"
    "::单选::“一课”指什么？{=党课 ~团课 ####按时上好党课。}\n"
).encode()


async def published(harness, content=None):
    branch = await harness.setup_branch()
    await send_file(harness, content or gift_of(8), "题库.gift")
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    return branch


async def polls_of(harness, text="/quiz 1 3", user=ADMIN):
    calls = await harness.say(text, chat=GROUP, user=user)
    return calls[0], calls[1:]


def poll_id(call):
    return call.result["poll"]["id"]


async def answer(harness, call, options, user=MEMBER):
    seen = await harness.feed(factories.poll_answer(poll_id(call), options, user=user))
    assert seen == []  # a poll answer is silent


async def points_of(harness, user):
    row = await harness.services.storage.db.fetch_one(
        "SELECT coalesce(sum(points), 0) FROM points WHERE user_id = ?", (user.id,)
    )
    return row[0]


async def test_quiz_posts_non_anonymous_quiz_polls_in_module_order(harness):
    await published(harness)
    intro, polls = await polls_of(harness)
    assert intro.text == "群内答题：#1 三会一课，共 3 题，请在下面的投票中作答。"
    assert [c.method for c in polls] == ["sendPoll"] * 3
    first = polls[0].params
    assert first["question"].startswith("第 1 题：")
    assert [o["text"] for o in first["options"]] == ["党课", "团课", "业务课"]
    assert first["is_anonymous"] is False  # stated: polls are anonymous by default
    assert first["type"] == "quiz"
    assert first["correct_option_ids"] == [0]
    assert first["explanation"] == "“一课”即按时上好党课。"
    assert [p.params["question"][:6] for p in polls] == ["第 1 题：", "第 2 题：", "第 3 题："]
    rows = await harness.services.storage.db.fetch_all("SELECT poll_id FROM quiz_polls")
    assert sorted(r[0] for r in rows) == sorted(poll_id(c) for c in polls)


async def test_answers_are_credited_to_member_question_and_branch_once(harness):
    branch = await published(harness)
    _, polls = await polls_of(harness)
    await answer(harness, polls[0], [0])  # right
    await answer(harness, polls[1], [2])  # wrong
    await answer(harness, polls[0], [0])  # the same update again, around a restart
    await answer(harness, polls[0], [1], user=OTHER)
    assert await points_of(harness, MEMBER) == 1
    assert await points_of(harness, OTHER) == 0
    assert await harness.services.group_quiz.results(branch, MEMBER.id) == (2, 1)
    member = await harness.services.storage.memberships.get(branch.id, OTHER.id)
    assert member is not None  # a voter is recorded as a member of the branch


async def test_after_a_restart_answers_still_find_their_poll(harness, api, clock):
    branch = await published(harness)
    _, polls = await polls_of(harness)
    await stop_app(harness.app)
    harness.app = await start_app(harness.config, api, clock)
    harness.read([await api.wait_for("sendMessage", lambda c: "每日签到" in c.text)])
    await answer(harness, polls[2], [0])
    assert await harness.services.group_quiz.results(branch, MEMBER.id) == (1, 1)
    assert await points_of(harness, MEMBER) == 1


async def test_anonymous_voters_and_other_polls_are_ignored(harness):
    await published(harness)
    _, polls = await polls_of(harness)
    update = factories.anonymous_poll_answer(poll_id(polls[0]), [0], chat=GROUP)
    assert await harness.feed(update) == []
    assert await harness.feed(factories.poll_answer("someone-elses", [0], user=MEMBER)) == []
    db = harness.services.storage.db
    assert (await db.fetch_one("SELECT count(*) FROM poll_answers"))[0] == 0
    assert await points_of(harness, MEMBER) == 0


async def test_a_question_scores_once_however_often_it_is_posted(harness):
    await published(harness)
    _, first_run = await polls_of(harness, "/quiz 1 1")
    await answer(harness, first_run[0], [1])  # wrong the first time
    _, second_run = await polls_of(harness, "/quiz 1 1")
    await answer(harness, second_run[0], [0])  # right later: recorded, not scored
    assert await points_of(harness, MEMBER) == 0
    await answer(harness, second_run[0], [0], user=OTHER)
    assert await points_of(harness, OTHER) == 1


async def test_a_replayed_quiz_command_posts_each_poll_once(harness):
    await published(harness)
    update = factories.command("/quiz 1 2", chat=GROUP, user=ADMIN)
    first = harness.read(await harness.feed(update))
    again = harness.read(await harness.feed(update))
    assert [c.method for c in first] == ["sendMessage", "sendPoll", "sendPoll"]
    assert again == []


async def test_several_right_answers_and_questions_beyond_poll_limits(harness):
    await published(harness, MIXED_GIFT)
    intro, polls = await polls_of(harness, "/quiz 1")
    assert "本学习专题有 1 道题超出 Telegram 投票限制，未发出。" in intro.text
    assert [p.params["question"] for p in polls] == [
        "以下属于“三会”的是（多选）",
        "“一课”指什么？",
    ]
    assert polls[0].params["correct_option_ids"] == [0, 1]
    assert polls[0].params["allows_multiple_answers"] is True
    await answer(harness, polls[0], [1, 0])
    await answer(harness, polls[0], [0], user=OTHER)  # half right is wrong
    assert await points_of(harness, MEMBER) == 1
    assert await points_of(harness, OTHER) == 0


async def test_bad_quiz_requests_are_explained_and_post_nothing(harness):
    await harness.setup_branch()
    await send_file(harness, gift_of(3), "题库.gift")
    usage = "用法：/quiz <学习专题编号> [题数]，题数 1 到 20（默认 5）。例如：/quiz 3 10"
    for text in ("/quiz", "/quiz 1 21", "/quiz 1 0", "/quiz x", "/quiz 1 2 3"):
        assert await harness.reply(text, chat=GROUP, user=ADMIN) == usage
    assert await harness.reply("/quiz 1", chat=GROUP, user=ADMIN) == "学习专题 #1 未在本支部发布。"
    assert harness.api.of("sendPoll") == []

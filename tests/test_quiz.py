"""The private quiz end to end: start from the module link, shuffled options, feedback,
several right answers, double taps, a restart mid-quiz, forged data, the best score."""

from __future__ import annotations

import re

from bot.quiz import option_order
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER, start_app, stop_app
from tests.test_study import EXAMPLE, send_file


def buttons(call):
    return [
        (b["text"], b["callback_data"])
        for row in call.params["reply_markup"]["inline_keyboard"]
        for b in row
    ]


def data_for(call, text):
    return next(data for label, data in buttons(call) if label.endswith(text))


async def opened(harness):
    branch = await harness.setup_branch()
    await send_file(harness, EXAMPLE, "党章.toml")
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    await harness.say("/help", chat=GROUP, user=MEMBER)  # a member: seen in the group
    calls = await harness.say(f"/start m1b{branch.id}", chat=MEMBER, user=MEMBER)
    (start,) = buttons(calls[-1])
    assert start == ("开始答题", f"qs:1:{branch.id}")
    toast, question = await harness.press(start[1], chat=MEMBER, user=MEMBER)
    assert toast.method == "answerCallbackQuery"
    return branch, question


async def test_a_whole_quiz_with_single_and_multiple_answers(harness):
    _, first = await opened(harness)
    assert first.text.startswith("第 1/3 题：\n年满多少岁")
    options = [label for label, _ in buttons(first)]
    assert sorted(options) == sorted(["十六岁", "十八岁", "二十岁", "二十二岁"])
    _, feedback, second = await harness.press(data_for(first, "十八岁"), chat=MEMBER, user=MEMBER)
    assert feedback.method == "editMessageText"
    assert "✅ 回答正确。" in feedback.text
    assert "年满十八岁" in feedback.text  # the explanation
    assert "多选" in second.text
    assert buttons(second)[-1][0] == "✔"
    mark = await harness.press(data_for(second, "参加党的有关会议"), chat=MEMBER, user=MEMBER)
    edited = mark[1]
    assert edited.method == "editMessageReplyMarkup"
    for option in ("关于党的政策问题的讨论", "提出建议和倡议"):
        edited = (await harness.press(data_for(edited, option), chat=MEMBER, user=MEMBER))[1]
    ticked = [label for label, _ in buttons(edited) if label.startswith("☑")]
    assert len(ticked) == 3
    _, feedback, third = await harness.press(buttons(edited)[-1][1], chat=MEMBER, user=MEMBER)
    assert "✅" in feedback.text
    _, feedback, done = await harness.press(data_for(third, "错误"), chat=MEMBER, user=MEMBER)
    assert "❌ 回答错误。正确答案：正确" in feedback.text
    assert done.text == "答题完成：2/3。你的最好成绩：2/3。"
    (listing,) = await harness.say("/study", chat=MEMBER, user=MEMBER)
    assert "你的最好成绩 2/3" in listing.text


async def test_a_double_tap_counts_once_and_stale_buttons_change_nothing(harness):
    _, first = await opened(harness)
    right = data_for(first, "十八岁")
    await harness.press(right, chat=MEMBER, user=MEMBER)
    (again,) = await harness.press(right, chat=MEMBER, user=MEMBER)
    assert again.text == "这道题已作答。"
    rows = await harness.services.storage.db.fetch_all("SELECT position FROM quiz_answers")
    assert [r[0] for r in rows] == [0]
    attempt = re.match(r"qa:(\d+):", right).group(1)
    for forged in (f"qa:{attempt}:1:9", "qa:999:0:0", f"qa:{attempt}:0:x", "qs:1:999"):
        (refused,) = await harness.press(forged, chat=MEMBER, user=MEMBER)
        assert refused.params["show_alert"] is True, forged
    (refused,) = await harness.press(f"qa:{attempt}:1:0", chat=OTHER, user=OTHER)  # not theirs
    assert refused.params["show_alert"] is True
    (refused,) = await harness.press(f"qa:{attempt}:1:0", chat=GROUP, user=MEMBER)
    assert refused.params["show_alert"] is True
    assert len(await harness.services.storage.db.fetch_all("SELECT 1 FROM quiz_answers")) == 1


async def test_a_restart_mid_quiz_resumes_where_it_stopped(harness, clock):
    branch, first = await opened(harness)
    await harness.press(data_for(first, "十八岁"), chat=MEMBER, user=MEMBER)
    second = harness.api.of("sendMessage")[-1]
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    await stop_app(harness.app)
    harness.app = await start_app(harness.config, harness.api, clock)
    _, resumed = await harness.press(f"qs:1:{branch.id}", chat=MEMBER, user=MEMBER)
    assert resumed.text == second.text  # question 2 again, not a new attempt
    assert buttons(resumed) == buttons(second)  # in the same shuffled order
    attempts = await harness.services.storage.db.fetch_all("SELECT id FROM quiz_attempts")
    assert len(attempts) == 1


async def answer_with_the_first_option(harness, question, user=MEMBER):
    """Answer every question with the first option shown; return the closing message."""
    while question.text.startswith("第"):
        if "多选" in question.text:
            toggled = (await harness.press(buttons(question)[0][1], chat=user, user=user))[1]
            calls = await harness.press(buttons(toggled)[-1][1], chat=user, user=user)
        else:
            calls = await harness.press(buttons(question)[0][1], chat=user, user=user)
        question = calls[-1]
    return question


async def test_a_second_attempt_keeps_the_best_score(harness):
    branch, first = await opened(harness)
    done = await answer_with_the_first_option(harness, first)
    assert done.text.startswith("答题完成")
    second = (await harness.press(f"qs:1:{branch.id}", chat=MEMBER, user=MEMBER))[-1]
    assert second.text.startswith("第 1/3 题")  # a new attempt
    done = await answer_with_the_first_option(harness, second)
    scores = [
        row[0]
        for row in await harness.services.storage.db.fetch_all(
            "SELECT score FROM quiz_attempts WHERE finished_at IS NOT NULL ORDER BY id"
        )
    ]
    assert len(scores) == 2
    assert done.text.endswith(f"你的最好成绩：{max(scores)}/3。")


def test_shuffles_are_stable_and_callback_data_fits():
    assert option_order(7, 3, 12) == option_order(7, 3, 12)
    assert sorted(option_order(7, 3, 12)) == list(range(12))
    assert any(option_order(seed, 0, 4) != [0, 1, 2, 3] for seed in range(10))
    biggest = 2**63 - 1
    for data in (f"qs:{biggest}:{biggest}", f"qa:{biggest}:9999:11", f"qm:{biggest}:9999:4095:s"):
        assert len(data.encode()) <= 64

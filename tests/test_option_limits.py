"""A question has at most 12 options, in every format: a file with more is refused with the
question's line, and the private quiz handles every question it accepts (several right
answers among all 12 options included)."""

from __future__ import annotations

import pytest

from bot.module_formats import FormatError, model
from bot.study import StudyService
from tests.conftest import ADMIN, GROUP, MEMBER
from tests.test_quiz import buttons
from tests.test_study import count, send_file


def toml_question(options: int, answers: list[int]) -> bytes:
    names = ", ".join(f'"选项{n}"' for n in range(1, options + 1))
    return (
        '[[modules]]\ntitle = "多选"\n\n[[modules.questions]]\n'
        f'text = "哪两项正确？"\noptions = [{names}]\nanswers = {answers}\n'
    ).encode()


GIFT_151 = (
    "::q1::“一课”指什么？{=党课 ~团课}\n\n::q2::选出正确的一项：{=对 "
    + " ".join(f"~错{n}" for n in range(150))
    + "}\n"
).encode()
AIKEN_13 = (
    "哪一项正确？\n" + "".join(f"{chr(65 + n)}. 选项{n}\n" for n in range(13)) + "ANSWER: M\n"
).encode()


@pytest.mark.parametrize(
    ("name", "content", "line", "options"),
    [
        ("many.gift", GIFT_151, 3, 151),
        ("many.aiken", AIKEN_13, 1, 13),
        ("many.toml", toml_question(14, [13, 14]), 4, 14),
    ],
)
async def test_a_question_with_more_than_12_options_is_refused_by_its_line(
    harness, name, content, line, options
):
    await harness.setup_branch()
    (answer,) = await send_file(harness, content, name)
    assert answer.text.startswith("未导入任何内容")
    assert f"第 {line} 行：该题有 {options} 个选项，每题最多 12 个" in answer.text
    assert await count(harness, "modules") == 0
    assert await count(harness, "questions") == 0


def test_the_limit_is_checked_in_the_shared_model_for_every_format():
    with pytest.raises(FormatError) as raised:
        StudyService.check_file("x.toml", toml_question(13, [1, 2]))
    ((problem),) = raised.value.problems
    assert (problem.key, problem.params) == (
        "format.too_many_options",
        {"count": 13, "limit": model.QUESTION_OPTIONS_MAX},
    )
    parsed = StudyService.check_file("x.toml", toml_question(12, [11, 12]))
    assert model.within_limits(parsed) == parsed


async def test_several_right_answers_among_12_options_can_be_submitted(harness):
    branch = await harness.setup_branch()
    (answer,) = await send_file(harness, toml_question(12, [11, 12]), "multi.toml")
    assert "#1 多选：1 道题" in answer.text
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    await harness.say("/help", chat=GROUP, user=MEMBER)  # a member: seen in the group
    calls = await harness.say(f"/start m1b{branch.id}", chat=MEMBER, user=MEMBER)
    _, question = await harness.press(buttons(calls[-1])[0][1], chat=MEMBER, user=MEMBER)
    shown = buttons(question)
    assert len(shown) == 13  # twelve toggles and the submit
    for option in ("选项11", "选项12"):
        data = next(d for label, d in shown if label.endswith(option))
        _, edited = await harness.press(data, chat=MEMBER, user=MEMBER)
        shown = buttons(edited)
    ticked = [label for label, _ in shown if label.startswith("☑")]
    assert sorted(ticked) == ["☑ 选项11", "☑ 选项12"]
    submit = shown[-1][1]
    assert submit.endswith(f":{(1 << 10) | (1 << 11)}:s")
    _, feedback, done = await harness.press(submit, chat=MEMBER, user=MEMBER)
    assert "✅ 回答正确。" in feedback.text
    assert done.text.startswith("答题完成：1/1。")

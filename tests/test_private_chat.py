"""Private commands work at once: one branch needs no choosing, several are chosen with
buttons (the choice is remembered and the command answers), and no group button is needed."""

from __future__ import annotations

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.fakes.telegram_api import BOT_USERNAME
from tests.test_meetings import add_meeting
from tests.test_study import EXAMPLE, send_file

GROUP2 = factories.Group(-4002, "城西第二支部")


def buttons(call):
    return [
        (b["text"], b["callback_data"])
        for row in call.params["reply_markup"]["inline_keyboard"]
        for b in row
    ]


async def one_branch(harness):
    """A branch where everyone has written in the group (and so is a member)."""
    branch = await harness.setup_branch()
    for person in (MEMBER, OTHER, ADMIN):
        await harness.say("/help", chat=GROUP, user=person)
    return branch


async def test_a_member_of_one_branch_gets_me_study_and_meetings_at_once(harness):
    branch = await one_branch(harness)
    await send_file(harness, EXAMPLE, "党章.toml")
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    _, occurrence = await add_meeting(harness, "group 2031-03-05 19:30 小组学习")
    await harness.press("roster:join", chat=GROUP, user=MEMBER)  # expected at meetings
    text = await harness.reply("/me", chat=MEMBER, user=MEMBER)
    assert text.startswith(f"你在支部“{GROUP.title}”的参与情况：")
    text = await harness.reply("/me", chat=OTHER, user=OTHER)
    assert text.startswith(f"Your participation in “{GROUP.title}”:")
    assert "党章学习" in await harness.reply("/study", chat=MEMBER, user=MEMBER)
    assert "党章学习" in await harness.reply("/study", chat=OTHER, user=OTHER)
    assert "小组学习" in await harness.reply("/meetings", chat=MEMBER, user=MEMBER)
    assert "小组学习" in await harness.reply("/meetings", chat=OTHER, user=OTHER)
    calls = await harness.say(f"/leave {occurrence} 出差", chat=MEMBER, user=MEMBER)
    assert calls[0].chat_id == MEMBER.id
    assert calls[0].text.startswith("已提交")
    # Nothing was chosen: the only branch is used, and nothing had to be stored for that.
    user = await harness.services.storage.users.get(MEMBER.id)
    assert user.private_branch_id is None
    assert branch.id in await harness.services.storage.memberships.branch_ids(MEMBER.id)


async def test_a_secretary_of_one_branch_gets_report_and_export_privately_at_once(harness):
    await one_branch(harness)
    calls = await harness.say("/report", chat=ADMIN, user=ADMIN)
    assert [c.chat_id for c in calls] == [ADMIN.id]
    assert calls[0].text.startswith(f"“{GROUP.title}”参与情况报告")
    calls = await harness.say("/export", chat=ADMIN, user=ADMIN)
    assert [c.method for c in calls] == ["sendDocument"] * 4
    assert {c.chat_id for c in calls} == {ADMIN.id}
    # A member is still refused.
    assert await harness.reply("/report", chat=MEMBER, user=MEMBER) == (
        "只有支部管理员（群管理员或被授予支部管理员角色的党员）可以使用 /report。"
    )


async def test_several_branches_are_chosen_with_buttons_and_the_choice_is_remembered(harness):
    first = await one_branch(harness)
    second = await harness.setup_branch(GROUP2)
    await harness.say("/help", chat=GROUP2, user=OTHER)
    (question,) = await harness.say("/me", chat=OTHER, user=OTHER)
    assert question.text == (
        "You belong to several branches. Which one is /me for? "
        "(Later private commands will use it too.)"
    )
    assert buttons(question) == [
        (GROUP.title, f"pb:{first.id}:me"),
        (GROUP2.title, f"pb:{second.id}:me"),
    ]
    edited, answered, chosen = await harness.press(f"pb:{second.id}:me", chat=OTHER, user=OTHER)
    assert edited.method == "editMessageText"
    assert chosen.method == "answerCallbackQuery"  # once, after the command ran
    assert edited.text == f"Private commands now act on the branch “{GROUP2.title}”."
    assert answered.text.startswith(f"Your participation in “{GROUP2.title}”:")
    # Remembered: the next private command answers at once, for the chosen branch.
    text = await harness.reply("/study", chat=OTHER, user=OTHER)
    assert text == "No study modules are published to this branch yet."


async def test_a_secretary_of_several_branches_chooses_and_gets_the_report_asked_for(harness):
    await one_branch(harness)
    second = await harness.setup_branch(GROUP2)
    await harness.say("/help", chat=GROUP2, user=ADMIN)
    (question,) = await harness.say("/report month", chat=ADMIN, user=ADMIN)
    assert question.text == (
        "你属于多个支部。/report 作用于哪个支部？请选择（之后的私聊命令也将作用于它）："
    )
    assert (GROUP2.title, f"pb:{second.id}:report:month") in buttons(question)
    calls = await harness.press(f"pb:{second.id}:report:month", chat=ADMIN, user=ADMIN)
    assert [c.method for c in calls[:1] + calls[-1:]] == ["editMessageText", "answerCallbackQuery"]
    sent = [c for c in calls if c.method == "sendMessage"]
    assert [c.chat_id for c in sent] == [ADMIN.id]
    assert sent[0].text.startswith(f"“{GROUP2.title}”参与情况报告（2031-03-01 至")
    user = await harness.services.storage.users.get(ADMIN.id)
    assert user.private_branch_id == second.id


async def test_a_branch_button_for_a_refused_command_answers_once_and_remembers_nothing(harness):
    """Telegram takes one answer per button press: the refusal is that answer."""
    await one_branch(harness)
    second = await harness.setup_branch(GROUP2)
    await harness.say("/help", chat=GROUP2, user=MEMBER)  # a member, not a secretary, there
    await harness.say("/help", chat=GROUP2, user=ADMIN)
    (refused,) = await harness.press(f"pb:{second.id}:report", chat=MEMBER, user=MEMBER)
    assert refused.method == "answerCallbackQuery"
    assert refused.text.startswith("只有支部管理员")
    user = await harness.services.storage.users.get(MEMBER.id)
    assert user.private_branch_id is None
    # A secretary whose arguments are wrong: one answer, the usage, the branch remembered.
    calls = await harness.press(f"pb:{second.id}:report:9999-99-99", chat=ADMIN, user=ADMIN)
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1
    assert answers[0].text.startswith("用法：/report")


async def test_a_branch_button_works_only_for_a_member_of_that_branch(harness):
    await one_branch(harness)
    second = await harness.setup_branch(GROUP2)
    (refused,) = await harness.press(f"pb:{second.id}:me", chat=MEMBER, user=MEMBER)
    assert refused.params["show_alert"] is True
    assert refused.text == "我还没在该支部群里见过你，此按钮对你无效，未记录任何内容。"
    (refused,) = await harness.press(f"pb:{second.id}:me", chat=GROUP, user=MEMBER)
    assert refused.text == "此按钮已失效，未记录任何内容。"
    user = await harness.services.storage.users.get(MEMBER.id)
    assert user.private_branch_id is None


async def test_arguments_too_long_for_a_button_only_choose_the_branch(harness):
    await one_branch(harness)
    second = await harness.setup_branch(GROUP2)
    await harness.say("/help", chat=GROUP2, user=ADMIN)
    (question,) = await harness.say("/export 2031-01-01 2031-03-01 x" * 2, chat=ADMIN, user=ADMIN)
    assert (GROUP2.title, f"pb:{second.id}") in buttons(question)
    _, edited = await harness.press(f"pb:{second.id}", chat=ADMIN, user=ADMIN)
    assert edited.text == f"私聊命令现在作用于支部“{GROUP2.title}”。\n请再发送一次该命令。"


async def test_someone_in_no_branch_is_told_how_to_get_one(harness):
    await harness.setup_branch()
    assert await harness.reply("/me", chat=OTHER, user=OTHER) == (
        "You are not a member of any branch yet. Write in your branch's group first; "
        "private commands then act on that branch."
    )
    assert await harness.reply("/study", chat=MEMBER, user=MEMBER) == (
        "我还没在任何支部群里见过你。请先在所在支部的群里发言，之后私聊命令就会作用于该支部。"
    )
    for command in ("/report", "/export"):  # an administrator the bot has not seen yet
        assert (await harness.reply(command, chat=ADMIN, user=ADMIN)).startswith(
            "我还没在任何支部群里见过你"
        )


STRANGER = factories.Person(100009, "赵六", username="zhaoliu")


async def twelve_modules(harness, branch):
    """Twelve modules published to the branch (more than a page of buttons)."""
    content = "\n\n".join(
        f"$CATEGORY: 第{n}课\n\n::q{n}::第 {n} 题{{=对 ~错}}" for n in range(1, 13)
    )
    await send_file(harness, content.encode(), "course.gift")
    for module_id in range(1, 13):
        await harness.services.study.publish(branch, module_id, harness.clock())


def keyboard(call):
    return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


async def test_private_study_has_the_module_buttons_and_its_pages_turn(harness):
    branch = await one_branch(harness)
    await twelve_modules(harness, branch)
    (listing,) = await harness.say("/study", chat=MEMBER, user=MEMBER)
    assert listing.chat_id == MEMBER.id
    first = keyboard(listing)
    link = f"https://t.me/{BOT_USERNAME}?start="
    assert [b["url"] for b in first[:10]] == [f"{link}m{n}b{branch.id}" for n in range(1, 11)]
    assert [(b["text"], b["callback_data"]) for b in first[10:]] == [("▶", f"stp:{branch.id}:1")]
    toast, turned = await harness.press(f"stp:{branch.id}:1", chat=MEMBER, user=MEMBER)
    assert (toast.method, turned.method) == ("answerCallbackQuery", "editMessageReplyMarkup")
    page = keyboard(turned)
    assert [b.get("url") for b in page[:2]] == [f"{link}m{n}b{branch.id}" for n in (11, 12)]
    assert [(b["text"], b["callback_data"]) for b in page[2:]] == [("◀", f"stp:{branch.id}:0")]
    # A module button's link opens the module in this same chat.
    opened = await harness.say(f"/start m11b{branch.id}", chat=MEMBER, user=MEMBER)
    assert {c.chat_id for c in opened} == {MEMBER.id}
    assert "第11课" in opened[-1].text
    # The secretary's private list turns too (a secretary need never have written).
    (listing,) = await harness.say("/study", chat=ADMIN, user=ADMIN)
    assert keyboard(listing)[-1]["callback_data"] == f"stp:{branch.id}:1"
    _, turned = await harness.press(f"stp:{branch.id}:1", chat=ADMIN, user=ADMIN)
    assert keyboard(turned)[0]["url"] == f"{link}m11b{branch.id}"


async def test_a_forged_page_button_is_refused_to_a_stranger_and_in_another_group(harness):
    branch = await one_branch(harness)
    await twelve_modules(harness, branch)
    await harness.setup_branch(GROUP2)
    (refused,) = await harness.press(f"stp:{branch.id}:1", chat=STRANGER, user=STRANGER)
    assert refused.method == "answerCallbackQuery"
    assert refused.params["text"] == "我还没在该支部群里见过你，此按钮对你无效，未记录任何内容。"
    # Pressed in another branch's group, a button naming this branch turns nothing.
    (stale,) = await harness.press(f"stp:{branch.id}:1", chat=GROUP2, user=STRANGER)
    assert stale.method == "answerCallbackQuery"
    assert stale.params["text"] == "此按钮已失效，未记录任何内容。"
    (stale,) = await harness.press("stp:999:1", chat=MEMBER, user=MEMBER)
    assert stale.params["text"] == "此按钮已失效，未记录任何内容。"
    assert branch.id not in await harness.services.storage.memberships.branch_ids(STRANGER.id)
    assert await harness.services.storage.users.get(STRANGER.id) is None or (
        (await harness.services.storage.users.get(STRANGER.id)).private_branch_id is None
    )


async def test_a_remembered_branch_the_member_has_left_is_not_used(harness):
    await one_branch(harness)
    second = await harness.setup_branch(GROUP2)
    await harness.say("/help", chat=GROUP2, user=MEMBER)
    await harness.say(f"/start b{second.id}", chat=MEMBER, user=MEMBER)
    left = factories.chat_member(chat=GROUP2, user=MEMBER, old="member", new="left")
    harness.read(await harness.feed(left))
    # Only the first branch is left: /me answers for it, not for the one they left.
    text = await harness.reply("/me", chat=MEMBER, user=MEMBER)
    assert text.startswith(f"你在支部“{GROUP.title}”的参与情况")


async def test_an_administrator_never_seen_in_the_group_runs_a_report_from_its_button(harness):
    """Group administrators are secretaries: the button's own check lets them in."""
    await harness.setup_branch()
    second = await harness.setup_branch(GROUP2)
    calls = await harness.press(f"pb:{second.id}:report:week", chat=ADMIN, user=ADMIN)
    assert calls[0].method == "editMessageText"
    assert [c for c in calls if c.method == "sendMessage"][0].text.startswith(
        f"“{GROUP2.title}”参与情况报告"
    )
    assert calls[-1].method == "answerCallbackQuery"
    assert "show_alert" not in calls[-1].params

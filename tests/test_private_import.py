"""/import in private: the file is checked and held, buttons choose among the sender's branches,
a restart in between loses nothing, and nobody else can use the buttons."""

from __future__ import annotations

import asyncio

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, start_app, stop_app
from tests.test_study import count, gift_of

SECOND = factories.Group(-4002, "城东第二支部")


async def upload(harness, content, name="题库.gift", user=ADMIN, caption="/import"):
    file_id = f"p{len(harness.api.files) + 1}"
    harness.api.files[file_id] = content
    update = factories.document(
        chat=user, user=user, file_id=file_id, file_name=name, size=len(content), caption=caption
    )
    return harness.read(await harness.feed(update))


def choices(call):
    return [
        (b["text"], b["callback_data"])
        for row in call.params["reply_markup"]["inline_keyboard"]
        for b in row
    ]


async def two_branches(harness):
    first = await harness.setup_branch(GROUP)
    second = await harness.setup_branch(SECOND)
    for group in (GROUP, SECOND):
        await harness.say("/help", chat=group, user=ADMIN)  # seen in both groups
    return first, second


async def test_a_private_import_asks_for_the_branch_and_imports_there(harness):
    first, second = await two_branches(harness)
    (asked,) = await upload(harness, gift_of(4))
    assert asked.chat_id == ADMIN.id
    assert asked.text == "“题库.gift”检查无误：1 个学习专题，4 道题。导入到哪个支部？"
    buttons = choices(asked)
    assert [label for label, _ in buttons] == [GROUP.title, SECOND.title]
    assert await count(harness, "modules") == 0  # nothing is imported before the choice
    toast, done = await harness.press(buttons[1][1], chat=ADMIN, user=ADMIN)
    assert toast.method == "answerCallbackQuery"
    assert done.method == "editMessageText"
    assert done.text.startswith(f"已导入支部“{SECOND.title}”。\n")
    assert "#1 三会一课" in done.text
    row = await harness.services.storage.db.fetch_one("SELECT branch_id FROM modules")
    assert row[0] == second.id
    (again,) = await harness.press(buttons[1][1], chat=ADMIN, user=ADMIN)  # a double tap
    assert again.params["show_alert"] is True
    assert await count(harness, "modules") == 1
    assert first.id != second.id


async def test_the_held_file_survives_a_restart(harness, api, clock):
    branch = await harness.setup_branch()
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    (asked,) = await upload(harness, gift_of(2))
    await stop_app(harness.app)
    harness.app = await start_app(harness.config, api, clock)
    _, done = await harness.press(choices(asked)[0][1], chat=ADMIN, user=ADMIN)
    assert "#1 三会一课" in done.text
    row = await harness.services.storage.db.fetch_one("SELECT branch_id FROM modules")
    assert row[0] == branch.id


async def test_only_secretaries_import_privately_and_only_their_own_drafts(harness):
    await harness.setup_branch()
    await harness.say("/help", chat=GROUP, user=ADMIN)
    await harness.say("/help", chat=GROUP, user=MEMBER)
    (refused,) = await upload(harness, gift_of(2), user=MEMBER)
    assert refused.text.startswith("只有支部管理员")
    (asked,) = await upload(harness, gift_of(2))
    data = choices(asked)[0][1]
    (stale,) = await harness.press(data, chat=MEMBER, user=MEMBER)  # not the sender's file
    assert stale.params["show_alert"] is True
    draft = data.split(":")[1]
    for forged in (f"imp:{draft}:999", f"imp:{draft}:x", "imp:999:1"):
        (stale,) = await harness.press(forged, chat=ADMIN, user=ADMIN)
        assert stale.params["show_alert"] is True, forged
    (stale,) = await harness.press(data, chat=GROUP, user=ADMIN)  # not in private
    assert stale.params["show_alert"] is True
    assert await count(harness, "modules") == 0


async def test_a_bad_private_file_lists_its_errors_and_holds_nothing(harness):
    await harness.setup_branch()
    await harness.say("/help", chat=GROUP, user=ADMIN)
    (answer,) = await upload(harness, "题目{=对 ~错\n".encode(), name="坏.gift")
    assert "第 1 行" in answer.text
    assert "reply_markup" not in answer.params
    assert await count(harness, "import_drafts") == 0


async def test_help_in_private_shows_import_to_a_secretary(harness):
    await harness.setup_branch()
    await harness.say("/help", chat=GROUP, user=ADMIN)
    assert "/import" in await harness.reply("/help", chat=ADMIN, user=ADMIN)
    assert "/import" not in await harness.reply("/help", chat=MEMBER, user=MEMBER)
    assert "/import" in await harness.reply("/help", chat=OPERATOR, user=OPERATOR)


async def test_two_branch_buttons_pressed_at_once_import_the_file_once(harness):
    await two_branches(harness)
    (asked,) = await upload(harness, gift_of(4))
    (_, first), (_, second) = choices(asked)
    presses = [factories.callback(data, chat=ADMIN, user=ADMIN) for data in (first, second)]
    await asyncio.gather(*(harness.feed(press) for press in presses))
    harness.read(harness.unread())
    assert await count(harness, "modules") == 1


async def test_an_operator_in_no_branch_is_told_so_instead_of_an_empty_choice(harness):
    await harness.setup_branch()  # the operator registers it but never speaks there
    replies = await upload(harness, gift_of(2), user=OPERATOR)
    assert [c.text for c in replies] == [
        "You are not a member of any branch yet. Write in your branch's group first; "
        "private commands then act on that branch."
    ]
    assert await harness.services.storage.db.fetch_all("SELECT id FROM import_drafts") == []

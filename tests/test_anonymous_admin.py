"""Anonymous admins: what they ask to be sent privately goes, through a "send it to me"
button, to the secretary who presses it; nothing is ever sent to or kept for Telegram's
stand-in sender."""

from __future__ import annotations

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_meetings import add_meeting

ANONYMOUS = factories.ANONYMOUS_ADMIN_ID


async def anonymous(harness, text):
    return harness.read(await harness.feed(factories.anonymous_admin_command(text, chat=GROUP)))


def button_of(call):
    (row,) = call.params["reply_markup"]["inline_keyboard"]
    (button,) = row
    return button["text"], button["callback_data"]


async def nothing_for_the_stand_in(harness):
    assert [c for c in harness.api.calls if c.chat_id == ANONYMOUS] == []
    held = await harness.services.storage.db.fetch_all("SELECT user_id FROM pending_messages")
    assert ANONYMOUS not in [r[0] for r in held]
    assert await harness.services.storage.users.get(ANONYMOUS) is None


async def branch_with_people(harness):
    branch = await harness.setup_branch()
    for person in (MEMBER, OTHER):
        await harness.say("/help", chat=GROUP, user=person)
    return branch


async def test_an_anonymous_report_goes_to_the_secretary_who_presses_send_it_to_me(harness):
    await branch_with_people(harness)
    (prompt,) = await anonymous(harness, "/report month")
    assert prompt.chat_id == GROUP.id
    assert prompt.text == (
        "匿名管理员请求了 /report。需要它的支部管理员请按下按钮，我会私信发给按下按钮的人。"
    )
    assert button_of(prompt) == ("📩 发给我", "stm:report:month")
    (refused,) = await harness.press("stm:report:month", chat=GROUP, user=MEMBER)
    assert refused.params["show_alert"] is True
    assert refused.text == "只有本支部的支部管理员可以领取，未发送任何内容。"
    calls = await harness.press("stm:report:month", chat=GROUP, user=ADMIN)
    (report,) = [c for c in calls if c.method == "sendMessage"]
    assert report.chat_id == ADMIN.id
    assert report.text.startswith(f"“{GROUP.title}”参与情况报告（2031-03-01 至")
    (toast,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert toast.text == "报告已私信发送给你。"
    await nothing_for_the_stand_in(harness)


async def test_an_anonymous_export_goes_to_the_presser_or_says_how_to_start_me(harness):
    await branch_with_people(harness)
    await harness.reply("/settings language=en", chat=GROUP, user=ADMIN)
    (prompt,) = await anonymous(harness, "/export")
    assert prompt.text == (
        "An anonymous admin asked for /export. The branch admin who wants it: press the button "
        "and I will send it to you privately."
    )
    assert button_of(prompt) == ("📩 Send it to me", "stm:export:")
    (refused,) = await harness.press("stm:export:", chat=GROUP, user=OTHER)
    assert refused.text == "Only this branch's admins can receive it. Nothing was sent."
    calls = await harness.press("stm:export:", chat=GROUP, user=ADMIN)
    documents = [c for c in harness.api.of("sendDocument")]
    assert {c.chat_id for c in documents} == {ADMIN.id}
    assert len(documents) == 4
    (toast,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert toast.text.startswith("CSV 文件（")  # a toast is in the presser's language (zh)
    # Pressed again: nothing is sent twice.
    (again,) = await harness.press("stm:export:", chat=GROUP, user=ADMIN)
    assert again.text == "你已领取过，不再重复发送。"
    assert len(harness.api.of("sendDocument")) == 4
    # Never started: the group is shown how, the presser gets no files.
    harness.api.fail_next("sendDocument", error_code=403, description="Forbidden: can't initiate")
    calls = await harness.press("stm:export:", chat=GROUP, user=ADMIN, message_id=2)
    (how,) = [c for c in calls if c.method == "sendMessage"]
    assert how.chat_id == GROUP.id
    assert how.text.startswith("I can only send files to you after you start me privately.")
    # Started since, the presser presses again: nothing went out, so now it does.
    calls = await harness.press("stm:export:", chat=GROUP, user=ADMIN, message_id=2)
    assert len([c for c in calls if c.method == "sendDocument"]) == 4
    await nothing_for_the_stand_in(harness)


async def test_a_report_for_a_secretary_who_never_started_me_waits_for_them(harness):
    await branch_with_people(harness)
    await anonymous(harness, "/report")
    harness.api.fail_next("sendMessage", error_code=403, description="Forbidden: can't initiate")
    calls = await harness.press("stm:report:", chat=GROUP, user=ADMIN)
    (waiting,) = [c for c in calls if c.method == "sendMessage" and c.chat_id == GROUP.id]
    assert "?start=b" in waiting.params["reply_markup"]["inline_keyboard"][0][0]["url"]
    (toast,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert toast.text == "已为你保留。请按群里的按钮私聊启动我，即可收到。"
    calls = await harness.say("/start", chat=ADMIN, user=ADMIN)
    assert any(c.chat_id == ADMIN.id and "参与情况报告" in c.text for c in calls)
    await nothing_for_the_stand_in(harness)


async def test_the_stand_in_id_among_the_admins_is_never_written_to(harness):
    branch = await branch_with_people(harness)
    harness.api.admins[GROUP.id].append(ANONYMOUS)
    harness.services.auth.forget_chat(GROUP.id)
    await harness.press("roster:join", chat=GROUP, user=MEMBER)  # expected at meetings
    _, occurrence = await add_meeting(harness, "group 2031-03-05 19:30")
    calls = await harness.say(f"/leave {occurrence} 出差", chat=GROUP, user=MEMBER)
    assert {c.chat_id for c in calls} == {GROUP.id, ADMIN.id}
    assert branch.id
    await nothing_for_the_stand_in(harness)


async def test_an_anonymous_admin_is_told_to_ask_for_leave_and_me_as_themselves(harness):
    await branch_with_people(harness)
    _, occurrence = await add_meeting(harness, "group 2031-03-05 19:30")
    (answer,) = await anonymous(harness, f"/leave {occurrence} 出差")
    assert answer.text == "/leave 需以个人身份发送：匿名管理员和频道没有个人记录。"
    (answer,) = await anonymous(harness, "/me")
    assert answer.text == "/me 需以个人身份发送：匿名管理员和频道没有个人记录。"
    await harness.reply("/settings language=en", chat=GROUP, user=ADMIN)
    (answer,) = await anonymous(harness, "/me")
    assert answer.text == (
        "Send /me as yourself: anonymous admins and channels have no record of their own."
    )
    await nothing_for_the_stand_in(harness)

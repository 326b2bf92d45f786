"""/role and /roster: naming users, the roll-call button, private notices with fallback."""

from __future__ import annotations

from telegram import BotCommandScopeChatMember

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.fakes.telegram_api import BOT_USERNAME


async def _join(harness, person):
    calls = await harness.press("roster:join", chat=GROUP, user=person)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    return calls[0].text


async def test_roster_button_records_the_presser(harness):
    branch = await harness.setup_branch()
    calls = await harness.say("/roster", chat=GROUP, user=ADMIN)
    markup = calls[0].params["reply_markup"]
    assert markup["inline_keyboard"][0][0]["callback_data"] == "roster:join"
    assert await _join(harness, MEMBER) == "你已登记入册。"
    assert await _join(harness, MEMBER) == "你已在党员名册中。"  # a second press changes nothing
    roster = await harness.services.members.roster(branch)
    assert [m.user.id for m in roster] == [MEMBER.id]


async def test_roster_list_and_remove_by_username(harness):
    await harness.setup_branch()
    await _join(harness, MEMBER)
    await _join(harness, OTHER)
    text = await harness.reply("/roster list", chat=GROUP, user=ADMIN)
    assert "（2 人）" in text
    assert "李四" in text
    assert "Zhang" in text
    text = await harness.reply("/roster remove @LiSi", chat=GROUP, user=ADMIN)
    assert "李四" in text
    text = await harness.reply("/roster list", chat=GROUP, user=ADMIN)
    assert "李四" not in text
    assert "（1 人）" in text


async def test_roster_remove_by_reply_and_errors(harness):
    await harness.setup_branch()
    await _join(harness, MEMBER)
    replied = factories.message("hi", chat=GROUP, user=MEMBER)["message"]
    text = await harness.reply("/roster remove", chat=GROUP, user=ADMIN, reply_to=replied)
    assert "李四" in text
    text = await harness.reply("/roster remove", chat=GROUP, user=ADMIN, reply_to=replied)
    assert "不在党员名册" in text
    text = await harness.reply("/roster remove @nobody", chat=GROUP, user=ADMIN)
    assert "无法确定" in text
    text = await harness.reply("/roster frobnicate", chat=GROUP, user=ADMIN)
    assert text.startswith("用法：/roster")
    assert "示例" in text


async def test_roster_list_when_empty(harness):
    await harness.setup_branch()
    assert "名册为空" in await harness.reply("/roster list", chat=GROUP, user=ADMIN)


async def test_long_roster_is_split_at_line_boundaries(harness):
    branch = await harness.setup_branch()
    for n in range(400):
        person = factories.Person(300000 + n, f"成员{n:03d}" + "长" * 10)
        await harness.services.members.joined(_person(person), branch, harness.clock())
    calls = await harness.say("/roster list", chat=GROUP, user=ADMIN)
    assert len(calls) >= 2
    assert all(len(c.text) <= 4096 for c in calls)
    joined = "\n".join(c.text for c in calls)
    assert all(f"成员{n:03d}" in joined for n in range(400))


def _person(p):
    from bot.members import Person

    return Person(p.id, p.first_name, p.last_name, p.username, p.language_code)


async def test_role_by_reply_grants_secretary_rights_and_menu(harness):
    branch = await harness.setup_branch()
    await harness.say("/start", chat=MEMBER, user=MEMBER)  # MEMBER can be written to
    replied = factories.message("hi", chat=GROUP, user=MEMBER)["message"]
    calls = await harness.say("/role secretary", chat=GROUP, user=ADMIN, reply_to=replied)
    assert [c.chat_id for c in calls] == [GROUP.id, MEMBER.id]
    assert "李四 现在是支部管理员" in calls[0].text
    assert GROUP.title in calls[1].text
    member = await harness.services.storage.memberships.get(branch.id, MEMBER.id)
    assert member.role == "secretary"
    menus = harness.api.of("setMyCommands")
    scoped = [c for c in menus if c.params.get("scope", {}).get("type") == "chat_member"]
    assert scoped[-1].params["scope"] == {
        "type": "chat_member",
        "chat_id": GROUP.id,
        "user_id": MEMBER.id,
    }
    # The new secretary may now use secretary commands.
    assert "Asia/Shanghai" in await harness.reply("/settings", chat=GROUP, user=MEMBER)


async def test_role_by_numeric_id_and_revocation_removes_menu(harness):
    branch = await harness.setup_branch()
    await harness.say("/start", chat=MEMBER, user=MEMBER)
    await harness.say("hello", chat=GROUP, user=MEMBER)
    await harness.say(f"/role {MEMBER.id} secretary", chat=GROUP, user=ADMIN)
    calls = await harness.say(f"/role {MEMBER.id} member", chat=GROUP, user=ADMIN)
    assert "党员" in calls[0].text
    deleted = harness.api.of("deleteMyCommands")
    scopes = [c.params["scope"] for c in deleted]
    assert BotCommandScopeChatMember(GROUP.id, MEMBER.id).to_dict() in scopes
    member = await harness.services.storage.memberships.get(branch.id, MEMBER.id)
    assert member.role == "member"
    assert "支部管理员" in await harness.reply("/settings", chat=GROUP, user=MEMBER)


async def test_role_by_text_mention(harness):
    branch = await harness.setup_branch()
    mention = {"type": "text_mention", "offset": 6, "length": 2, "user": MEMBER.as_user()}
    calls = await harness.say("/role 李四 committee", chat=GROUP, user=ADMIN, entities=[mention])
    assert "支委委员" in calls[0].text
    member = await harness.services.storage.memberships.get(branch.id, MEMBER.id)
    assert member.role == "committee"
    harness.read(calls)


async def test_role_usage_and_naming_errors(harness):
    await harness.setup_branch()
    text = await harness.reply("/role", chat=GROUP, user=ADMIN)
    assert text.startswith("用法：/role")
    assert "示例" in text
    assert text == await harness.reply("/role @lisi king", chat=GROUP, user=ADMIN)
    text = await harness.reply("/role @unknown committee", chat=GROUP, user=ADMIN)
    assert "无法确定" in text
    text = await harness.reply("/role 424242 committee", chat=GROUP, user=ADMIN)
    assert "无法确定" in text


async def test_role_refused_for_members(harness):
    branch = await harness.setup_branch()
    await harness.say("hi", chat=GROUP, user=OTHER)
    text = await harness.reply(f"/role {OTHER.id} secretary", chat=GROUP, user=MEMBER)
    assert "支部管理员" in text
    member = await harness.services.storage.memberships.get(branch.id, OTHER.id)
    assert member.role == "member"


async def test_notice_to_user_who_never_started_the_bot_waits_for_start(harness):
    branch = await harness.setup_branch()
    await harness.say("hi", chat=GROUP, user=MEMBER)
    never_started = lambda params: params.get("chat_id") == MEMBER.id  # noqa: E731
    for _ in range(2):
        harness.api.fail_next(
            "sendMessage",
            error_code=403,
            match=never_started,
            description="Forbidden: bot can't initiate conversation with a user",
        )
    calls = await harness.say(f"/role {MEMBER.id} committee", chat=GROUP, user=ADMIN)
    # The reply, the refused private message, and the start-link button in the group.
    assert [c.chat_id for c in calls] == [GROUP.id, MEMBER.id, GROUP.id]
    button = calls[2].params["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"] == f"https://t.me/{BOT_USERNAME}?start=b{branch.id}"
    # A second notice while the first waits: no second button in the group.
    calls = await harness.say(f"/role {MEMBER.id} secretary", chat=GROUP, user=ADMIN)
    assert [c.chat_id for c in calls] == [GROUP.id, MEMBER.id]
    # The member starts the bot through the button: both notices arrive, once.
    calls = await harness.say(f"/start b{branch.id}", chat=MEMBER, user=MEMBER)
    assert [c.chat_id for c in calls] == [MEMBER.id] * 3
    assert "支委委员" in calls[1].text
    assert "支部管理员" in calls[2].text
    assert await harness.say("/start", chat=MEMBER, user=MEMBER) != []
    assert len(await harness.services.delivery.waiting(MEMBER.id)) == 0


async def test_the_role_notice_names_the_role_in_the_members_language(harness):
    await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    await harness.say("/start", chat=MEMBER, user=MEMBER)  # language_code zh
    await harness.say("/start", chat=OTHER, user=OTHER)  # language_code en
    await harness.say("hi", chat=GROUP, user=MEMBER)
    await harness.say("hi", chat=GROUP, user=OTHER)
    calls = await harness.say("/role @lisi committee", chat=GROUP, user=ADMIN)
    assert [c.chat_id for c in calls] == [GROUP.id, MEMBER.id]
    assert calls[0].text == "李四 is now committee member."
    assert calls[1].text == "你在支部“城东第一支部”的角色现在是：支委委员。"
    await harness.say("/settings language=zh", chat=GROUP, user=ADMIN)
    calls = await harness.say("/role @zhang secretary", chat=GROUP, user=ADMIN)
    assert calls[0].text == "Zhang 现在是支部管理员。"
    assert calls[1].text == "Your role in the branch “城东第一支部” is now: branch admin."


async def test_a_kept_role_notice_is_named_in_the_members_language(harness):
    branch = await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    await harness.say("hi", chat=GROUP, user=MEMBER)
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        match=lambda params: params.get("chat_id") == MEMBER.id,
        description="Forbidden: bot can't initiate conversation with a user",
    )
    calls = await harness.say("/role @lisi committee", chat=GROUP, user=ADMIN)
    assert [c.chat_id for c in calls] == [GROUP.id, MEMBER.id, GROUP.id]
    (kept,) = await harness.services.delivery.waiting(MEMBER.id)
    assert kept.params["role"] == "committee"
    calls = await harness.say(f"/start b{branch.id}", chat=MEMBER, user=MEMBER)
    assert "你在支部“城东第一支部”的角色现在是：支委委员。" in [c.text for c in calls]

"""/start and /help, end to end through the fake Bot API."""

from __future__ import annotations

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, OTHER


async def test_start_in_unregistered_group_explains_setup(harness):
    text = await harness.reply("/start", chat=GROUP, user=MEMBER)
    assert "/setup" in text
    assert "尚未登记" in text


async def test_start_in_registered_group_points_to_help(harness):
    await harness.setup_branch()
    text = await harness.reply("/start", chat=GROUP, user=MEMBER)
    assert "/help" in text
    assert "尚未登记" not in text


async def test_start_in_private_greets_in_the_users_language(harness):
    text = await harness.reply("/start", chat=OTHER, user=OTHER)
    assert text.startswith("Hello, Zhang!")
    text = await harness.reply("/start", chat=MEMBER, user=MEMBER)
    assert text.startswith("李四，你好")


async def test_start_link_chooses_the_branch_for_private_commands(harness):
    branch = await harness.setup_branch()
    await harness.say("/help", chat=GROUP, user=MEMBER)  # a member: seen in the group
    text = await harness.reply(f"/start b{branch.id}", chat=MEMBER, user=MEMBER)
    assert GROUP.title in text
    user = await harness.services.storage.users.get(MEMBER.id)
    assert user.private_branch_id == branch.id
    assert user.started


async def test_start_link_to_unknown_branch_says_so(harness):
    text = await harness.reply("/start b999", chat=MEMBER, user=MEMBER)
    assert "不存在" in text
    user = await harness.services.storage.users.get(MEMBER.id)
    assert user.private_branch_id is None


async def test_module_link_chooses_the_branch_and_names_the_module(harness):
    branch = await harness.setup_branch()
    await harness.say("/help", chat=GROUP, user=MEMBER)  # a member: seen in the group
    calls = await harness.say(f"/start m7b{branch.id}", chat=MEMBER, user=MEMBER)
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    assert GROUP.title in calls[0].text
    assert "#7" in calls[1].text


async def test_help_lists_only_what_a_member_may_use(harness):
    await harness.setup_branch()
    text = await harness.reply("/help", chat=GROUP, user=MEMBER)
    assert "/start" in text
    assert "/help" in text
    for hidden in ("/setup", "/settings", "/role", "/roster", "/org_add"):
        assert hidden not in text


async def test_help_lists_secretary_commands_for_group_admins(harness):
    await harness.setup_branch()
    text = await harness.reply("/help", chat=GROUP, user=ADMIN)
    for shown in ("/settings", "/role", "/roster"):
        assert shown in text
    assert "/org_add" not in text
    assert "/setup" not in text  # the group is a branch already


async def test_help_in_unregistered_group_offers_setup_to_admins_only(harness):
    text = await harness.reply("/help", chat=GROUP, user=ADMIN)
    assert "/setup" in text
    assert "/settings" not in text
    text = await harness.reply("/help", chat=GROUP, user=MEMBER)
    assert "/setup" not in text


async def test_help_in_private_shows_operator_commands_to_operators(harness):
    text = await harness.reply("/help", chat=OPERATOR, user=OPERATOR)
    assert "/org_add" in text
    assert text.startswith("Commands you can use here")
    text = await harness.reply("/help", chat=MEMBER, user=MEMBER)
    assert "/org_add" not in text
    assert "/setup" not in text


async def test_command_addressed_to_another_bot_is_ignored(harness):
    calls = await harness.feed(factories.command("/help@OtherBot", chat=GROUP, user=MEMBER))
    assert calls == []


async def test_command_menus_are_set_per_scope_and_language_once(harness, tmp_path, clock):
    from tests.conftest import start_app, stop_app

    menus = harness.api.of("setMyCommands")
    scopes = {(c.params["scope"]["type"], c.params.get("language_code")) for c in menus}
    for scope in ("all_private_chats", "all_group_chats", "all_chat_administrators"):
        assert {(scope, None), (scope, "zh"), (scope, "en")} <= scopes
    assert ("chat", None) in scopes  # the operator's own private menu
    admins = next(
        c
        for c in menus
        if c.params["scope"]["type"] == "all_chat_administrators"
        and c.params.get("language_code") == "en"
    )
    # Any group's administrators: /setup, and nothing that needs a branch yet.
    assert "setup" in {c["command"] for c in admins.params["commands"]}
    assert "roster" not in {c["command"] for c in admins.params["commands"]}
    # A restart on the same database sends no menu that did not change. The first instance
    # stops first: on PostgreSQL a second one beside it would not lead, and sets no menus.
    await stop_app(harness.app)
    harness.app = await start_app(harness.config, harness.api, clock)
    assert len(harness.api.of("setMyCommands")) == len(menus)


async def test_a_link_cut_short_or_altered_says_so(harness):
    branch = await harness.setup_branch()
    for payload in ("b0", "b-1", "m1", "bxyz", f"b{branch.id}b2", "b00001"):
        text = await harness.reply(f"/start {payload}", chat=MEMBER, user=MEMBER)
        assert text.startswith("该链接无效"), payload
    user = await harness.services.storage.users.get(MEMBER.id)
    assert user.private_branch_id is None
    assert (await harness.reply("/start", chat=OTHER, user=OTHER)).startswith("Hello")


async def test_help_for_an_anonymous_admin_leaves_out_what_only_a_person_can_do(harness):
    await harness.setup_branch()
    update = factories.anonymous_admin_command("/help", chat=GROUP)
    calls = harness.read(await harness.feed(update))
    (text,) = [c.text for c in calls]
    names = {line.split(" ")[0] for line in text.splitlines()[1:]}
    assert "/report" in names
    assert names.isdisjoint({"/checkin", "/me", "/leave"})


def menu_of(api, scope_type, chat_id):
    return [
        c
        for c in api.of("setMyCommands")
        if c.params["scope"] == {"type": scope_type, "chat_id": chat_id}
    ]


async def test_a_branch_menus_are_in_its_language_without_setup(harness):
    await harness.setup_branch()  # a Chinese branch
    (members,) = menu_of(harness.api, "chat", GROUP.id)
    (admins,) = menu_of(harness.api, "chat_administrators", GROUP.id)
    assert "language_code" not in members.params  # everyone in the group: the branch's
    shown = {c["command"]: c["description"] for c in admins.params["commands"]}
    assert "setup" not in shown
    assert {"settings", "role", "roster", "report"} <= set(shown)
    assert shown["checkin"] == "今日签到（或签到正在进行的会议）"
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    (_, english) = menu_of(harness.api, "chat", GROUP.id)
    descriptions = {c["command"]: c["description"] for c in english.params["commands"]}
    assert descriptions["checkin"].startswith("Check in")
    assert "role" not in descriptions  # members' menu


async def test_a_granted_secretary_gets_a_private_menu_with_the_secretaries_commands(harness):
    await harness.setup_branch()
    await harness.say("/start", chat=MEMBER, user=MEMBER)
    await harness.say("hello", chat=GROUP, user=MEMBER)
    await harness.say(f"/role {MEMBER.id} secretary", chat=GROUP, user=ADMIN)
    (private,) = menu_of(harness.api, "chat", MEMBER.id)
    assert {"report", "export", "import", "me"} <= {
        c["command"] for c in private.params["commands"]
    }
    await harness.say(f"/role {MEMBER.id} member", chat=GROUP, user=ADMIN)
    deleted = [c.params["scope"] for c in harness.api.of("deleteMyCommands")]
    assert {"type": "chat", "chat_id": MEMBER.id} in deleted

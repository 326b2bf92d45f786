"""What one person alone sees follows their language, and a secretary's private menu follows
their role: a group administrator's too, set when the bot learns of them, gone when demoted."""

from __future__ import annotations

from datetime import timedelta

from telegram import BotCommandScopeChat

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, OTHER
from tests.test_meetings import roster_of

PRIVATE_ADMIN_COMMANDS = {"import", "report", "export"}


def private_menus(harness, user):
    """The private menus set for ``user``, newest last: (method, command names)."""
    scope = BotCommandScopeChat(user.id).to_dict()
    return [
        (c.method, [command["command"] for command in c.params.get("commands", [])], c.params)
        for c in harness.api.calls
        if c.method in ("setMyCommands", "deleteMyCommands") and c.params.get("scope") == scope
    ]


def descriptions(params):
    return {command["command"]: command["description"] for command in params["commands"]}


async def test_a_group_admin_gets_the_private_secretary_menu_and_loses_it_when_demoted(harness):
    await harness.setup_branch()
    await harness.say("/start", chat=OTHER, user=OTHER)
    await harness.say("hello", chat=GROUP, user=OTHER)  # known in the branch
    assert private_menus(harness, OTHER) == []
    # Promoted to group admin: the bot learns it from the chat_member update.
    harness.api.admins[GROUP.id].append(OTHER.id)
    await harness.feed(
        factories.chat_member(chat=GROUP, user=OTHER, old="member", new="administrator")
    )
    ((method, names, params),) = private_menus(harness, OTHER)
    assert method == "setMyCommands"
    assert set(names) >= PRIVATE_ADMIN_COMMANDS
    # OTHER reads English though the branch is Chinese: so does the menu.
    assert descriptions(params)["report"].startswith("Participation report")
    # Their private /help lists the private secretary commands too.
    help_text = await harness.reply("/help", chat=OTHER, user=OTHER)
    assert "/report" in help_text
    assert "/import" in help_text
    # A secretary command in the group sets nothing again: the menu is unchanged.
    await harness.say("/settings", chat=GROUP, user=OTHER)
    assert len(private_menus(harness, OTHER)) == 1
    # Demoted, and no branch has them as a secretary: the private menu goes.
    harness.api.admins[GROUP.id].remove(OTHER.id)
    await harness.feed(
        factories.chat_member(chat=GROUP, user=OTHER, old="administrator", new="member")
    )
    assert private_menus(harness, OTHER)[-1][0] == "deleteMyCommands"
    help_text = await harness.reply("/help", chat=OTHER, user=OTHER)
    assert "/report" not in help_text


async def test_an_admin_the_bot_learns_of_by_a_secretary_command_gets_the_private_menu(harness):
    await harness.setup_branch()  # ADMIN is the group's administrator
    await harness.say("/start", chat=ADMIN, user=ADMIN)
    assert private_menus(harness, ADMIN) == []
    await harness.say("/settings", chat=GROUP, user=ADMIN)
    ((method, names, params),) = private_menus(harness, ADMIN)
    assert set(names) >= PRIVATE_ADMIN_COMMANDS
    assert descriptions(params)["report"].startswith("参与情况报告")


async def test_a_granted_secretarys_private_menu_is_in_their_language(harness):
    await harness.setup_branch()  # a Chinese branch
    await harness.say("/start", chat=OTHER, user=OTHER)
    await roster_of(harness, OTHER)
    await harness.say(f"/role {OTHER.id} secretary", chat=GROUP, user=ADMIN)
    (_, names, params) = private_menus(harness, OTHER)[-1]
    assert set(names) >= PRIVATE_ADMIN_COMMANDS
    assert descriptions(params)["report"].startswith("Participation report")


async def test_a_toast_is_in_the_pressers_language_and_the_group_keeps_the_branchs(harness):
    await harness.setup_branch()  # a Chinese branch
    (toast,) = await harness.press("roster:join", chat=GROUP, user=OTHER)  # reads English
    assert toast.text == harness.services.catalogs.words("en")("roster.joined")
    (toast,) = await harness.press("roster:join", chat=GROUP, user=MEMBER)
    assert toast.text == harness.services.catalogs.words("zh")("roster.joined")
    # A refused press's alert is the presser's too.
    (alert,) = await harness.press("nonsense", chat=GROUP, user=OTHER)
    assert alert.text == harness.services.catalogs.words("en")("button.stale")


async def test_the_operators_error_notice_is_in_their_language(harness):
    await harness.setup_branch()  # the bot's language is Chinese; OPERATOR reads English
    await harness.say("/start", chat=OPERATOR, user=OPERATOR)
    harness.api.fail_next(
        "sendMessage",
        error_code=502,
        description="Bad Gateway",
        match=lambda p: p.get("chat_id") == ADMIN.id,
    )
    calls = await harness.say("/report", chat=GROUP, user=ADMIN)
    (notice,) = [c for c in calls if c.chat_id == OPERATOR.id]
    assert notice.text == "branchbot hit an unexpected NotDelivered; details are in its log."


async def test_send_it_to_me_pressed_twice_sends_once(harness):
    await harness.setup_branch()
    await harness.say("/start", chat=ADMIN, user=ADMIN)
    await harness.feed(factories.anonymous_admin_command("/report", chat=GROUP))
    harness.read(harness.unread())
    calls = await harness.press("stm:report:", chat=GROUP, user=ADMIN)
    assert [c.chat_id for c in calls if c.method == "sendMessage"] == [ADMIN.id]
    calls = await harness.press("stm:report:", chat=GROUP, user=ADMIN)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].text == "你已领取过，不再重复发送。"


async def test_an_admin_list_fetched_again_gives_its_known_admins_the_private_menu(harness, clock):
    await harness.setup_branch()  # the list is fetched before ADMIN is known in the branch
    await harness.say("/start", chat=ADMIN, user=ADMIN)
    await harness.say("hello", chat=GROUP, user=ADMIN)
    assert private_menus(harness, ADMIN) == []
    clock.now += timedelta(minutes=6)  # the cached list is stale: asked for again
    await harness.say("/help", chat=ADMIN, user=ADMIN)
    ((_, names, _),) = private_menus(harness, ADMIN)
    assert set(names) >= PRIVATE_ADMIN_COMMANDS

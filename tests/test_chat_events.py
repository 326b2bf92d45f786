"""The group's life: the bot added or removed, members joining and leaving, admin changes,
supergroup upgrades, and Telegram refusing or throttling sends."""

from __future__ import annotations

import time

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER

SUPERGROUP = factories.Group(-1004001, GROUP.title)


async def test_bot_added_to_a_group_greets_and_explains_setup(harness):
    calls = harness.read(
        await harness.feed(factories.bot_member(chat=GROUP, old="left", new="member", by=ADMIN))
    )
    assert len(calls) == 1
    assert "/setup" in calls[0].text
    assert calls[0].chat_id == GROUP.id


async def test_bot_removed_marks_the_branch_inactive_and_re_adding_restores_it(harness):
    branch = await harness.setup_branch()
    calls = await harness.feed(
        factories.bot_member(chat=GROUP, old="member", new="kicked", by=ADMIN)
    )
    assert calls == []
    assert not (await harness.services.branches.get(branch.id)).active
    # Inactive branches refuse secretary commands instead of writing to them.
    assert "/setup" in await harness.reply("/settings", chat=GROUP, user=ADMIN)
    calls = harness.read(
        await harness.feed(factories.bot_member(chat=GROUP, old="left", new="member", by=ADMIN))
    )
    assert "恢复" in calls[0].text
    assert (await harness.services.branches.get(branch.id)).active


async def test_member_joining_is_on_the_roster_and_leaving_takes_them_off(harness):
    branch = await harness.setup_branch()
    await harness.feed(factories.chat_member(chat=GROUP, user=MEMBER, old="left", new="member"))
    assert [m.user.id for m in await harness.services.members.roster(branch)] == [MEMBER.id]
    await harness.feed(factories.chat_member(chat=GROUP, user=MEMBER, old="member", new="left"))
    assert await harness.services.members.roster(branch) == []


async def test_granted_secretary_who_leaves_loses_the_role(harness):
    branch = await harness.setup_branch()
    await harness.say("hi", chat=GROUP, user=MEMBER)
    await harness.say(f"/role {MEMBER.id} secretary", chat=GROUP, user=ADMIN)
    await harness.feed(factories.chat_member(chat=GROUP, user=MEMBER, old="member", new="left"))
    member = await harness.services.storage.memberships.get(branch.id, MEMBER.id)
    assert member.role == "member"
    assert harness.api.of("deleteMyCommands")


async def test_demoted_admin_loses_rights_at_once(harness):
    await harness.setup_branch()
    harness.api.admins[GROUP.id] = [OTHER.id]
    assert "Asia/Shanghai" in await harness.reply("/settings", chat=GROUP, user=OTHER)
    # Telegram's list changes, and so does the chat_member update: no wait for the cache.
    harness.api.admins[GROUP.id] = []
    await harness.feed(
        factories.chat_member(chat=GROUP, user=OTHER, old="administrator", new="member")
    )
    assert "支部管理员" in await harness.reply("/settings", chat=GROUP, user=OTHER)


async def test_admin_list_is_cached_for_at_most_five_minutes(harness, clock):
    from datetime import timedelta

    await harness.setup_branch()
    harness.api.admins[GROUP.id] = [OTHER.id]
    await harness.reply("/settings", chat=GROUP, user=OTHER)
    fetched = len(harness.api.of("getChatAdministrators"))
    await harness.reply("/settings", chat=GROUP, user=OTHER)
    assert len(harness.api.of("getChatAdministrators")) == fetched
    harness.api.admins[GROUP.id] = []  # demoted without an update reaching the bot
    clock.advance(timedelta(minutes=5))
    assert "支部管理员" in await harness.reply("/settings", chat=GROUP, user=OTHER)
    assert len(harness.api.of("getChatAdministrators")) == fetched + 1


async def _upgrade_keeps_everything(harness, updates):
    branch = await harness.setup_branch()
    await harness.press("roster:join", chat=GROUP, user=MEMBER)
    for update in updates:
        await harness.feed(update)
    moved = await harness.services.branches.for_chat(SUPERGROUP.id)
    assert moved is not None
    assert moved.id == branch.id
    assert await harness.services.branches.for_chat(GROUP.id) is None
    assert [m.user.id for m in await harness.services.members.roster(moved)] == [MEMBER.id]


async def test_supergroup_upgrade_moves_the_branch(harness):
    await _upgrade_keeps_everything(
        harness,
        [factories.migrate_to(GROUP, SUPERGROUP.id), factories.migrate_from(SUPERGROUP, GROUP.id)],
    )


async def test_supergroup_upgrade_in_the_other_order_and_twice(harness):
    await _upgrade_keeps_everything(
        harness,
        [
            factories.migrate_from(SUPERGROUP, GROUP.id),
            factories.migrate_to(GROUP, SUPERGROUP.id),
            factories.migrate_from(SUPERGROUP, GROUP.id),
        ],
    )


async def test_send_answered_with_migrate_moves_the_branch(harness):
    branch = await harness.setup_branch()
    harness.api.fail_next(
        "sendMessage",
        error_code=400,
        migrate_to_chat_id=SUPERGROUP.id,
        description="Bad Request: group chat was upgraded to a supergroup chat",
    )
    await harness.say("/help", chat=GROUP, user=MEMBER)
    assert (await harness.services.branches.get(branch.id)).chat_id == SUPERGROUP.id


async def test_forbidden_in_a_group_marks_the_branch_inactive(harness):
    branch = await harness.setup_branch()
    harness.api.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was kicked from the group chat"
    )
    await harness.say("/help", chat=GROUP, user=MEMBER)
    assert not (await harness.services.branches.get(branch.id)).active


async def test_retry_after_is_honoured(harness):
    harness.api.fail_next(
        "sendMessage",
        error_code=429,
        retry_after=1,
        description="Too Many Requests: retry after 1",
    )
    started = time.monotonic()
    calls = await harness.say("/help", chat=GROUP, user=MEMBER)
    sends = harness.api.of("sendMessage")
    assert len(sends) == 2
    assert calls[-1].text.startswith("你在这里可用的命令")
    # The retry waited for retry_after (measured on the fake's own clock of the calls).
    assert sends[1].at - sends[0].at >= 1.0
    assert time.monotonic() - started >= 1.0


async def test_unexpected_errors_are_logged_without_content_and_operators_told(harness, caplog):
    await harness.setup_branch()
    harness.api.fail_next(
        "sendMessage",
        error_code=500,
        description="Internal Server Error",
        match=lambda p: p.get("chat_id") == GROUP.id,
    )
    harness.api.fail_next(
        "sendMessage",
        error_code=500,
        description="Internal Server Error",
        match=lambda p: p.get("chat_id") == GROUP.id,
    )
    secret = "私人内容-7431"
    caplog.set_level("DEBUG")
    for _ in range(2):
        await harness.say(f"/start {secret}", chat=GROUP, user=MEMBER)
    told = [c for c in harness.api.of("sendMessage") if c.chat_id == 900001]
    assert len(told) == 1  # once per kind of error per ten minutes
    harness.read(told)
    assert "error while handling update" in caplog.text
    assert secret not in caplog.text
    assert secret not in told[0].text


def menus_in(api, chat_id):
    """The commands last set for a chat's members and its administrators, by scope type."""
    menus = {}
    for call in api.of("setMyCommands"):
        scope = call.params["scope"]
        if scope.get("chat_id") == chat_id:
            commands = {c["command"]: c["description"] for c in call.params["commands"]}
            menus[scope["type"], scope.get("user_id")] = commands
    return menus


async def test_an_upgraded_group_gets_its_branch_menus_in_its_language(harness):
    await harness.setup_branch()
    await harness.press("roster:join", chat=GROUP, user=MEMBER)
    await harness.say(f"/role {MEMBER.id} secretary", chat=GROUP, user=ADMIN)
    for update in (
        factories.migrate_to(GROUP, SUPERGROUP.id),
        factories.migrate_from(SUPERGROUP, GROUP.id),
    ):
        await harness.feed(update)
    menus = menus_in(harness.api, SUPERGROUP.id)
    assert set(menus) == {
        ("chat", None),
        ("chat_administrators", None),
        ("chat_member", MEMBER.id),
    }
    assert menus["chat", None]["checkin"] == "今日签到（或签到正在进行的会议）"
    assert "role" in menus["chat_administrators", None]
    assert "setup" not in menus["chat_administrators", None]
    known = await harness.services.storage.menus.fingerprints()
    assert not [key for key in known if str(GROUP.id) in key]
    assert {f"branch:{SUPERGROUP.id}", f"branch-admins:{SUPERGROUP.id}"} <= set(known)
    assert f"member:{SUPERGROUP.id}:{MEMBER.id}" in known
    assert harness.api.of("deleteMyCommands") == []  # the old chat is gone with its menus


async def test_a_send_answered_with_migrate_moves_an_english_branchs_menus(harness):
    await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    harness.api.fail_next(
        "sendMessage",
        error_code=400,
        migrate_to_chat_id=SUPERGROUP.id,
        description="Bad Request: group chat was upgraded to a supergroup chat",
    )
    await harness.say("/help", chat=GROUP, user=MEMBER)
    menus = menus_in(harness.api, SUPERGROUP.id)
    assert menus["chat", None]["checkin"].startswith("Check in")
    assert menus["chat_administrators", None]["role"].isascii()
    known = await harness.services.storage.menus.fingerprints()
    assert not [key for key in known if str(GROUP.id) in key]

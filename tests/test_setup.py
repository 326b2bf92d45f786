"""/setup and /org_add: who may register a group, with which code, and idempotence."""

from __future__ import annotations

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, make_config, start_app, stop_app


async def test_operator_registers_a_group(harness):
    harness.api.bot_status[GROUP.id] = "administrator"
    text = await harness.reply("/setup", chat=GROUP, user=OPERATOR)
    branch = await harness.services.branches.for_chat(GROUP.id)
    assert branch is not None
    assert branch.title == GROUP.title
    assert f"#{branch.id}" in text
    assert "提醒" not in text
    assert (branch.timezone, branch.language) == ("Asia/Shanghai", "zh")
    assert (branch.summary_weekday, branch.summary_time, branch.checkin_time) == (
        6,
        "20:00",
        "08:00",
    )


async def test_setup_is_idempotent(harness):
    harness.api.bot_status[GROUP.id] = "administrator"
    await harness.reply("/setup", chat=GROUP, user=OPERATOR)
    first = await harness.services.branches.for_chat(GROUP.id)
    text = await harness.reply("/setup", chat=GROUP, user=ADMIN)
    assert "已是支部" in text
    assert await harness.services.branches.for_chat(GROUP.id) == first


async def test_group_admin_without_code_is_told_a_code_is_needed(harness):
    text = await harness.reply("/setup", chat=GROUP, user=ADMIN)
    assert "组织码" in text
    assert await harness.services.branches.for_chat(GROUP.id) is None


async def test_group_admin_with_an_organisation_code_registers(harness):
    text = await harness.reply("/org_add 城东联合党委", chat=OPERATOR, user=OPERATOR)
    code = text.split("code is ")[1].split(":")[0]
    text = await harness.reply(f"/setup {code.lower()}", chat=GROUP, user=ADMIN)
    branch = await harness.services.branches.for_chat(GROUP.id)
    organisation = await harness.services.storage.organisations.by_code(code)
    assert branch.organisation_id == organisation.id
    assert "城东联合党委" in text


async def test_full_width_code_from_a_chinese_keyboard_works(harness):
    text = await harness.reply("/org_add 联合党委", chat=OPERATOR, user=OPERATOR)
    code = text.split("code is ")[1].split(":")[0]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)  # ASCII → full-width forms
    await harness.reply(f"/setup {wide}", chat=GROUP, user=ADMIN)
    assert await harness.services.branches.for_chat(GROUP.id) is not None


async def test_unknown_code_is_refused_and_changes_nothing(harness):
    text = await harness.reply("/setup NOPE2345", chat=GROUP, user=ADMIN)
    assert "NOPE2345" in text
    assert "示例" in text
    assert await harness.services.branches.for_chat(GROUP.id) is None


async def test_existing_branch_joins_an_organisation_with_its_code(harness):
    branch = await harness.setup_branch()
    text = await harness.reply("/org_add 区委", chat=OPERATOR, user=OPERATOR)
    code = text.split("code is ")[1].split(":")[0]
    await harness.reply(f"/setup {code}", chat=GROUP, user=ADMIN)
    moved = await harness.services.branches.for_chat(GROUP.id)
    assert moved.id == branch.id
    assert moved.organisation_id is not None


async def test_member_is_refused_with_the_reason(harness):
    text = await harness.reply("/setup", chat=GROUP, user=MEMBER)
    assert "支部管理员" in text
    assert "/setup" in text
    assert await harness.services.branches.for_chat(GROUP.id) is None


async def test_anonymous_admin_may_register_with_open_registration(
    tmp_path, api, clock, database_url
):
    config = make_config(tmp_path, database_url, open_registration=True)
    app = await start_app(config, api, clock)
    try:
        update = factories.anonymous_admin_command("/setup", chat=GROUP)
        from telegram import Update

        await app.process_update(Update.de_json(update, app.bot))
        branch = await app.bot_data["services"].branches.for_chat(GROUP.id)
        assert branch is not None
        replies = api.of("sendMessage")
        assert len(replies) == 1
        assert "提醒" in replies[0].text
        replies[0].read = True
    finally:
        await stop_app(app)


async def test_channel_sender_is_never_an_admin(harness):
    calls = harness.read(await harness.feed(factories.channel_command("/setup", chat=GROUP)))
    assert "支部管理员" in calls[0].text
    assert await harness.services.branches.for_chat(GROUP.id) is None


async def test_setup_warns_when_the_bot_is_not_an_administrator(harness):
    harness.api.bot_status[GROUP.id] = "member"
    text = await harness.reply("/setup", chat=GROUP, user=OPERATOR)
    assert "不是本群的群管理员" in text


async def test_setup_in_private_is_refused(harness):
    text = await harness.reply("/setup", chat=ADMIN, user=ADMIN)
    assert "群内" in text


async def test_org_add_is_for_operators_in_private(harness):
    text = await harness.reply("/org_add 某组织", chat=MEMBER, user=MEMBER)
    assert "运维" in text
    text = await harness.reply("/org_add 某组织", chat=GROUP, user=OPERATOR)
    assert "私聊" in text
    text = await harness.reply("/org_add", chat=OPERATOR, user=OPERATOR)
    assert text.startswith("Usage: /org_add")
    assert "Example" in text


async def test_org_add_replayed_update_creates_one_organisation(harness):
    update = factories.command("/org_add 城西党委", chat=OPERATOR, user=OPERATOR)
    first = harness.read(await harness.feed(update))[0].text
    second = harness.read(await harness.feed(update))[0].text
    assert first == second
    rows = await harness.services.storage.db.fetch_all("SELECT * FROM organisations")
    assert len(rows) == 1
    assert rows[0]["admin_user_id"] == OPERATOR.id

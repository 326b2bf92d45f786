"""Bad input gets a clear answer in the chat's language and changes nothing; replays act once;
a supergroup registered before its upgrade is known keeps the group's data; logs quote nobody."""

from __future__ import annotations

import logging

import pytest

from bot.logs import configure_logging
from bot.module_formats.model import FormatError
from bot.module_formats.native import parse as parse_toml
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, OTHER, TOKEN
from tests.test_authorization import snapshot
from tests.test_leave import scheduled
from tests.test_meetings import add_meeting

SUPERGROUP = factories.Group(-1004001, GROUP.title)
HUGE_ID = "9" * 20
NOT_ASCII = "᧚"  # a digit to str.isdigit(), not to int()


# Pasted along with a word, shown as nothing: each is dropped from a command's arguments.
UNMEANT = [
    "\u200b",  # zero width space
    "\u2060",  # word joiner
    "\ufeff",  # byte-order mark
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
]


@pytest.mark.parametrize("char", UNMEANT)
async def test_invisible_characters_in_a_timezone_are_dropped(harness, char):
    branch = await harness.setup_branch()
    await harness.say("/settings timezone=Europe/Berlin", chat=GROUP, user=ADMIN)
    text = await harness.reply(f"/settings timezone=Asia/Shanghai{char}", chat=GROUP, user=ADMIN)
    assert "无效" not in text
    assert (await harness.services.branches.get(branch.id)).timezone == "Asia/Shanghai"


@pytest.mark.parametrize("char", UNMEANT)
async def test_invisible_characters_in_a_user_id_are_dropped(harness, char):
    branch = await harness.setup_branch()
    await harness.say("hello", chat=GROUP, user=MEMBER)
    calls = await harness.say(f"/role {MEMBER.id}{char} committee", chat=GROUP, user=ADMIN)
    assert calls[0].text == "李四 现在是支委委员。"
    member = await harness.services.storage.memberships.get(branch.id, MEMBER.id)
    assert member.role == "committee"


@pytest.mark.parametrize("char", UNMEANT)
async def test_invisible_characters_in_a_meeting_time_are_dropped(harness, char):
    await harness.setup_branch()
    text, _ = await add_meeting(harness, f"general 2031-03-05 19:30{char} x")
    assert "2031-03-05 19:30" in text
    assert "不是有效的日期" not in text


async def test_joiners_inside_a_title_are_kept(harness):
    await harness.setup_branch()
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    text, _ = await add_meeting(harness, f"general 2031-03-05 19:30 {family}\u200b")
    assert f"· {family}" in text
    assert "\u200b" not in text


@pytest.mark.parametrize("zone", ["Asia", "A" * 300, "localtime", "Factory", "../../etc/passwd"])
async def test_a_timezone_that_is_no_place_is_refused(harness, zone):
    branch = await harness.setup_branch()
    text = await harness.reply(f"/settings timezone={zone}", chat=GROUP, user=ADMIN)
    assert text.startswith("未作任何修改")
    assert "用法：/settings" in text
    assert (await harness.services.branches.get(branch.id)).timezone == branch.timezone


async def test_a_timezone_in_any_letter_case_is_stored_as_spelt(harness):
    branch = await harness.setup_branch()
    await harness.reply("/settings timezone=europe/berlin", chat=GROUP, user=ADMIN)
    assert (await harness.services.branches.get(branch.id)).timezone == "Europe/Berlin"


@pytest.mark.parametrize("word", [HUGE_ID, NOT_ASCII, f"{NOT_ASCII}{NOT_ASCII}", "-5", "0"])
async def test_a_user_id_that_cannot_be_one_is_explained(harness, word):
    await harness.setup_branch()
    await harness.say("/roster", chat=GROUP, user=ADMIN)
    for line, usage in (
        (f"/role {word} secretary", "用法：/role"),
        (f"/attendance 1 {word} present", "用法：/attendance"),
        (f"/roster remove {word}", "用法：/roster"),
    ):
        before = await snapshot(harness)
        text = await harness.reply(line, chat=GROUP, user=ADMIN)
        assert text.startswith("无法确定你指的是谁"), line
        assert usage in text
        assert await snapshot(harness) == before


@pytest.mark.parametrize("command", ["/report", "/export"])
@pytest.mark.parametrize(
    "dates",
    [
        "9999-12-30 9999-12-31",
        "9999-01-01 9999-01-02",
        "0001-01-01 0001-02-01",
        "1969-12-31 1970-01-02",
        "2999-12-31 3000-01-01",
    ],
)
async def test_a_report_range_beyond_the_supported_years_says_so(harness, command, dates):
    await harness.setup_branch()
    text = await harness.reply(f"{command} {dates}", chat=GROUP, user=ADMIN)
    assert text.startswith("日期须在 1970 年到 2999 年之间。")
    assert "日期范围" not in text
    assert f"用法：{command}" in text


@pytest.mark.parametrize("command", ["/report", "/export"])
@pytest.mark.parametrize("dates", ["2026-02-01 2026-01-01", "2025-01-01 2026-01-02"])
async def test_a_report_range_backwards_or_too_long_is_explained(harness, command, dates):
    await harness.setup_branch()
    text = await harness.reply(f"{command} {dates}", chat=GROUP, user=ADMIN)
    assert text.startswith("日期范围须从前到后，且不超过 366 天。")
    assert f"用法：{command}" in text


async def test_a_forged_ma_button_with_year_one_is_stale(harness):
    await harness.setup_branch()
    (alert,) = await harness.press("ma:0:00010101:1930:0:0:ok", chat=GROUP, user=ADMIN)
    assert alert.text == "此按钮已失效，未记录任何内容。"


@pytest.mark.parametrize("data", ["mc:" + "9" * 27, f"mc:{NOT_ASCII}", "mc:١", "mc:0", "mc:"])
async def test_a_forged_checkin_button_is_stale(harness, data):
    await harness.setup_branch()
    before = await snapshot(harness)
    (alert,) = await harness.press(data, chat=GROUP, user=MEMBER)
    assert alert.params["show_alert"] is True
    assert alert.text == "此按钮已失效，未记录任何内容。"
    assert await snapshot(harness) == before


def test_toml_nested_fifty_thousand_deep_is_a_syntax_error():
    deep_arrays = "a = " + "[" * 50_000 + "]" * 50_000
    deep_tables = "a = " + "{b=" * 50_000 + "1" + "}" * 50_000
    for text in (deep_arrays, deep_tables):
        with pytest.raises(FormatError) as caught:
            parse_toml(text)
        assert [p.key for p in caught.value.problems] == ["toml.too_deep"]


@pytest.mark.parametrize("reason", ["\u200b\u200b\u200b", "\u2060\ufeff\u200d", "\u3164"])
async def test_a_leave_reason_of_invisible_characters_is_empty(harness, reason):
    occ = await scheduled(harness)
    text = await harness.reply(f"/leave {occ} {reason}", chat=GROUP, user=MEMBER)
    assert text.startswith("事由不能为空")
    rows = await harness.services.storage.db.fetch_all("SELECT * FROM leaves")
    assert rows == []


async def test_an_invisible_meeting_note_does_not_make_a_meeting_held(harness):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "committee 2031-03-05 19:30")
    text = await harness.reply(f"/meeting_notes {occ} \u200b", chat=GROUP, user=ADMIN)
    assert text.startswith("用法：/meeting_notes")


async def test_an_at_username_names_its_current_holder(harness, clock):
    await harness.setup_branch()
    old = factories.Person(200001, "旧号", username="zhang_san")
    new = factories.Person(200002, "新号", username="zhang_san")
    await harness.press("roster:join", chat=GROUP, user=old)
    await harness.press("roster:join", chat=GROUP, user=new)  # the name has changed hands
    told, private = await harness.say("/role @Zhang_San committee", chat=GROUP, user=ADMIN)
    assert told.text.startswith("新号")
    assert private.chat_id == new.id
    # The old holder keeps no claim to it, even when seen again under another name.
    assert (await harness.services.storage.users.get(old.id)).username is None
    renamed = factories.Person(200002, "新号", username="li_si_2")
    await harness.press("roster:join", chat=GROUP, user=renamed)
    text = await harness.reply("/role @zhang_san committee", chat=GROUP, user=ADMIN)
    assert text.startswith("无法确定你指的是谁")


async def test_a_redelivered_leave_tells_the_secretaries_once(harness):
    occ = await scheduled(harness)
    update = factories.command(f"/leave {occ} 出差在外", chat=GROUP, user=MEMBER)
    first = harness.read(await harness.feed(update))
    assert [c.chat_id for c in first] == [GROUP.id, ADMIN.id]
    assert await harness.feed(update) == []  # answered once, the secretaries told once
    # A new message from the member (a new reason) is a new act: told again.
    calls = await harness.say(f"/leave {occ} 临时出差", chat=GROUP, user=MEMBER)
    assert [c.chat_id for c in calls if c.method == "sendMessage"] == [GROUP.id, ADMIN.id]


@pytest.mark.parametrize("arguments", ["", "{occ}"])
async def test_a_redelivered_checkin_open_posts_once(harness, arguments):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, "committee 2031-03-02 19:30")
    update = factories.command(
        f"/checkin_open {arguments.format(occ=occ)}".strip(), chat=GROUP, user=ADMIN
    )
    first = harness.read(await harness.feed(update))
    assert len([c for c in first if c.method == "sendMessage"]) == 1
    again = harness.read(await harness.feed(update))
    assert [c for c in again if c.method == "sendMessage"] == []


async def test_a_redelivered_ad_hoc_checkin_open_makes_one_meeting(harness):
    await harness.setup_branch()
    update = factories.command("/checkin_open", chat=GROUP, user=ADMIN)
    harness.read(await harness.feed(update))
    harness.read(await harness.feed(update))
    rows = await harness.services.storage.db.fetch_all("SELECT id FROM occurrences")
    assert len(rows) == 1


async def test_setup_in_the_supergroup_before_the_upgrade_is_known_keeps_the_data(harness):
    branch = await harness.setup_branch()
    await harness.press("roster:join", chat=GROUP, user=MEMBER)
    # The group became a supergroup; /setup there arrives before the migration update.
    harness.api.bot_status[SUPERGROUP.id] = "administrator"
    harness.api.admins[SUPERGROUP.id] = [ADMIN.id]
    await harness.say("/setup", chat=SUPERGROUP, user=OPERATOR)
    meanwhile = await harness.services.branches.for_chat(SUPERGROUP.id)
    assert meanwhile.id != branch.id
    calls = harness.read(await harness.feed(factories.migrate_from(SUPERGROUP, GROUP.id)))
    (notice,) = [c for c in calls if c.method == "sendMessage"]
    assert notice.chat_id == SUPERGROUP.id
    assert f"#{branch.id}" in notice.text
    assert f"#{meanwhile.id}" in notice.text
    moved = await harness.services.branches.for_chat(SUPERGROUP.id)
    assert moved.id == branch.id
    assert [m.user.id for m in await harness.services.members.roster(moved)] == [MEMBER.id]
    assert not (await harness.services.branches.get(meanwhile.id)).active
    # The other half of the migration, and a replay, change nothing more.
    for update in (
        factories.migrate_to(GROUP, SUPERGROUP.id),
        factories.migrate_from(SUPERGROUP, GROUP.id),
    ):
        calls = harness.read(await harness.feed(update))
        assert [c for c in calls if c.method == "sendMessage"] == []
    assert (await harness.services.branches.for_chat(SUPERGROUP.id)).id == branch.id


async def test_an_error_log_names_the_exception_but_quotes_no_input(harness, capsys, monkeypatch):
    await harness.setup_branch()
    secret = "张三因病请假的私密说明"

    async def broken(branch, occurrence_id, notes):
        raise ValueError(f"cannot store {notes}") from KeyError(notes)

    monkeypatch.setattr(harness.services.meetings, "set_notes", broken)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("INFO", TOKEN)
        update = factories.command(f"/meeting_notes 1 {secret}", chat=GROUP, user=ADMIN)
        harness.read(await harness.feed(update))
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "builtins.ValueError (message withheld" in err
    assert "builtins.KeyError" in err
    assert "test_bad_input.py" in err  # the frames are kept
    assert secret not in err
    assert OTHER.first_name not in err

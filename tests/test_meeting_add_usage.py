"""Every malformed /meeting_add names its specific problem and then gives the usage line with
an example date; every other command's specific argument errors do the same."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ADMIN, GROUP

USAGE_ZH = "用法：/meeting_add <类型> <YYYY-MM-DD> <HH:MM>"
EXAMPLE_ZH = "示例：/meeting_add 支委会 2026-12-05 19:30"


async def meetings_count(harness):
    return (await harness.services.storage.db.fetch_one("SELECT count(*) FROM meetings"))[0]


@pytest.mark.parametrize(
    ("line", "specific"),
    [
        ("party 2031-03-05 19:30", "未知的会议类型"),
        ("committee 2031-13-01 19:30", "2031-13-01 19:30 不是有效的日期"),
        ("committee tomorrow 19:30", "tomorrow 不是有效的日期"),
        ("committee 2031-03-05 19:30 repeat=sometimes", "重复=sometimes 无效"),
        ("committee 2031-03-05 19:30 repeat=FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("committee 2031-03-05 19:30 repeat=FREQ=WEEKLY;BYHOUR=9,10", "BYHOUR"),
        ("committee 2031-03-05 19:30 repeat=FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "十年内"),
        ("committee 2031-03-05 19:30 remind=soon", "remind=soon 无效"),
        ("committee 2031-03-05 19:30 duration=-5m", "duration=-5m 无效"),
        ("committee 2031-03-05 19:30 duration=", "duration= 无效"),
        ("committee 2031-03-05 19:30 remind=99999999999999999999m", "remind=9999"),
        ("committee 2031-03-05 19:30 duration=99999999999999999999d", "duration=9999"),
        ("committee 2031-03-05 19:30 remind=1m,2m,3m,4m,5m,6m", "remind=1m,2m,3m,4m,5m,6m 无效"),
        ("committee 2031-03-05 19:30 remind=31d", "remind=31d 无效"),
        ("committee 2031-03-05 19:30 duration=8d", "duration=8d 无效"),
        ("committee 2031-03-01 19:30", "该时间已过"),
        ("committee 2031-04-05 19:30 held", "补录 用于一次已召开的会议"),
        ("committee 2999-03-05 19:30", "最多提前"),
        ("committee 9999-12-31 23:59", "不是有效的日期"),
        ("committee 2031-03-05 19:30 repeat=weekly repeat=monthly", "repeat= 写了两次"),
        ("committee 2031-03-05 19:30 支委会 remnd=1h", "不认识的选项 remnd=1h"),
    ],
)
async def test_a_malformed_meeting_add_names_the_problem_then_the_usage(harness, line, specific):
    await harness.setup_branch()
    text = await harness.reply(f"/meeting_add {line}", chat=GROUP, user=ADMIN)
    assert specific in text
    assert text.index(specific) < text.index(USAGE_ZH)
    assert EXAMPLE_ZH in text
    assert await meetings_count(harness) == 0


async def test_an_empty_repeat_gets_the_repeat_message(harness):
    await harness.setup_branch()
    text = await harness.reply(
        "/meeting_add committee 2031-03-05 19:30 repeat=", chat=GROUP, user=ADMIN
    )
    assert text.startswith("重复= 无效。请使用 每周")
    assert "remind" not in text.split(USAGE_ZH)[0]
    assert USAGE_ZH in text
    assert await meetings_count(harness) == 0


@pytest.mark.parametrize(
    ("rule", "specific"),
    [
        ("FREQ=DAILY;COUNT=3;UNTIL=20311231T000000Z", "COUNT 和 UNTIL 不能同时使用"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY 不能与 FREQ=WEEKLY 同用"),
        ("FREQ=DAILY;BYWEEKNO=1", "BYWEEKNO 不能与 FREQ=DAILY 同用"),
        ("FREQ=WEEKLY;BYDAY=1FR", "BYDAY=1FR 不能与 FREQ=WEEKLY 同用"),
        ("FREQ=WEEKLY;WKST=XX", "WKST=XX 的取值无效或超出范围"),
        ("FREQ=MONTHLY;BYDAY=99FR", "BYDAY=99FR 的取值无效或超出范围"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0 的取值无效或超出范围"),
        ("FREQ=MONTHLY;BYMONTHDAY=1;BYSETPOS=367", "BYSETPOS=367 的取值无效或超出范围"),
        ("FREQ=MONTHLY;BYMONTHDAY=", "BYMONTHDAY= 的取值无效或超出范围"),
        ("FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY 的取值无效或超出范围"),
        ("FREQ=DAILY;UNTIL=tomorrow", "UNTIL=TOMORROW 的取值无效或超出范围"),
        ("FREQ=DAILY;INTERVAL=1;INTERVAL=2", "INTERVAL 出现了不止一次"),
        ("FREQ=DAILY;DTSTART=20310305T193000", "DTSTART 不是重复规则的组成部分"),
        ("FREQ=DAILY;COLOR", "COLOR 不是重复规则的组成部分"),
    ],
)
async def test_a_malformed_rule_names_the_offending_part_then_the_usage(harness, rule, specific):
    await harness.setup_branch()
    text = await harness.reply(
        f"/meeting_add committee 2031-03-05 19:30 repeat={rule}", chat=GROUP, user=ADMIN
    )
    assert text.startswith(f"重复={rule} 无效：")
    assert specific in text
    assert text.index(specific) < text.index(USAGE_ZH)
    assert EXAMPLE_ZH in text
    assert await meetings_count(harness) == 0


async def test_a_malformed_rule_names_its_part_in_english(harness):
    await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    text = await harness.reply(
        "/meeting_add committee 2031-03-05 19:30 repeat=FREQ=WEEKLY;BYMONTHDAY=1",
        chat=GROUP,
        user=ADMIN,
    )
    assert text.startswith(
        "repeat=FREQ=WEEKLY;BYMONTHDAY=1 is not valid: BYMONTHDAY cannot be used with FREQ=WEEKLY."
    )
    assert "Usage: /meeting_add" in text


async def test_the_usage_comes_in_the_chats_language(harness):
    await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    text = await harness.reply(
        "/meeting_add committee 2031-03-05 19:30 repeat=sometimes", chat=GROUP, user=ADMIN
    )
    assert text.startswith("repeat=sometimes is not valid")
    assert "Usage: /meeting_add <type> <YYYY-MM-DD> <HH:MM>" in text
    assert "Example: /meeting_add committee 2026-12-05 19:30" in text


@pytest.mark.parametrize(
    ("line", "specific", "usage"),
    [
        ("/settings timezone=Mars/Olympus", "timezone=Mars/Olympus", "用法：/settings"),
        (
            "/settings timezone=Europe/London timezone=Asia/Tokyo",
            "timezone 写了两次",
            "用法：/settings",
        ),
        ("/report 2031-03-31 2031-03-01", "范围", "用法：/report"),
        ("/export 2031-03-31 2031-03-01", "范围", "用法：/export"),
        ("/role @nobody committee", "无法确定", "用法：/role"),
        ("/attendance 1 @nobody present", "无法确定", "用法：/attendance"),
        ("/roster remove @nobody", "无法确定", "用法：/roster"),
    ],
)
async def test_other_commands_add_their_usage_to_a_specific_error(harness, line, specific, usage):
    await harness.setup_branch()
    text = await harness.reply(line, chat=GROUP, user=ADMIN)
    assert specific in text
    assert usage in text
    assert text.index(specific) < text.index(usage)


# What a refusal says before the usage line, in a Chinese and in an English group.
REFUSALS = {
    "zh": [
        (
            "会务会 2031-03-05 19:30",
            "未知的会议类型“会务会”。可用类型：党员大会、支委会、党小组会、",
        ),
        (
            "支委会 2031-03-05 19:30 月度会 提示=1h",
            "不认识的选项 提示=1h：可用的选项是 重复=、提醒=",
        ),
        ("支委会 2031-03-05 19:30 remnd=1h", "不认识的选项 remnd=1h：可用的选项是 重复=、提醒="),
        ("支委会 2031-03-05 19:30 提醒=马上", "提醒=马上 无效：提醒和时长的单位"),
        ("支委会 2031-03-05 19:30 重复=每天", "重复=每天 无效。请使用 每周、每月、每季度、每年"),
    ],
    "en": [
        (
            "party 2031-03-05 19:30",
            "Unknown meeting type “party”. Valid types: general, committee,",
        ),
        (
            "committee 2031-03-05 19:30 remnd=1h",
            "Unknown option remnd=1h: the options are repeat=",
        ),
        ("committee 2031-03-05 19:30 提示=1h", "Unknown option 提示=1h: the options are repeat="),
        (
            "committee 2031-03-05 19:30 remind=soon",
            "remind=soon is not valid: remind and duration",
        ),
    ],
}


@pytest.mark.parametrize(
    ("language", "line", "specific"),
    [(language, *case) for language, cases in REFUSALS.items() for case in cases],
)
async def test_a_refusal_names_the_words_of_the_groups_language(harness, language, line, specific):
    await harness.setup_branch()
    if language == "en":
        await harness.say("/settings language=en", chat=GROUP, user=ADMIN)
    text = await harness.reply(f"/meeting_add {line}", chat=GROUP, user=ADMIN)
    assert text.startswith(specific)
    said = text.split("\n\n")[0]
    if language == "zh":
        assert not any(word in said for word in ("general", "committee", "remind", "held"))
    else:
        assert not re.search(r"[\u4e00-\u9fff]", said.replace("提示", ""))
    assert await meetings_count(harness) == 0

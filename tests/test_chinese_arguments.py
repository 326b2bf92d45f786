"""Chinese arguments beside the English ones: meeting types, options, roles, statuses,
settings, report periods and sub-commands, in a Chinese group and for an English reader."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import LANGUAGE_WORDS, MEETING_TYPE_WORDS
from bot.i18n import CATALOG_DIR, load_catalog
from bot.leave import LEAVE_WORDS
from bot.meetings import (
    ATTENDANCE_WORDS,
    EVERYONE_WORDS,
    HELD_WORDS,
    OPTION_WORDS,
    SERIES_WORDS,
)
from bot.members import ROLE_WORDS, ROSTER_WORDS
from bot.recurrence import REPEAT_WORDS
from bot.reports import PERIOD_WORDS
from bot.settings import OFF_WORDS, SETTING_WORDS
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_meetings import add_meeting, fire, keys, roster_of

USAGE = {"zh": "用法：", "en": "Usage: "}
LANGUAGES = pytest.mark.parametrize("language", ["zh", "en"])


async def branch_reading(harness, language):
    """A branch whose group reads ``language`` (set in Chinese words when English)."""
    await harness.setup_branch()
    if language == "en":
        text = await harness.reply("/settings 语言=英文", chat=GROUP, user=ADMIN)
        assert text.startswith("Saved.")
    return await harness.services.branches.for_chat(GROUP.id)


async def meeting_row(harness):
    return await harness.services.storage.db.fetch_one(
        "SELECT type, rule, remind_min, duration_min FROM meetings"
    )


@LANGUAGES
async def test_a_meeting_is_added_in_chinese_words(harness, language):
    await branch_reading(harness, language)
    text, first = await add_meeting(harness, "支委会 2031-03-05 19:30 重复=每月 提醒=1d")
    assert ("共 3 次" if language == "zh" else "occurrences in the next 90 days: 3") in text
    assert tuple(await meeting_row(harness)) == (
        "committee",
        "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=5",
        "1440",
        90,
    )
    assert f"remind:{first}:1440" in keys(harness.app)
    assert f"remind:{first}:60" not in keys(harness.app)


async def test_held_duration_and_every_repeat_word_in_chinese(harness):
    await harness.setup_branch()
    text = await harness.reply(
        "/meeting_add 党课 2031-02-20 19:00 时长=2h 已召开", chat=GROUP, user=ADMIN
    )
    assert text.startswith("已补录：#1 2031-02-20 19:00 党课。")
    assert tuple(await meeting_row(harness)) == ("lecture", None, "1440,60", 120)
    for word, rule in (("每周", "FREQ=WEEKLY"), ("每季度", "FREQ=MONTHLY;INTERVAL=3")):
        await harness.reply(
            f"/meeting_add 党员大会 2031-03-05 19:30 重复={word}", chat=GROUP, user=ADMIN
        )
        row = await harness.services.storage.db.fetch_one(
            "SELECT type, rule FROM meetings ORDER BY id DESC LIMIT 1"
        )
        assert row[0] == "general"
        assert row[1].startswith(rule)


@LANGUAGES
async def test_a_role_is_set_in_chinese_words(harness, language):
    branch = await branch_reading(harness, language)
    await harness.say("hello", chat=GROUP, user=MEMBER)
    calls = await harness.say(f"/role {MEMBER.id} 管理员", chat=GROUP, user=ADMIN)
    assert calls[0].text == (
        "李四 现在是支部管理员。" if language == "zh" else "李四 is now branch admin."
    )
    member = await harness.services.storage.memberships.get(branch.id, MEMBER.id)
    assert member.role == "secretary"
    await harness.say(f"/role {MEMBER.id} 支委", chat=GROUP, user=ADMIN)
    member = await harness.services.storage.memberships.get(branch.id, MEMBER.id)
    assert member.role == "committee"


@LANGUAGES
async def test_attendance_is_corrected_in_chinese_words(harness, clock, language):
    await branch_reading(harness, language)
    await roster_of(harness, MEMBER)
    _, occ = await add_meeting(harness, "党员大会 2031-03-05 19:30")
    clock.now = datetime(2031, 3, 5, 13, 0, tzinfo=UTC)
    await fire(harness, f"close:{occ}")
    harness.read(harness.unread())
    detail, _, _ = await harness.say(f"/attendance {occ} @lisi 请假", chat=GROUP, user=ADMIN)
    assert detail.chat_id == ADMIN.id
    assert "请假" in detail.text  # in the secretary's language
    roll = await harness.services.storage.meetings.roll(occ)
    assert [(e.user_id, e.status) for e in roll] == [(MEMBER.id, "excused")]


@LANGUAGES
async def test_settings_are_changed_in_chinese_words(harness, language):
    await branch_reading(harness, language)
    await harness.say(
        "/settings 签到=关 小结=周一@20:00 时区=Europe/Berlin", chat=GROUP, user=ADMIN
    )
    branch = await harness.services.branches.for_chat(GROUP.id)
    assert (branch.checkin_time, branch.summary_weekday, branch.summary_time) == (None, 0, "20:00")
    assert branch.timezone == "Europe/Berlin"
    text = await harness.reply("/settings 周小结=关闭 语言=中文", chat=GROUP, user=ADMIN)
    assert text.startswith("已保存。")
    branch = await harness.services.branches.for_chat(GROUP.id)
    assert (branch.language, branch.summary_weekday) == ("zh", None)
    text = await harness.reply("/settings 语言=English", chat=GROUP, user=ADMIN)
    assert text.startswith("Saved.")


@LANGUAGES
async def test_a_report_of_this_month_in_chinese_words(harness, language):
    """Sent privately, in the secretary's language: ADMIN reads Chinese, OTHER English."""
    branch = await branch_reading(harness, language)
    reader = ADMIN if language == "zh" else OTHER
    await harness.say("hello", chat=GROUP, user=reader)
    if reader is OTHER:
        await harness.say(f"/role {OTHER.id} 管理员", chat=GROUP, user=ADMIN)
    harness.read(
        await harness.feed(factories.command(f"/start b{branch.id}", chat=reader, user=reader))
    )
    (month,) = await harness.say("/report 本月", chat=reader, user=reader)
    period = "2031-03-01 至 2031-03-02" if language == "zh" else "2031-03-01 to 2031-03-02"
    assert period in month.text
    (week,) = await harness.say("/report 本周", chat=reader, user=reader)
    assert "2031-02-23" in week.text  # the week since Sunday's 20:00 summary


@LANGUAGES
async def test_a_series_is_cancelled_and_the_roster_listed_in_chinese_words(harness, language):
    await branch_reading(harness, language)
    _, first = await add_meeting(harness, "支委会 2031-03-05 19:30 重复=每月")
    text = await harness.reply(f"/meeting_cancel {first} 系列", chat=GROUP, user=ADMIN)
    assert ("已取消 3 次会议" if language == "zh" else "(occurrences cancelled: 3)") in text
    assert keys(harness.app) == []
    await roster_of(harness, MEMBER)
    assert "李四" in await harness.reply("/roster 名单", chat=GROUP, user=ADMIN)
    assert "李四" in await harness.reply("/roster 移除 @lisi", chat=GROUP, user=ADMIN)


@LANGUAGES
@pytest.mark.parametrize(
    ("line", "usage"),
    [
        ("/meeting_add 支部会 2031-03-05 19:30", "/meeting_add"),
        ("/meeting_add 支委會 2031-03-05 19:30", "/meeting_add"),
        ("/meeting_add 支委会 2031-03-05 19:30 重复=每天", "/meeting_add"),
        ("/role @lisi 书记员", "/role"),
        ("/attendance 1 @lisi 早退", "/attendance"),
        ("/settings 语言=法文", "/settings"),
        ("/settings 签到=开", "/settings"),
        ("/report 今年", "/report"),
        ("/meeting_cancel 1 全部", "/meeting_cancel"),
        ("/roster 全部", "/roster"),
    ],
)
async def test_a_wrong_chinese_word_is_refused_with_the_usage_line(harness, language, line, usage):
    before = await branch_reading(harness, language)
    await harness.say("hello", chat=GROUP, user=MEMBER)
    text = await harness.reply(line, chat=GROUP, user=ADMIN)
    assert f"{USAGE[language]}{usage}" in text
    assert await harness.services.branches.for_chat(GROUP.id) == before
    assert (await harness.services.storage.db.fetch_one("SELECT count(*) FROM meetings"))[0] == 0
    member = await harness.services.storage.memberships.get(before.id, MEMBER.id)
    assert member.role == "member"


# Each concept's words and the usage line that must show them, in both languages.
SHOWN = [
    (MEETING_TYPE_WORDS, "meeting_add.usage"),
    (REPEAT_WORDS, "meeting_add.usage"),
    (OPTION_WORDS, "meeting_add.usage"),
    (HELD_WORDS, "meeting_add.usage"),
    (SERIES_WORDS, "meeting_cancel.usage"),
    (ROLE_WORDS, "role.usage"),
    (ROSTER_WORDS, "roster.usage"),
    (ATTENDANCE_WORDS, "attendance.usage"),
    (EVERYONE_WORDS, "attendance.usage"),
    (SETTING_WORDS, "settings.usage"),
    (LANGUAGE_WORDS, "settings.usage"),
    (OFF_WORDS, "settings.usage"),
    (PERIOD_WORDS, "report.usage"),
    (LEAVE_WORDS, "leave.usage"),
]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_usage_lines_show_each_code_and_its_chinese_word(language):
    catalog = load_catalog(CATALOG_DIR / f"{language}.po")
    for keywords, usage in SHOWN:
        for code, words in keywords.words.items():
            assert code in catalog[usage], (usage, code)
            assert words[0] in catalog[usage], (usage, words[0])


@pytest.mark.parametrize(
    ("keywords", "typed", "code"),
    [
        (MEETING_TYPE_WORDS, "Committee", "committee"),
        (MEETING_TYPE_WORDS, "支部委员会", "committee"),
        (MEETING_TYPE_WORDS, "民主评议党员", "appraisal"),
        (ROLE_WORDS, "书记", "secretary"),
        (ATTENDANCE_WORDS, "到会", "present"),
        (LANGUAGE_WORDS, "ENGLISH", "en"),
        (MEETING_TYPE_WORDS, "支委", None),
        (ROLE_WORDS, "党 员", None),
    ],
)
def test_english_matches_in_any_case_and_chinese_exactly(keywords, typed, code):
    assert keywords.code(typed) == code

"""A meeting recorded as held takes its attendance; a series beyond the horizon stays listed
and cancellable after one occurrence is cancelled; a yearly repeat is accepted, and an unknown
repeat word is answered with the words there are."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_chinese_arguments import LANGUAGES, branch_reading
from tests.test_meetings import add_meeting, keys, roster_of


@LANGUAGES
async def test_attendance_is_recorded_for_a_meeting_recorded_as_held(harness, language):
    await branch_reading(harness, language)
    await roster_of(harness, MEMBER, OTHER)
    held = "补录" if language == "zh" else "held"
    _, occ = await add_meeting(harness, f"党课 2031-02-20 19:00 {held}")
    # Expected: the roster when it was recorded, absent until the secretary says otherwise.
    roll = await harness.services.storage.meetings.roll(occ)
    assert sorted((e.user_id, e.status) for e in roll) == [
        (MEMBER.id, "absent"),
        (OTHER.id, "absent"),
    ]
    status = "迟到" if language == "zh" else "late"
    calls = await harness.say(f"/attendance {occ} @lisi {status}", chat=GROUP, user=ADMIN)
    detail = next(c for c in calls if c.chat_id == ADMIN.id)
    assert detail.text == f"已将 李四 在 #{occ} 2031-02-20 19:00 党课 的到会情况改为：迟到。"
    roll = await harness.services.storage.meetings.roll(occ)
    assert sorted((e.user_id, e.status) for e in roll) == [
        (MEMBER.id, "late"),
        (OTHER.id, "absent"),
    ]


@LANGUAGES
async def test_everyone_but_those_on_leave_is_recorded_in_one_line(harness, language):
    await branch_reading(harness, language)
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    held = "补录" if language == "zh" else "held"
    _, occ = await add_meeting(harness, f"党课 2031-02-20 19:00 {held}")
    excused = "请假" if language == "zh" else "excused"
    await harness.say(f"/attendance {occ} @lisi {excused}", chat=GROUP, user=ADMIN)
    everyone, present = ("全体", "出席") if language == "zh" else ("ALL", "present")
    (answer,) = await harness.say(
        f"/attendance {occ} {everyone} {present}", chat=GROUP, user=ADMIN
    )
    assert answer.chat_id == GROUP.id
    expected = {
        "zh": f"已将 #{occ} 2031-02-20 19:00 党课 除请假外的全体党员（2 人）登记为：出席。",
        "en": f"#{occ} 2031-02-20 19:00 party lecture: everyone not on leave is now recorded"
        " as present (members: 2).",
    }
    assert answer.text.startswith(expected[language])
    roll = await harness.services.storage.meetings.roll(occ)
    assert sorted((e.user_id, e.status) for e in roll) == sorted(
        [(ADMIN.id, "present"), (MEMBER.id, "excused"), (OTHER.id, "present")]
    )
    # A meeting whose check-in is still to come takes no one's attendance, everyone's neither.
    _, later = await add_meeting(harness, "党课 2031-03-20 19:00")
    before = await harness.services.storage.meetings.roll(later)
    refused = await harness.reply(f"/attendance {later} 全体 出席", chat=GROUP, user=ADMIN)
    not_closed = {"zh": "会议签到结束后", "en": "Attendance can be corrected once"}
    assert refused.startswith(not_closed[language])
    assert await harness.services.storage.meetings.roll(later) == before


async def test_a_held_committee_meeting_expects_its_committee_and_admins(harness):
    await harness.setup_branch()
    await roster_of(harness, ADMIN, MEMBER, OTHER)
    await harness.say("/role @lisi 支委委员", chat=GROUP, user=ADMIN)
    _, occ = await add_meeting(harness, "支委会 2031-02-20 19:00 补录")
    roll = await harness.services.storage.meetings.roll(occ)
    assert sorted(e.user_id for e in roll) == sorted([ADMIN.id, MEMBER.id])


async def next_listed(harness):
    listed = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    return listed.splitlines()[1]


@LANGUAGES
async def test_cancelling_the_one_occurrence_beyond_the_horizon_lists_the_next(harness, language):
    await branch_reading(harness, language)
    repeat = "重复=每周" if language == "zh" else "repeat=weekly"
    _, first = await add_meeting(harness, f"支委会 2031-06-04 19:30 {repeat}")
    await harness.say(f"/meeting_cancel {first}", chat=GROUP, user=ADMIN)
    await harness.press(f"mx:{first}:one", chat=GROUP, user=ADMIN)
    line = await next_listed(harness)
    assert "2031-06-11 19:30" in line
    second = int(line.split()[0][1:])
    assert second != first
    _, state = await harness.services.storage.sends.get(f"close:{second}")
    assert state == "pending"  # reminded and closed in its time
    # The cancelled one, with the series: the rest of the series goes too.
    series = "系列" if language == "zh" else "series"
    text = await harness.reply(f"/meeting_cancel {first} {series}", chat=GROUP, user=ADMIN)
    expected = {
        "zh": f"#{first} 2031-06-04 19:30 支部委员会 "
        + "此前已取消；现已取消其后的整个系列，不再安排。",
        "en": (
            f"#{first} 2031-06-04 19:30 committee meeting had been cancelled already;"
            " the rest of its series is now cancelled too."
        ),
    }
    assert text == expected[language]
    _, state = await harness.services.storage.sends.get(f"close:{second}")
    assert state == "cancelled"
    assert keys(harness.app) == []
    none = {"zh": "暂无", "en": "No meetings"}
    assert none[language] in await harness.reply("/meetings", chat=GROUP, user=ADMIN)


async def test_a_cancelled_occurrence_of_an_ended_series_changes_nothing_again(harness):
    await harness.setup_branch()
    _, first = await add_meeting(harness, "支委会 2031-06-04 19:30 重复=每周")
    await harness.reply(f"/meeting_cancel {first} 系列", chat=GROUP, user=ADMIN)
    text = await harness.reply(f"/meeting_cancel {first} 系列", chat=GROUP, user=ADMIN)
    assert text == f"#{first} 2031-06-04 19:30 支部委员会 已取消过，没有改动。"


@LANGUAGES
async def test_a_yearly_repeat_is_accepted(harness, language):
    await branch_reading(harness, language)
    repeat = "重复=每年" if language == "zh" else "repeat=yearly"
    text, occ = await add_meeting(harness, f"组织生活会 2031-12-20 09:00 {repeat}")
    assert f"#{occ} 2031-12-20 09:00" in text
    rules = await harness.services.storage.db.fetch_all("SELECT rule FROM meetings")
    assert [row[0] for row in rules] == ["FREQ=YEARLY"]


async def test_a_yearly_repeat_from_the_leap_day_keeps_the_end_of_february(harness):
    await harness.setup_branch()
    await add_meeting(harness, "民主评议 2032-02-29 09:00 重复=每年")
    rules = await harness.services.storage.db.fetch_all("SELECT rule FROM meetings")
    assert [row[0] for row in rules] == ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"]


@pytest.mark.parametrize(
    ("language", "line", "words"),
    [
        ("zh", "重复=每天", "请使用 每周、每月、每季度、每年，或每日及更低频率的 RFC 5545 规则"),
        ("en", "repeat=annually", "Use weekly, monthly, quarterly, yearly or a daily-or-slower"),
    ],
)
async def test_an_unknown_repeat_word_is_answered_with_the_words_there_are(
    harness, language, line, words
):
    await branch_reading(harness, language)
    text = await harness.reply(
        f"/meeting_add 支委会 2031-03-05 19:30 {line}", chat=GROUP, user=ADMIN
    )
    assert words in text
    assert "FREQ、INTERVAL" not in text
    assert "FREQ, INTERVAL" not in text
    assert (await harness.services.storage.db.fetch_one("SELECT count(*) FROM meetings"))[0] == 0

"""Free text is kept as written: titles, places, minutes and organisation names keep their 全角
punctuation, while the words that are parsed (type, date, time, options, ids) are NFKC."""

from __future__ import annotations

from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR
from tests.test_chinese_arguments import LANGUAGES, branch_reading
from tests.test_meeting_place import flow_to_check, reply_to
from tests.test_meetings import add_meeting

TITLE = "支部大会（第三季度）"
PLACE = "会议室，三楼 “党员之家”"


async def stored(harness):
    rows = await harness.services.storage.db.fetch_all("SELECT title, place FROM meetings")
    return [tuple(row) for row in rows]


@LANGUAGES
async def test_a_title_and_a_place_keep_their_full_width_punctuation(harness, language):
    await branch_reading(harness, language)
    words = harness.services.catalogs.words(language)
    option = "地点" if language == "zh" else "place"
    text, occ = await add_meeting(harness, f"党员大会 2031-03-05 19:30 {TITLE} {option}={PLACE}")
    assert await stored(harness) == [(TITLE, PLACE)]
    assert TITLE in text
    assert text.endswith("\n" + words("meeting.place", place=PLACE))
    listed = await harness.reply("/meetings", chat=GROUP, user=MEMBER)
    assert f"#{occ} 2031-03-05 19:30" in listed
    assert TITLE in listed
    assert words("meeting.place", place=PLACE) in listed


async def test_full_width_date_time_and_options_still_parse(harness):
    await harness.setup_branch()
    text, occ = await add_meeting(
        harness, "党课 ２０３１-０３-０５ １９：３０ 学习（一） 提醒＝１ｈ 地点＝三楼，东侧"
    )
    assert f"#{occ} 2031-03-05 19:30" in text
    assert await stored(harness) == [("学习（一）", "三楼，东侧")]
    assert harness.app.job_queue.get_jobs_by_name(f"remind:{occ}:60")


async def test_invisible_characters_in_a_title_are_dropped(harness):
    await harness.setup_branch()
    # Zero-width spaces inside a word and as a word of their own; U+00A8, which NFKC turns
    # into a space and a diaeresis, stays one word as written.
    await add_meeting(harness, "党课 2031-03-05 19:30 支部\u200b大会 \u200b （第¨一） \u200b")
    assert await stored(harness) == [("支部大会 （第¨一）", "")]


async def test_a_title_over_its_limit_counts_the_text_as_stored(harness):
    await harness.setup_branch()
    await add_meeting(harness, "党课 2031-03-05 19:30 " + "（" * 100 + "\u200b")
    text = await harness.reply(
        "/meeting_add 党课 2031-03-05 19:30 " + "（" * 101, chat=GROUP, user=ADMIN
    )
    words = harness.services.catalogs.words("zh")
    assert text.startswith(words("meeting_add.title_too_long", length=101, limit=100))
    assert await stored(harness) == [("（" * 100, "")]


async def test_the_guided_flow_keeps_the_place_as_written(harness):
    await harness.setup_branch()
    check = await flow_to_check(harness)
    harness.read(await harness.feed(reply_to(check, f" \u200b{PLACE}\n")))
    assert await stored(harness) == [("", PLACE)]


async def test_minutes_keep_their_full_width_punctuation_and_lines(harness):
    branch = await harness.setup_branch()
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30")
    minutes = "会议议程：一、学习“党章”；\n二、讨论，表决。"
    # A full-width id is read as any other id.
    id_typed = "".join(chr(ord(digit) + 0xFEE0) for digit in str(occ))
    text = await harness.reply(f"/meeting_notes {id_typed} {minutes}", chat=GROUP, user=ADMIN)
    assert f"#{occ}" in text
    occurrence = await harness.services.meetings.occurrence_of(branch, occ)
    assert occurrence.notes == minutes


async def test_an_organisation_name_keeps_its_full_width_punctuation(harness):
    name = "城东（联合）党委，第一片区"
    text = await harness.reply(f"/org_add {name}\u200b", chat=OPERATOR, user=OPERATOR)
    assert name in text
    code = text.split("code is ")[1].split(":")[0]
    organisation = await harness.services.storage.organisations.by_code(code)
    assert organisation.name == name
    joined = await harness.reply(f"/setup {code}", chat=GROUP, user=ADMIN)
    assert name in joined

"""CSV formula injection: names, titles and reasons that start like a formula reach every
exported file as plain text (OWASP's guidance: a leading ``'``), numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from bot.reports import spreadsheet_safe
from tests import factories
from tests.conftest import ADMIN, GROUP
from tests.test_meetings import add_meeting, fire, roster_of
from tests.test_quiz import answer_with_the_first_option, buttons
from tests.test_study import EXAMPLE, send_file

FORMULA = '=HYPERLINK("http://x")'
HOSTILE = factories.Person(100009, FORMULA, language_code="zh")
START = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("李四", "李四"),
        ("a=1", "a=1"),
        ("", ""),
        # Numbers are the bot's own figures, not user text: a negative one is a number that
        # a spreadsheet must still add up, so it is left as it is (only text is prefixed).
        (-5, -5),
        (0, 0),
    ],
)
def test_text_cells_that_start_like_a_formula_are_prefixed(cell, safe):
    assert spreadsheet_safe(cell) == safe


async def test_every_export_file_keeps_hostile_text_as_text(harness, clock):
    branch = await harness.setup_branch()
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    await harness.say("/start", chat=HOSTILE, user=HOSTILE)
    await roster_of(harness, HOSTILE)
    module = EXAMPLE.replace("党章学习（第一章 党员）".encode(), b"@SUM(1)")
    await send_file(harness, module, "党章.toml")
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    _, occ = await add_meeting(harness, "group 2031-03-05 19:30 +SUM(A1)")
    harness.read(await harness.feed(factories.command("/checkin", chat=GROUP, user=HOSTILE)))
    await harness.say(f"/leave {occ} -1 出差", chat=GROUP, user=HOSTILE)
    calls = await harness.say(f"/start m1b{branch.id}", chat=HOSTILE, user=HOSTILE)
    (start,) = buttons(calls[-1])
    question = (await harness.press(start[1], chat=HOSTILE, user=HOSTILE))[-1]
    done = await answer_with_the_first_option(harness, question, user=HOSTILE)
    assert done.text.startswith("答题完成")
    clock.now = START + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    harness.read(harness.unread())

    calls = await harness.say("/export 2031-03-01 2031-03-09", chat=GROUP, user=ADMIN)
    tables = {
        c.params["document"].name: list(
            csv.reader(io.StringIO(c.params["document"].content.decode("utf-8-sig")))
        )
        for c in calls
        if c.method == "sendDocument"
    }
    assert len(tables) == 4
    for name, rows in tables.items():
        for row in rows:
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), (
                name,
                row,
            )
    safe = "'" + FORMULA
    assert [safe] == [row[1] for row in tables["members.csv"] if row[0] == str(HOSTILE.id)]
    assert [row[2] for row in tables["checkins.csv"][1:]] == [safe]
    (attended,) = [row for row in tables["attendance.csv"][1:] if row[4] == str(HOSTILE.id)]
    assert (attended[3], attended[5], attended[7]) == ("'+SUM(A1)", safe, "'-1 出差")
    (result,) = tables["quiz_results.csv"][1:]
    assert (result[1], result[3]) == ("'@SUM(1)", safe)

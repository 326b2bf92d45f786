"""/report and /export: periods, the text sent privately and split under Telegram's limit, and
CSV files that Python's csv module reads back with their byte-order mark."""

from __future__ import annotations

import csv
import io

from bot.members import Person
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_summary import seeded_week


async def test_report_goes_privately_with_every_figure_of_the_period(harness, clock):
    await seeded_week(harness, clock)
    calls = await harness.say("/report 2031-03-03 2031-03-09", chat=GROUP, user=ADMIN)
    (private,) = [c for c in calls if c.chat_id == ADMIN.id]
    (public,) = [c for c in calls if c.chat_id == GROUP.id]
    assert public.text == "报告已私信发送给你。"
    assert private.text.split("\n") == [
        f"“{GROUP.title}”参与情况报告（2031-03-03 至 2031-03-09）",
        "签到：3 人次（签到率 14%）",
        "参与：2 人（党员名册 3 人），1 人没有任何参与",
        "会议到会情况：",
        "#1 2031-03-05 19:30 党小组会 · 小组学习：出席 1，迟到 0，请假 0，缺席 2（参会率 33%）",
        "学习：完成答题 0 次（0 人），平均得分 —；群内答题作答 2 次，答对 1 次",
        "学习积分前五：",
        "1. 李四 — 5 分",
        "2. Zhang — 2 分",
        "缺席人员：",
        "#1：Zhang、王五",
        "尚未完成已发布学习专题：",
        "#1 三会一课：Zhang、李四、王五",
    ]


async def test_a_report_read_in_english_lists_names_with_english_punctuation(harness, clock):
    await seeded_week(harness, clock)
    await harness.say(f"/role {OTHER.id} secretary", chat=GROUP, user=ADMIN)
    await harness.say("/start", chat=OTHER, user=OTHER)  # OTHER reads English
    calls = await harness.say("/report 2031-03-03 2031-03-09", chat=GROUP, user=OTHER)
    (private,) = [c for c in calls if c.chat_id == OTHER.id]
    lines = private.text.split("\n")
    assert "#1: Zhang, 王五" in lines
    assert "#1 三会一课: Zhang, 李四, 王五" in lines
    assert "#1 2031-03-05 19:30 party group meeting · 小组学习" in private.text


async def test_report_periods_and_bad_input_in_private(harness, clock):
    branch = await seeded_week(harness, clock)
    harness.read(
        await harness.feed(factories.command(f"/start b{branch.id}", chat=ADMIN, user=ADMIN))
    )
    for text in ("/report", "/report week", "/report month"):
        calls = await harness.say(text, chat=ADMIN, user=ADMIN)
        assert [c.chat_id for c in calls] == [ADMIN.id], text
    (month,) = await harness.say("/report month", chat=ADMIN, user=ADMIN)
    assert "（2031-03-01 至 2031-03-09）" in month.text
    usage = (
        "用法：/report [本周|本月|<开始> <结束>]（也可用 week、month），日期格式 YYYY-MM-DD。"
        "例如：/report 2031-03-01 2031-03-31"
    )
    for text in ("/report year", "/report 2031-03-01", "/report 2031-02-30 2031-03-01"):
        assert await harness.reply(text, chat=ADMIN, user=ADMIN) == usage
    assert await harness.reply("/report 2031-03-09 2031-03-01", chat=ADMIN, user=ADMIN) == (
        "日期范围须从前到后，且不超过 366 天。\n\n" + usage
    )
    assert (await harness.reply("/report", chat=MEMBER, user=MEMBER)).startswith("只有支部管理员")


async def test_a_long_report_is_split_at_line_boundaries(harness, clock):
    branch = await seeded_week(harness, clock)
    people = [Person(200000 + n, f"成员{n:03d}号同志") for n in range(700)]
    for person in people:  # joined while the bot watched: on the roster
        await harness.services.members.joined(person, branch, clock())
    calls = await harness.say("/report", chat=GROUP, user=ADMIN)
    parts = [c.text for c in calls if c.chat_id == ADMIN.id]
    assert len(parts) > 1
    assert all(len(part) <= 4096 for part in parts)
    text = "\n".join(parts)
    assert all(person.first_name in text for person in people)


async def test_export_sends_four_csv_files_with_a_byte_order_mark(harness, clock):
    await seeded_week(harness, clock)
    calls = await harness.say("/export 2031-03-01 2031-03-09", chat=GROUP, user=ADMIN)
    documents = [c for c in calls if c.method == "sendDocument"]
    assert [d.params["document"].name for d in documents] == [
        "members.csv",
        "checkins.csv",
        "attendance.csv",
        "quiz_results.csv",
    ]
    assert all(d.chat_id == ADMIN.id for d in documents)
    assert calls[-1].text == "CSV 文件（2031-03-01 至 2031-03-09）已私信发送给你。"
    tables = {}
    for document in documents:
        content = document.params["document"].content
        assert content.startswith(b"\xef\xbb\xbf")
        tables[document.params["document"].name] = list(
            csv.reader(io.StringIO(content.decode("utf-8-sig")))
        )
    members = tables["members.csv"]
    assert members[0] == ["user_id", "name", "username", "role", "on_roster", "last_seen"]
    assert {row[1] for row in members[1:]} >= {"李四", "Zhang", "王五"}
    checkins = tables["checkins.csv"]
    assert [row[:3] for row in checkins[1:]] == [
        ["2031-03-03", str(MEMBER.id), "李四"],
        ["2031-03-03", "100003", "Zhang"],
        ["2031-03-05", str(MEMBER.id), "李四"],
    ]
    attendance = tables["attendance.csv"]
    assert sorted(row[6] for row in attendance[1:]) == ["absent", "absent", "present"]
    assert attendance[1][1] == "2031-03-05 19:30"  # local time
    assert tables["quiz_results.csv"] == [
        ["module_id", "module", "user_id", "name", "score", "total", "finished_at"]
    ]


async def test_export_to_someone_who_never_started_the_bot_says_how(harness, clock):
    await seeded_week(harness, clock)
    harness.api.fail_next("sendDocument", error_code=403, description="Forbidden: can't initiate")
    (answer,) = [
        c for c in await harness.say("/export", chat=GROUP, user=ADMIN) if c.chat_id == GROUP.id
    ]
    assert answer.text.startswith("请先私聊启动我")
    (button,) = answer.params["reply_markup"]["inline_keyboard"][0]
    assert "?start=b" in button["url"]

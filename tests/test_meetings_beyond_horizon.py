"""A meeting first held beyond the 90-day horizon (a yearly 组织生活会, a 民主评议 months ahead)
is answered with its date and id, listed by /meetings, cancelled by that id, and reminded of in
time; and each refusal named in the usage rules ends with the usage line and an example."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import ADMIN, GROUP
from tests.test_meetings import add_meeting, fire, keys

# The fake clock starts at 2031-03-02 01:00 UTC; 2031-08-05 is five months ahead.
YEARLY = "org_life 2031-08-05 09:00 年度组织生活会 repeat=FREQ=YEARLY"


async def english(harness):
    await harness.setup_branch()
    await harness.say("/settings language=en", chat=GROUP, user=ADMIN)


async def test_a_yearly_meeting_months_ahead_is_answered_listed_and_reminded(harness, clock):
    await harness.setup_branch()
    text, occ = await add_meeting(harness, YEARLY)
    assert text.startswith(
        f"已安排：#{occ} 2031-08-05 09:00 组织生活会 · 年度组织生活会，在未来 90 天之后。"
    )
    assert "共 0 次" not in text
    assert "/meeting_cancel" in text
    listed = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert listed.splitlines()[1] == f"#{occ} 2031-08-05 09:00 组织生活会 · 年度组织生活会"
    clock.now = datetime(2031, 8, 4, 1, 0, tzinfo=UTC)
    await fire(harness, f"remind:{occ}:1440")
    (reminder,) = harness.read(harness.unread())
    assert f"#{occ} 2031-08-05 09:00" in reminder.text
    # A year on, the next one is made as it comes within the horizon, under a new id.
    clock.now = datetime(2032, 6, 1, 1, 0, tzinfo=UTC)
    (extend,) = harness.app.job_queue.get_jobs_by_name("extend")
    await extend.run(harness.app)
    listed = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert "2032-08-05 09:00 组织生活会" in listed
    assert f"#{occ} " not in listed


async def test_a_meeting_beyond_the_horizon_is_cancelled_by_its_id(harness, clock):
    await harness.setup_branch()
    _, occ = await add_meeting(harness, YEARLY)
    text = await harness.reply(f"/meeting_cancel {occ}", chat=GROUP, user=ADMIN)
    assert "重复会议" in text  # a yearly series: asked which
    _, edit = await harness.press(f"mx:{occ}:one", chat=GROUP, user=ADMIN)
    assert edit.text == f"已取消会议：#{occ} 2031-08-05 09:00 组织生活会 · 年度组织生活会。"
    _, state = await harness.services.storage.sends.get(f"close:{occ}")
    assert state == "cancelled"
    # One occurrence was cancelled, not the series: next year's is made at once, listed.
    listed = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    (line,) = listed.splitlines()[1:2]
    assert "2032-08-05 09:00" in line
    later = int(line.split()[0][1:])
    assert keys(harness.app) == [
        f"close:{later}",
        f"open:{later}",
        f"remind:{later}:1440",
        f"remind:{later}:60",
    ]
    clock.now = datetime(2032, 6, 1, 1, 0, tzinfo=UTC)
    (extend,) = harness.app.job_queue.get_jobs_by_name("extend")
    await extend.run(harness.app)
    relisted = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert relisted.splitlines()[1:2] == [line]  # the same one, not made twice
    text = await harness.reply(f"/meeting_cancel {later} series", chat=GROUP, user=ADMIN)
    assert "已取消 1 次会议" in text
    clock.now += timedelta(days=400)
    await extend.run(harness.app)
    assert "暂无" in await harness.reply("/meetings", chat=GROUP, user=ADMIN)


async def test_in_english_a_meeting_beyond_the_horizon_is_answered_listed_and_cancelled(
    harness,
):
    await english(harness)
    text, occ = await add_meeting(harness, "appraisal 2031-09-01 14:00")
    assert text.startswith(
        f"Scheduled: #{occ} 2031-09-01 14:00 democratic appraisal, beyond the next 90 days."
    )
    assert "0 in the next" not in text
    listed = await harness.reply("/meetings", chat=GROUP, user=ADMIN)
    assert listed.startswith(f"Upcoming meetings:\n#{occ} 2031-09-01 14:00")
    text = await harness.reply(f"/meeting_cancel {occ} series", chat=GROUP, user=ADMIN)
    line = f"#{occ} 2031-09-01 14:00 democratic appraisal"
    assert text == f"Cancelled: {line} and the rest of its series (occurrences cancelled: 1)."
    assert keys(harness.app) == []
    assert "No meetings" in await harness.reply("/meetings", chat=GROUP, user=ADMIN)


async def test_a_meeting_within_the_horizon_is_still_counted(harness):
    await english(harness)
    text, _ = await add_meeting(harness, "committee 2031-03-05 19:30 repeat=monthly")
    assert "(occurrences in the next 90 days: 3)" in text


ZH_REFUSALS = [
    ("/settings timezone=Mars/Olympus", "timezone=Mars/Olympus 无效", "用法：/settings", "示例："),
    (
        "/meeting_add committee 2031-03-05 19:30 remind=soon",
        "remind=soon 无效",
        "用法：",
        "示例：",
    ),
    (
        "/meeting_add committee 2031-03-05 19:30 repeat=often",
        "重复=often 无效",
        "用法：",
        "示例：",
    ),
    ("/report 2031-03-31 2031-03-01", "日期范围须从前到后", "用法：/report", "例如："),
    ("/import", "请把 /import 写在", "示例：发送文件", "说明栏写 /import"),
]
EN_REFUSALS = [
    ("/settings timezone=Mars/Olympus", "is not valid", "Usage: /settings", "Example:"),
    (
        "/meeting_add committee 2031-03-05 19:30 remind=soon",
        "remind=soon is not",
        "Usage:",
        "Example:",
    ),
    (
        "/meeting_add committee 2031-03-05 19:30 repeat=often",
        "repeat=often is not",
        "Usage:",
        "Example:",
    ),
    ("/report 2031-03-31 2031-03-01", "The range must run forwards", "Usage: /report", "Example:"),
    ("/import", "Send /import as the caption", "Example: send the file", "caption /import"),
]


@pytest.mark.parametrize(("line", "specific", "usage", "example"), ZH_REFUSALS)
async def test_a_refusal_ends_with_the_usage_and_an_example(
    harness, line, specific, usage, example
):
    await harness.setup_branch()
    text = await harness.reply(line, chat=GROUP, user=ADMIN)
    assert text.index(specific) < text.index(usage) < text.index(example)


@pytest.mark.parametrize(("line", "specific", "usage", "example"), EN_REFUSALS)
async def test_in_english_a_refusal_ends_with_the_usage_and_an_example(
    harness, line, specific, usage, example
):
    await english(harness)
    text = await harness.reply(line, chat=GROUP, user=ADMIN)
    assert text.index(specific) < text.index(usage) < text.index(example)

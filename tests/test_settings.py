"""/settings: showing, changing, and refusing invalid values without changing anything."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ADMIN, GROUP, MEMBER


async def test_settings_shows_the_current_values(harness):
    await harness.setup_branch()
    text = await harness.reply("/settings", chat=GROUP, user=ADMIN)
    assert "Asia/Shanghai" in text
    assert "每周小结（小结）：周日 20:00" in text
    assert "08:00" in text


async def test_settings_change_all_at_once(harness):
    await harness.setup_branch()
    text = await harness.reply(
        "/settings timezone=Europe/Berlin language=en summary=fri@18:30 checkin=7:45",
        chat=GROUP,
        user=ADMIN,
    )
    assert text.startswith("Saved.")  # answered in the new language
    branch = await harness.services.branches.for_chat(GROUP.id)
    assert (branch.timezone, branch.language) == ("Europe/Berlin", "en")
    assert (branch.summary_weekday, branch.summary_time, branch.checkin_time) == (
        4,
        "18:30",
        "07:45",
    )


@pytest.mark.parametrize(
    ("argument", "weekday", "time"),
    [
        ("summary=sun 20:00", 6, "20:00"),
        ("summary=周五 １９：３０", 4, "19:30"),
        ("summary=Monday@9:05", 0, "09:05"),
    ],
)
async def test_summary_forms(harness, argument, weekday, time):
    await harness.setup_branch()
    await harness.reply(f"/settings {argument}", chat=GROUP, user=ADMIN)
    branch = await harness.services.branches.for_chat(GROUP.id)
    assert (branch.summary_weekday, branch.summary_time) == (weekday, time)


async def test_off_switches_posts_off(harness):
    await harness.setup_branch()
    text = await harness.reply("/settings summary=off checkin=off", chat=GROUP, user=ADMIN)
    branch = await harness.services.branches.for_chat(GROUP.id)
    assert branch.summary_time is None
    assert branch.checkin_time is None
    assert "每周小结（小结）：关闭" in text


@pytest.mark.parametrize(
    "argument",
    [
        "timezone=Mars/Olympus",
        "language=fr",
        "summary=someday@20:00",
        "summary=sun@25:00",
        "checkin=8",
        "colour=red",
        "timezone=Asia/Tokyo checkin=99:99",
        "justtext",
    ],
)
async def test_invalid_values_change_nothing(harness, argument):
    await harness.setup_branch()
    before = await harness.services.branches.for_chat(GROUP.id)
    text = await harness.reply(f"/settings {argument}", chat=GROUP, user=ADMIN)
    assert "/settings" in text or "summary=sun@20:00" in text
    assert await harness.services.branches.for_chat(GROUP.id) == before


async def test_members_cannot_change_settings(harness):
    await harness.setup_branch()
    text = await harness.reply("/settings language=en", chat=GROUP, user=MEMBER)
    assert "支部管理员" in text
    branch = await harness.services.branches.for_chat(GROUP.id)
    assert branch.language == "zh"


async def test_settings_in_unregistered_group_points_to_setup(harness):
    text = await harness.reply("/settings", chat=GROUP, user=ADMIN)
    assert "/setup" in text


async def test_the_settings_read_naturally_in_chinese_and_in_english(harness):
    await harness.setup_branch()
    await harness.reply("/settings 小结=周日@20:00 签到=关", chat=GROUP, user=ADMIN)
    text = await harness.reply("/settings", chat=GROUP, user=ADMIN)
    assert text.split("\n")[:5] == [
        "本支部设置：",
        "时区：Asia/Shanghai",
        "语言：中文",
        "每周小结（小结）：周日 20:00",
        "签到：关闭",
    ]
    assert not re.search(r"(?<![/\w])[A-Za-z]{3,}", text.replace("Asia/Shanghai", ""))
    saved = await harness.reply("/settings language=en checkin=08:00", chat=GROUP, user=ADMIN)
    assert saved.split("\n") == [
        "Saved. Settings of this branch:",
        "timezone = Asia/Shanghai",
        "language = en",
        "summary = Sun 20:00",
        "checkin = 08:00",
    ]
    text = await harness.reply("/settings summary=off", chat=GROUP, user=ADMIN)
    assert "summary = off" in text

"""The guided /meeting_add: type → date → time → repeat → reminders → confirm, with buttons."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.config import MEETING_TYPES
from bot.meeting_flow import REMINDERS, REPEATS
from handlers.gate.callbacks import MeetingFlow, unpack
from tests.conftest import ADMIN, GROUP, MEMBER, start_app, stop_app
from tests.test_chinese_arguments import LANGUAGES, branch_reading
from tests.test_meetings import keys


def data_of(call):
    return [
        b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row
    ]


async def step(harness, data, user=ADMIN):
    calls = await harness.press(data, chat=GROUP, user=user)
    assert calls[0].method == "answerCallbackQuery"
    return calls[1] if len(calls) > 1 else calls[0]


async def test_the_whole_flow_schedules_a_monthly_committee_meeting(harness):
    await harness.setup_branch()
    (opening,) = await harness.say("/meeting_add", chat=GROUP, user=ADMIN)
    assert data_of(opening) == [f"ma:{i}" for i in range(len(MEETING_TYPES))] + ["ma:x"]
    days = await step(harness, "ma:1")
    assert days.method == "editMessageText"
    assert "支部委员会" in days.text
    assert data_of(days)[:2] == ["ma:1:20310302", "ma:1:20310303"]  # today in Shanghai first
    assert len(data_of(days)) == 15
    times = await step(harness, "ma:1:20310305")
    assert "ma:1:20310305:1930" in data_of(times)
    repeats = await step(harness, "ma:1:20310305:1930")
    assert "每月" in str(repeats.params["reply_markup"])
    reminders = await step(harness, "ma:1:20310305:1930:2")
    check = await step(harness, "ma:1:20310305:1930:2:0")
    assert "支部委员会 · 2031-03-05 · 19:30 · 每月 · 提前 1 天和 1 小时提醒" in check.text
    assert data_of(check) == ["ma:1:20310305:1930:2:0:ok", "ma:x"]
    assert reminders.params["reply_markup"]
    done = await step(harness, "ma:1:20310305:1930:2:0:ok")
    assert "已安排：#1 2031-03-05 19:30 支部委员会" in done.text
    assert "共 3 次" in done.text
    assert len(keys(harness.app)) == 12
    await step(harness, "ma:1:20310305:1930:2:0:ok")  # a double tap schedules nothing more
    assert len(keys(harness.app)) == 12
    rows = await harness.services.storage.db.fetch_all("SELECT type, rule FROM meetings")
    assert [tuple(r) for r in rows] == [("committee", "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=5")]


async def test_members_cannot_drive_the_flow(harness):
    await harness.setup_branch()
    (refused,) = await harness.press("ma:1:20310305:1930:2:0:ok", chat=GROUP, user=MEMBER)
    assert refused.params["show_alert"] is True
    assert "支部管理员" in refused.text
    assert keys(harness.app) == []


async def test_cancel_and_forged_data(harness):
    await harness.setup_branch()
    assert "已取消" in (await step(harness, "ma:x")).text
    for forged in (
        "ma:9",
        "ma:1:20311345",
        "ma:1:20310305:2599",
        "ma:1:20310305:1930:7",
        "ma:1:20310305:ok",
        "ma:1:20310305:1930:2:9",
    ):
        (refused,) = await harness.press(forged, chat=GROUP, user=ADMIN)
        assert refused.params["show_alert"] is True, forged
    assert keys(harness.app) == []


@LANGUAGES
async def test_times_already_past_are_not_offered(harness, clock, language):
    await branch_reading(harness, language)  # 09:00 in Shanghai
    days = await step(harness, "ma:1")
    assert data_of(days)[0] == "ma:1:20310302"
    times = await step(harness, "ma:1:20310302")
    assert [d[-4:] for d in data_of(times)[:-1]] == [
        "1000",
        "1400",
        "1500",
        "1600",
        "1900",
        "1930",
        "2000",
    ]
    assert len(data_of(await step(harness, "ma:1:20310303"))) == 10  # all nine, and cancel
    clock.now = datetime(2031, 3, 2, 12, 0, tzinfo=UTC)  # 20:00: nothing is left today
    days = await step(harness, "ma:1")
    assert data_of(days)[0] == "ma:1:20310303"
    assert len(data_of(days)) == 15


@LANGUAGES
async def test_a_time_that_passes_during_the_flow_is_chosen_again(harness, clock, language):
    await branch_reading(harness, language)
    words = harness.services.catalogs.words(language)
    check = await step(harness, "ma:1:20310302:1930:0:3")
    assert data_of(check) == ["ma:1:20310302:1930:0:3:ok", "ma:x"]
    clock.now = datetime(2031, 3, 2, 11, 30, tzinfo=UTC)  # 19:30 came while it was open
    calls = await harness.press("ma:1:20310302:1930:0:3:ok", chat=GROUP, user=ADMIN)
    toast, times = calls
    # The toast is the presser's (ADMIN reads Chinese); the message is the branch's.
    assert toast.text == harness.services.catalogs.words("zh")("flow.past")
    assert not toast.params.get("show_alert")
    assert times.method == "editMessageText"
    assert times.text.endswith(words("flow.at", summary="").strip())
    assert data_of(times) == ["ma:1:20310302:2000", "ma:x"]
    clock.now = datetime(2031, 3, 2, 12, 30, tzinfo=UTC)  # 20:30: the day has no time left
    calls = await harness.press("ma:1:20310302:2000:0:3:ok", chat=GROUP, user=ADMIN)
    assert data_of(calls[1])[0] == "ma:1:20310303"
    assert keys(harness.app) == []
    done = await step(harness, "ma:1:20310303:1930:0:3:ok")
    assert "#1 2031-03-03 19:30" in done.text
    assert len(keys(harness.app)) == 2


async def test_the_flow_survives_a_restart(harness, clock):
    await harness.setup_branch()
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)  # no catch-up post
    await step(harness, "ma:4")
    await stop_app(harness.app)
    harness.app = await start_app(harness.config, harness.api, clock)
    times = await step(harness, "ma:4:20310310")
    assert "ma:4:20310310:0900" in data_of(times)


def test_every_flow_payload_fits_in_64_bytes():
    longest = MeetingFlow(
        type=len(MEETING_TYPES) - 1,
        day=date(2031, 12, 31),
        at=time(23, 59),
        repeat=len(REPEATS) - 1,
        remind=len(REMINDERS) - 1,
        confirmed=True,
    ).pack()
    assert len(longest.encode()) <= 64
    assert unpack(longest) is not None


@pytest.mark.parametrize("data", ["", "ma:", "ma:a", "ma:1:2031030", "xx:1", "ma:1::1930"])
def test_malformed_payloads(data):
    assert unpack(data) is None

"""The weekly summary: its content for a seeded week (every line), the chart, the secretaries'
detail, and delivery exactly once across ticks, restarts, catch-up and Telegram's errors."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from PIL import Image
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.chart import MissingGlyphWarning, participation_chart
from handlers.outbound.policy import Outcome, outcome_of
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER, start_app, stop_app
from tests.test_checkin import checkin
from tests.test_group_quiz import answer, polls_of
from tests.test_meetings import add_meeting, fire, roster_of
from tests.test_study import gift_of, send_file

WEEK_END = datetime(2031, 3, 9, 12, 0, tzinfo=UTC)  # Sunday 20:00 in Shanghai
QUIET = factories.Person(100004, "王五", username="wangwu")


async def summaries(harness):
    rows = await harness.services.storage.db.fetch_all(
        "SELECT branch_id, week_end, state FROM summaries ORDER BY branch_id"
    )
    return [tuple(r) for r in rows]


async def seeded_week(harness, clock):
    """A week of one branch: check-ins, a closed meeting, a group quiz, one silent member."""
    branch = await harness.setup_branch()
    await harness.reply("/settings checkin=off", chat=GROUP, user=ADMIN)
    await roster_of(harness, MEMBER, OTHER, QUIET)
    await send_file(harness, gift_of(3), "题库.gift")
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    await add_meeting(harness, "group 2031-03-05 19:30 小组学习")
    clock.now = datetime(2031, 3, 3, 1, 0, tzinfo=UTC)  # Monday 09:00
    assert await checkin(harness, MEMBER) == "👍"
    assert await checkin(harness, OTHER) == "👍"
    clock.now = datetime(2031, 3, 5, 11, 20, tzinfo=UTC)  # Wednesday, the meeting's check-in
    assert await checkin(harness, MEMBER) == "👍"
    clock.now = datetime(2031, 3, 5, 13, 0, tzinfo=UTC)  # after its close
    await fire(harness, "close:1")
    harness.read(harness.unread())
    clock.now = datetime(2031, 3, 6, 2, 0, tzinfo=UTC)  # Thursday
    _, polls = await polls_of(harness, "/quiz 1 2")
    await answer(harness, polls[0], [0], user=OTHER)
    await answer(harness, polls[1], [1], user=OTHER)
    clock.now = WEEK_END
    return branch


async def test_a_seeded_week_gives_every_line_of_the_summary(harness, clock):
    branch = await seeded_week(harness, clock)
    await fire(harness, "summaries")
    sent = harness.read(harness.unread())
    (group,) = [c for c in sent if c.method == "sendMessage" and c.chat_id == GROUP.id]
    assert group.text.split("\n") == [
        f"📊 “{GROUP.title}”每周小结（2031-03-03 至 2031-03-09）",
        "签到：3 人次（签到率 14%；较上周 +3）",
        "参与：2 人（党员名册 3 人），1 人本周没有任何参与（参与人数较上周 +2）",
        "会议到会情况：",
        "#1 03-05 19:30 党小组会 · 小组学习：出席 1，迟到 0，请假 0，缺席 2（参会率 33%）",
        "学习：完成答题 0 次（0 人），平均得分 —；群内答题作答 2 次，答对 1 次",
        "本周学习积分前五：",
        "1. 李四 — 5 分",
        "2. Zhang — 2 分",
        "三会一课落实情况：",
        "支部党员大会：本季度待开（最近 —）",
        "支部委员会：本月待开（最近 —）",
        "党小组会：本月已开（最近 2031-03-05）",
        "党课：本季度待开（最近 —）",
        "主题党日：本月待开（最近 —）",
        "组织生活会：本年待开（最近 —）",
        "民主评议党员：本年待开（最近 —）",
    ]
    (photo,) = [c for c in sent if c.method == "sendPhoto"]
    image = Image.open(io.BytesIO(photo.params["photo"].content))
    assert image.format == "PNG"
    assert image.size == (800, 450)
    (detail,) = [c for c in sent if c.chat_id == ADMIN.id]
    assert detail.text.split("\n") == [
        f"“{GROUP.title}”截至 2031-03-09 的一周明细（仅支部管理员可见）",
        "缺席人员：",
        "#1：Zhang、王五",
        "尚未完成已发布学习专题：",
        "#1 三会一课：Zhang、李四、王五",
    ]
    assert await summaries(harness) == [(branch.id, int(WEEK_END.timestamp()), "sent")]


async def test_each_summary_goes_out_once_however_often_the_tick_runs(harness, clock):
    await seeded_week(harness, clock)
    await fire(harness, "summaries")
    harness.read(harness.unread())
    clock.now = WEEK_END + timedelta(minutes=1)
    await fire(harness, "summaries")
    assert harness.unread() == []
    assert len(harness.api.of("sendPhoto")) == 1


async def test_a_week_missed_while_down_is_sent_at_start_within_the_catch_up(harness, api, clock):
    await seeded_week(harness, clock)
    await stop_app(harness.app)
    clock.now = WEEK_END + timedelta(hours=23)
    harness.app = await start_app(harness.config, api, clock)
    await api.wait_for("sendMessage", lambda c: c.chat_id == ADMIN.id and "明细" in c.text)
    harness.read(harness.unread())
    posted = [c for c in api.of("sendMessage") if c.text.startswith("📊")]
    assert len(posted) == 1


async def test_a_week_missed_beyond_the_catch_up_is_skipped_and_logged(
    harness, api, clock, caplog
):
    branch = await seeded_week(harness, clock)
    await stop_app(harness.app)
    clock.now = WEEK_END + timedelta(hours=25)
    with caplog.at_level(logging.WARNING):
        harness.app = await start_app(harness.config, api, clock)
    await fire(harness, "summaries")
    assert harness.unread() == []
    assert await summaries(harness) == [(branch.id, int(WEEK_END.timestamp()), "skipped")]
    assert "beyond the catch-up" in caplog.text


async def test_telegram_errors_retry_only_what_was_not_delivered(harness, api, clock):
    branch = await seeded_week(harness, clock)
    api.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    await fire(harness, "summaries")
    assert await summaries(harness) == [(branch.id, int(WEEK_END.timestamp()), "pending")]
    assert api.of("sendPhoto") == []
    harness.read(harness.unread())
    clock.now = WEEK_END + timedelta(minutes=1)  # the first retry waits a minute
    await fire(harness, "summaries")
    assert await summaries(harness) == [(branch.id, int(WEEK_END.timestamp()), "sent")]
    assert len(api.of("sendPhoto")) == 1
    harness.read(harness.unread())


async def test_a_removed_bot_marks_the_branch_inactive(harness, api, clock):
    branch = await seeded_week(harness, clock)
    api.fail_next("sendMessage", error_code=403, description="Forbidden: bot was kicked")
    await fire(harness, "summaries")
    harness.read(harness.unread())
    assert await summaries(harness) == [(branch.id, int(WEEK_END.timestamp()), "failed")]
    assert not (await harness.services.branches.get(branch.id)).active


def test_failures_are_sorted_by_whether_telegram_may_have_delivered():
    def caused(error, cause):
        error.__cause__ = cause
        return error

    request = httpx.Request("POST", "http://127.0.0.1/")
    assert outcome_of(RetryAfter(3)) is Outcome.RETRY
    assert outcome_of(NetworkError("Internal Server Error")) is Outcome.RETRY  # a 5xx
    assert outcome_of(caused(TimedOut(), httpx.PoolTimeout("pool"))) is Outcome.RETRY
    assert outcome_of(caused(TimedOut(), httpx.ConnectTimeout("c", request=request))) is (
        Outcome.RETRY
    )
    assert outcome_of(caused(NetworkError("x"), httpx.ConnectError("refused"))) is Outcome.RETRY
    assert outcome_of(caused(TimedOut(), httpx.ReadTimeout("r", request=request))) is (
        Outcome.UNCONFIRMED
    )
    assert outcome_of(caused(NetworkError("x"), httpx.RemoteProtocolError("cut"))) is (
        Outcome.UNCONFIRMED
    )
    assert outcome_of(Forbidden("kicked")) is Outcome.FORBIDDEN
    assert outcome_of(ChatMigrated(-1001)) is Outcome.MIGRATED
    assert outcome_of(BadRequest("chat not found")) is Outcome.REFUSED


def test_the_chart_draws_chinese_with_real_glyphs_and_warns_about_missing_ones():
    png = participation_chart("城东第一支部：每日参与人数", ["周一", "周二"], [3, 0])
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (800, 450))
    with pytest.warns(MissingGlyphWarning, match="😀"):
        participation_chart("支部😀", ["周一"], [1])


def posted_summaries(api):
    """Groups that received a summary (calls Telegram answered with success)."""
    return [
        c.chat_id
        for c in api.calls
        if c.method == "sendMessage" and c.text.startswith("📊") and c.result is not None
    ]


def details_sent(api):
    return len([c for c in api.calls if c.chat_id == ADMIN.id and "明细" in c.text])


async def test_fifty_branches_across_a_stop_and_injected_errors_get_one_summary_each(
    harness, api, clock
):
    groups = [factories.Group(-5000 - n, f"第{n}支部") for n in range(1, 51)]
    for group in groups:
        await harness.setup_branch(group)
    harness.read(harness.unread())
    throttled, failing, removed = groups[2].id, groups[3].id, groups[4].id
    api.fail_next(
        "sendMessage",
        error_code=429,
        description="Too Many Requests",
        retry_after=1,
        match=lambda p: p["chat_id"] == throttled,
    )
    api.fail_next(
        "sendMessage",
        error_code=500,
        description="Internal Server Error",
        match=lambda p: p["chat_id"] == failing,
    )
    api.fail_next(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot was kicked",
        match=lambda p: p["chat_id"] == removed,
    )
    hold = api.hold(
        "sendMessage", after=20, match=lambda p: p["chat_id"] < 0 and p["text"].startswith("📊")
    )
    clock.now = WEEK_END

    run = asyncio.create_task(fire(harness, "summaries"))
    await api.wait_until(lambda: hold.waiting > 0)
    await harness.app.stop()  # SIGTERM: no further summary is claimed
    hold.release.set()
    await run
    await harness.app.shutdown()
    await harness.app.post_shutdown(harness.app)
    before_restart = posted_summaries(api)
    assert len(before_restart) < 40

    harness.app = await start_app(harness.config, api, clock)  # the rest go out at start
    expected = {g.id for g in groups} - {removed, failing}
    await api.wait_until(
        lambda: set(posted_summaries(api)) >= expected and details_sent(api) == len(expected)
    )
    clock.now = WEEK_END + timedelta(minutes=1)  # the 500's retry is due
    await fire(harness, "summaries")
    await api.wait_until(lambda: details_sent(api) == len(expected) + 1)
    harness.read(harness.unread())

    posted = posted_summaries(api)
    assert sorted(posted) == sorted(g.id for g in groups if g.id != removed)  # each once
    rows = await harness.services.storage.db.fetch_all(
        "SELECT state, count(*) FROM summaries GROUP BY state ORDER BY state"
    )
    assert [tuple(r) for r in rows] == [("failed", 1), ("sent", 49)]
    branch = await harness.services.branches.for_chat(removed)
    assert branch is None or not branch.active

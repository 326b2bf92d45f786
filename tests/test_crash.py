"""Crash: the bot as a child process takes a burst of check-ins and is killed with SIGKILL in
the middle; after a restart every check-in it had confirmed is in the database, and the
reminder and the summary it had sent at start are not sent again."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import pytest

from storage import open_storage
from storage.models import to_epoch
from tests import factories
from tests.conftest import OPERATOR, TOKEN, sqlite_only
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
GROUP = factories.Group(-7001, "崩溃测试支部")
MEMBERS = [factories.Person(700000 + n, f"成员{n}") for n in range(600)]

pytestmark = sqlite_only("crash safety of the WAL file")


async def seed(path: Path, now: datetime) -> None:
    """A branch whose summary time passed an hour ago and a reminder owed ten minutes ago."""
    storage = await open_storage(path)
    local = now.astimezone(ZoneInfo("Asia/Shanghai")) - timedelta(hours=1)
    branch = await storage.branches.register(
        chat_id=GROUP.id,
        title=GROUP.title,
        timezone="Asia/Shanghai",
        language="zh",
        organisation_id=None,
        now=now - timedelta(days=30),
    )
    await storage.branches.update_settings(
        branch.id,
        {
            "summary_weekday": local.weekday(),
            "summary_time": f"{local:%H:%M}",
            "checkin_time": None,
        },
    )
    starts = now + timedelta(minutes=50)
    db = storage.db
    await db.execute(
        "INSERT INTO meetings VALUES (1, ?, 'group', '', '2031-01-01T19:30', 'Asia/Shanghai',"
        " NULL, 90, '60', ?, NULL, 'seed:1', 1, 0, '')",
        (branch.id, to_epoch(starts + timedelta(days=1))),
    )
    await db.execute(
        "INSERT INTO occurrences VALUES (1, 1, ?, ?, 0, 0, NULL, NULL)",
        (to_epoch(starts), to_epoch(starts + timedelta(minutes=90))),
    )
    await db.execute(
        "INSERT INTO scheduled_sends (key, kind, occurrence_id, due_at)"
        " VALUES ('remind:1:60', 'remind', 1, ?)",
        (to_epoch(starts - timedelta(minutes=60)),),
    )
    await storage.close()


async def child(config: Path, api: FakeTelegram, log: IO[bytes]) -> asyncio.subprocess.Process:
    env = {**os.environ, "BRANCHBOT_TOKEN": TOKEN, "BRANCHBOT_API_BASE_URL": api.base_url}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
    )


def answered(api: FakeTelegram) -> set[str]:
    return {
        c.params["callback_query_id"]
        for c in api.calls
        if c.method == "answerCallbackQuery" and c.result
    }


def sent(api: FakeTelegram, predicate) -> int:
    return len([c for c in api.calls if c.method == "sendMessage" and c.result and predicate(c)])


def is_reminder(call) -> bool:
    markup = call.params.get("reply_markup") or {}
    return any(
        b.get("callback_data", "").startswith("rsvp:")
        for row in markup.get("inline_keyboard", [])
        for b in row
    )


@pytest.mark.slow
async def test_sigkill_mid_burst_loses_no_confirmed_checkin_and_repeats_no_send(tmp_path):
    now = datetime.now(UTC)
    database = tmp_path / "bot.sqlite3"
    await seed(database, now)
    config = tmp_path / "branchbot.toml"
    config.write_text(
        f'[storage]\npath = "{database}"\n[bot]\noperators = [{OPERATOR.id}]\n', encoding="utf-8"
    )
    log = (tmp_path / "bot.log").open("ab")
    async with FakeTelegram(TOKEN) as api:
        process = await child(config, api, log)
        try:
            await api.wait_until(lambda: sent(api, is_reminder) == 1, within=60)
            await api.wait_until(
                lambda: sent(api, lambda c: c.text.startswith("📊")) == 1, within=60
            )
            presses = {}
            for person in MEMBERS:
                update = factories.callback("ci", chat=GROUP, user=person)
                presses[update["callback_query"]["id"]] = person.id
                await api.push_update(update)
            await api.wait_until(lambda: len(answered(api)) >= 150, within=60)
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        confirmed = {presses[i] for i in answered(api) if i in presses}
        assert 0 < len(confirmed) < len(MEMBERS)  # killed in the middle of the burst

        process = await child(config, api, log)
        try:
            await api.wait_until(lambda: set(presses) <= answered(api), within=120)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=30)
        assert sent(api, is_reminder) == 1
        assert sent(api, lambda c: c.text.startswith("📊")) == 1
    log.close()

    storage = await open_storage(database)
    rows = await storage.db.fetch_all("SELECT user_id FROM daily_checkins")
    await storage.close()
    stored = {row[0] for row in rows}
    assert confirmed <= stored, "a confirmed check-in was lost"
    assert stored == {person.id for person in MEMBERS}

"""What the benchmarks share: the fake Bot API on 127.0.0.1, a started bot, update feeding."""

from __future__ import annotations

import asyncio
import os
import platform
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bench.fake_server import RemoteFake
from bot.app import build_application
from bot.config import BotConfig, Config, StorageConfig, TelegramConfig
from tests import factories
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456789:AAHbenchmarkbenchmarkbenchmark0000000"  # noqa: S105 - the fake API's
OPERATOR = 900001


def config_for(folder: Path) -> Config:
    """A configuration with its database in ``folder``."""
    return Config(
        telegram=TelegramConfig(token=TOKEN),
        storage=StorageConfig(path=folder / "bench.sqlite3", backup_dir=folder / "backups"),
        bot=BotConfig(operators=frozenset({OPERATOR})),
    )


async def start(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Start an application as ``run_polling`` would, minus the polling."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()


async def stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop it and release what it holds."""
    await app.stop()
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


async def branchbot(
    config: Config, api: FakeTelegram | RemoteFake
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The real bot, started against the fake API."""
    app = build_application(config, base_url=api.base_url)
    await start(app)
    return app


async def register(app: Application[Any, Any, Any, Any, Any, Any], groups: Iterable[int]) -> None:
    """Register groups as branches through the storage (the benchmarks measure other paths)."""
    storage = app.bot_data["services"].storage
    now = datetime.now(UTC)
    for chat_id in groups:
        await storage.branches.register(
            chat_id=chat_id,
            title=f"支部{-chat_id}",
            timezone="Asia/Shanghai",
            language="zh",
            organisation_id=None,
            now=now,
        )


def presses(groups: list[int], per_group: int, first_user: int = 300000) -> list[dict[str, Any]]:
    """Daily check-in button presses: ``per_group`` different members in each group."""
    updates = []
    for index, chat_id in enumerate(groups):
        group = factories.Group(chat_id, f"支部{-chat_id}")
        for member in range(per_group):
            person = factories.Person(first_user + index * per_group + member, f"成员{member}")
            updates.append(factories.callback("ci", chat=group, user=person))
    return updates


@dataclass(frozen=True)
class Fed:
    """What feeding a batch of updates cost: wall time, and CPU time of each process."""

    wall: float
    cpu: float  # the benchmark's process (the application under test), every thread
    fake_cpu: float  # the fake Bot API's process


async def feed(
    app: Application[Any, Any, Any, Any, Any, Any],
    fake: RemoteFake,
    updates: list[dict[str, Any]],
) -> Fed:
    """Put updates on the application's queue and wait until every press was answered."""
    answered = await fake.count("answerCallbackQuery")
    parsed = [Update.de_json(u, app.bot) for u in updates]
    fake_cpu, cpu, started = fake.cpu_seconds(), time.process_time(), time.perf_counter()
    for update in parsed:
        await app.update_queue.put(update)
    await fake.wait_count("answerCallbackQuery", answered + len(parsed))
    return Fed(
        time.perf_counter() - started,
        time.process_time() - cpu,
        fake.cpu_seconds() - fake_cpu,
    )


def seeded_at(database: Path) -> datetime:
    """The moment ``bench.seed_data`` built the database (its history ends there)."""
    conn = sqlite3.connect(database)
    try:
        (seeded,) = conn.execute("SELECT seeded_at FROM bench_seed").fetchone()
    finally:
        conn.close()
    return datetime.fromtimestamp(seeded, UTC)


def machine() -> str:
    """The machine line every benchmark prints."""
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    pinned = f", pinned to CPUs {sorted(cores)}" if cores else ""
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs{pinned}, Python {platform.python_version()},"
        f" {datetime.now(UTC):%Y-%m-%d}"
    )


def table(rows: list[tuple[str, str]]) -> str:
    """Two aligned columns."""
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


def run(main: Any) -> None:
    """Run a benchmark's coroutine."""
    asyncio.run(main())

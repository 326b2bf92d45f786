"""What the benchmarks share: the fake Bot API on 127.0.0.1, a started bot, update feeding."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from telegram import Update
from telegram.ext import Application

from bench.fake_server import RemoteFake, cpu_seconds
from bot.app import build_application
from bot.config import BotConfig, Config, StorageConfig, TelegramConfig
from storage import Storage
from tests import factories
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456789:AAHbenchmarkbenchmarkbenchmark0000000"  # noqa: S105 - the fake API's
OPERATOR = 900001


def config_for(folder: Path, url: str = "") -> Config:
    """A configuration with its database in ``folder``, or at ``url`` (PostgreSQL)."""
    return Config(
        telegram=TelegramConfig(token=TOKEN),
        storage=StorageConfig(
            path=folder / "bench.sqlite3", backup_dir=folder / "backups", url=url
        ),
        bot=BotConfig(operators=frozenset({OPERATOR})),
    )


def database_url(position: int) -> str:
    """The PostgreSQL server's URL: argument ``position`` if given, else the environment's."""
    given = sys.argv[position] if len(sys.argv) > position else ""
    return given or os.environ.get("BRANCHBOT_DATABASE_URL", "")


@contextlib.asynccontextmanager
async def scratch_database(server: str) -> AsyncIterator[str]:
    """A new, empty database on the server at ``server`` (a URL), dropped afterwards."""
    name = f"branchbot_bench_{os.getpid()}_{time.monotonic_ns()}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlsplit(server)._replace(path=f"/{name}").geturl()
        finally:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


class ServerCpu:
    """CPU time used by a local PostgreSQL server's processes (backends and helpers).

    The server works in processes of its own, which ``time.process_time`` does not see: each
    process ``pg_stat_activity`` lists is read from ``/proc``. None when the server is not on
    this machine (or its processes cannot be read). Give the benchmark a server of its own:
    other clients' backends would count too.
    """

    def __init__(self, url: str) -> None:
        self._url = url

    async def snapshot(self) -> dict[int, float] | None:
        """CPU seconds of each of the server's processes now."""
        conn = await asyncpg.connect(self._url)
        try:
            pids = [row[0] for row in await conn.fetch("SELECT pid FROM pg_stat_activity")]
        finally:
            await conn.close()
        found = {}
        for pid in pids:
            with contextlib.suppress(OSError):
                found[pid] = cpu_seconds(pid)
        return found or None

    @staticmethod
    def since(before: dict[int, float] | None, after: dict[int, float] | None) -> float | None:
        """CPU the server used between two snapshots (a process new since counts whole)."""
        if before is None or after is None:
            return None
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


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
    await register_branches(app.bot_data["services"].storage, groups)


async def register_branches(storage: Storage, groups: Iterable[int]) -> None:
    """Register groups as branches in ``storage``."""
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
    server_cpu: float | None = None  # a PostgreSQL server's processes, when it is measured


async def feed(
    app: Application[Any, Any, Any, Any, Any, Any],
    fake: RemoteFake,
    updates: list[dict[str, Any]],
    server: ServerCpu | None = None,
) -> Fed:
    """Put updates on the application's queue and wait until every press was answered."""
    answered = await fake.count("answerCallbackQuery")
    parsed = [Update.de_json(u, app.bot) for u in updates]
    before = await server.snapshot() if server else None
    fake_cpu, cpu, started = fake.cpu_seconds(), time.process_time(), time.perf_counter()
    for update in parsed:
        await app.update_queue.put(update)
    await fake.wait_count("answerCallbackQuery", answered + len(parsed))
    fed = Fed(
        time.perf_counter() - started,
        time.process_time() - cpu,
        fake.cpu_seconds() - fake_cpu,
    )
    if server is None:
        return fed
    return replace(fed, server_cpu=ServerCpu.since(before, await server.snapshot()))


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

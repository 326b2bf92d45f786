"""Fixtures: a loopback-only network, a clock the tests move, the fake Bot API, a fresh
database per test (SQLite, or PostgreSQL when ``BRANCHBOT_TEST_DATABASE_URL`` names a server)
and a harness that drives the real Application built by ``build_application``."""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import os
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest
from telegram import Update

from bot.app import build_application
from bot.config import BotConfig, Config, StorageConfig, TelegramConfig
from handlers.jobs.menus import MENUS_SET
from storage import open_storage
from tests import factories
from tests.fakes.telegram_api import VISIBLE, Call, FakeTelegram

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
OPERATOR = factories.Person(900001, "运维", username="ops", language_code="en")
ADMIN = factories.Person(100001, "王书记", username="wang", language_code="zh")
MEMBER = factories.Person(100002, "李四", username="lisi", language_code="zh")
OTHER = factories.Person(100003, "Zhang", username="zhang", language_code="en")
GROUP = factories.Group(-4001, "城东第一支部")

# -- the network: loopback only ------------------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
blocked: list[str] = []


def _name(host: object) -> str:
    return host.decode() if isinstance(host, bytes) else str(host)


def _loopback(host: object) -> bool:
    host = _name(host) if host is not None else None
    if host in ("localhost", None, ""):
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def _guard(address: Any) -> None:
    if isinstance(address, tuple) and not _loopback(address[0]):
        blocked.append(_name(address[0]))
        raise ConnectionRefusedError(f"tests may only reach loopback, not {address[0]}")


def _connect(self: socket.socket, address: Any) -> None:
    _guard(address)
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _guard(address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _loopback(host):
        blocked.append(_name(host))
        raise socket.gaierror(f"tests may only resolve loopback names, not {host}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def loopback_only() -> Iterator[None]:
    """Refuse any connection or name lookup beyond 127.0.0.0/8 and ::1 for the whole run."""
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo  # type: ignore[assignment]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture(autouse=True)
def no_escape() -> Iterator[None]:
    """Fail the test that tried to leave the machine."""
    start = len(blocked)
    yield
    assert blocked[start:] == [], f"attempted non-loopback access: {blocked[start:]}"


# -- the database: SQLite by default, PostgreSQL when the run names a server ----------------

# The server's URL (any database on it: tests create and drop their own).
SERVER_URL = os.environ.get("BRANCHBOT_TEST_DATABASE_URL", "")
ON_POSTGRESQL = bool(SERVER_URL)


def sqlite_only(reason: str) -> pytest.MarkDecorator:
    """Skip a test of something only SQLite has (a file, a pragma) on a PostgreSQL run."""
    return pytest.mark.skipif(ON_POSTGRESQL, reason=f"SQLite only: {reason}")


def postgresql_only(reason: str) -> pytest.MarkDecorator:
    """Skip a test of something only PostgreSQL has (several instances) on a SQLite run."""
    return pytest.mark.skipif(not ON_POSTGRESQL, reason=f"PostgreSQL only: {reason}")


def _database(name: str) -> str:
    return urlsplit(SERVER_URL)._replace(path=f"/{name}").geturl()


_TEMPLATE = f"branchbot_template_{os.getpid()}"
_numbers = itertools.count()
_template_ready = False


async def _create_database(admin: asyncpg.Connection) -> str:
    """A fresh database at the current schema: a copy of one migrated template (fast)."""
    global _template_ready
    if not _template_ready:
        await admin.execute(f"DROP DATABASE IF EXISTS {_TEMPLATE}")
        await admin.execute(f"CREATE DATABASE {_TEMPLATE}")
        await (await open_storage(_database(_TEMPLATE))).close()
        _template_ready = True
    name = f"branchbot_test_{os.getpid()}_{next(_numbers)}"
    await admin.execute(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE}")
    return name


@pytest.fixture(autouse=True, scope="session")
def drop_template() -> Iterator[None]:
    """Drop the PostgreSQL template database at the end of the run."""
    yield
    if _template_ready:

        async def drop() -> None:
            admin = await asyncpg.connect(SERVER_URL)
            try:
                await admin.execute(f"DROP DATABASE IF EXISTS {_TEMPLATE}")
            finally:
                await admin.close()

        asyncio.run(drop())


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL database for the test on a PostgreSQL run; else ''."""
    if not ON_POSTGRESQL:
        yield ""
        return
    admin = await asyncpg.connect(SERVER_URL)
    try:
        name = await _create_database(admin)
    finally:
        await admin.close()
    yield _database(name)
    admin = await asyncpg.connect(SERVER_URL)
    try:
        await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        await admin.close()


async def table_names(db: Any) -> list[str]:
    """The database's tables (not the migrations' own), sorted, on either engine."""
    if db.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    else:
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_name != 'schema_version' ORDER BY table_name"
        )
    return [row[0] for row in await db.fetch_all(sql)]


# -- clock and config -----------------------------------------------------------------------


@dataclass
class FakeClock:
    """A clock that only moves when a test moves it."""

    # In the real future: jobs the bot schedules wait for the test to fire them, while the
    # catch-up jobs it runs at once (when=0) still run by themselves.
    now: datetime = field(default_factory=lambda: datetime(2031, 3, 2, 1, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_config(tmp_path: Path, url: str = "", **bot: Any) -> Config:
    """The test's configuration: its database is ``url`` if given, else a SQLite file."""
    return Config(
        telegram=TelegramConfig(token=TOKEN),
        storage=StorageConfig(
            path=tmp_path / "branchbot.sqlite3", backup_dir=tmp_path / "bk", url=url
        ),
        bot=replace(BotConfig(operators=frozenset({OPERATOR.id})), **bot),
    )


# -- the fake Bot API and the harness -------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as fake:
        fake.admins[GROUP.id] = [ADMIN.id]
        yield fake
    assert fake.problems == [], f"requests the Bot API would reject: {fake.problems}"


class Harness:
    """Feeds updates to the real Application and reads what it sent, like a chat client."""

    def __init__(self, app: Any, api: FakeTelegram, clock: FakeClock, config: Config) -> None:
        self.app = app
        self.api = api
        self.clock = clock
        self.config = config

    @property
    def services(self) -> Any:
        return self.app.bot_data["services"]

    async def feed(self, update: dict[str, Any]) -> list[Call]:
        """Process one update to the end and return the visible calls it caused."""
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return [c for c in self.api.calls[before:] if c.method in VISIBLE]

    async def say(self, text: str, *, chat: Any, user: Any, **kwargs: Any) -> list[Call]:
        """Send a message and return (marking read) what the bot sent in reply."""
        return self.read(await self.feed(factories.message(text, chat=chat, user=user, **kwargs)))

    async def reply(self, text: str, *, chat: Any, user: Any, **kwargs: Any) -> str:
        """Send a message and return the text of the one message the bot answered with."""
        calls = await self.say(text, chat=chat, user=user, **kwargs)
        assert [c.method for c in calls] == ["sendMessage"], calls
        return calls[0].text

    async def press(self, data: str, *, chat: Any, user: Any, message_id: int = 1) -> list[Call]:
        """Press an inline button and return (marking read) what the bot did."""
        update = factories.callback(data, chat=chat, user=user, message_id=message_id)
        return self.read(await self.feed(update))

    @staticmethod
    def read(calls: list[Call]) -> list[Call]:
        for call in calls:
            call.read = True
        return calls

    def unread(self) -> list[Call]:
        return [c for c in self.api.calls if c.method in VISIBLE and not c.read]

    async def setup_branch(self, chat: Any = GROUP, by: Any = ADMIN) -> Any:
        """Register ``chat`` as a branch through /setup by an operator-approved admin."""
        self.api.bot_status[chat.id] = "administrator"
        self.api.admins.setdefault(chat.id, []).append(by.id)
        await self.say("/setup", chat=chat, user=OPERATOR)
        return await self.services.branches.for_chat(chat.id)


async def start_app(config: Config, api: FakeTelegram, clock: FakeClock) -> Any:
    """Build and start the Application as ``run_polling`` would, minus the polling."""
    app = build_application(config, clock=clock, base_url=api.base_url)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    # The menus are set by a job right after start: wait for it, as a test reads them.
    await asyncio.wait_for(app.bot_data[MENUS_SET].wait(), timeout=20)
    return app


async def stop_app(app: Any) -> None:
    await app.stop()
    await app.shutdown()
    await app.post_shutdown(app)


@pytest.fixture
async def harness(
    tmp_path: Path, api: FakeTelegram, clock: FakeClock, database_url: str
) -> AsyncIterator[Harness]:
    config = make_config(tmp_path, database_url)
    app = await start_app(config, api, clock)
    bench = Harness(app, api, clock, config)
    try:
        yield bench
    finally:
        await stop_app(bench.app)  # a test may have restarted it
    assert bench.unread() == [], f"replies the test did not read: {bench.unread()}"

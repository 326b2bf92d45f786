"""Three webhook instances on one PostgreSQL behind a round-robin forwarder, as behind a load
balancer, with the scheduler leader killed (SIGKILL) in the middle of the run.

Outcomes only, as a user and the database see them: every check-in confirmed to a member is
stored once, every scheduled send that fell due was delivered once (and none early), and another
instance leads within 10 s of the kill.

The processes run on the system clock, and meetings start on whole minutes of the branch's
timezone, with durations and reminders of whole minutes: the first meetings start (and the
others are reminded) on a whole minute, and close a minute later. So that the run need not wait
up to a minute for the next whole minute of UTC, the branches live in a zone made for the run
whose offset from UTC has seconds (as zones' old local mean times have): its whole minutes fall
``READY`` after the test starts. The run takes about ``READY`` and a minute (some 90 s).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import signal
import struct
import sys
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from aiohttp import web

from bot.web import SECRET_HEADER
from tests import factories
from tests.conftest import OPERATOR, TOKEN, postgresql_only
from tests.fakes.telegram_api import FakeTelegram
from tests.test_cli import ROOT
from tests.test_webhook import free_port

pytestmark = [pytest.mark.slow, postgresql_only("several instances share one database")]

SECRET = "instances-secret_token"
PUBLIC_URL = "https://bot.example.org/b"
HOOK_PATH = "/b/telegram"
LEADS = "scheduler leader: jobs started"
GROUPS = [factories.Group(-5100 - g, f"branch {g}") for g in range(10)]
MEMBERS_PER_GROUP = 50  # each presses both meetings' check-in buttons: 1,000 check-ins
# The first whole minute at least this far ahead of the meetings' scheduling is when the first
# meetings start and the others' reminders are due: time for every /meeting_add to be handled
# and for half the check-ins before the reminders.
LEAD = timedelta(seconds=10)
# The branches' whole minutes fall this long after the test starts: the start-up (about 3 s on
# two cores), the branches' set-up and ``LEAD``, with room; a slower start waits a minute more.
READY = timedelta(seconds=25)
ZONE = "Test/Skewed"
# Telegram keeps several connections open to a webhook: updates arrive concurrently.
CONNECTIONS = 16
NEW_LEADER_WITHIN = 10.0
# A send is "in flight" from its claim to its confirmation: the kill waits until none is due
# within this margin (see ``kill_the_leader``).
QUIET = 3.0
POST = re.compile(r"^(Reminder|Check-in is open|Check-in closed): #(\d+) ")
KINDS = {"Reminder": "remind", "Check-in is open": "open", "Check-in closed": "close"}


@dataclass
class Instance:
    """One ``python -m bot run`` process and its log, read as it streams."""

    port: int
    process: asyncio.subprocess.Process
    lines: list[tuple[float, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{HOOK_PATH}"

    def led_since(self, since: float) -> float | None:
        """When (monotonic) it logged that it leads, at or after ``since``."""
        return next((at for at, line in self.lines if at >= since and LEADS in line), None)

    def log(self) -> str:
        return "".join(line for _, line in self.lines)


class Logs:
    """Every instance's log lines, with a condition to wait on."""

    def __init__(self) -> None:
        self.changed = asyncio.Condition()

    async def follow(self, instance: Instance) -> None:
        assert instance.process.stdout is not None
        while line := await instance.process.stdout.readline():
            async with self.changed:
                instance.lines.append((time.monotonic(), line.decode(errors="replace")))
                self.changed.notify_all()

    async def wait(self, condition, within: float) -> None:
        async with asyncio.timeout(within), self.changed:
            await self.changed.wait_for(condition)


class Forwarder:
    """A round-robin load balancer: each update goes to the next instance, skipping a dead one.

    It answers 200 only once an instance took the update, as Telegram retries otherwise.
    """

    def __init__(self, instances: list[Instance]) -> None:
        self._instances = instances
        self._turn = itertools.count()
        self.taken: Counter[int] = Counter()  # updates taken, by instance port
        self._http: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = free_port()

    async def __aenter__(self) -> Forwarder:
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post(HOOK_PATH, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        assert self._http is not None
        await self._runner.cleanup()
        await self._http.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {
            "Content-Type": "application/json",
            SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
        }
        first = next(self._turn)
        for step in range(len(self._instances)):
            instance = self._instances[(first + step) % len(self._instances)]
            try:
                async with self._http.post(instance.url, data=body, headers=headers) as answer:
                    if answer.status == 200:
                        self.taken[instance.port] += 1
                        return web.Response()
            except aiohttp.ClientError:
                continue  # a dead instance: the next one
        return web.Response(status=502)


class Telegram:
    """Telegram's side of the webhook: posts updates to the forwarder, several at a time."""

    def __init__(self, port: int) -> None:
        self._url = f"http://127.0.0.1:{port}{HOOK_PATH}"
        self._slots = asyncio.Semaphore(CONNECTIONS)
        self._http = aiohttp.ClientSession()

    async def close(self) -> None:
        await self._http.close()

    async def deliver(self, update: dict) -> None:
        async with (
            self._slots,
            self._http.post(self._url, json=update, headers={SECRET_HEADER: SECRET}) as answer,
        ):
            assert answer.status == 200

    async def deliver_all(self, updates: list[dict]) -> None:
        await asyncio.gather(*(self.deliver(update) for update in updates))


def skewed_zone(folder: Path) -> timezone:
    """A zone file under ``folder`` whose whole minutes fall ``READY`` from now; its offset.

    A TZif file (RFC 8536) with one local time type and no transitions; its footer gives the
    offset as a POSIX TZ string, whose sign is the inverse of the offset's.
    """
    whole_minute_at = datetime.now(UTC) + READY
    seconds = -whole_minute_at.second % 60  # whole_minute_at, rounded down, + seconds: :00
    name = b"SKW\0"
    header = b"TZif2" + bytes(15) + struct.pack(">6l", 0, 0, 0, 0, 1, len(name))
    block = header + struct.pack(">lBB", seconds, 0, 0) + name
    path = folder / ZONE
    path.parent.mkdir(parents=True)
    path.write_bytes(block + block + f"\n<SKW>-0:00:{seconds:02}\n".encode())
    return timezone(timedelta(seconds=seconds))


def config_text(port: int, *, set_webhook: bool) -> str:
    return (
        f'[telegram]\nmode = "webhook"\nsecret_token = "{SECRET}"\n'
        f"set_webhook = {'true' if set_webhook else 'false'}\n"
        f'[bot]\ntimezone = "{ZONE}"\nlanguage = "en"\noperators = [{OPERATOR.id}]\n'
        f'[web]\npublic_url = "{PUBLIC_URL}"\nport = {port}\n'
    )


async def start_instance(tmp_path, number: int, api: FakeTelegram, database_url: str) -> Instance:
    port = free_port()
    config = tmp_path / f"instance{number}.toml"
    config.write_text(config_text(port, set_webhook=number == 0), encoding="utf-8")
    env = {
        **os.environ,
        "BRANCHBOT_TOKEN": TOKEN,
        "BRANCHBOT_API_BASE_URL": api.base_url,
        "BRANCHBOT_DATABASE_URL": database_url,
        "PYTHONTZPATH": os.pathsep.join([str(tmp_path / "zones"), *zoneinfo.TZPATH]),
    }
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "run", "--config", str(config), "--log-level", "INFO"),
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    return Instance(port, process)


def scheduled_posts(api: FakeTelegram) -> list[tuple[str, int, int]]:
    """The scheduled posts the groups received: (kind, occurrence, chat) each time."""
    found = []
    for call in api.of("sendMessage"):
        match = POST.match(call.text)
        if match and call.chat_id < 0:
            found.append((KINDS[match.group(1)], int(match.group(2)), call.chat_id))
    return found


def posts(api: FakeTelegram) -> Counter[tuple[str, int]]:
    """How many times each scheduled post, (kind, occurrence), was received."""
    return Counter((kind, occurrence) for kind, occurrence, _ in scheduled_posts(api))


def count(api: FakeTelegram, kind: str) -> int:
    """How many posts of a kind the groups received."""
    return sum(k == kind for k, _, _ in scheduled_posts(api))


def first_minute_after(instant: datetime) -> datetime:
    """The first whole minute at or after ``instant``."""
    whole = instant.replace(second=0, microsecond=0)
    return whole if whole == instant else whole + timedelta(minutes=1)


def meeting_add(group: factories.Group, title: str, starts: datetime, options: str) -> dict:
    when = f"{starts:%Y-%m-%d %H:%M}"
    return factories.command(
        f"/meeting_add other {when} {title} {options}", chat=group, user=OPERATOR
    )


async def test_three_instances_keep_check_ins_and_sends_single_across_a_killed_leader(
    tmp_path, database_url
):
    zone = skewed_zone(tmp_path / "zones")
    logs = Logs()
    async with FakeTelegram(TOKEN) as api:
        instances = [await start_instance(tmp_path, n, api, database_url) for n in range(3)]
        readers = [asyncio.create_task(logs.follow(i)) for i in instances]
        telegram = None
        try:
            async with Forwarder(instances) as forwarder:
                telegram = Telegram(forwarder.port)
                await logs.wait(
                    lambda: (
                        all("serving on" in i.log() for i in instances)
                        and any(i.led_since(0) for i in instances)
                    ),
                    within=60,
                )
                await api.wait_for("setWebhook", within=10)
                presses, checked_at = await run(api, telegram, forwarder, instances, logs, zone)
        finally:
            if telegram is not None:
                await telegram.close()
            for instance in instances:
                if instance.process.returncode is None:
                    instance.process.send_signal(signal.SIGTERM)
            codes = [await asyncio.wait_for(i.process.wait(), 30) for i in instances]
            await asyncio.gather(*readers)
        assert api.problems == []
        await assert_outcomes(api, presses, database_url, checked_at)
    # The killed leader ends by SIGKILL; the others stop cleanly on SIGTERM.
    assert sorted(codes) == [-signal.SIGKILL, 0, 0], [i.log()[-3000:] for i in instances]


async def run(
    api: FakeTelegram,
    telegram: Telegram,
    forwarder: Forwarder,
    instances: list[Instance],
    logs: Logs,
    zone: timezone,
) -> tuple[dict[str, tuple[int, int]], datetime]:
    """The run through the forwarder: the presses made, and when the last sends were due."""
    # Branches, registered by an operator through the instances.
    await telegram.deliver_all(
        [factories.command("/setup", chat=group, user=OPERATOR) for group in GROUPS]
    )
    await api.wait_until(
        lambda: {c.chat_id for c in api.of("sendMessage")} >= {g.id for g in GROUPS}, within=30
    )
    # Two meetings a branch. A starts on the first whole minute ``LEAD`` ahead and lasts a
    # minute: its check-in post goes out at once (its window opens 15 min before the start)
    # and its close falls due a minute after the start. B starts a minute after A and is
    # reminded a minute ahead: its reminder falls due when A starts; its close, a minute after
    # A's, falls after the run and must not be sent during it.
    starts = first_minute_after(datetime.now(zone) + LEAD)
    await telegram.deliver_all(
        [meeting_add(group, f"A{n:02}", starts, "duration=1m") for n, group in enumerate(GROUPS)]
        + [
            meeting_add(group, f"B{n:02}", starts + timedelta(minutes=1), "remind=1m duration=1m")
            for n, group in enumerate(GROUPS)
        ]
    )
    await api.wait_until(lambda: count(api, "open") == 2 * len(GROUPS), within=30)
    group_of = {g.id: g for g in GROUPS}
    opened = {o: group_of[chat] for kind, o, chat in scheduled_posts(api) if kind == "open"}

    # 1,000 check-ins: every member of a branch presses both check-in posts' buttons.
    presses: dict[str, tuple[int, int]] = {}  # callback query id → (occurrence, user)
    updates = []
    for occurrence, group in opened.items():
        for m in range(MEMBERS_PER_GROUP):
            user = factories.Person(-group.id * 100 + m, f"member{m}", language_code="en")
            update = factories.callback(f"mc:{occurrence}", chat=group, user=user)
            presses[update["callback_query"]["id"]] = (occurrence, user.id)
            updates.append(update)
    updates.sort(key=lambda u: u["update_id"] % 7)  # branches interleaved
    half = len(updates) // 2

    def answered(batch: list[dict]) -> bool:
        ids = {u["callback_query"]["id"] for u in batch}
        return sum(
            c.params.get("callback_query_id") in ids for c in api.of("answerCallbackQuery")
        ) == len(ids)

    await telegram.deliver_all(updates[:half])
    await api.wait_until(lambda: answered(updates[:half]), within=60)

    killed, took_over = await kill_the_leader(api, instances, logs, starts)
    assert took_over <= NEW_LEADER_WITHIN

    # The rest, on the two left, and a redelivery of some already taken in (Telegram retries an
    # update whose answer it missed): wherever it lands, a redelivered update is dropped.
    await telegram.deliver_all(updates[half:] + updates[:40])
    await api.wait_until(lambda: answered(updates), within=60)

    # The closes of A fall due a minute after its start.
    closes_due = starts + timedelta(minutes=1)
    wait = (closes_due - datetime.now(UTC)).total_seconds() + 30
    await api.wait_until(lambda: count(api, "close") >= len(GROUPS), within=wait)
    checked_at = datetime.now(UTC)
    assert all(forwarder.taken[i.port] > 0 for i in instances), forwarder.taken
    assert sum(forwarder.taken.values()) == len(GROUPS) * 3 + len(updates) + 40
    assert all(i.process.returncode is None for i in instances if i is not killed)
    return presses, checked_at


async def kill_the_leader(
    api: FakeTelegram, instances: list[Instance], logs: Logs, starts: datetime
) -> tuple[Instance, float]:
    """SIGKILL the leader while no scheduled send is in flight; seconds until another leads.

    A send the leader had claimed when killed would stay claimed for its lease and then be
    left unconfirmed, never resent (it may have arrived): the kill waits until every send due
    so far has been delivered and none falls due within ``QUIET`` seconds, so nothing is lost.
    The sends still due (the reminders, or else the closes) are the next leader's.
    """
    if (starts - datetime.now(UTC)).total_seconds() < QUIET:
        await api.wait_until(
            lambda: count(api, "remind") == len(GROUPS),
            within=(starts - datetime.now(UTC)).total_seconds() + 30,
        )
    leader = next(i for i in instances if i.led_since(0) is not None)
    killed_at = time.monotonic()
    leader.process.kill()
    others = [i for i in instances if i is not leader]
    await logs.wait(lambda: any(i.led_since(killed_at) for i in others), within=30)
    took_over = min(at for i in others if (at := i.led_since(killed_at)) is not None)
    return leader, took_over - killed_at


async def assert_outcomes(
    api: FakeTelegram,
    presses: dict[str, tuple[int, int]],
    database_url: str,
    checked_at: datetime,
) -> None:
    # Every press was answered once, as recorded.
    answers = [
        c for c in api.of("answerCallbackQuery") if c.params.get("callback_query_id") in presses
    ]
    assert Counter(c.params["callback_query_id"] for c in answers) == Counter(presses.keys())
    assert {c.text for c in answers} == {"Checked in."}
    confirmed = Counter(presses[c.params["callback_query_id"]] for c in answers)
    connection = await asyncpg.connect(database_url)
    try:
        stored = Counter(
            (row["occurrence_id"], row["user_id"])
            for row in await connection.fetch(
                "SELECT occurrence_id, user_id FROM meeting_checkins"
            )
        )
        days = await connection.fetch("SELECT branch_id, user_id, local_date FROM daily_checkins")
        sends = await connection.fetch("SELECT kind, occurrence_id, due_at FROM scheduled_sends")
    finally:
        await connection.close()
    assert len(confirmed) == 1000
    assert stored == confirmed
    # A meeting check-in is also the day's, once a day (both presses fall on one day, unless
    # the run crosses midnight UTC).
    assert {row["user_id"] for row in days} == {user for _, user in confirmed}
    assert len(days) == len({tuple(row) for row in days})
    # Every send due by now was delivered once; none due later was; nothing else was posted.
    due = {
        (row["kind"], row["occurrence_id"])
        for row in sends
        if row["due_at"] <= checked_at.timestamp()
    }
    later = {(row["kind"], row["occurrence_id"]) for row in sends} - due
    delivered = posts(api)
    assert Counter(kind for kind, _ in due) == {
        "open": 2 * len(GROUPS),
        "remind": len(GROUPS),
        "close": len(GROUPS),
    }
    assert Counter(kind for kind, _ in later) == {"close": len(GROUPS)}
    assert delivered == Counter(due)

"""Burst through N webhook instances: the burst's presses spread over bots on one PostgreSQL.

For each N, a fresh database on the PostgreSQL server is given the burst's groups, N
``python -m bot run`` processes serve it in webhook mode (``set_webhook = false``), the fake
Bot API runs in a process of its own, and this process, the load generator, posts the presses
to the instances round-robin as Telegram would (the secret header, one update a request,
``CONCURRENCY`` requests in flight). The figure is updates per second from the first post
until the last press is answered and the database holds every check-in, and its ratio to
N = 1. Nothing is pinned: what each part used is read from ``/proc`` (the instances, the
server's processes as ``pg_stat_activity`` lists them, the fake, the load generator), in
cores, so what limits the figure on a given machine is printed beside it.

The server's URL comes from ``BRANCHBOT_DATABASE_URL`` (a role allowed to create
databases). Without a server of your own, ``bench/with_postgres.sh`` starts a throwaway one:

    BRANCHBOT_DATABASE_URL=postgresql://… python -m bench.instances [N …] [--groups G]
    bash bench/with_postgres.sh python -m bench.instances 1 2 3 4 6 8
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bench.common import (
    TOKEN,
    ServerCpu,
    machine,
    presses,
    register_branches,
    run,
    scratch_database,
    table,
)
from bench.fake_server import RemoteFake, cpu_seconds
from bot.web import SECRET_HEADER, WEBHOOK_PATH
from storage import open_storage

SECRET = "bench-webhook-secret"  # noqa: S105 - the instances' own, on 127.0.0.1
PUBLIC_URL = "https://bot.example.org/bench"
CONCURRENCY = 64  # requests in flight from the load generator, over all instances


@dataclass(frozen=True)
class Burst:
    """One run: its wall time, check-ins stored, and the CPU seconds each part used."""

    instances: int
    seconds: float
    stored: int
    cpu: dict[str, float]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _listening(port: int, child: asyncio.subprocess.Process, log: Path) -> None:
    """Return once the instance accepts connections on ``port``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.returncode is not None:
            break
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    tail = await asyncio.to_thread(log.read_text, encoding="utf-8", errors="replace")
    raise SystemExit(f"an instance never listened; its log ends:\n{tail[-3000:]}")


async def _instance(
    folder: Path, index: int, url: str, api: RemoteFake
) -> tuple[asyncio.subprocess.Process, str]:
    """Start one ``python -m bot run`` in webhook mode; the process and its webhook URL."""
    port = _free_port()
    config = folder / f"instance{index}.toml"
    config.write_text(
        f'[telegram]\nmode = "webhook"\nsecret_token = "{SECRET}"\nset_webhook = false\n'
        f'[web]\npublic_url = "{PUBLIC_URL}"\nlisten = "127.0.0.1"\nport = {port}\n'
        f'[storage]\npath = "{folder / "unused.sqlite3"}"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "BRANCHBOT_TOKEN": TOKEN,
        "BRANCHBOT_API_BASE_URL": api.base_url,
        "BRANCHBOT_DATABASE_URL": url,
    }
    log = folder / f"instance{index}.log"
    with log.open("wb") as err:  # a file, not a pipe: a full pipe would stall the bot
        child = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "run", "--config", str(config)),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=err,
        )
    await _listening(port, child, log)
    return child, f"http://127.0.0.1:{port}{urlsplit(PUBLIC_URL).path}{WEBHOOK_PATH}"


async def _post_all(targets: list[str], updates: list[dict[str, Any]]) -> None:
    """Post each update to the next instance in turn, ``CONCURRENCY`` at a time."""
    pending = iter(zip(itertools.cycle(targets), updates, strict=False))
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            for target, update in pending:
                async with http.post(target, data=json.dumps(update), headers=headers) as r:
                    if r.status != 200:
                        raise SystemExit(f"an instance answered {r.status}")

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


async def _stored(url: str, total: int) -> int:
    """Check-ins in the database, once it holds ``total`` (or after a minute of waiting)."""
    storage = await open_storage(url)
    try:
        deadline = time.monotonic() + 60
        while True:
            (count,) = await storage.db.fetch_one("SELECT count(*) FROM daily_checkins")
            if count >= total or time.monotonic() > deadline:
                return int(count)
            await asyncio.sleep(0.05)
    finally:
        await storage.db.close()


async def _burst(server: str, instances: int, groups: int, members: int) -> Burst:
    """The burst through ``instances`` bots on a fresh database."""
    chats = [-2000 - n for n in range(groups)]
    updates = presses(chats, members)
    async with scratch_database(server) as url, RemoteFake(TOKEN, None) as api:
        storage = await open_storage(url)  # migrated here once, before the instances start
        await register_branches(storage, chats)
        await storage.db.close()
        with tempfile.TemporaryDirectory() as name:
            children = [await _instance(Path(name), i, url, api) for i in range(instances)]
            bots = [child for child, _ in children]
            try:
                await asyncio.sleep(2)  # let each instance's start-up jobs settle
                answered = await api.count("answerCallbackQuery")
                postgres = ServerCpu(url)
                before = await postgres.snapshot()
                bots_cpu, fake_cpu = [cpu_seconds(b.pid) for b in bots], api.cpu_seconds()
                mine, started = time.process_time(), time.perf_counter()
                await _post_all([target for _, target in children], updates)
                await api.wait_count("answerCallbackQuery", answered + len(updates))
                stored = await _stored(url, len(updates))
                seconds = time.perf_counter() - started
                cpu = {
                    "instances": sum(
                        cpu_seconds(b.pid) - c for b, c in zip(bots, bots_cpu, strict=True)
                    ),
                    "PostgreSQL": ServerCpu.since(before, await postgres.snapshot()) or 0.0,
                    "fake Bot API": api.cpu_seconds() - fake_cpu,
                    "load generator": time.process_time() - mine,
                }
            finally:
                for child in bots:
                    child.terminate()
                await asyncio.gather(*(child.wait() for child in bots))
    return Burst(instances, seconds, stored, cpu)


async def main() -> None:
    """Run the burst through each N given, and print the figures and who used the cores."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("instances", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--members", type=int, default=100)
    args = parser.parse_args()
    server = os.environ.get("BRANCHBOT_DATABASE_URL", "")
    if not server:
        raise SystemExit("set BRANCHBOT_DATABASE_URL to a PostgreSQL server's URL")
    runs = [await _burst(server, n, args.groups, args.members) for n in args.instances]
    total = args.groups * args.members
    print(
        f"burst through webhook instances: {total} check-in presses across {args.groups}"
        f" groups, posted round-robin, {CONCURRENCY} in flight; {machine()}"
    )
    first = total / runs[0].seconds
    rows = []
    for burst in runs:
        rate = total / burst.seconds
        used = ", ".join(f"{name} {cpu / burst.seconds:.2f}" for name, cpu in burst.cpu.items())
        rows += [
            (
                f"{burst.instances} instance{'s' if burst.instances > 1 else ''}",
                f"{rate:5.0f} updates/s  ({rate / first:.2f}× the first),"
                f" {burst.stored} of {total} committed in {burst.seconds:.2f} s",
            ),
            ("  cores used", used),
        ]
    print(table(rows))


if __name__ == "__main__":
    run(main)

"""Start-up: from exec to the first ``getUpdates``, on the load database.

Copies a database built by ``bench.seed_data`` (its defaults: 1,001 branches, 3,003 meeting
series materialised 90 days ahead, sends owed within the next twelve hours), starts
``python -m bot run`` once untimed (the first start on a database sets every secretary's
command menu), then ``RUNS`` more times, timing each from exec to the first ``getUpdates``
the bot sends to the fake Bot API. Seed the database shortly before: its owed sends are laid
out from the moment of seeding. Run with ``taskset -c 0,1``.

    taskset -c 0,1 python -m bench.startup data/bench.sqlite3
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import TOKEN, database_url, machine, run, scratch_database, table
from bench.to_postgres import copy
from handlers.jobs.sends import JOB_WINDOW
from tests.fakes.telegram_api import FakeTelegram

RUNS = 5
STALE = 6 * 3600  # seconds after seeding beyond which few owed sends remain in the window


async def _until_menus_settle(api: FakeTelegram, quiet: float = 2.0) -> None:
    """Wait until no command menu has been set for ``quiet`` seconds (the start's job is done)."""
    count, since = api.counts["setMyCommands"], time.monotonic()
    while time.monotonic() - since < quiet:
        await asyncio.sleep(0.1)
        if api.counts["setMyCommands"] != count:
            count, since = api.counts["setMyCommands"], time.monotonic()


async def _first_poll(
    api: FakeTelegram, config: Path, url: str, *, menus: bool = False
) -> tuple[float, str]:
    """Seconds from exec to the first getUpdates, and the bot's "schedule rebuilt" line.

    The database is the config's SQLite file, or the one at ``url`` if given. With ``menus``,
    the bot runs on until its menus are set (a first start sets them all).
    """
    env = {
        **os.environ,
        "BRANCHBOT_TOKEN": TOKEN,
        "BRANCHBOT_API_BASE_URL": api.base_url,
        "BRANCHBOT_DATABASE_URL": url,
    }
    polls = api.counts["getUpdates"]
    log = config.with_name("bot.log")
    with log.open("wb") as err:  # a file, not a pipe: a full pipe would stall the bot
        started = time.monotonic()
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            await api.wait_until(lambda: api.counts["getUpdates"] > polls, within=120)
            first = next(c for c in api.calls if c.method == "getUpdates" and c.at >= started)
            if menus:
                await _until_menus_settle(api)
        except TimeoutError:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise SystemExit(f"the bot never polled; its log ends:\n{tail}") from None
        finally:
            child.terminate()
            await child.wait()
    found = re.search(r"schedule rebuilt: [^\n]*", log.read_text(encoding="utf-8"))
    return first.at - started, found.group() if found else "?"


def _load(database: Path) -> tuple[int, int, int, int, int]:
    """Seeded at; branches, series, sends owed within the job window from now, secretaries."""
    conn = sqlite3.connect(database)
    try:
        (seeded,) = conn.execute("SELECT seeded_at FROM bench_seed").fetchone()
        now = int(time.time())
        window = now + int(JOB_WINDOW.total_seconds())
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM branches),"
            " (SELECT count(*) FROM meetings WHERE ended_at IS NULL),"
            " (SELECT count(*) FROM scheduled_sends WHERE state = 'pending'"
            "   AND due_at BETWEEN ? AND ?),"
            " (SELECT count(*) FROM memberships WHERE role = 'secretary')",
            (now, window),
        ).fetchone()
    finally:
        conn.close()
    return seeded, *counts


async def _starts(config: Path, url: str) -> tuple[float, int, list[tuple[float, str]]]:
    """The first start (untimed menus), its command menus, then ``RUNS`` timed restarts."""
    async with FakeTelegram(TOKEN) as api:
        first, _ = await _first_poll(api, config, url, menus=True)
        menus = api.counts["setMyCommands"]
        return first, menus, [await _first_poll(api, config, url) for _ in range(RUNS)]


async def main() -> None:
    """Copy the load database, start the bot once untimed, then ``RUNS`` timed starts."""
    source, server = Path(sys.argv[1]), database_url(2)
    seeded, branches, series, owed, secretaries = _load(source)
    age = time.time() - seeded
    if age > STALE:
        print(
            f"warning: seeded {age / 3600:.0f} h ago; its owed sends have left the"
            " twelve-hour window: seed again for a faithful figure",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        config = Path(folder) / "config.toml"
        config.write_text(f'[storage]\npath = "{database}"\n', encoding="utf-8")
        if server:
            async with scratch_database(server) as url:
                await copy(source, url)
                first, menus, runs = await _starts(config, url)
        else:
            await asyncio.to_thread(shutil.copy, source, database)
            first, menus, runs = await _starts(config, "")
    times, rebuilt = [t for t, _ in runs], runs[-1][1]
    hours = JOB_WINDOW.total_seconds() / 3600
    print(
        f"start-up on {'PostgreSQL' if server else 'SQLite'}: {branches:,} branches,"
        f" {series:,} meeting series, {secretaries:,} secretaries, {owed:,} sends owed within"
        f" the next {hours:.0f} hours; {machine()}"
    )
    print(f"the bot's log: {rebuilt}")
    print(
        table(
            [
                (
                    f"exec → first getUpdates, median of {RUNS} restarts (target ≤ 1 s)",
                    f"{statistics.median(times):.2f} s",
                ),
                ("restarts", ", ".join(f"{t:.2f} s" for t in times)),
                (
                    f"first start: exec → first getUpdates (then sets {menus:,} command menus)",
                    f"{first:.2f} s",
                ),
            ]
        )
    )


if __name__ == "__main__":
    run(main)

"""Start-up: from exec to the first ``getUpdates``, with many meetings on the schedule.

Builds a database with ``bench.seed_data`` (one branch, ``--meetings`` weekly meetings still
to come, each owing four sends), then starts ``python -m bot run`` as a child process against
the fake Bot API and times the first ``getUpdates`` it sends. Run with ``taskset -c 0,1``.

    taskset -c 0,1 python -m bench.startup [meetings]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import TOKEN, machine, run, table
from tests.fakes.telegram_api import FakeTelegram

RUNS = 3


async def _first_poll(api: FakeTelegram, config: Path) -> float:
    env = {**os.environ, "BRANCHBOT_TOKEN": TOKEN, "BRANCHBOT_API_BASE_URL": api.base_url}
    polls = api.counts["getUpdates"]
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
        stderr=subprocess.DEVNULL,
    )
    try:
        await api.wait_until(lambda: api.counts["getUpdates"] > polls, within=120)
        first = next(c for c in api.calls if c.method == "getUpdates" and c.at >= started)
        return first.at - started
    finally:
        child.terminate()
        await child.wait()


async def main() -> None:
    """Seed once, start the bot ``RUNS`` times, print the median."""
    meetings = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "bench.seed_data",
                str(database),
                "--branches",
                "0",
                "--big",
                "10",
                "--meetings",
                str(meetings),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        config = Path(folder) / "config.toml"
        config.write_text(f'[storage]\npath = "{database}"\n', encoding="utf-8")
        async with FakeTelegram(TOKEN) as api:
            times = [await _first_poll(api, config) for _ in range(RUNS)]
    print(f"start-up: {meetings} meetings to come ({meetings * 4} owed sends); {machine()}")
    print(
        table(
            [
                (
                    f"exec → first getUpdates, median of {RUNS} (target ≤ 2 s)",
                    f"{statistics.median(times):.2f} s",
                ),
                ("runs", ", ".join(f"{t:.2f} s" for t in times)),
            ]
        )
    )


if __name__ == "__main__":
    run(main)

"""Burst: 10,000 daily check-in presses across 100 groups, every check-in committed.

The presses are put on ``Application.update_queue`` at once (``concurrent_updates`` = 64) and
answered through the fake Bot API on 127.0.0.1; the figure is updates per second until the
last press is answered, after which the database must hold every check-in. Run with
``taskset -c 0,1``.

    taskset -c 0,1 python -m bench.burst [groups] [members per group]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.common import (
    TOKEN,
    branchbot,
    config_for,
    feed,
    machine,
    presses,
    register,
    run,
    stop,
    table,
)
from tests.fakes.telegram_api import FakeTelegram


async def main() -> None:
    """Feed the burst once and check that every check-in was committed."""
    groups = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    members = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    chats = [-2000 - n for n in range(groups)]
    async with FakeTelegram(TOKEN) as api:
        with tempfile.TemporaryDirectory() as folder:
            app = await branchbot(config_for(Path(folder)), api)
            await register(app, chats)
            seconds = await feed(app, api, presses(chats, members))
            db = app.bot_data["services"].storage.db
            stored = (await db.fetch_one("SELECT count(*) FROM daily_checkins"))[0]
            await stop(app)
    total = groups * members
    print(f"burst: {total} check-in presses across {groups} groups; {machine()}")
    print("fed through Application.update_queue at once, concurrent_updates=64")
    print(
        table(
            [
                ("check-ins committed", f"{stored} of {total}"),
                ("wall time", f"{seconds:.2f} s"),
                ("throughput (target ≥ 2,000/s)", f"{total / seconds:.0f} updates/s"),
            ]
        )
    )


if __name__ == "__main__":
    run(main)

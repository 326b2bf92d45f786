"""Burst: 10,000 daily check-in presses across 100 groups, every check-in committed.

The presses are put on ``Application.update_queue`` at once (``concurrent_updates`` = 64) and
answered through the fake Bot API on 127.0.0.1, which runs in a process of its own on the
second core (the bot on the first); the figure is updates per second until the last press is
answered, after which the database must hold every check-in. The same presses through a bare
PTB application that only answers them give the floor of this transport.

    python -m bench.burst [groups] [members per group]
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
from bench.fake_server import RemoteFake, cores, pin
from bench.update_cost import floor_app


async def main() -> None:
    """Feed the burst once and check that every check-in was committed."""
    groups = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    members = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    chats = [-2000 - n for n in range(groups)]
    mine_cpu, fake_cpu = cores()
    pin(mine_cpu)
    async with RemoteFake(TOKEN, fake_cpu) as api:
        with tempfile.TemporaryDirectory() as folder:
            app = await branchbot(config_for(Path(folder)), api)
            await register(app, chats)
            seconds = (await feed(app, api, presses(chats, members))).wall
            db = app.bot_data["services"].storage.db
            stored = (await db.fetch_one("SELECT count(*) FROM daily_checkins"))[0]
            await stop(app)
        app = await floor_app(api)
        floor = (await feed(app, api, presses(chats, members, first_user=900000))).wall
        await stop(app)
    total = groups * members
    print(f"burst: {total} check-in presses across {groups} groups; {machine()}")
    print(
        "fed through Application.update_queue at once, concurrent_updates=64; bot on CPU"
        f" {mine_cpu}, fake Bot API in its own process on CPU {fake_cpu}"
    )
    print(
        table(
            [
                ("check-ins committed", f"{stored} of {total}"),
                ("wall time", f"{seconds:.2f} s"),
                ("throughput (target ≥ 2,000/s)", f"{total / seconds:.0f} updates/s"),
                ("PTB floor, same presses", f"{total / floor:.0f} updates/s"),
            ]
        )
    )


if __name__ == "__main__":
    run(main)

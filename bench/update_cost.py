"""Update cost: check-in button presses through branchbot against python-telegram-bot's floor.

Both applications take the same updates the same way (put on ``Application.update_queue``,
``concurrent_updates`` = 64) and answer each press with ``answerCallbackQuery`` to the same
fake Bot API on 127.0.0.1. The floor only answers; branchbot records the member, the check-in
and its points (each committed) and reads the streak. The fake runs in a process of its own:
the benchmark (both applications) is pinned to the first core it may use, the fake to the
second, so the ratio is the bot's cost over PTB's, not diluted by the fake's.

    python -m bench.update_cost [presses]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes

from bench.common import (
    TOKEN,
    Fed,
    branchbot,
    config_for,
    feed,
    machine,
    presses,
    register,
    run,
    start,
    stop,
    table,
)
from bench.fake_server import RemoteFake, cores, pin

ROUNDS = 5


async def floor_app(api: RemoteFake) -> Any:
    """A bare python-telegram-bot application that only answers each press."""

    async def answer(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()

    app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).concurrent_updates(64).build()
    app.add_handler(CallbackQueryHandler(answer))
    await start(app)
    return app


async def main() -> None:
    """Alternate the two applications, ``ROUNDS`` runs each, and print the medians."""
    ours: list[Fed]
    floor: list[Fed]
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    ours, floor = [], []
    mine_cpu, fake_cpu = cores()
    pin(mine_cpu)
    async with RemoteFake(TOKEN, fake_cpu) as api:
        for round_ in range(ROUNDS):
            # Which goes first alternates, so neither always follows the other.
            for which in ("ours", "floor") if round_ % 2 == 0 else ("floor", "ours"):
                first_user = (400000 if which == "ours" else 900000) + round_ * count
                updates = presses([-1000], count, first_user=first_user)
                if which == "floor":
                    app = await floor_app(api)
                    floor.append(await feed(app, api, updates))
                    await stop(app)
                    continue
                with tempfile.TemporaryDirectory() as folder:
                    app = await branchbot(config_for(Path(folder)), api)
                    await register(app, [-1000])
                    ours.append(await feed(app, api, updates))
                    await stop(app)

    def line(runs: list[Fed]) -> str:
        wall = statistics.median(r.wall for r in runs) / count
        cpu = statistics.median(r.cpu for r in runs) / count
        fake = statistics.median(r.fake_cpu for r in runs) / count
        return (
            f"{cpu * 1e6:6.0f} µs CPU/update   wall {wall * 1e6:6.0f} µs/update"
            f" ({1 / wall:4.0f}/s)   fake {fake * 1e6:4.0f} µs CPU/update"
        )

    ratios = [o.cpu / f.cpu for o, f in zip(ours, floor, strict=True)]
    walls = [o.wall / f.wall for o, f in zip(ours, floor, strict=True)]
    print(f"update cost: {count} check-in presses per run, {ROUNDS} runs each; {machine()}")
    print(
        "fed through Application.update_queue, concurrent_updates=64; the application on CPU"
        f" {mine_cpu}, the fake Bot API on 127.0.0.1 in its own process on CPU {fake_cpu}"
    )
    print(
        table(
            [
                ("python-telegram-bot floor", line(floor)),
                ("branchbot", line(ours)),
                (
                    "ratio of CPU per update, median (target ≤ 1.2×)",
                    f"{statistics.median(ratios):.2f}×  (runs: "
                    + ", ".join(f"{r:.2f}" for r in ratios)
                    + ")",
                ),
                (
                    "ratio of wall time per update, median",
                    f"{statistics.median(walls):.2f}×  (runs: "
                    + ", ".join(f"{r:.2f}" for r in walls)
                    + ")",
                ),
            ]
        )
    )


if __name__ == "__main__":
    run(main)

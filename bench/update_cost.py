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

ROUNDS = 3


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
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    ours, floor = [], []
    mine_cpu, fake_cpu = cores()
    pin(mine_cpu)
    async with RemoteFake(TOKEN, fake_cpu) as api:
        for round_ in range(ROUNDS):
            with tempfile.TemporaryDirectory() as folder:
                app = await branchbot(config_for(Path(folder)), api)
                await register(app, [-1000])
                updates = presses([-1000], count, first_user=400000 + round_ * count)
                ours.append(await feed(app, api, updates))
                await stop(app)
            app = await floor_app(api)
            floor.append(
                await feed(app, api, presses([-1000], count, first_user=900000 + round_ * count))
            )
            await stop(app)
    mine, base = statistics.median(ours), statistics.median(floor)
    print(f"update cost: {count} check-in presses per run, median of {ROUNDS} runs; {machine()}")
    print(
        "fed through Application.update_queue, concurrent_updates=64; bot on CPU"
        f" {mine_cpu}, fake Bot API on 127.0.0.1 in its own process on CPU {fake_cpu}"
    )
    print(
        table(
            [
                (
                    "python-telegram-bot floor",
                    f"{base * 1e6 / count:8.0f} µs/update  {count / base:7.0f} updates/s",
                ),
                (
                    "branchbot",
                    f"{mine * 1e6 / count:8.0f} µs/update  {count / mine:7.0f} updates/s",
                ),
                ("ratio (target ≤ 1.2×)", f"{mine / base:8.2f}×"),
            ]
        )
    )


if __name__ == "__main__":
    run(main)

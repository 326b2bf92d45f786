"""Update cost: check-in button presses through branchbot against python-telegram-bot's floor.

Both applications take the same updates the same way (put on ``Application.update_queue``,
``concurrent_updates`` = 64) and answer each press with ``answerCallbackQuery`` to the same
fake Bot API on 127.0.0.1. The floor only answers; branchbot records the member, the check-in
and its points (each committed) and reads the streak. The fake runs in a process of its own:
the benchmark (both applications) is pinned to the first core it may use, the fake to the
second, so the ratio is the bot's cost over PTB's, not diluted by the fake's.

Given a PostgreSQL server (a URL as the second argument, or ``BRANCHBOT_DATABASE_URL``),
branchbot also runs on a fresh database there, and its cost is set against branchbot on
SQLite. The server works in processes of its own, not pinned: its CPU is read from ``/proc``
for every process ``pg_stat_activity`` lists (so the server must be on this machine for that
figure), and the ratio is judged on the whole CPU per update, the bot's plus the server's.

    python -m bench.update_cost [presses] [postgresql://…]
"""

from __future__ import annotations

import contextlib
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
    ServerCpu,
    branchbot,
    config_for,
    database_url,
    feed,
    machine,
    presses,
    register,
    run,
    scratch_database,
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


async def _branchbot_run(api: RemoteFake, updates: list[dict[str, Any]], server: str) -> Fed:
    """The bot on a fresh database: SQLite, or one on the PostgreSQL ``server`` if given."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = scratch_database(server) if server else contextlib.nullcontext("")
        async with fresh as url:
            app = await branchbot(config_for(Path(folder), url), api)
            await register(app, [-1000])
            fed = await feed(app, api, updates, ServerCpu(url) if url else None)
            await stop(app)
            return fed


def _median_ratio(name: str, ratios: list[float]) -> tuple[str, str]:
    runs = ", ".join(f"{r:.2f}" for r in ratios)
    return name, f"{statistics.median(ratios):.2f}×  (runs: {runs})"


async def main() -> None:
    """Rotate the applications, ``ROUNDS`` runs each, and print the medians."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    server = database_url(2)
    runs: dict[str, list[Fed]] = {"floor": [], "ours": []} | ({"pg": []} if server else {})
    order = list(runs)
    mine_cpu, fake_cpu = cores()
    pin(mine_cpu)
    async with RemoteFake(TOKEN, fake_cpu) as api:
        for round_ in range(ROUNDS):
            # Which goes first rotates, so none always follows the same other.
            for step, which in enumerate(
                order[round_ % len(order) :] + order[: round_ % len(order)]
            ):
                first_user = 400000 + (round_ * len(order) + step) * count
                updates = presses([-1000], count, first_user=first_user)
                if which == "floor":
                    app = await floor_app(api)
                    runs["floor"].append(await feed(app, api, updates))
                    await stop(app)
                else:
                    runs[which].append(
                        await _branchbot_run(api, updates, server if which == "pg" else "")
                    )

    def line(fed: list[Fed]) -> str:
        wall = statistics.median(r.wall for r in fed) / count
        cpu = statistics.median(r.cpu for r in fed) / count
        fake = statistics.median(r.fake_cpu for r in fed) / count
        text = (
            f"{cpu * 1e6:6.0f} µs CPU/update   wall {wall * 1e6:6.0f} µs/update"
            f" ({1 / wall:4.0f}/s)   fake {fake * 1e6:4.0f} µs CPU/update"
        )
        if fed[0].server_cpu is not None:
            server_cpu = statistics.median(r.server_cpu or 0.0 for r in fed) / count
            text += f"   server {server_cpu * 1e6:5.0f} µs CPU/update"
        return text

    ours, floor = runs["ours"], runs["floor"]
    print(f"update cost: {count} check-in presses per run, {ROUNDS} runs each; {machine()}")
    print(
        "fed through Application.update_queue, concurrent_updates=64; the application on CPU"
        f" {mine_cpu}, the fake Bot API on 127.0.0.1 in its own process on CPU {fake_cpu}"
    )
    rows = [
        ("python-telegram-bot floor", line(floor)),
        ("branchbot on SQLite", line(ours)),
        _median_ratio(
            "ratio of CPU per update, median (target ≤ 1.2×)",
            [o.cpu / f.cpu for o, f in zip(ours, floor, strict=True)],
        ),
        _median_ratio(
            "ratio of wall time per update, median",
            [o.wall / f.wall for o, f in zip(ours, floor, strict=True)],
        ),
    ]
    if server:
        pg = runs["pg"]
        rows += [
            ("branchbot on PostgreSQL", line(pg)),
            _median_ratio(
                "PostgreSQL ÷ SQLite, bot's CPU per update",
                [p.cpu / o.cpu for p, o in zip(pg, ours, strict=True)],
            ),
            _median_ratio(
                "PostgreSQL ÷ SQLite, bot's + server's CPU per update (target ≤ 1.5×)",
                [(p.cpu + (p.server_cpu or 0.0)) / o.cpu for p, o in zip(pg, ours, strict=True)],
            ),
            _median_ratio(
                "PostgreSQL ÷ SQLite, wall time per update",
                [p.wall / o.wall for p, o in zip(pg, ours, strict=True)],
            ),
        ]
    print(table(rows))


if __name__ == "__main__":
    run(main)

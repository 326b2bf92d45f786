"""Summary: the weekly summary's queries for the largest branch, and its chart, timed apart.

Reads a database built by ``bench.seed_data`` (branch 1 is the large one, with a year of
history); the week timed is the last one ended when it was seeded, which holds meetings.
Run with ``taskset -c 0,1``.

    taskset -c 0,1 python -m bench.summary data/bench.sqlite3
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bench.common import config_for, machine, run, seeded_at, table
from bot.i18n import Translator
from bot.periods import week_start
from bot.services import build_services
from handlers.views.participation import chart_of
from storage import open_storage

RUNS = 20


async def main() -> None:
    """Time the summary's queries (first run, then warm) and the chart."""
    path = Path(sys.argv[1])
    storage = await open_storage(path)

    async def no_admins(_: int) -> frozenset[int]:
        return frozenset()

    now = seeded_at(path)  # the seeded history ends here; its last week has meetings
    services = build_services(config_for(path.parent), storage, lambda: now, no_admins)
    branch = await storage.branches.get(1)
    roster = len(await storage.memberships.roster(branch.id))
    end = week_start(branch, now)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        summary = await services.summaries.compute(branch, end)
        timings.append(time.perf_counter() - started)
    words = Translator.load().words("zh")
    charts = []
    for _ in range(5):
        started = time.perf_counter()
        chart_of(words, branch, summary)
        charts.append(time.perf_counter() - started)
    await storage.close()
    print(
        f"summary of one branch: {roster} members, a year of history,"
        f" meetings in the week timed: {len(summary.participation.occurrences)}; {machine()}"
    )
    print(
        table(
            [
                ("queries, first run", f"{timings[0] * 1000:6.1f} ms"),
                (
                    f"queries, median of {RUNS - 1} more (target ≤ 50 ms)",
                    f"{statistics.median(timings[1:]) * 1000:6.1f} ms",
                ),
                ("chart, first (loads the font)", f"{charts[0] * 1000:6.1f} ms"),
                ("chart, median of 4 more", f"{statistics.median(charts[1:]) * 1000:6.1f} ms"),
            ]
        )
    )


if __name__ == "__main__":
    run(main)

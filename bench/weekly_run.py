"""The weekly run: every branch's summary against a fake Bot API that enforces Telegram's rates.

Copies a database built by ``bench.seed_data``, starts branchbot with its clock one minute past
the branches' last summary time before the seeding (a week with meetings, whose absentees go
to each branch's secretary privately), and waits until every summary, chart and secretary's
detail is out. The fake answers 429 whenever a send breaks 30 a second overall or 20 a minute
in a group, so a good pacing shows as a send rate near the ceiling with no 429. The fake runs
in the same process (it paces nothing, so it takes no time from the figure); its memory is
included in the resident figure, which makes that an upper bound. Run with ``taskset -c 0,1``.

    taskset -c 0,1 python -m bench.weekly_run data/bench.sqlite3
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import TOKEN, config_for, machine, run, seeded_at, start, stop, table
from bot.app import build_application
from tests.fakes.telegram_api import FakeTelegram

CEILING = 30  # sends a second


def _resident_mb() -> tuple[float, float]:
    fields = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines()
    )
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def _private(api: FakeTelegram) -> list[object]:
    return [c for c in api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) > 0]


def _last_summary_time(now: datetime) -> datetime:
    """The latest Sunday 20:00 in Shanghai (the seeded branches' summary time)."""
    local = now + timedelta(hours=8)
    days = (local.weekday() - 6) % 7
    sunday = (local - timedelta(days=days)).replace(hour=20, minute=0, second=0, microsecond=0)
    if sunday > local:
        sunday -= timedelta(days=7)
    return (sunday - timedelta(hours=8)).replace(tzinfo=UTC)


async def main() -> None:
    """Run the weekly summaries once and print the send rate, 429s and memory."""
    source = Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(source, Path(folder) / "bench.sqlite3")
        config = config_for(Path(folder))
        due = _last_summary_time(seeded_at(source)) + timedelta(minutes=1)
        async with FakeTelegram(TOKEN) as api:
            api.enforce_rates, api.keep_uploads = True, False
            app = build_application(config, clock=lambda: due, base_url=api.base_url)
            started = time.perf_counter()
            await start(app)
            branches = len(await app.bot_data["services"].storage.branches.with_summary())
            await api.wait_until(lambda: api.counts["sendPhoto"] >= branches, within=3600)
            # Each branch's secretary gets the detail after the chart: a text per branch more.
            await api.wait_until(lambda: api.counts["sendMessage"] >= 2 * branches, within=600)
            elapsed = time.perf_counter() - started
            sends = api.counts["sendMessage"] + api.counts["sendPhoto"] - api.rate_limited
            resident, peak = _resident_mb()
            await stop(app)
    rate = sends / elapsed
    print(
        f"weekly run: {branches} branches, summary and chart each, detail to each secretary;"
        f" {machine()}"
    )
    print("fake Bot API enforcing 30 sends/s overall and 20/min per group, in the same process")
    print(
        table(
            [
                ("sends", f"{sends} ({len(_private(api))} of them private, to secretaries)"),
                ("wall time", f"{elapsed:.1f} s"),
                ("send rate (target ≥ 90% of 30/s)", f"{rate:.1f}/s = {rate / CEILING:.0%}"),
                ("429 answers (target 0)", f"{api.rate_limited}"),
                (
                    "resident memory after the run (target ≤ 120 MB)",
                    f"{resident:.0f} MB (peak {peak:.0f} MB)",
                ),
            ]
        )
    )


if __name__ == "__main__":
    run(main)

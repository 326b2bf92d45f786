"""Load data: a synthetic organisation with a year of history, written straight into SQLite.

Branches of ``--members`` members each, plus one branch of ``--big`` members, each with a
secretary (granted the role, and able to be written to privately); for each branch three
series stored as the bot stores them (a monthly committee and group meeting, a quarterly
lecture): a year of occurrences closed with attendance, and the occurrences of the next 90
days materialised with the sends they owe. Every branch's committee meets in the week before
the seeding's week (the week the summary benchmarks time); a thirtieth of the branches meet
within the next six hours and another thirtieth a day later, so sends fall due within the
start-up's twelve-hour job window. Daily check-ins (each member on a ``--rate`` share of days;
the big branch on half), two published modules with one finished attempt by half the members,
and the points all that earns. ``--meetings`` adds that many one-off meetings still to come.
The moment of seeding is kept in the table ``bench_seed``: the benchmarks take their clock
from it, and start-up warns when the database is too old for its owed sends to be near.

    python -m bench.seed_data data/bench.sqlite3 [--branches 1000] [--members 100] [--big 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from dateutil.relativedelta import relativedelta

from bot.meetings import FOREVER, owed_sends, resume_at
from bot.recurrence import HORIZON, month_end_safe, occurrences
from storage.models import Meeting
from storage.sqlite import SqliteDatabase as Database

DAY = 86400
ZONE = "Asia/Shanghai"
SHANGHAI = timezone(timedelta(hours=8))  # no daylight saving: a fixed offset is exact
REMIND = (1440, 60)
DURATION = 90


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--branches", type=int, default=1000)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--big", type=int, default=1000, help="members of the one large branch")
    parser.add_argument("--rate", type=float, default=0.1, help="share of days with a check-in")
    parser.add_argument("--meetings", type=int, default=0, help="meetings still to come")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.migrate()
    await db.close()


class Seeder:
    """Writes the rows in large batches inside one transaction."""

    def __init__(self, conn: sqlite3.Connection, now: int, rng: random.Random) -> None:
        self.conn, self.now, self.rng = conn, now, rng
        self.start = (now // DAY - 365) * DAY
        # The summary's week: Sunday 20:00 to Sunday 20:00 in Shanghai, the last one ended.
        local = datetime.fromtimestamp(now, SHANGHAI)
        sunday = (local - timedelta(days=(local.weekday() + 1) % 7)).replace(
            hour=20, minute=0, second=0, microsecond=0
        )
        if sunday > local:
            sunday -= timedelta(days=7)
        self.week = sunday - timedelta(days=7)
        self.next_user = 1_000_000
        self.counts: dict[str, int] = {}

    def insert(self, table: str, rows: list[tuple[object, ...]]) -> None:
        """Insert rows (all columns, in table order)."""
        if not rows:
            return
        marks = ",".join("?" * len(rows[0]))
        self.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def branch(self, branch_id: int, size: int, rate: float) -> None:
        """One branch with its members and a year of history."""
        now, start, rng = self.now, self.start, self.rng
        self.insert(
            "branches",
            [
                (
                    branch_id,
                    -100_000 - branch_id,
                    f"第{branch_id}支部",
                    None,
                    ZONE,
                    "zh",
                    6,
                    "20:00",
                    "08:00",
                    1,
                    start,
                    now,
                )
            ],
        )
        members = list(range(self.next_user, self.next_user + size))
        self.next_user += size
        # The first member is the secretary, who has started the bot (private detail goes out).
        self.insert(
            "users",
            [
                (u, f"成员{u}", None, None, "zh", now if u == members[0] else None, None, now, 0)
                for u in members
            ],
        )
        self.insert(
            "memberships",
            [
                (branch_id, u, "secretary" if u == members[0] else "member", 1, start, now, None)
                for u in members
            ],
        )
        checkins, points = [], []
        for user in members:
            for day in range(365):
                if rng.random() < rate:
                    at = start + day * DAY + 3600
                    date = datetime.fromtimestamp(at, UTC).date().isoformat()
                    checkins.append((branch_id, user, date, at))
                    points.append(
                        (
                            None,
                            branch_id,
                            user,
                            "checkin",
                            f"checkin:{branch_id}:{user}:{date}",
                            1,
                            date,
                            at,
                        )
                    )
        self.insert("daily_checkins", checkins)
        self._meetings(branch_id, members, points)
        self._study(branch_id, members)
        self.insert("points", points)

    def _meetings(
        self, branch_id: int, members: list[int], points: list[tuple[object, ...]]
    ) -> None:
        """Three series, each with a year of closed occurrences and 90 days materialised."""
        week, soon = self.week, datetime.fromtimestamp(self.now, SHANGHAI)
        plan = (
            # committee: monthly, on a day of the summary's week
            ("committee", 1, week + timedelta(days=1 + branch_id % 6, hours=-0.5)),
            # group: monthly, within the next day and a half for a fifteenth of the branches
            ("group", 1, soon + timedelta(hours=6, days=branch_id % 30)),
            # lecture: quarterly, on a day of the last quarter
            ("lecture", 3, week - timedelta(days=branch_id % 91, hours=1)),
        )
        for kind, months, anchor in plan:
            local = anchor.replace(tzinfo=None, second=0, microsecond=0)
            first = local - relativedelta(months=12)
            rule = month_end_safe(local.day, months)
            meeting_id = self._count_next("meetings")
            meeting = Meeting(
                meeting_id,
                branch_id,
                kind,
                "",
                first.isoformat(timespec="minutes"),
                ZONE,
                rule,
                DURATION,
                REMIND,
                datetime.fromtimestamp(0, UTC),
                "",
            )
            until = datetime.fromtimestamp(self.now, UTC) + HORIZON
            self.insert(
                "meetings",
                [
                    (
                        meeting_id,
                        branch_id,
                        kind,
                        "",
                        meeting.first_local,
                        ZONE,
                        rule,
                        DURATION,
                        ",".join(map(str, REMIND)),
                        int(resume_at(meeting, until).timestamp()),
                        None,
                        f"seed:{meeting_id}",
                        members[0],
                        self.start,
                        "",
                    )
                ],
            )
            for found in occurrences(
                first, ZONE, rule, after=datetime.fromtimestamp(self.start, UTC), until=until
            ):
                starts = int(found.starts_at.timestamp())
                self._occurrence(branch_id, meeting_id, starts, members, points)

    def _occurrence(
        self,
        branch_id: int,
        meeting_id: int,
        starts: int,
        members: list[int],
        points: list[tuple[object, ...]],
    ) -> None:
        """One occurrence: closed with its roll if it ended, else with the sends it owes."""
        rng, ends = self.rng, starts + DURATION * 60
        occurrence = self._count_next("occurrences")
        closed = ends <= self.now
        self.insert(
            "occurrences",
            [(occurrence, meeting_id, starts, ends, 0, 0, None, ends if closed else None)],
        )
        created = datetime.fromtimestamp(starts, UTC) - HORIZON
        sends = owed_sends(
            occurrence,
            datetime.fromtimestamp(starts, UTC),
            datetime.fromtimestamp(ends, UTC),
            REMIND,
            created,
        )
        self.insert(
            "scheduled_sends",
            [
                (
                    send.key,
                    send.kind,
                    occurrence,
                    int(send.due_at.timestamp()),
                    "sent" if send.due_at.timestamp() <= self.now else "pending",
                    min(int(send.due_at.timestamp()), self.now),
                    None,
                    1 if send.due_at.timestamp() <= self.now else 0,
                    None,
                    None,
                )
                for send in sends
            ],
        )
        if not closed:
            return
        attendance, checkins = [], []
        for user in members:
            roll = rng.random()
            status = (
                "present"
                if roll < 0.7
                else "late"
                if roll < 0.8
                else "excused"
                if roll < 0.85
                else "absent"
            )
            attendance.append((occurrence, user, status))
            if status in ("present", "late"):
                late = int(status == "late")
                checkins.append((occurrence, user, starts + 60 + late * 900, late))
                date = datetime.fromtimestamp(starts, UTC).date().isoformat()
                points.append(
                    (
                        None,
                        branch_id,
                        user,
                        "meeting_late" if late else "meeting",
                        f"meeting:{occurrence}:{user}",
                        2 if late else 3,
                        date,
                        starts + 60,
                    )
                )
        self.insert("attendance", attendance)
        self.insert("meeting_checkins", checkins)

    def _study(self, branch_id: int, members: list[int]) -> None:
        rng = self.rng
        for number in range(2):
            module = self._count_next("modules")
            self.insert(
                "modules",
                [
                    (
                        module,
                        branch_id,
                        f"模块{number}",
                        "",
                        "",
                        "[]",
                        f"seed:{module}",
                        members[0],
                        self.start,
                    )
                ],
            )
            self.insert(
                "questions",
                [
                    (
                        None,
                        module,
                        position,
                        f"第{position}题",
                        json.dumps(["甲", "乙", "丙"]),
                        "[0]",
                        "[null, null, null]",
                        None,
                        1,
                    )
                    for position in range(10)
                ],
            )
            self.insert("publications", [(module, branch_id, self.start)])
            attempts = []
            for user in members:
                if rng.random() < 0.5:
                    finished = self.start + rng.randrange(365 * DAY)
                    attempts.append(
                        (
                            None,
                            module,
                            branch_id,
                            user,
                            10,
                            10,
                            rng.randrange(11),
                            7,
                            finished - 600,
                            finished,
                        )
                    )
            self.insert("quiz_attempts", attempts)

    def _count_next(self, table: str) -> int:
        return self.counts.get(table, 0) + 1

    def upcoming(self, count: int) -> None:
        """Meetings still to come, each materialised with its owed sends (start-up load)."""
        branch_id, first = 1, (self.now // DAY + 7) * DAY
        for _ in range(count):
            meeting = self._count_next("meetings")
            occurrence = self._count_next("occurrences")
            starts = first + self.rng.randrange(60 * DAY)
            self.insert(
                "meetings",
                [
                    (
                        meeting,
                        branch_id,
                        "group",
                        "",
                        datetime.fromtimestamp(starts + 8 * 3600, UTC).strftime("%Y-%m-%dT%H:%M"),
                        ZONE,
                        None,
                        90,
                        "1440,60",
                        int(FOREVER.timestamp()),
                        None,
                        f"seed:{meeting}",
                        1_000_000,
                        self.now,
                    )
                ],
            )
            self.insert(
                "occurrences", [(occurrence, meeting, starts, starts + 5400, 0, 0, None, None)]
            )
            self.insert(
                "scheduled_sends",
                [
                    (
                        f"remind:{occurrence}:1440",
                        "remind",
                        occurrence,
                        starts - DAY,
                        "pending",
                        None,
                        None,
                        0,
                        None,
                        None,
                    ),
                    (
                        f"remind:{occurrence}:60",
                        "remind",
                        occurrence,
                        starts - 3600,
                        "pending",
                        None,
                        None,
                        0,
                        None,
                        None,
                    ),
                    (
                        f"open:{occurrence}",
                        "open",
                        occurrence,
                        starts - 900,
                        "pending",
                        None,
                        None,
                        0,
                        None,
                        None,
                    ),
                    (
                        f"close:{occurrence}",
                        "close",
                        occurrence,
                        starts + 5400,
                        "pending",
                        None,
                        None,
                        0,
                        None,
                        None,
                    ),
                ],
            )


def main() -> None:
    """Build the database and print what it holds."""
    args = _args()
    args.path.parent.mkdir(parents=True, exist_ok=True)
    if args.path.exists():
        raise SystemExit(f"{args.path} exists; remove it first")
    asyncio.run(_migrate(args.path))
    started = time.perf_counter()
    conn = sqlite3.connect(args.path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    rng = random.Random(args.seed)  # noqa: S311 - synthetic data, not secrets
    seeder = Seeder(conn, int(time.time()), rng)
    seeder.branch(1, args.big, 0.5)
    for branch_id in range(2, args.branches + 2):
        seeder.branch(branch_id, args.members, args.rate)
    seeder.upcoming(args.meetings)
    conn.execute("CREATE TABLE bench_seed (seeded_at INTEGER NOT NULL)")
    conn.execute("INSERT INTO bench_seed VALUES (?)", (seeder.now,))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    size = args.path.stat().st_size / 1e6
    print(f"seeded {args.path} in {time.perf_counter() - started:.0f} s, {size:.0f} MB")
    for table, count in sorted(seeder.counts.items()):
        print(f"  {table:16} {count:>10,}")


if __name__ == "__main__":
    main()

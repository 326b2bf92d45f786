"""Load data: a synthetic organisation with a year of history, written straight into SQLite.

Branches of ``--members`` members each, plus one branch of ``--big`` members; for each branch a
year of meetings (a monthly committee and group meeting, a quarterly lecture) closed with
attendance, daily check-ins (each member on a ``--rate`` share of days; the big branch on half),
two published modules with one finished attempt by half the members, and the points all that
earns. ``--meetings`` adds that many one-off meetings still to come (for the start-up figure).

    python -m bench.seed_data data/bench.sqlite3 [--branches 1000] [--members 100] [--big 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.meetings import FOREVER
from storage.db import Database

DAY = 86400
ZONE = "Asia/Shanghai"


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
        self.start = now - 365 * DAY
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
        self.insert(
            "users", [(u, f"成员{u}", None, None, "zh", None, None, now, 0) for u in members]
        )
        self.insert("memberships", [(branch_id, u, "member", 1, start, now) for u in members])
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
        rng = self.rng
        plan = (("committee", 30), ("group", 30), ("lecture", 91))
        for kind, every in plan:
            meeting_id = self._count_next("meetings")
            self.insert(
                "meetings",
                [
                    (
                        meeting_id,
                        branch_id,
                        kind,
                        "",
                        "2030-01-01T19:30",
                        ZONE,
                        None,
                        90,
                        "1440,60",
                        self.now,
                        None,
                        f"seed:{meeting_id}",
                        members[0],
                        self.start,
                    )
                ],
            )
            for starts in range(self.start + every * DAY, self.now, every * DAY):
                occurrence = self._count_next("occurrences")
                self.insert(
                    "occurrences",
                    [(occurrence, meeting_id, starts, starts + 5400, 0, 0, None, starts + 5400)],
                )
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
                        checkins.append((occurrence, user, starts + 60, late))
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
        branch_id, first = 1, self.now + 7 * DAY
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
                    ),
                    (
                        f"remind:{occurrence}:60",
                        "remind",
                        occurrence,
                        starts - 3600,
                        "pending",
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
                    ),
                    (
                        f"close:{occurrence}",
                        "close",
                        occurrence,
                        starts + 5400,
                        "pending",
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
    seeder = Seeder(conn, int(time.time()) // DAY * DAY, rng)
    seeder.branch(1, args.big, 0.5)
    for branch_id in range(2, args.branches + 2):
        seeder.branch(branch_id, args.members, args.rate)
    seeder.upcoming(args.meetings)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    size = args.path.stat().st_size / 1e6
    print(f"seeded {args.path} in {time.perf_counter() - started:.0f} s, {size:.0f} MB")
    for table, count in sorted(seeder.counts.items()):
        print(f"  {table:16} {count:>10,}")


if __name__ == "__main__":
    main()

"""SQL for the points ledger and the leaderboards."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.models import DISPLAY_NAME, to_epoch, to_epoch_end


class PointsRepo:
    """Points awarded per act; totals per member."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def award(
        self,
        *,
        branch_id: int,
        user_id: int,
        reason: str,
        source_key: str,
        points: int,
        local_date: str,
        daily_cap: int,
        now: datetime,
    ) -> int:
        """Credit an act once, within what the day's cap leaves; return the points credited.

        One statement: the day's total, the cap and the insert are read and written together.
        """
        row = await self._db.fetch_one(
            "INSERT INTO points (branch_id, user_id, reason, source_key, points, local_date,"  # noqa: S608
            " awarded_at)"
            " SELECT :b, :u, :reason, :key, credited, :day, :at FROM (SELECT"
            f"  {self._db.dialect.least}(:points, :cap - coalesce(sum(points), 0)) AS credited"
            "  FROM points"
            "  WHERE branch_id = :b AND user_id = :u AND local_date = :day) AS day_total"
            " WHERE credited > 0 ON CONFLICT (source_key) DO NOTHING RETURNING points",
            {
                "b": branch_id,
                "u": user_id,
                "reason": reason,
                "key": source_key,
                "day": local_date,
                "at": to_epoch(now),
                "points": points,
                "cap": daily_cap,
            },
        )
        return int(row[0]) if row else 0

    async def top(
        self, branch_id: int, since: datetime | None, limit: int, until: datetime | None = None
    ) -> list[tuple[str, int]]:
        """The members with most points in [since, until) (or ever), with their names.

        Only the branch's members count: not someone who left, was forgotten, or never
        belonged (points reached through a link or a button meant for others).
        """
        rows = await self._db.fetch_all(
            f"SELECT {DISPLAY_NAME}, sum(p.points) AS total"  # noqa: S608
            " FROM points p JOIN users u ON u.id = p.user_id AND u.forgotten = 0"
            " JOIN memberships m ON m.branch_id = p.branch_id AND m.user_id = p.user_id"
            " AND m.left_at IS NULL"
            " WHERE p.branch_id = ? AND p.awarded_at >= ? AND p.awarded_at < ?"
            " GROUP BY p.user_id, u.first_name, u.last_name"
            " ORDER BY total DESC, min(p.awarded_at), p.user_id LIMIT ?",
            (
                branch_id,
                to_epoch(since) if since else 0,
                to_epoch_end(until) if until else 2**62,
                limit,
            ),
        )
        return [(row[0], int(row[1])) for row in rows]

    async def total(self, branch_id: int, user_id: int, since: datetime | None) -> int:
        """A member's points since an instant (or ever)."""
        row = await self._db.fetch_one(
            "SELECT coalesce(sum(points), 0) FROM points"
            " WHERE branch_id = ? AND user_id = ? AND awarded_at >= ?",
            (branch_id, user_id, to_epoch(since) if since else 0),
        )
        return int(row[0]) if row else 0

    async def of_day(self, branch_id: int, user_id: int, local_date: str) -> dict[str, int]:
        """A member's points of one local day, by reason (the day the daily cap counts)."""
        rows = await self._db.fetch_all(
            "SELECT reason, sum(points) FROM points"
            " WHERE branch_id = ? AND user_id = ? AND local_date = ? GROUP BY reason",
            (branch_id, user_id, local_date),
        )
        return {row[0]: int(row[1]) for row in rows}

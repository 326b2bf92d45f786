"""SQL for daily check-ins and the daily check-in posts."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.models import to_epoch


class CheckinRepo:
    """Daily check-ins, keyed by branch, member and local date."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, branch_id: int, user_id: int, local_date: str, at: datetime) -> bool:
        """Record a day's check-in; False if the member had checked in that day already."""
        return bool(
            await self._db.execute(
                "INSERT INTO daily_checkins (branch_id, user_id, local_date, checked_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (branch_id, user_id, local_date, to_epoch(at)),
            )
        )

    async def recent_dates(self, branch_id: int, user_id: int, limit: int) -> list[str]:
        """The member's latest check-in dates, newest first."""
        rows = await self._db.fetch_all(
            "SELECT local_date FROM daily_checkins WHERE branch_id = ? AND user_id = ?"
            " ORDER BY local_date DESC LIMIT ?",
            (branch_id, user_id, limit),
        )
        return [row[0] for row in rows]

    async def count(self, branch_id: int, user_id: int) -> int:
        """How many days the member has checked in."""
        row = await self._db.fetch_one(
            "SELECT count(*) FROM daily_checkins WHERE branch_id = ? AND user_id = ?",
            (branch_id, user_id),
        )
        return int(row[0]) if row else 0

    async def claim_post(
        self, branch_id: int, local_date: str, owner: str, lease_until: datetime
    ) -> bool:
        """Claim the day's check-in post for ``owner``; False if it was claimed (or sent) before.

        A claim is never taken over, even once its lease ran out: the post may have arrived.
        """
        return bool(
            await self._db.execute(
                "INSERT INTO daily_posts (branch_id, local_date, state, claimed_by, lease_until)"
                " VALUES (?, ?, 'claimed', ?, ?) ON CONFLICT DO NOTHING",
                (branch_id, local_date, owner, to_epoch(lease_until)),
            )
        )

    async def release_post(self, branch_id: int, local_date: str, owner: str) -> None:
        """Give up ``owner``'s claim of the day's post, which provably did not go out."""
        await self._db.execute(
            "DELETE FROM daily_posts WHERE branch_id = ? AND local_date = ? AND state = 'claimed'"
            " AND claimed_by = ?",
            (branch_id, local_date, owner),
        )

    async def confirm_post(self, branch_id: int, local_date: str, message_id: int) -> None:
        """Record the day's post as sent."""
        await self._db.execute(
            "UPDATE daily_posts SET state = 'sent', message_id = ?"
            " WHERE branch_id = ? AND local_date = ?",
            (message_id, branch_id, local_date),
        )

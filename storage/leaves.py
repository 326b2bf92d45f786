"""SQL for answers to reminders and leave requests."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.models import to_epoch


@dataclass(frozen=True)
class Leave:
    """A member's request to be excused from an occurrence."""

    id: int
    occurrence_id: int
    user_id: int
    reason: str
    status: str


class LeaveRepo:
    """RSVPs and leave requests."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def answer(self, occurrence_id: int, user_id: int, answer: str, at: datetime) -> None:
        """Record (or change) a member's answer to a reminder."""
        await self._db.execute(
            "INSERT INTO rsvps (occurrence_id, user_id, answer, answered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET answer = excluded.answer,"
            " answered_at = excluded.answered_at",
            (occurrence_id, user_id, answer, to_epoch(at)),
        )

    async def going(self, occurrence_ids: Collection[int]) -> list[tuple[int, int]]:
        """(occurrence, user) of everyone who answered a reminder of these occurrences "going"."""
        marks = ",".join("?" * len(occurrence_ids))
        rows = await self._db.fetch_all(
            "SELECT occurrence_id, user_id FROM rsvps"  # noqa: S608 - placeholders only
            f" WHERE answer = 'going' AND occurrence_id IN ({marks})"
            " ORDER BY occurrence_id, user_id",
            tuple(occurrence_ids),
        )
        return [(row[0], row[1]) for row in rows]

    async def unanswered(self, occurrence_id: int, branch_id: int) -> list[int]:
        """Roster members who have not answered the occurrence's reminders."""
        rows = await self._db.fetch_all(
            "SELECT ms.user_id FROM memberships ms LEFT JOIN rsvps r"
            " ON r.occurrence_id = ? AND r.user_id = ms.user_id"
            " WHERE ms.branch_id = ? AND ms.on_roster = 1 AND r.user_id IS NULL"
            " ORDER BY ms.user_id",
            (occurrence_id, branch_id),
        )
        return [row[0] for row in rows]

    async def request(self, occurrence_id: int, user_id: int, reason: str, at: datetime) -> Leave:
        """Ask to be excused; a pending request gets the new reason, a decided one is kept."""
        await self._db.execute(
            "INSERT INTO leaves (occurrence_id, user_id, reason, requested_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (occurrence_id, user_id) DO UPDATE SET reason = excluded.reason,"
            " requested_at = excluded.requested_at WHERE leaves.status = 'pending'",
            (occurrence_id, user_id, reason, to_epoch(at)),
        )
        leave = await self.of(occurrence_id, user_id)
        if leave is None:
            raise LookupError("leave vanished")
        return leave

    async def of(self, occurrence_id: int, user_id: int) -> Leave | None:
        """A member's leave request for an occurrence."""
        row = await self._db.fetch_one(
            "SELECT id, occurrence_id, user_id, reason, status FROM leaves"
            " WHERE occurrence_id = ? AND user_id = ?",
            (occurrence_id, user_id),
        )
        return Leave(*row) if row else None

    async def get(self, leave_id: int) -> Leave | None:
        """A leave request by id."""
        row = await self._db.fetch_one(
            "SELECT id, occurrence_id, user_id, reason, status FROM leaves WHERE id = ?",
            (leave_id,),
        )
        return Leave(*row) if row else None

    async def decide(self, leave_id: int, status: str, by: int, at: datetime) -> bool:
        """Approve or decline a pending request; False if it was decided already."""
        return bool(
            await self._db.execute(
                "UPDATE leaves SET status = ?, decided_by = ?, decided_at = ?"
                " WHERE id = ? AND status = 'pending'",
                (status, by, to_epoch(at), leave_id),
            )
        )

    async def excuse_if_absent(self, occurrence_id: int, user_id: int) -> None:
        """After an approval following the close: an absent row becomes excused."""
        await self._db.execute(
            "UPDATE attendance SET status = 'excused'"
            " WHERE occurrence_id = ? AND user_id = ? AND status = 'absent'",
            (occurrence_id, user_id),
        )

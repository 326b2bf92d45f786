"""SQL for answers to reminders and leave requests."""

from __future__ import annotations

import json
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
    decided_by: int | None = None


class LeaveRepo:
    """RSVPs and leave requests."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def answer(self, occurrence_id: int, user_id: int, answer: str, at: datetime) -> None:
        """Record (or change) a member's answer to a reminder."""
        await self._db.execute(
            "INSERT INTO rsvps (occurrence_id, user_id, answer, answered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (occurrence_id, user_id) DO UPDATE SET answer = excluded.answer,"
            " answered_at = excluded.answered_at",
            (occurrence_id, user_id, answer, to_epoch(at)),
        )

    async def going(self, occurrence_ids: Collection[int]) -> list[tuple[int, int]]:
        """(occurrence, user) of everyone who answered a reminder of these occurrences "going"."""
        rows = await self._db.fetch_all(
            "SELECT occurrence_id, user_id FROM rsvps"  # noqa: S608 - a dialect clause
            f" WHERE answer = 'going' AND occurrence_id IN ({self._db.dialect.json_ids})"
            " ORDER BY occurrence_id, user_id",
            (json.dumps(list(occurrence_ids)),),
        )
        return [(row[0], row[1]) for row in rows]

    async def unanswered(
        self,
        occurrence_id: int,
        branch_id: int,
        *,
        committee_only: bool = False,
        secretaries: Collection[int] = (),
    ) -> list[int]:
        """Expected roster members who have not answered the occurrence's reminders.

        For a committee meeting (``committee_only``): its committee members and secretaries
        (granted, or ``secretaries``).
        """
        rows = await self._db.fetch_all(
            "SELECT ms.user_id FROM memberships ms LEFT JOIN rsvps r"  # noqa: S608
            " ON r.occurrence_id = ? AND r.user_id = ms.user_id"
            " WHERE ms.branch_id = ? AND ms.on_roster = 1 AND r.user_id IS NULL"
            " AND (? = 0 OR ms.role IN ('committee', 'secretary')"
            f" OR ms.user_id IN ({self._db.dialect.json_ids}))"
            " ORDER BY ms.user_id",
            (occurrence_id, branch_id, int(committee_only), json.dumps(sorted(secretaries))),
        )
        return [row[0] for row in rows]

    async def request(self, occurrence_id: int, user_id: int, reason: str, at: datetime) -> Leave:
        """Ask to be excused; a decided request is kept.

        A pending or withdrawn one gets the new reason and is pending.
        """
        await self._db.execute(
            "INSERT INTO leaves (occurrence_id, user_id, reason, requested_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (occurrence_id, user_id) DO UPDATE SET reason = excluded.reason,"
            " requested_at = excluded.requested_at, status = 'pending'"
            " WHERE leaves.status IN ('pending', 'withdrawn')",
            (occurrence_id, user_id, reason, to_epoch(at)),
        )
        leave = await self.of(occurrence_id, user_id)
        if leave is None:
            raise LookupError("leave vanished")
        return leave

    async def of(self, occurrence_id: int, user_id: int) -> Leave | None:
        """A member's leave request for an occurrence."""
        row = await self._db.fetch_one(
            "SELECT id, occurrence_id, user_id, reason, status, decided_by FROM leaves"
            " WHERE occurrence_id = ? AND user_id = ?",
            (occurrence_id, user_id),
        )
        return Leave(*row) if row else None

    async def get(self, leave_id: int) -> Leave | None:
        """A leave request by id."""
        row = await self._db.fetch_one(
            "SELECT id, occurrence_id, user_id, reason, status, decided_by FROM leaves"
            " WHERE id = ?",
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

    async def withdraw(self, leave_id: int, at: datetime) -> bool:
        """Withdraw a pending request; False if it was decided or withdrawn already."""
        return bool(
            await self._db.execute(
                "UPDATE leaves SET status = 'withdrawn', decided_at = ?"
                " WHERE id = ? AND status = 'pending'",
                (to_epoch(at), leave_id),
            )
        )

    async def pending_of(self, user_id: int) -> list[Leave]:
        """A member's pending requests."""
        rows = await self._db.fetch_all(
            "SELECT id, occurrence_id, user_id, reason, status, decided_by FROM leaves"
            " WHERE user_id = ? AND status = 'pending' ORDER BY id",
            (user_id,),
        )
        return [Leave(*row) for row in rows]

    async def pending(self, branch_ids: list[int]) -> list[Leave]:
        """The pending requests of the branches' occurrences, soonest occurrence first."""
        rows = await self._db.fetch_all(
            "SELECT l.id, l.occurrence_id, l.user_id, l.reason, l.status, l.decided_by"  # noqa: S608
            " FROM leaves l"
            " JOIN occurrences o ON o.id = l.occurrence_id JOIN meetings m ON m.id = o.meeting_id"
            f" WHERE l.status = 'pending' AND m.branch_id IN ({self._db.dialect.json_ids})"
            " ORDER BY o.starts_at, l.id",
            (json.dumps(branch_ids),),
        )
        return [Leave(*row) for row in rows]

    async def add_copy(self, leave_id: int, chat_id: int, message_id: int) -> None:
        """Record a secretary's copy of a request, to show its outcome there later."""
        await self._db.execute(
            "INSERT INTO leave_copies (leave_id, chat_id, message_id) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (leave_id, chat_id, message_id),
        )

    async def copies(self, leave_id: int) -> list[tuple[int, int]]:
        """The (chat, message) of every secretary's copy of a request."""
        rows = await self._db.fetch_all(
            "SELECT chat_id, message_id FROM leave_copies WHERE leave_id = ?"
            " ORDER BY chat_id, message_id",
            (leave_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def add_prompt(self, user_id: int, message_id: int, occurrence_id: int) -> None:
        """Record a reason prompt sent to a member privately, and the occurrence it asks about."""
        await self._db.execute(
            "INSERT INTO leave_prompts (user_id, message_id, occurrence_id) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, message_id) DO UPDATE"
            " SET occurrence_id = excluded.occurrence_id",
            (user_id, message_id, occurrence_id),
        )

    async def prompted(self, user_id: int, message_id: int) -> int | None:
        """The occurrence a member's reason prompt asks about; None if it is not one (or used)."""
        row = await self._db.fetch_one(
            "SELECT occurrence_id FROM leave_prompts WHERE user_id = ? AND message_id = ?",
            (user_id, message_id),
        )
        return row[0] if row else None

    async def drop_prompts(self, user_id: int, occurrence_id: int) -> list[int]:
        """A member's reason prompts about an occurrence, answered: none is answered twice.

        Returns:
            The message ids of the prompts dropped.
        """
        rows = await self._db.fetch_all(
            "SELECT message_id FROM leave_prompts WHERE user_id = ? AND occurrence_id = ?",
            (user_id, occurrence_id),
        )
        await self._db.execute(
            "DELETE FROM leave_prompts WHERE user_id = ? AND occurrence_id = ?",
            (user_id, occurrence_id),
        )
        return [row[0] for row in rows]

    async def excuse_if_absent(self, occurrence_id: int, user_id: int) -> None:
        """After an approval following the close: an absent row becomes excused."""
        await self._db.execute(
            "UPDATE attendance SET status = 'excused'"
            " WHERE occurrence_id = ? AND user_id = ? AND status = 'absent'",
            (occurrence_id, user_id),
        )
